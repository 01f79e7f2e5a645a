"""The navigation a user sees depends on what their roles can do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from reachable.accounts.permissions import can

# Grouped by task: the top row shows each group a person may use (linking to its first page
# they may open); the group of the page being read shows its pages as a second row.
# (label, url name, capability or None for any signed-in user)
Link = tuple[str, str, str | None]
NAVIGATION: list[tuple[str, list[Link]]] = [
    ("Home", [("Your work", "work:home", None), ("Alerts", "sharing:alerts", None)]),
    (
        "Children",
        [
            ("Find a child", "children:search", "child.view"),
            ("Add a child", "children:create", "child.create"),
            ("Emergency access", "sharing:break_glass", "sharing.break_glass"),
        ],
    ),
    (
        "Custody",
        [
            ("Custody board", "custody:board", "custody.board"),
            ("Concerns inbox", "custody:inbox", "custody.inbox"),
            ("Pilot dashboard", "custody:dashboard", "custody.dashboard"),
        ],
    ),
    (
        "Casework",
        [
            ("Caseload", "casework:caseload", "casework.view"),
            ("Referrals", "casework:triage_list", "casework.view"),
            ("MACE panels", "casework:panels", "casework.view"),
            ("Your referrals", "casework:my_referrals", "casework.refer"),
            ("Your actions", "casework:my_actions", "casework.own_actions"),
            ("NRM figures", "casework:nrm_figures", "casework.figures"),
        ],
    ),
    (
        "Data",
        [
            ("Returns", "returns:submissions", "returns.submit"),
            ("Completeness", "returns:completeness", "returns.completeness"),
            ("Linkage", "returns:linkage", "returns.link"),
            ("Regional baseline", "returns:baseline", "returns.baseline"),
            ("Minimum dataset", "returns:spec", None),
        ],
    ),
    (
        "County lines",
        [
            ("Lines", "lines:list", "lines.view"),
            ("Network picture", "lines:picture", "lines.picture"),
        ],
    ),
    (
        "Programmes",
        [
            ("Programmes", "programmes:list", "programmes.view"),
            ("Partnership picture", "programmes:picture", "programmes.picture"),
        ],
    ),
    (
        "Learning and events",
        [
            ("Learning hub", "learning:hub", None),
            ("Events", "events:home", None),
            ("Organise events", "events:manage", "events.manage"),
        ],
    ),
    (
        "Governance",
        [
            ("Data protection", "sharing:governance", "governance.manage"),
            ("Sharing agreements", "sharing:agreements", None),
            ("Audit log", "audit:search", "audit.search"),
        ],
    ),
    (
        "Settings",
        [
            ("Email preferences", "notifications:preferences", None),
            ("Outbox", "notifications:outbox", "notifications.outbox"),
            ("People and roles", "accounts:people", "users.manage"),
            ("API clients", "accounts:api_clients", "users.manage"),
            ("Reference data and users", "admin:index", "reference.edit"),
            ("API", "api:docs", None),
        ],
    ),
]


def _under(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "subnav_items": []}
    groups: list[dict[str, Any]] = []
    for label, links in NAVIGATION:
        allowed = [
            {"label": text, "url": reverse(name), "active": False}
            for text, name, capability in links
            if capability is None or can(user, capability)
        ]
        if allowed:
            groups.append({"label": label, "url": allowed[0]["url"], "links": allowed})
    # The most specific link that the current page sits under marks its group and itself.
    matches = [
        (g, link) for g in groups for link in g["links"] if _under(request.path, link["url"])
    ]
    active_links: list[dict[str, Any]] = []
    if matches:
        group, link = max(matches, key=lambda pair: len(pair[1]["url"]))
        link["active"] = True
        group["active"] = True
        active_links = group["links"] if len(group["links"]) > 1 else []
    return {"nav_items": groups, "subnav_items": active_links}
