"""Partnership admins set up and renew information-sharing agreements and the retention schedule."""

from django.contrib import admin

from reachable.lib.admin import AuditedAdmin
from reachable.sharing.models import Agreement, RetentionRule


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ("title", "reference", "starts_on", "ends_on", "lawful_basis")
    list_filter = ("lawful_basis", "law_enforcement")
    search_fields = ("title", "reference")
    filter_horizontal = ("parties", "purposes", "data_categories")


@admin.register(RetentionRule)
class RetentionRuleAdmin(AuditedAdmin):
    list_display = ("description", "record_type", "years", "anchor", "action")
