"""Every page that changes data has an API operation that does the same through the same
service, or is listed here as page-only with the reason. A new page that writes fails this test
until it is given one or the other; an entry whose page or operation has gone fails too."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

# What marks a view, or a helper in its module, as one that takes a submitted form.
WRITE_MARKERS = (
    'request.method == "POST"',
    "posted(request",
    "require_POST",
    "require_http_methods",
    "save_form(",
    "form_page(",
    "form_saved(",
    "request.POST",
)

PEOPLE = "Administration of people, clients and tokens: a signed-in admin with two-factor, never a system."
SESSION = "Signing in and out, and two-factor: for people at the screen."
JUDGEMENT = (
    "A practitioner's own professional judgement, recorded by them on the case (screening, "
    "risk, plans, panels, closures): no partner system holds it to push."
)
CASE_WORK = "Work on an open case by the team holding it, in Reachable itself; no partner system records it."
IDENTITY = (
    "Changes to identity that need a person's check (carers, identifiers, merging two records)."
)
CUSTODY_PAGE = "Custody work that follows a conversation with the child or the family, entered by the practitioner."
EDITORIAL = "Editorial work on the learning hub by authors and reviewers."
EVENTS = "Organisers' and the public's own pages (signed links, attendance on a phone)."
PROGRAMME = (
    "Programme governance by the programme lead and board; only spend arrives from another system."
)
INTELLIGENCE = "Intelligence analysts' assessments, entered and graded by them."
ANALYST = "Linkage is run and reviewed by the partnership's analyst, never triggered from outside."
GOVERNANCE = (
    "Information-governance decisions by the data protection lead or a manager, with reasons."
)
PREFERENCES = "A person's own email preferences."


def api(name: str, method: str) -> tuple[str, str]:
    return (name, method)


PAGE_WRITES: dict[str, tuple[str, str] | str] = {
    "accounts:api_client": PEOPLE,
    "accounts:api_client_new": PEOPLE,
    "accounts:api_token_revoke": PEOPLE,
    "accounts:membership_end": PEOPLE,
    "accounts:person": PEOPLE,
    "accounts:webhook_new": PEOPLE,
    "accounts:logout": SESSION,
    "accounts:two_factor": SESSION,
    "children:create": api("api:child-list", "post"),
    "children:edit": api("api:child-detail", "patch"),
    "children:carer_add": IDENTITY,
    "children:identifier_add": IDENTITY,
    "children:merge": IDENTITY,
    "custody:detention_new": api("api:detention-list", "post"),
    "custody:engagement_new": api("api:detention-visit", "post"),
    "custody:share_new": api("api:detention-concern", "post"),
    "custody:release": api("api:detention-release", "post"),
    "custody:import": api("api:custody-import-list", "post"),
    "custody:import_run_again": "Running a stopped import again is a person's decision on the import's page.",
    "custody:offer_new": CUSTODY_PAGE,
    "custody:offer_update": CUSTODY_PAGE,
    "custody:feedback_new": CUSTODY_PAGE,
    "custody:concern": "Acknowledging a concern is the receiving practitioner's act of reading it.",
    "casework:referral_new": api("api:referral-list", "post"),
    "casework:referral_new_child": api("api:referral-list", "post"),
    "casework:referral": "Triage is the exploitation team's decision, made on the referral's page.",
    "casework:screening_new": JUDGEMENT,
    "casework:risk_new": JUDGEMENT,
    "casework:plan_new": JUDGEMENT,
    "casework:closure_request": JUDGEMENT,
    "casework:closure_decide": JUDGEMENT,
    "casework:reopen": JUDGEMENT,
    "casework:panel_new": JUDGEMENT,
    "casework:panel_item_new": JUDGEMENT,
    "casework:panel_decision": JUDGEMENT,
    "casework:action_new": CASE_WORK,
    "casework:action_done": CASE_WORK,
    "casework:allocate": CASE_WORK,
    "casework:chronology_add": CASE_WORK,
    "casework:handover": CASE_WORK,
    "casework:transfer": CASE_WORK,
    "casework:intervention_new": CASE_WORK,
    "casework:intervention_update": CASE_WORK,
    "casework:missing_new": CASE_WORK,
    "casework:missing_update": CASE_WORK,
    "casework:nrm_new": CASE_WORK,
    "casework:nrm_update": CASE_WORK,
    "casework:peer_link_add": CASE_WORK,
    "casework:place_link_add": CASE_WORK,
    "returns:submission_new": api("api:return-list", "post"),
    "returns:submission_run_again": "Checking a stopped return again is a person's decision on its page.",
    "returns:linkage_run_again": "Linkage is run by analysts from its pages; the API does not link.",
    "returns:linkage": ANALYST,
    "returns:linkage_apply": ANALYST,
    "returns:linkage_review": ANALYST,
    "lines:import": api("api:line-import-file", "post"),
    "lines:line_new": INTELLIGENCE,
    "lines:location_new": INTELLIGENCE,
    "lines:disruption_new": INTELLIGENCE,
    "lines:child_link_new": INTELLIGENCE,
    "lines:number_new": INTELLIGENCE,
    "lines:sighting_new": INTELLIGENCE,
    "lines:status_new": INTELLIGENCE,
    "programmes:spend_import": api("api:programme-spend-import", "post"),
    "programmes:spend_new": PROGRAMME,
    "programmes:programme_new": PROGRAMME,
    "programmes:objective_new": PROGRAMME,
    "programmes:project_new": PROGRAMME,
    "programmes:budget_new": PROGRAMME,
    "programmes:deliverable": PROGRAMME,
    "programmes:deliverable_new": PROGRAMME,
    "programmes:target": PROGRAMME,
    "programmes:target_new": PROGRAMME,
    "programmes:body_new": PROGRAMME,
    "programmes:meeting_new": PROGRAMME,
    "programmes:risk_new": PROGRAMME,
    "programmes:policy_new": PROGRAMME,
    "programmes:response_new": PROGRAMME,
    "programmes:pack_issue": PROGRAMME,
    "learning:example": EDITORIAL,
    "learning:example_new": EDITORIAL,
    "learning:example_edit": EDITORIAL,
    "learning:example_submit": EDITORIAL,
    "learning:example_review": EDITORIAL,
    "learning:example_withdraw": EDITORIAL,
    "learning:attachment_new": EDITORIAL,
    "learning:attachment_remove": EDITORIAL,
    "events:session": EVENTS,
    "events:session_new": EVENTS,
    "events:attendance": EVENTS,
    "events:waiting_move": EVENTS,
    "events:place_feedback": EVENTS,
    "events:place_evaluation": EVENTS,
    "notifications:preferences": PREFERENCES,
    "sharing:share_new": GOVERNANCE,
    "sharing:share_withdraw": GOVERNANCE,
    "sharing:break_glass": GOVERNANCE,
    "sharing:alerts": GOVERNANCE,
    "sharing:dispute_new": GOVERNANCE,
    "sharing:dispute_resolve": GOVERNANCE,
    "sharing:lift": GOVERNANCE,
    "sharing:hold_new": GOVERNANCE,
    "sharing:restriction_new": GOVERNANCE,
    "sharing:retention_review": GOVERNANCE,
    "sharing:sar_new": GOVERNANCE,
}


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _patterns(pattern, inner)
        elif pattern.name:
            yield namespace + pattern.name, pattern


def _source(function: Any) -> str:
    while hasattr(function, "__wrapped__"):
        function = function.__wrapped__
    try:
        return inspect.getsource(function)
    except (OSError, TypeError):
        return ""


def _writes(view: Any) -> bool:
    """Whether the view takes a submitted form, itself or through a helper of its module."""
    text = _source(view)
    if any(marker in text for marker in WRITE_MARKERS):
        return True
    module = sys.modules.get(getattr(view, "__module__", ""), None)
    helpers = [
        name
        for name, member in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("_") and any(m in _source(member) for m in WRITE_MARKERS)
    ]
    return any(f"{name}(" in text for name in helpers)


def _page_writers() -> set[str]:
    return {
        name
        for name, pattern in _patterns(get_resolver())
        if not name.startswith(("api:", "admin:")) and _writes(pattern.callback)
    }


def test_every_page_that_writes_has_an_api_operation_or_a_reason() -> None:
    writers = _page_writers()
    assert sorted(writers - set(PAGE_WRITES)) == [], "give these an API operation or a reason"
    assert sorted(set(PAGE_WRITES) - writers) == [], "these pages no longer write (or are gone)"


def test_every_operation_named_exists_and_takes_the_method() -> None:
    api_patterns = {name: p for name, p in _patterns(get_resolver()) if name.startswith("api:")}
    for page, entry in PAGE_WRITES.items():
        if isinstance(entry, str):
            assert len(entry) > 20, f"{page}: say why it is page-only"
            continue
        name, method = entry
        assert name in api_patterns, f"{page}: no API operation {name}"
        callback: Any = api_patterns[name].callback
        actions = getattr(callback, "actions", None)
        allowed = (
            set(actions)
            if actions
            else {m for m in ("get", "post", "patch") if hasattr(callback.view_class, m)}
        )
        assert method in allowed, f"{page}: {name} does not take {method.upper()}"


def test_every_api_view_that_writes_honours_idempotency_keys() -> None:
    from reachable.accounts.idempotency import IdempotentMixin

    for name, pattern in _patterns(get_resolver()):
        if not name.startswith("api:"):
            continue
        callback = pattern.callback
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        actions = getattr(callback, "actions", None) or {}
        if view_class is None or not set(actions) & {"post", "patch", "put", "delete"}:
            continue
        assert issubclass(view_class, IdempotentMixin), f"{name} writes without Idempotency-Key"
