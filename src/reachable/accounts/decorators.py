"""Declarations at the top of each view: who may call it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission

from reachable.accounts.permissions import CAPABILITIES, can

View = Callable[..., HttpResponse]


def require_capability(capability: str) -> Callable[[View], View]:
    """Signed in, and holding a role with this capability; otherwise 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, capability):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.capability = capability  # type: ignore[attr-defined]
        return wrapped

    return decorator


def signed_in(view: View) -> View:
    """Any signed-in user: for pages with nothing personal on them (home, reference lists)."""
    wrapped = login_required(view)
    wrapped.capability = None  # type: ignore[attr-defined]
    return wrapped


def public(view: View) -> View:
    """No sign-in needed (sign-in pages, privacy information)."""
    view.capability = "public"  # type: ignore[attr-defined]
    return view


class HasCapability(BasePermission):
    """DRF permission: ``permission_classes = [HasCapability.of("child.view")]``."""

    capability = ""

    @classmethod
    def of(cls, capability: str) -> type[HasCapability]:
        if capability not in CAPABILITIES:
            raise ValueError(f"Unknown capability {capability!r}; add it to CAPABILITIES.")
        return type(f"Has_{capability.replace('.', '_')}", (cls,), {"capability": capability})

    def has_permission(self, request: Any, view: Any) -> bool:
        return bool(
            request.user and request.user.is_authenticated and can(request.user, self.capability)
        )
