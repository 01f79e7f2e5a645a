from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from reachable.accounts.models import Membership, User
from reachable.lib.admin import AuditedAdmin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    filter_horizontal = ("areas",)


@admin.register(User)
class ReachableUserAdmin(AuditedAdmin, UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "is_active")
