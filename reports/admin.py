from django.contrib import admin

from audit.admin import AuditedModelAdmin
from reports.models import CreditReport


@admin.register(CreditReport)
class CreditReportAdmin(AuditedModelAdmin):
    list_display = ["number", "subject", "purpose", "as_of", "issued_at"]
    list_filter = ["purpose"]
    search_fields = ["=number", "=subject__uscc", "subject__name"]
    readonly_fields = [f.name for f in CreditReport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
