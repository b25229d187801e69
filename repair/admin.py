"""Read-only admin views of cases: the status changes only through
repair.services.case_transition() (the back office at /office/), never here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from repair.models import Case, CaseEvent, CaseItem, Evidence, OfficialDay, OfficialYear


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class CaseItemInline(ReadOnlyInline):
    model = CaseItem
    fields = ["record", "listing", "open"]
    readonly_fields = fields


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["original_name", "content_type", "size", "uploaded_at"]
    readonly_fields = fields


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "actor", "old_status", "new_status", "note"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(AuditedModelAdmin):
    list_display = ["tracking_no", "kind", "subject", "authority", "status", "submitted_at", "feedback_due"]
    list_filter = ["kind", "status", "authority"]
    search_fields = ["=tracking_no", "subject__name", "=subject__uscc"]
    readonly_fields = [field.name for field in Case._meta.fields]
    inlines = [CaseItemInline, EvidenceInline, CaseEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Viewing only: every field is read-only and there is no save.
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class OfficialDayInline(ReadOnlyInline):
    model = OfficialDay
    fields = ["date", "kind"]
    readonly_fields = fields


@admin.register(OfficialYear)
class OfficialYearAdmin(AuditedModelAdmin):
    """Entered through /office/calendar/ so that open deadlines are recomputed."""

    list_display = ["year", "source", "entered_by", "entered_at"]
    readonly_fields = ["year", "source", "entered_by", "entered_at"]
    inlines = [OfficialDayInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
