"""The navigation a user sees depends on what their roles can do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from reachable.accounts.permissions import can

# (label, url name, capability or None for any signed-in user)
NAVIGATION = [
    ("Home", "core:home", None),
    ("Find a child", "children:search", "child.view"),
    ("Add a child", "children:create", "child.create"),
    ("Audit log", "audit:search", "audit.search"),
    ("Reference data and users", "admin:index", "reference.edit"),
    ("API", "api:docs", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, capability in NAVIGATION:
        if capability is not None and not can(user, capability):
            continue
        url = reverse(name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items}
