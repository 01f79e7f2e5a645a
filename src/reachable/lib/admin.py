"""Django admin for reference data: every save and delete goes into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from reachable.accounts.permissions import can
from reachable.audit.services import audit_record


def admin_site_allows(request: Any) -> bool:
    """The admin site is for partnership admins only (two-factor is enforced by middleware)."""
    return bool(request.user.is_active and can(request.user, "reference.edit"))


def admin_site_login(request: Any, extra_context: Any = None) -> HttpResponse:
    """Send visitors to Reachable's sign-in; a signed-in user without the role gets 403, not a loop."""
    if request.user.is_authenticated:
        raise PermissionDenied
    return redirect(f"{reverse('accounts:login')}?next={request.GET.get('next', '/admin/')}")


class AuditedAdmin(admin.ModelAdmin):
    def has_module_permission(self, request: Any) -> bool:
        return admin_site_allows(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return admin_site_allows(request)

    def has_add_permission(self, request: Any) -> bool:
        return admin_site_allows(request)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return admin_site_allows(request)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return admin_site_allows(request)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                user=request.user,
                action=f"admin.{'update' if change else 'create'}",
                obj=obj,
                detail={"changed": list(form.changed_data)},
            )

    def delete_model(self, request: Any, obj: Any) -> None:
        with transaction.atomic():
            audit_record(
                user=request.user, action="admin.delete", obj=obj, detail={"str": str(obj)}
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    user=request.user, action="admin.delete", obj=obj, detail={"str": str(obj)}
                )
            super().delete_queryset(request, queryset)
