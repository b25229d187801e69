"""The audit trail: one append-only, hash-chained row per staff action or data change.

Each entry carries the hash of the one before it (`prev_hash`) and its own
hash over its content and that link (`audit.chain`), so that changing,
removing or reordering any entry breaks the chain from there on
(`manage.py verify_audit`). On PostgreSQL a trigger refuses UPDATE, DELETE
and TRUNCATE of the table (migration 0002); the application only ever
inserts, through `audit.services.audit_record`.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    # Position in the chain: 1, 2, 3 … with no gap (a gap is a removed entry).
    seq = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    at = models.DateTimeField(_("when"), editable=False)
    # No foreign key: entries outlive accounts and must never be deleted or
    # changed by a cascade. The name is kept as it was at the time.
    actor_id = models.BigIntegerField(_("account id"), null=True, blank=True, editable=False)
    actor = models.CharField(_("who"), max_length=150, editable=False)
    ip = models.GenericIPAddressField(_("from address"), null=True, blank=True, editable=False)
    channel = models.CharField(_("through"), max_length=300, blank=True, editable=False)
    action = models.CharField(_("action"), max_length=80, editable=False)
    target_type = models.CharField(_("object type"), max_length=100, blank=True, editable=False)
    target_id = models.CharField(_("object id"), max_length=64, blank=True, editable=False)
    summary = models.TextField(_("what"), blank=True, editable=False)
    before = models.JSONField(_("before"), null=True, blank=True, editable=False)
    after = models.JSONField(_("after"), null=True, blank=True, editable=False)
    prev_hash = models.CharField(_("hash of the previous entry"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-seq"]
        # Read-only by design: no add/change/delete permission exists to grant.
        default_permissions = ("view",)
        indexes = [
            # The admin's "what happened to this object" search.
            models.Index(fields=["target_type", "target_id"], name="audit_target_idx"),
            # The admin's filters: by account and by time.
            models.Index(fields=["actor_id"], name="audit_actor_idx"),
            models.Index(fields=["at"], name="audit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"
