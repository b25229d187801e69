"""Staff profiles (which authority a reviewer serves) and a read-only view of bindings."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import StaffProfile, SubjectBinding


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "authority"]
    list_select_related = ["user", "authority"]
    autocomplete_fields = ["authority"]
    search_fields = ["user__username", "user__email", "authority__name"]


@admin.register(SubjectBinding)
class SubjectBindingAdmin(admin.ModelAdmin):
    """Decided in the back office (/office/bindings/), which records who and when."""

    list_display = ["user", "subject", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "subject__name", "=subject__uscc"]
    readonly_fields = [field.name for field in SubjectBinding._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
