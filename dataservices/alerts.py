"""E-mail alerts about a subject: double opt-in, one-click unsubscribe.

Tokens are signed with SECRET_KEY (django.core.signing), so no token table
is needed: a confirmation link is valid for CONFIRM_MAX_AGE, an unsubscribe
link for as long as the subscription exists. Alerts are sent by
`manage.py send_alerts` (cron, e.g. every 10 minutes); it is re-runnable and
safe to run twice at once: a subscription's feed position is advanced with
a compare-and-set before its message is sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from creditportal.mail_limits import mail_allowed
from dataservices.models import Subscription
from disclosure import feed
from disclosure.models import Subject

logger = logging.getLogger(__name__)

CONFIRM_SALT = "dataservices.subscription.confirm"
UNSUBSCRIBE_SALT = "dataservices.subscription.unsubscribe"
CONFIRM_MAX_AGE = 3 * 24 * 3600
CONFIRM_RESEND_SECONDS = 600


class InvalidToken(Exception):
    pass


def _url(name: str, token: str) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"token": token})


def confirm_url(subscription: Subscription) -> str:
    return _url("dataservices:subscription-confirm", signing.dumps(subscription.pk, salt=CONFIRM_SALT))


def unsubscribe_url(subscription: Subscription) -> str:
    return _url("dataservices:unsubscribe", signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(subscription.pk)))


def _send(*, to: str, subject_line: str, template: str, context: dict, language: str, headers: dict | None = None):
    with translation.override(language):
        text = render_to_string(f"dataservices/email/{template}.txt", context)
        subject_line = str(subject_line)
    message = EmailMultiAlternatives(subject_line, text, settings.DEFAULT_FROM_EMAIL, [to], headers=headers or {})
    message.send()


def subscription_request(*, email: str, subject: Subject, language: str = "zh-hans") -> Subscription:
    """Ask for an alert; a confirmation message goes out after the commit.

    Asking again re-sends the confirmation while unconfirmed, and re-opens a
    cancelled subscription (confirmation needed again). An active one is
    left alone, and the answer is the same, so nobody learns who follows what.
    """
    email = email.strip().lower()
    with transaction.atomic():
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            email=email, subject=subject, defaults={"language": language}
        )
        if subscription.is_active:
            return subscription
        if subscription.unsubscribed_at is not None:
            subscription.unsubscribed_at = None
            subscription.confirmed_at = None
        subscription.language = language
        subscription.save()
        # At most one confirmation per address and subject every 10 minutes,
        # and a few per address and hour over all subjects: the form must not
        # become a way to flood someone's mailbox.
        if caches["shared"].add(f"dataservices:confirm:{subscription.pk}", True, CONFIRM_RESEND_SECONDS) and mail_allowed(
            address=email, kind="alert-confirmation"
        ):
            transaction.on_commit(lambda: _send_confirmation(subscription))
    return subscription


def _send_confirmation(subscription: Subscription) -> None:
    from django.utils.translation import gettext as _

    with translation.override(subscription.language):
        line = _("Confirm your alerts about %(name)s") % {"name": subscription.subject.name}
    _send(
        to=subscription.email,
        subject_line=line,
        template="confirm",
        context={"subscription": subscription, "confirm_url": confirm_url(subscription), "site_url": settings.SITE_URL},
        language=subscription.language,
    )


def subscription_confirm(*, token: str) -> Subscription:
    """Confirm (idempotent). Alerts cover changes committed from now on."""
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature as exc:
        raise InvalidToken(str(exc)) from None
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(pk=pk).first()
        if subscription is None:
            raise InvalidToken("no such subscription")
        if subscription.confirmed_at is None:
            subscription.confirmed_at = timezone.now()
            subscription.unsubscribed_at = None
            subscription.feed_txid, subscription.feed_event_id = feed.head()
            subscription.save()
    return subscription


def subscription_from_unsubscribe_token(token: str) -> Subscription:
    try:
        pk = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        raise InvalidToken("bad unsubscribe token") from None
    subscription = Subscription.objects.select_related("subject").filter(pk=pk).first()
    if subscription is None:
        raise InvalidToken("no such subscription")
    return subscription


def subscription_cancel(*, token: str) -> Subscription:
    """One-click unsubscribe (idempotent)."""
    subscription = subscription_from_unsubscribe_token(token)
    Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(unsubscribed_at=timezone.now())
    subscription.refresh_from_db()
    return subscription


@dataclass
class AlertRun:
    messages: int = 0
    skipped: int = 0


def alerts_send(*, limit: int = 50) -> AlertRun:
    """Send one message per subscription with new public events."""
    from django.utils.translation import gettext as _

    run = AlertRun()
    feed.materialise_calendar_events()
    active = Subscription.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True).select_related(
        "subject"
    )
    for subscription in active.order_by("pk").iterator():
        old = (subscription.feed_txid, subscription.feed_event_id)
        page = feed.changes(after=old, limit=limit, subject_id=subscription.subject_id, materialise=False)
        if page.position == old:
            continue
        # Compare-and-set: only the run that moves the position sends.
        moved = Subscription.objects.filter(pk=subscription.pk, feed_txid=old[0], feed_event_id=old[1]).update(
            feed_txid=page.position[0], feed_event_id=page.position[1], last_sent_at=timezone.now()
        )
        if moved != 1:
            run.skipped += 1
            continue
        if not page.items:
            continue
        unsubscribe = unsubscribe_url(subscription)
        with translation.override(subscription.language):
            line = _("Changes to what is disclosed about %(name)s") % {"name": subscription.subject.name}
        try:
            _send(
                to=subscription.email,
                subject_line=line,
                template="alert",
                context={
                    "subscription": subscription,
                    "subject": subscription.subject,
                    "items": page.items,
                    "unsubscribe_url": unsubscribe,
                    "site_url": settings.SITE_URL,
                },
                language=subscription.language,
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        except Exception:
            # Put the position back so that the next run tries again.
            Subscription.objects.filter(
                pk=subscription.pk, feed_txid=page.position[0], feed_event_id=page.position[1]
            ).update(feed_txid=old[0], feed_event_id=old[1])
            logger.exception("alert to subscription %s failed", subscription.pk)
            continue
        run.messages += 1
    return run
