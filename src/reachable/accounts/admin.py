from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from reachable.accounts.models import Membership, User
from reachable.audit.services import audit_record
from reachable.lib.admin import AuditedAdmin, AuditedInline


class MembershipInline(AuditedInline):
    model = Membership
    extra = 0
    filter_horizontal = ("areas",)


@admin.register(User)
class ReachableUserAdmin(AuditedAdmin, UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active")
    # Roles are memberships, not Django's groups and permissions; nobody is made a superuser here.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Status", {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ("is_staff", "last_login", "date_joined")

    def user_change_password(self, request: Any, id: str, form_url: str = "") -> Any:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit_record(
                user=request.user,
                action="admin.password.reset",
                obj=self.get_object(request, id),
            )
        return response
