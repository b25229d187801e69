"""The audit trail in the back office (read-only), and the mixin that audits admin edits.

Every ModelAdmin of the project inherits `AuditedModelAdmin` (a test checks
it): additions, changes and deletions made in /admin/ are recorded with the
object's fields before and after, in the same transaction as the edit.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from audit.services import audit_record, audit_snapshot


class AuditedModelAdmin(admin.ModelAdmin):
    """Records admin additions, changes and deletions in the audit trail.

    The "before" picture is taken when the admin loads the object for the
    change form (get_object); "after" once the form and its related objects
    (many-to-many: groups, permissions) are saved, where Django writes its
    own LogEntry. `audited_by_service` names the actions ("add", "change")
    whose save goes through a service that records its own entry.
    """

    audited_by_service: frozenset[str] = frozenset()

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            request.__dict__.setdefault("_audit_before", {})[(obj._meta.label_lower, str(obj.pk))] = audit_snapshot(
                obj
            )
        return obj

    def _before(self, request: HttpRequest, obj: models.Model) -> dict[str, Any] | None:
        return request.__dict__.get("_audit_before", {}).get((obj._meta.label_lower, str(obj.pk)))

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any):
        entry = super().log_addition(request, obj, message)
        if "add" in self.audited_by_service:
            return entry
        audit_record(
            action="admin.add", target=obj, actor=request.user, summary=str(obj), after=audit_snapshot(obj)
        )
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any):
        entry = super().log_change(request, obj, message)
        if "change" in self.audited_by_service:
            return entry
        audit_record(
            action="admin.change",
            target=obj,
            actor=request.user,
            summary=f"{obj}: {entry.get_change_message()}" if entry else str(obj),
            before=self._before(request, obj),
            after=audit_snapshot(obj),
        )
        return entry

    def log_deletions(self, request: HttpRequest, queryset: models.QuerySet):
        # Called before the objects are deleted: they can still be read.
        for obj in queryset:
            audit_record(
                action="admin.delete", target=obj, actor=request.user, summary=str(obj), before=audit_snapshot(obj)
            )
        return super().log_deletions(request, queryset)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Browse and search the trail; nobody adds, changes or deletes here."""

    list_display = ["seq", "at", "actor", "ip", "action", "target", "summary_short"]
    list_filter = ["action", "at"]
    search_fields = ["=actor", "=target_id", "=ip", "summary", "action"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False
    fields = [
        "seq",
        "at",
        "actor",
        "actor_id",
        "ip",
        "channel",
        "action",
        "target_type",
        "target_id",
        "summary",
        "before_pretty",
        "after_pretty",
        "prev_hash",
        "hash",
    ]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    @admin.display(description=_("object"))
    def target(self, entry: AuditEntry) -> str:
        return f"{entry.target_type}:{entry.target_id}" if entry.target_type else ""

    @admin.display(description=_("what"))
    def summary_short(self, entry: AuditEntry) -> str:
        return entry.summary if len(entry.summary) <= 120 else entry.summary[:119] + "…"

    @admin.display(description=_("before"))
    def before_pretty(self, entry: AuditEntry) -> str:
        return _pretty(entry.before)

    @admin.display(description=_("after"))
    def after_pretty(self, entry: AuditEntry) -> str:
        return _pretty(entry.after)


def _pretty(data: Any) -> str:
    if data is None:
        return "—"
    return format_html("<pre>{}</pre>", json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True))
