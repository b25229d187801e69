"""The back office for the disclosed data.

Every change that can change what is disclosed goes through
disclosure.services, which writes the event rows agencies rely on (期限一致):
adding a record or listing, changing a listing, a list's or a category's
rules. Disclosure state (ended, exited, derived dates) is read-only here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedModelAdmin
from disclosure import services
from disclosure.models import (
    Authority,
    Category,
    CreditList,
    DisclosureEvent,
    EndReason,
    ExitReason,
    ImportRun,
    Listing,
    Record,
    Shield,
    Subject,
    SubjectFormerName,
)


class FormerNameInline(admin.TabularInline):
    model = SubjectFormerName
    extra = 0
    readonly_fields = ["name", "replaced_at"]
    can_delete = False


@admin.register(Subject)
class SubjectAdmin(AuditedModelAdmin):
    list_display = ["name", "uscc", "subject_type", "region_code", "legal_representative", "updated_at"]
    list_filter = ["subject_type"]
    search_fields = ["=uscc", "name", "search_name", "former_names__name"]
    readonly_fields = ["public_key", "search_name", "created_at", "updated_at"]
    inlines = [FormerNameInline]


@admin.register(Authority)
class AuthorityAdmin(AuditedModelAdmin):
    list_display = ["name", "region_code", "created_at"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name",
        "polarity",
        "repairable",
        "minor_disclosed",
        "general_min_months",
        "general_max_months",
        "serious_min_months",
        "serious_max_months",
    ]
    list_filter = ["polarity", "repairable"]
    search_fields = ["code", "name", "name_en"]
    audited_by_service = frozenset({"change"})

    def get_readonly_fields(self, request: HttpRequest, obj: Category | None = None) -> list[str]:
        # The code is in URLs, imports and the API; polarity decides whether
        # records are negative: neither changes under existing records.
        return ["code", "polarity"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Category | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Category, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Periods changed: recompute every record of the category through the
        # service, so that the stored dates and the change feed stay right.
        rules = {field: form.cleaned_data[field] for field in form.changed_data}
        updated = services.category_update_rules(category=obj, actor=request.user.get_username(), **rules)
        self.message_user(request, _("%(count)d records now follow the new rules.") % {"count": updated})


@admin.register(Record)
class RecordAdmin(AuditedModelAdmin):
    list_display = [
        "document_no",
        "subject",
        "category",
        "severity",
        "decided_on",
        "disclosure_until",
        "repairable_from",
        "ended_on",
        "end_reason",
        "source",
    ]
    list_filter = ["category", "severity", "end_reason", "source"]
    search_fields = ["document_no", "=subject__uscc", "subject__name", "=source_id"]
    date_hierarchy = "decided_on"
    list_select_related = ["subject", "category"]
    raw_id_fields = ["subject", "authority", "import_run"]
    readonly_fields = [
        "publishable",
        "disclosure_until",
        "repairable_from",
        "ended_on",
        "end_reason",
        "arrived_at",
        "import_run",
        "created_at",
        "updated_at",
    ]
    actions = ["end_as_revoked"]

    def has_delete_permission(self, request: HttpRequest, obj: Record | None = None) -> bool:
        # History is kept: disclosure ends through a reason, never a delete.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Record | None = None) -> list[str]:
        # An existing record's content changes only through a correction
        # (objection workflow), which keeps the previous version as history.
        if obj is not None:
            return [f.name for f in Record._meta.fields]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Record, form, change: bool) -> None:
        if change:
            # Every field of an existing record is read-only: its content
            # changes only through a correction (objection workflow).
            return
        # The service derives the dates and writes the "created" event.
        services.record_publish(record=obj, actor=request.user.get_username(), note="back office")

    @admin.action(description=_("End disclosure: revoked by the authority"), permissions=["change"])
    def end_as_revoked(self, request: HttpRequest, queryset: QuerySet[Record]) -> None:
        for record in queryset:
            services.record_end_disclosure(record=record, reason=EndReason.REVOKED, actor=request.user.get_username())
        self.message_user(request, _("Disclosure ended."), messages.SUCCESS)


class CreditListForm(forms.ModelForm):
    class Meta:
        model = CreditList
        fields = [
            "code",
            "name",
            "name_en",
            "polarity",
            "legal_basis",
            "exit_rules",
            "repairable",
            "repair_min_months",
            "max_months",
            "max_months_basis",
            "exit_at_ban_end",
            "ordering",
        ]

    def clean(self):
        data = super().clean()
        if self.instance.pk and "max_months" in self.changed_data and "max_months_basis" not in self.changed_data:
            self.add_error("max_months_basis", _("Record the legal basis of the new maximum period."))
        return data


@admin.register(CreditList)
class CreditListAdmin(AuditedModelAdmin):
    form = CreditListForm
    list_display = ["code", "name", "polarity", "repairable", "repair_min_months", "max_months", "exit_at_ban_end"]
    audited_by_service = frozenset({"change"})
    search_fields = ["code", "name", "name_en"]

    def get_readonly_fields(self, request: HttpRequest, obj: CreditList | None = None) -> list[str]:
        return ["code", "polarity"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: CreditList | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CreditList, form, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        rules = {f: form.cleaned_data[f] for f in form.changed_data if f != "max_months_basis"}
        updated = services.credit_list_update_rules(
            credit_list=obj,
            actor=request.user.get_username(),
            basis=form.cleaned_data.get("max_months_basis", ""),
            **rules,
        )
        self.message_user(request, _("%(count)d listings now follow the new rules.") % {"count": updated})


@admin.register(Listing)
class ListingAdmin(AuditedModelAdmin):
    list_display = [
        "subject",
        "credit_list",
        "entered_on",
        "planned_exit_on",
        "exited_on",
        "exit_reason",
        "source",
    ]
    list_filter = ["credit_list", "exit_reason"]
    search_fields = ["=subject__uscc", "subject__name", "document_no", "=source_id"]
    date_hierarchy = "entered_on"
    list_select_related = ["subject", "credit_list"]
    raw_id_fields = ["subject", "authority", "import_run"]
    readonly_fields = [
        "disclosure_until",
        "exited_on",
        "exit_reason",
        "arrived_at",
        "import_run",
        "created_at",
        "updated_at",
    ]
    actions = ["exit_as_revoked"]

    def has_delete_permission(self, request: HttpRequest, obj: Listing | None = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Listing | None = None) -> list[str]:
        if obj is not None:
            # Who is listed and where it came from do not change; the rest
            # changes through listing_update, which writes the event.
            return [*self.readonly_fields, "subject", "source", "source_id", "extra"]
        return self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Listing, form, change: bool) -> None:
        actor = request.user.get_username()
        if not change:
            services.listing_publish(listing=obj, actor=actor, note="back office")
            return
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        services.listing_update(listing=obj, changes=changes, actor=actor, note="back office")

    @admin.action(description=_("Take off the list: revoked by the authority"), permissions=["change"])
    def exit_as_revoked(self, request: HttpRequest, queryset: QuerySet[Listing]) -> None:
        for listing in queryset:
            services.listing_exit(listing=listing, reason=ExitReason.REVOKED, actor=request.user.get_username())
        self.message_user(request, _("Taken off the list."), messages.SUCCESS)


@admin.register(Shield)
class ShieldAdmin(AuditedModelAdmin):
    """Read-only: shields start and end in the office (/office/shields/),
    through disclosure.services, which end and restore disclosure."""

    list_display = ["subject", "ruling", "court", "document_no", "started_on", "ended_on", "outcome"]
    list_filter = ["ruling", "outcome"]
    search_fields = ["=subject__uscc", "subject__name", "document_no"]
    readonly_fields = [f.name for f in Shield._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Shield | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Shield | None = None) -> bool:
        return False


@admin.register(ImportRun)
class ImportRunAdmin(AuditedModelAdmin):
    list_display = ["source", "file_name", "status", "rows_read", "rows_written", "rows_invalid", "started_at"]
    list_filter = ["status", "source"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        # Provenance is kept; also, Record/Listing.import_run are not indexed.
        return False


@admin.register(DisclosureEvent)
class DisclosureEventAdmin(AuditedModelAdmin):
    list_display = ["id", "action", "reason", "subject", "record", "listing", "effective_on", "actor", "created_at"]
    list_filter = ["action", "reason"]
    search_fields = ["=subject__uscc", "actor"]
    readonly_fields = [f.name for f in DisclosureEvent._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DisclosureEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DisclosureEvent | None = None) -> bool:
        return False
