"""The navigation a user sees depends on what their roles can do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from reachable.accounts.permissions import can

# (label, url name, capability or None for any signed-in user)
NAVIGATION = [
    ("Home", "work:home", None),
    ("Find a child", "children:search", "child.view"),
    ("Add a child", "children:create", "child.create"),
    ("Custody board", "custody:board", "custody.board"),
    ("Concerns inbox", "custody:inbox", "custody.inbox"),
    ("Pilot dashboard", "custody:dashboard", "custody.dashboard"),
    ("Caseload", "casework:caseload", "casework.view"),
    ("Your referrals", "casework:my_referrals", "casework.refer"),
    ("Your actions", "casework:my_actions", "casework.own_actions"),
    ("Referrals", "casework:triage_list", "casework.view"),
    ("MACE panels", "casework:panels", "casework.view"),
    ("NRM figures", "casework:nrm_figures", "casework.figures"),
    ("Emergency access", "sharing:break_glass", "sharing.break_glass"),
    ("Data protection", "sharing:governance", "governance.manage"),
    ("Sharing agreements", "sharing:agreements", None),
    ("Minimum dataset", "returns:spec", None),
    ("Returns", "returns:submissions", "returns.submit"),
    ("Completeness", "returns:completeness", "returns.completeness"),
    ("Linkage", "returns:linkage", "returns.link"),
    ("Regional baseline", "returns:baseline", "returns.baseline"),
    ("County lines", "lines:list", "lines.view"),
    ("County lines picture", "lines:picture", "lines.picture"),
    ("Programmes", "programmes:list", "programmes.view"),
    ("Partnership picture", "programmes:picture", "programmes.picture"),
    ("Learning hub", "learning:hub", None),
    ("Alerts", "sharing:alerts", None),
    ("Audit log", "audit:search", "audit.search"),
    ("People and roles", "accounts:people", "users.manage"),
    ("Reference data and users", "admin:index", "reference.edit"),
    ("API", "api:docs", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[dict[str, Any]] = [
        {"label": label, "url": reverse(name), "active": False}
        for label, name, capability in NAVIGATION
        if capability is None or can(user, capability)
    ]
    # The most specific link that the current page sits under is the active one.
    matches = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
