"""Django admin for reference data: every save and delete goes into the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
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


# Values never written into the audit log, even by name of the field changed.
SECRET_FIELDS = {"password"}


def _values(obj: Any, fields: list[str]) -> dict[str, Any]:
    """What the changed fields now hold (many-to-many as lists of ids), for the audit log."""
    out: dict[str, Any] = {}
    for name in fields:
        if name in SECRET_FIELDS:
            out[name] = "(changed)"
            continue
        value = getattr(obj, name, None)
        if value is not None and hasattr(value, "all"):
            value = sorted(v.pk for v in value.all())
        elif isinstance(value, models.Model):
            value = value.pk
        out[name] = value
    return out


class _PartnershipAdminOnly:
    """Partnership admins are staff without Django model permissions: the role decides."""

    def has_module_permission(self, request: Any) -> bool:
        return admin_site_allows(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return admin_site_allows(request)

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return admin_site_allows(request)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return admin_site_allows(request)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return admin_site_allows(request)


class AuditedInline(_PartnershipAdminOnly, admin.TabularInline):
    """An inline the partnership admin can see and edit (its changes are audited by the parent)."""


class AuditedAdmin(_PartnershipAdminOnly, admin.ModelAdmin):
    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                user=request.user,
                action=f"admin.{'update' if change else 'create'}",
                obj=obj,
                detail={"changed": _values(obj, list(form.changed_data))},
            )

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            many = [
                f
                for f in form.changed_data
                if f in {m.name for m in form.instance._meta.many_to_many}
            ]
            if many:
                audit_record(
                    user=request.user,
                    action="admin.update.related",
                    obj=form.instance,
                    detail={"changed": _values(form.instance, many)},
                )
            for formset in formsets:
                for inline_obj in formset.new_objects + [o for o, _ in formset.changed_objects]:
                    fields = next(
                        (f for o, f in formset.changed_objects if o is inline_obj),
                        [f.name for f in inline_obj._meta.concrete_fields if f.name != "id"],
                    )
                    audit_record(
                        user=request.user,
                        action="admin.update.inline",
                        obj=inline_obj,
                        detail={
                            "of": str(form.instance),
                            "changed": _values(inline_obj, list(fields)),
                        },
                    )
                for inline_obj in formset.deleted_objects:
                    audit_record(
                        user=request.user,
                        action="admin.delete.inline",
                        obj=inline_obj,
                        detail={"of": str(form.instance), "str": str(inline_obj)},
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
