"""Users, staff profiles (which authority a reviewer serves) and a read-only view of bindings."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db.models import Q
from django.http import HttpRequest
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import StaffProfile, SubjectBinding
from audit.admin import AuditedModelAdmin

User = get_user_model()

# Fields that grant power. Only a superuser changes them: a role allowed to
# edit users could otherwise make itself (or an accomplice) superuser.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


def _permissions_of(user: AbstractBaseUser) -> set[tuple[str, str]]:
    # Not user.get_all_permissions(): it is empty for an inactive account,
    # which could then be reactivated with all its power by a lesser role.
    held = Permission.objects.filter(Q(user=user) | Q(group__user=user))
    return set(held.values_list("content_type__app_label", "codename"))


def may_manage_user(actor: AbstractBaseUser, target: AbstractBaseUser) -> bool:
    """A superuser manages anyone; anybody else only accounts that hold no
    more than they do. Setting the password of an account with more power
    would be a way to take that power."""
    if actor.is_superuser:
        return True
    if target.is_superuser:
        return False
    return _permissions_of(target) <= _permissions_of(actor)


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class StaffSafeUserAdmin(AuditedModelAdmin, UserAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else fields + PRIVILEGE_FIELDS

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Also guards the password form (UserAdmin.user_change_password).
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage_user(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage_user(request.user, obj))


@admin.register(Group)
class SuperuserOnlyGroupAdmin(AuditedModelAdmin, GroupAdmin):
    """Roles (groups and their permissions) are managed by superusers only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(AccessAttempt)
class LoginLockoutAdmin(AuditedModelAdmin, AccessAttemptAdmin):
    """Failed logins per account and address; deleting them unlocks (recorded in the audit trail)."""


admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(TOTPDevice)
class AuditedTOTPDeviceAdmin(AuditedModelAdmin, TOTPDeviceAdmin):
    """Staff authenticator apps: removing one makes its owner set up a new one at the next login."""


@admin.register(StaticDevice)
class AuditedStaticDeviceAdmin(AuditedModelAdmin, StaticDeviceAdmin):
    """Recovery codes."""


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedModelAdmin):
    list_display = ["user", "authority"]
    list_select_related = ["user", "authority"]
    autocomplete_fields = ["authority"]
    search_fields = ["user__username", "user__email", "authority__name"]


@admin.register(SubjectBinding)
class SubjectBindingAdmin(AuditedModelAdmin):
    """Decided in the back office (/office/bindings/), which records who and when."""

    list_display = ["user", "subject", "status", "requested_at", "decided_by", "decided_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "subject__name", "=subject__uscc"]
    readonly_fields = [field.name for field in SubjectBinding._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
