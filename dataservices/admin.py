"""Back office: API keys (issued and revoked by staff), alerts, webhooks."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedModelAdmin
from dataservices import keys
from dataservices.models import ApiKey, ApiKeyDailyUsage, OpenDataFile, Subscription, Webhook, WebhookDelivery


class DailyUsageInline(admin.TabularInline):
    model = ApiKeyDailyUsage
    extra = 0
    can_delete = False
    readonly_fields = ["day", "count"]
    ordering = ["-day"]
    max_num = 0


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedModelAdmin):
    list_display = ["name", "prefix", "daily_quota", "usage_count", "last_used_at", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "contact_email"]
    readonly_fields = ["prefix", "usage_count", "last_used_at", "created_at", "created_by", "revoked_at"]
    fields = ["name", "contact_email", "daily_quota", *readonly_fields]
    inlines = [DailyUsageInline]
    actions = ["revoke"]
    audited_by_service = frozenset({"add"})

    def get_inlines(self, request: HttpRequest, obj: ApiKey | None):
        return self.inlines if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # Issue through the service: the key is generated, hashed, and shown
        # to the member of staff exactly once.
        issued, key = keys.api_key_issue(
            name=obj.name,
            contact_email=obj.contact_email,
            daily_quota=obj.daily_quota,
            issued_by=request.user.get_username(),
        )
        obj.pk = issued.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            _(
                "The API key for %(name)s is %(key)s — copy it now: it is stored only as a hash and cannot be shown again."
            )
            % {"name": issued.name, "key": key},
        )

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            keys.api_key_revoke(api_key=api_key)
        self.message_user(request, _("Keys revoked: they are refused from the next request on."))

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        # Revoke instead: the row records who had access, and when.
        return False


@admin.register(Subscription)
class SubscriptionAdmin(AuditedModelAdmin):
    list_display = ["email", "subject", "created_at", "confirmed_at", "unsubscribed_at", "last_sent_at"]
    search_fields = ["email", "subject__name", "subject__uscc"]
    raw_id_fields = ["subject"]
    readonly_fields = ["created_at", "confirmed_at", "unsubscribed_at", "last_sent_at"]


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    can_delete = False
    fields = ["event", "status", "attempts", "next_attempt_at", "last_status_code", "last_error", "delivered_at"]
    readonly_fields = fields
    ordering = ["-id"]
    max_num = 0


@admin.register(Webhook)
class WebhookAdmin(AuditedModelAdmin):
    list_display = ["url", "api_key", "active", "created_at"]
    list_filter = ["active"]
    readonly_fields = ["created_at"]
    inlines = [DeliveryInline]


@admin.register(OpenDataFile)
class OpenDataFileAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "day", "rows", "size", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["name", "kind", "file_format", "day", "rows", "size", "sha256", "created_at"]
