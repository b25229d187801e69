"""API keys, email alerts, webhooks and open-data files.

Everything here is delivery state around the disclosed data; the data itself
and the change feed live in `disclosure`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiKey(models.Model):
    """A key for an authorised operator (授权运营) of the public data.

    Only a SHA-256 hash of the key is stored; staff see the key once, when it
    is issued in the back office. `prefix` (the part before the dot) finds the
    row without comparing hashes of every key.
    """

    name = models.CharField(_("name"), max_length=200, help_text=_("The organisation the key is issued to."))
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, editable=False)
    daily_quota = models.PositiveIntegerField(
        _("daily quota"), default=100_000, help_text=_("Requests per day (Beijing time) before 429.")
    )
    usage_count = models.PositiveBigIntegerField(_("requests made"), default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(pgettext_lazy("api key", "issued at"), auto_now_add=True)
    created_by = models.CharField(_("issued by"), max_length=150, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiKeyDailyUsage(models.Model):
    """Requests of one key on one Beijing day: the per-key quota counter."""

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="daily_usage")
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("requests"), default=0)

    class Meta:
        verbose_name = _("daily usage")
        verbose_name_plural = _("daily usage")
        constraints = [models.UniqueConstraint(fields=["api_key", "day"], name="apikey_usage_one_row_per_day")]

    def __str__(self) -> str:
        return f"{self.api_key_id} {self.day}: {self.count}"


class FeedWatermark(models.Model):
    """Singleton: the last Beijing day whose date-driven changes (expiries,
    decision dates arriving) have been written as disclosure events.

    Locked with select_for_update while materialising, so that concurrent
    polls do not scan the same days twice (the unique constraints on
    DisclosureEvent make a second scan harmless anyway).
    """

    materialised_through = models.DateField(_("materialised through"), null=True)

    class Meta:
        verbose_name = _("change feed watermark")
        verbose_name_plural = _("change feed watermark")

    def __str__(self) -> str:
        return f"materialised through {self.materialised_through}"


class FeedPosition(models.Model):
    """Abstract: a consumer's position in the change feed, (txid, event id)."""

    feed_txid = models.BigIntegerField(default=0, editable=False)
    feed_event_id = models.BigIntegerField(default=0, editable=False)

    class Meta:
        abstract = True


class Subscription(FeedPosition):
    """An e-mail alert about one subject (double opt-in).

    The alert goes out for the subject's change-feed events after the
    position stored here, which starts at the feed's head on confirmation.
    """

    email = models.EmailField(_("e-mail address"))
    subject = models.ForeignKey("disclosure.Subject", on_delete=models.CASCADE, related_name="subscriptions")
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    created_at = models.DateTimeField(_("subscribed at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("last alert sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail subscription")
        verbose_name_plural = _("e-mail subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["email", "subject"], name="subscription_one_per_email_and_subject"),
        ]
        indexes = [
            # send_alerts: confirmed, still subscribed.
            models.Index(
                fields=["subject"],
                condition=Q(confirmed_at__isnull=False, unsubscribed_at__isnull=True),
                name="subscription_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.subject_id}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class Webhook(FeedPosition):
    """An endpoint of an API-key holder that receives change-feed events.

    `secret` signs each delivery (HMAC-SHA256); it has to be kept in clear
    text because the portal computes the signature.
    """

    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=64, editable=False)
    active = models.BooleanField(pgettext_lazy("webhook", "active"), default=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One change-feed event to one webhook, with its retry state."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed (gave up)")

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("disclosure.DisclosureEvent", on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    # A worker owns a delivery until this moment (compare-and-set claim).
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="delivery_one_per_webhook_and_event"),
        ]
        indexes = [
            # deliver_webhooks: pending deliveries that are due, oldest first.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="delivery_pending_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.webhook_id}:{self.event_id} {self.status}"


class OpenDataFile(FeedPosition):
    """A file written by `export_open_data`, listed on /open-data/.

    For a delta file the feed position is where it ends: the next delta
    starts there, so consecutive deltas hold every change exactly once.
    """

    class Kind(models.TextChoices):
        FULL = "full", _("Full dataset")
        DELTA = "delta", _("Daily changes")
        INDEX = "index", _("Checksums and terms of use")

    name = models.CharField(_("file name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    file_format = models.CharField(_("format"), max_length=8)
    day = models.DateField(pgettext_lazy("open data", "as of"))
    rows = models.PositiveIntegerField(_("rows"))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    # Set when a newer export replaces the file (an earlier full snapshot):
    # the file is deleted and its URL answers 410 Gone, so that nothing that
    # has stopped being disclosed stays downloadable.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("open-data file")
        verbose_name_plural = _("open-data files")
        ordering = ["-day", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def path(self):
        return settings.OPEN_DATA_DIR / self.name


def beijing_midnight_after(day: dt.date) -> dt.datetime:
    from disclosure.periods import BEIJING

    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=BEIJING)
