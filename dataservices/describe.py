"""Human wording of change-feed items (Atom feed, e-mail alerts, /check/)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from disclosure import feed

REASONS = {
    "expired": gettext_lazy("its disclosure period ended"),
    "repaired": gettext_lazy("credit repair"),
    "revoked": gettext_lazy("revoked by the authority"),
    "corrected": gettext_lazy("corrected after an objection"),
    "court_decision": gettext_lazy("court decision"),
    "shielded": gettext_lazy("temporarily shielded during bankruptcy restructuring"),
    "restored": gettext_lazy("disclosure restored"),
}


def reason_text(reason: str) -> str:
    return str(REASONS.get(reason, reason))


def describe_item(item: feed.FeedItem, *, detail: bool = False) -> str:
    """One line about the change; content only while it is disclosed."""
    if item.record is not None:
        what = _("%(category)s %(document)s") % {
            "category": item.record.category.name,
            "document": item.record.document_no,
        }
    elif item.listing is not None:
        what = _("Listed on %(list)s") % {"list": item.listing.credit_list.name}
    elif item.kind == "record":
        what = _("A record")
    else:
        what = _("A list entry")
    if not item.disclosed:
        line = _("%(what)s is no longer disclosed") % {"what": what}
        if item.reason:
            line += _(" (reason: %(reason)s)") % {"reason": reason_text(item.reason)}
        return line
    if item.action == "changed":
        line = _("%(what)s was changed") % {"what": what}
    else:
        line = _("%(what)s is disclosed") % {"what": what}
    if detail and item.record is not None:
        line += " — " + _("decided on %(date)s by %(authority)s, disclosed until %(until)s") % {
            "date": item.record.decided_on.isoformat(),
            "authority": item.record.authority.name,
            "until": item.record.disclosure_until.isoformat() if item.record.disclosure_until else _("while valid"),
        }
    return line
