"""Every role x every endpoint x every relationship to a child, from one table.

The table is written out here by hand, not derived from the permission code, so a change to who may
see what has to be made in both places. A URL with no entry in ENDPOINTS fails
``test_every_endpoint_has_an_entry``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from reachable.accounts.roles import Role
from reachable.audit.models import AuditEvent
from reachable.children.models import Child
from reachable.core.models import Agency, Area, Code, Team
from reachable.testing import (
    involve,
    make_child,
    make_detention,
    page,
    person,
    person_once,
    share,
    signed_in_client,
)

CUSTODY, EXPLOIT, MANAGER = "custody_practitioner", "exploitation_practitioner", "team_manager"
PARTNER, SUBMITTER, ANALYST = "partner_user", "data_submitter", "analyst"
INTEL, PROGRAMME, ADMIN = "intelligence_officer", "programme_lead", "partnership_admin"
DPL = "data_protection_lead"
ALL = frozenset(Role.values)
CASEWORK = frozenset({CUSTODY, EXPLOIT, MANAGER})
SEE_CHILDREN = CASEWORK | {PARTNER}
EXPLOITATION = frozenset({EXPLOIT, MANAGER})
NOBODY: frozenset[str] = frozenset()
LINES_PICTURE = frozenset({INTEL, ANALYST, PROGRAMME, MANAGER})
# The programme board: board members and analysts read; the programme team (a programme lead
# named as its editor, as the factories make the actor) changes it.
PROGRAMME_READ = frozenset({PROGRAMME, ANALYST})
PROGRAMME_TEAM = frozenset({PROGRAMME})

# Where each role's person sits in the bundled partnership: (agency, team).
ACTORS = {
    CUSTODY: ("norfolk-yjs", "norfolk-custody-ei"),
    EXPLOIT: ("norfolk-childrens", "norfolk-mace"),
    MANAGER: ("norfolk-childrens", "norfolk-mace"),
    PARTNER: ("norfolk-education", "northgate-safeguarding"),
    SUBMITTER: ("suffolk-yjs", None),
    ANALYST: ("partnership-team", None),
    INTEL: ("essex-police", None),
    PROGRAMME: ("partnership-team", None),
    ADMIN: ("partnership-team", None),
    DPL: ("partnership-team", None),
}

# Which roles see a child, by the child's relationship to the person asking.
SEES = {
    "own case": CASEWORK,
    "same team": CASEWORK,
    "other agency": NOBODY,
    "other area": NOBODY,
    "shared with their agency": SEE_CHILDREN,
    "not shared": NOBODY,
}


# Relationships that let a person read a record but not change it.
READS_ONLY = {"shared with their agency"}


@dataclass(frozen=True)
class Endpoint:
    roles: frozenset[str]
    on_child: bool = False
    api: bool = False
    kwargs: dict[str, str] = field(default_factory=dict)
    query: str = ""
    public: bool = False
    on_detention: bool = False
    on_offer: bool = False
    on_concern: bool = False
    # Casework objects, reached through the case (held by a team) or the panel (of a team).
    on_case: bool = False
    case_part: str = ""
    on_referral: bool = False
    on_panel: bool = False
    on_import: bool = False
    # Governance pages open any child's record for the data protection lead, whatever the relation.
    any_child: bool = False
    # Builds the object a plain endpoint is about (its pk goes in the URL).
    factory: Any = None
    ok_status: int = 200
    # Changes the child's record: only for those working with the child, never through a share
    # or break-glass (403 with the reason for a reader who may see the record).
    writes: bool = False
    # The URL names its object by this attribute (``pk`` unless the page has a readable address).
    lookup: str = "pk"


ENDPOINTS: dict[str, Endpoint] = {
    "work:home": Endpoint(ALL),
    "work:accessibility": Endpoint(ALL, public=True),
    "accounts:login": Endpoint(ALL, public=True),
    "accounts:logout": Endpoint(ALL, public=True),
    "accounts:two_factor": Endpoint(ALL),
    "accounts:people": Endpoint(frozenset({ADMIN})),
    "accounts:person": Endpoint(frozenset({ADMIN}), factory=lambda: _someone()),
    "accounts:membership_end": Endpoint(
        frozenset({ADMIN}), factory=lambda: _someone().memberships.get()
    ),
    "children:search": Endpoint(SEE_CHILDREN),
    "children:create": Endpoint(CASEWORK),
    "children:profile": Endpoint(SEE_CHILDREN, on_child=True),
    "children:edit": Endpoint(CASEWORK, on_child=True, writes=True),
    "children:identifier_add": Endpoint(CASEWORK, on_child=True, writes=True),
    "children:carer_add": Endpoint(CASEWORK, on_child=True, writes=True),
    "children:merge": Endpoint(frozenset({MANAGER}), on_child=True, writes=True),
    "audit:search": Endpoint(frozenset({ADMIN})),
    "admin:*": Endpoint(frozenset({ADMIN})),
    "custody:board": Endpoint(frozenset({CUSTODY, MANAGER})),
    "custody:detention_new": Endpoint(frozenset({CUSTODY})),
    "custody:detention": Endpoint(frozenset({CUSTODY, MANAGER}), on_detention=True),
    "custody:engagement_new": Endpoint(frozenset({CUSTODY}), on_detention=True),
    "custody:share_new": Endpoint(frozenset({CUSTODY}), on_detention=True),
    "custody:release": Endpoint(frozenset({CUSTODY}), on_detention=True),
    "custody:offer_new": Endpoint(frozenset({CUSTODY}), on_detention=True),
    "custody:offer_update": Endpoint(frozenset({CUSTODY}), on_offer=True),
    "custody:inbox": Endpoint(SEE_CHILDREN),
    "custody:concern": Endpoint(SEE_CHILDREN, on_concern=True),
    "custody:feedback_new": Endpoint(frozenset({CUSTODY})),
    "custody:import": Endpoint(frozenset({CUSTODY, MANAGER})),
    "custody:import_template": Endpoint(frozenset({CUSTODY, MANAGER})),
    "custody:import_status": Endpoint(frozenset({CUSTODY, MANAGER}), on_import=True),
    "custody:import_report": Endpoint(frozenset({CUSTODY, MANAGER}), on_import=True),
    "custody:import_run_again": Endpoint(frozenset({CUSTODY, MANAGER}), on_import=True),
    "custody:dashboard": Endpoint(frozenset({PROGRAMME, MANAGER})),
    "custody:dashboard_export": Endpoint(
        frozenset({PROGRAMME, MANAGER}), kwargs={"figure": "summary", "fmt": "csv"}
    ),
    "casework:caseload": Endpoint(EXPLOITATION),
    "casework:triage_list": Endpoint(EXPLOITATION),
    "casework:my_referrals": Endpoint(CASEWORK | {PARTNER}),
    "casework:my_actions": Endpoint(CASEWORK | {PARTNER}),
    # POST only; the action is one the actor owns (404 for an action someone else owns).
    "casework:my_action_done": Endpoint(
        CASEWORK | {PARTNER}, ok_status=405, factory=lambda: _an_action()
    ),
    "casework:referral_new_child": Endpoint(CASEWORK | {PARTNER}),
    "casework:referral": Endpoint(CASEWORK | {PARTNER}, on_referral=True),
    "casework:referral_sent": Endpoint(CASEWORK | {PARTNER}, on_referral=True),
    "casework:referral_new": Endpoint(CASEWORK | {PARTNER}, on_child=True),
    "casework:chronology": Endpoint(SEE_CHILDREN, on_child=True),
    "casework:chronology_add": Endpoint(SEE_CHILDREN, on_child=True),
    "casework:peers": Endpoint(EXPLOITATION, on_child=True),
    "casework:peer_link_add": Endpoint(EXPLOITATION, on_child=True, writes=True),
    "casework:place_link_add": Endpoint(EXPLOITATION, on_child=True, writes=True),
    "casework:handover": Endpoint(frozenset({CUSTODY}), on_detention=True),
    "casework:case": Endpoint(EXPLOITATION, on_case=True),
    "casework:allocate": Endpoint(frozenset({MANAGER}), on_case=True),
    "casework:screening_new": Endpoint(EXPLOITATION, on_case=True),
    "casework:risk_new": Endpoint(EXPLOITATION, on_case=True),
    "casework:plan_new": Endpoint(EXPLOITATION, on_case=True),
    "casework:plan": Endpoint(EXPLOITATION, on_case=True),
    "casework:intervention_new": Endpoint(EXPLOITATION, on_case=True),
    "casework:nrm_new": Endpoint(EXPLOITATION, on_case=True),
    "casework:missing_new": Endpoint(EXPLOITATION, on_case=True),
    "casework:action_new": Endpoint(EXPLOITATION, on_case=True),
    "casework:transfer": Endpoint(frozenset({MANAGER}), on_case=True),
    "casework:closure_request": Endpoint(EXPLOITATION, on_case=True),
    "casework:closure_decide": Endpoint(frozenset({MANAGER}), on_case=True),
    "casework:reopen": Endpoint(frozenset({MANAGER}), on_case=True),
    "casework:intervention_update": Endpoint(EXPLOITATION, case_part="intervention"),
    "casework:nrm_update": Endpoint(EXPLOITATION, case_part="nrm"),
    "casework:missing_update": Endpoint(EXPLOITATION, case_part="missing"),
    "casework:action_done": Endpoint(EXPLOITATION, case_part="action", ok_status=302),
    "casework:panel_decision": Endpoint(frozenset({MANAGER}), case_part="panel_item"),
    "casework:panels": Endpoint(EXPLOITATION),
    "casework:panel_new": Endpoint(frozenset({MANAGER})),
    "casework:panel": Endpoint(EXPLOITATION, on_panel=True),
    "casework:panel_item_new": Endpoint(frozenset({MANAGER}), on_panel=True),
    "casework:nrm_figures": Endpoint(frozenset({MANAGER, PROGRAMME})),
    "sharing:agreements": Endpoint(ALL),
    "sharing:agreement": Endpoint(ALL, factory=lambda: _first("sharing.Agreement")),
    "sharing:share_new": Endpoint(CASEWORK, on_child=True),
    "sharing:disclosures": Endpoint(SEE_CHILDREN, on_child=True),
    "sharing:dispute_new": Endpoint(CASEWORK, on_child=True),
    "sharing:break_glass": Endpoint(CASEWORK),
    # POST only (405 to a GET from someone allowed); the share is one the actor's agency made.
    "sharing:share_withdraw": Endpoint(CASEWORK, ok_status=405, factory=lambda: _a_share()),
    "sharing:alerts": Endpoint(ALL),
    "sharing:governance": Endpoint(frozenset({DPL})),
    "sharing:child_governance": Endpoint(frozenset({DPL}), any_child=True),
    "sharing:hold_new": Endpoint(frozenset({DPL}), any_child=True),
    "sharing:restriction_new": Endpoint(frozenset({DPL}), any_child=True),
    "sharing:dispute_resolve": Endpoint(frozenset({DPL}), any_child=True),
    "sharing:lift": Endpoint(
        frozenset({DPL}), any_child=True, kwargs={"what": "hold"}, ok_status=405
    ),
    "sharing:retention": Endpoint(frozenset({DPL})),
    "sharing:retention_review": Endpoint(frozenset({DPL}), factory=lambda: _retention_review()),
    "sharing:sar_new": Endpoint(frozenset({DPL})),
    "sharing:sar_download": Endpoint(frozenset({DPL}), factory=lambda: _subject_access()),
    "sharing:privacy_children": Endpoint(ALL, public=True),
    "sharing:privacy_professionals": Endpoint(ALL, public=True),
    "returns:spec": Endpoint(ALL),
    "returns:domain": Endpoint(ALL, kwargs={"version": "2026.1", "key": "police"}),
    "returns:template": Endpoint(ALL, kwargs={"version": "2026.1", "key": "health", "fmt": "xlsx"}),
    "returns:submissions": Endpoint(frozenset({SUBMITTER})),
    "returns:completeness": Endpoint(frozenset({SUBMITTER, ANALYST, PROGRAMME})),
    "returns:submission_new": Endpoint(frozenset({SUBMITTER})),
    "returns:submission": Endpoint(frozenset({SUBMITTER}), factory=lambda: _submission()),
    "returns:submission_run_again": Endpoint(
        frozenset({SUBMITTER}), factory=lambda: _submission(), ok_status=405
    ),
    "returns:submission_report": Endpoint(
        frozenset({SUBMITTER}), kwargs={"fmt": "csv"}, factory=lambda: _submission()
    ),
    "returns:linkage": Endpoint(frozenset({ANALYST})),
    "returns:linkage_apply": Endpoint(frozenset({ANALYST}), ok_status=405),
    "returns:linkage_run": Endpoint(frozenset({ANALYST}), factory=lambda: _linkage_run()),
    "returns:linkage_run_again": Endpoint(
        frozenset({ANALYST}), factory=lambda: _linkage_run(), ok_status=405
    ),
    "returns:linkage_reviews": Endpoint(frozenset({ANALYST})),
    "returns:linkage_review": Endpoint(frozenset({ANALYST}), factory=lambda: _pair_review()),
    "returns:baseline": Endpoint(frozenset({ANALYST, PROGRAMME, ADMIN})),
    "returns:baseline_export": Endpoint(
        frozenset({ANALYST, PROGRAMME, ADMIN}), kwargs={"fmt": "csv"}
    ),
    # County lines: intelligence roles read and record; the partnership sees the aggregate picture.
    "lines:list": Endpoint(frozenset({INTEL})),
    "lines:line_new": Endpoint(frozenset({INTEL})),
    "lines:line": Endpoint(frozenset({INTEL}), factory=lambda: _a_line()),
    "lines:status_new": Endpoint(frozenset({INTEL}), factory=lambda: _a_line()),
    "lines:number_new": Endpoint(frozenset({INTEL}), factory=lambda: _a_line()),
    "lines:sighting_new": Endpoint(frozenset({INTEL}), factory=lambda: _a_line()),
    "lines:child_link_new": Endpoint(frozenset({INTEL}), factory=lambda: _a_line()),
    "lines:locations": Endpoint(frozenset({INTEL})),
    "lines:location_new": Endpoint(frozenset({INTEL})),
    "lines:location": Endpoint(frozenset({INTEL}), factory=lambda: _a_location()),
    "lines:disruptions": Endpoint(frozenset({INTEL})),
    "lines:disruption_new": Endpoint(frozenset({INTEL})),
    "lines:import": Endpoint(frozenset({INTEL})),
    "lines:import_template": Endpoint(frozenset({INTEL}), kwargs={"kind": "sightings"}),
    "lines:picture": Endpoint(LINES_PICTURE),
    "lines:picture_export": Endpoint(LINES_PICTURE, kwargs={"table": "flows", "fmt": "csv"}),
    # The programme board.
    "programmes:list": Endpoint(PROGRAMME_READ),
    "programmes:programme_new": Endpoint(PROGRAMME_TEAM),
    "programmes:picture": Endpoint(frozenset({PROGRAMME, ANALYST, MANAGER, ADMIN})),
    "programmes:programme": Endpoint(PROGRAMME_READ, factory=lambda: _a_programme()),
    "programmes:objective_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:project_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:deliverable_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:target_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:budget_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:spend_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:spend_import": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:risk_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:body_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:meeting_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:stakeholders": Endpoint(PROGRAMME_READ, factory=lambda: _a_programme()),
    "programmes:response_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:policy": Endpoint(PROGRAMME_READ, factory=lambda: _a_programme()),
    "programmes:policy_new": Endpoint(PROGRAMME_TEAM, factory=lambda: _a_programme()),
    "programmes:spend_template": Endpoint(PROGRAMME_READ, factory=lambda: _a_programme()),
    "programmes:pack_preview": Endpoint(PROGRAMME_READ, factory=lambda: _a_programme()),
    # POST only: a GET goes back to the programme.
    "programmes:pack_issue": Endpoint(
        PROGRAMME_READ, factory=lambda: _a_programme(), ok_status=302
    ),
    "programmes:export": Endpoint(
        PROGRAMME_READ,
        factory=lambda: _a_programme(),
        kwargs={"table": "deliverables", "fmt": "xlsx"},
    ),
    "programmes:deliverable": Endpoint(PROGRAMME_READ, factory=lambda: _a_deliverable()),
    "programmes:target": Endpoint(PROGRAMME_READ, factory=lambda: _a_target()),
    "programmes:pack_download": Endpoint(
        PROGRAMME_READ, factory=lambda: _a_pack(), kwargs={"fmt": "pdf"}
    ),
    "api:programme-list": Endpoint(PROGRAMME_READ, api=True),
    "api:programme-detail": Endpoint(PROGRAMME_READ, api=True, factory=lambda: _a_programme()),
    # POST only: a GET from someone allowed is 405.
    "api:programme-spend-import": Endpoint(
        PROGRAMME_READ, api=True, factory=lambda: _a_programme(), ok_status=405
    ),
    "api:partnership-picture": Endpoint(frozenset({PROGRAMME, ANALYST, MANAGER, ADMIN}), api=True),
    # The learning hub: published examples are public; anyone signed in writes; reviewers
    # (programme leads, team managers) decide. The factory's example is published, by another.
    "learning:hub": Endpoint(ALL, public=True),
    "learning:example": Endpoint(
        ALL, public=True, factory=lambda: _a_practice_example(), lookup="slug"
    ),
    "learning:example_pdf": Endpoint(
        ALL, public=True, factory=lambda: _a_practice_example(), lookup="slug"
    ),
    # Its first attachment is a PDF: downloaded by anyone while the example is published.
    "learning:attachment": Endpoint(
        ALL,
        public=True,
        factory=lambda: _a_practice_example(),
        lookup="slug",
        kwargs={"number": "1"},
    ),
    "learning:attachment_managed": Endpoint(
        ALL, factory=lambda: _a_practice_example(), kwargs={"number": "1"}
    ),
    # Only the author of a draft adds or removes attachments.
    "learning:attachment_new": Endpoint(NOBODY, factory=lambda: _a_practice_example()),
    "learning:attachment_remove": Endpoint(
        NOBODY, factory=lambda: _a_practice_example(), kwargs={"number": "1"}
    ),
    "learning:manage": Endpoint(ALL),
    "learning:example_new": Endpoint(ALL),
    "learning:manage_example": Endpoint(ALL, factory=lambda: _a_practice_example()),
    # Only the author changes a draft: nobody else, whatever their role.
    "learning:example_edit": Endpoint(NOBODY, factory=lambda: _a_practice_example()),
    "learning:example_submit": Endpoint(NOBODY, factory=lambda: _a_practice_example()),
    # POST only: a GET from a reviewer goes back to the example.
    "learning:example_review": Endpoint(
        frozenset({PROGRAMME, MANAGER}), factory=lambda: _a_practice_example(), ok_status=302
    ),
    "learning:example_withdraw": Endpoint(
        frozenset({PROGRAMME, MANAGER}), factory=lambda: _a_practice_example(), ok_status=302
    ),
    "learning:version_diff": Endpoint(
        ALL, factory=lambda: _a_practice_example(), kwargs={"number": "1"}
    ),
    # Events: sessions are public and registrants reach their own place by a signed link (the
    # factory's registration attended a session already held); organisers see registrations.
    "events:home": Endpoint(ALL, public=True),
    "events:series": Endpoint(
        ALL, public=True, factory=lambda: _a_registration().session.series, lookup="slug"
    ),
    "events:series_calendar": Endpoint(
        ALL, public=True, factory=lambda: _a_registration().session.series, lookup="slug"
    ),
    "events:session": Endpoint(ALL, public=True, factory=lambda: _a_registration().session),
    "events:session_calendar": Endpoint(
        ALL, public=True, factory=lambda: _a_registration().session
    ),
    **{
        name: Endpoint(ALL, public=True, factory=lambda: _a_registration(), lookup="token")
        for name in [
            "events:place",
            "events:place_cancel",
            "events:place_accept",
            "events:place_calendar",
            "events:place_feedback",
            "events:place_certificate",
        ]
    },
    "events:place_evaluation": Endpoint(
        ALL,
        public=True,
        factory=lambda: _a_registration(),
        lookup="token",
        kwargs={"phase": "post"},
    ),
    "events:manage": Endpoint(frozenset({PROGRAMME, ADMIN})),
    "events:session_new": Endpoint(frozenset({PROGRAMME, ADMIN})),
    "events:session_manage": Endpoint(
        frozenset({PROGRAMME, ADMIN}), factory=lambda: _a_registration().session
    ),
    "events:attendance": Endpoint(
        frozenset({PROGRAMME, ADMIN}), factory=lambda: _a_registration().session
    ),
    "events:waiting_move": Endpoint(
        frozenset({PROGRAMME, ADMIN}), factory=lambda: _a_registration()
    ),
    "events:evaluation_report": Endpoint(
        frozenset({PROGRAMME, ADMIN}), factory=lambda: _a_registration().session.series
    ),
    "notifications:preferences": Endpoint(ALL),
    "accounts:api_clients": Endpoint(frozenset({ADMIN})),
    "accounts:api_client_new": Endpoint(frozenset({ADMIN})),
    "accounts:api_client": Endpoint(frozenset({ADMIN}), factory=lambda: _an_api_token().client),
    "accounts:webhook_new": Endpoint(frozenset({ADMIN}), factory=lambda: _an_api_token().client),
    # POST only: a GET from an admin goes back to the client's page.
    "accounts:api_token_revoke": Endpoint(
        frozenset({ADMIN}), factory=lambda: _an_api_token(), ok_status=302
    ),
    "notifications:outbox": Endpoint(frozenset({ADMIN})),
    "api:line-list": Endpoint(frozenset({INTEL}), api=True),
    "api:line-detail": Endpoint(frozenset({INTEL}), api=True, factory=lambda: _a_line()),
    # POST only: a GET from someone allowed is 405.
    "api:line-import-file": Endpoint(frozenset({INTEL}), api=True, ok_status=405),
    "api:lines-picture": Endpoint(LINES_PICTURE, api=True),
    "api:detention-list": Endpoint(frozenset({CUSTODY, MANAGER}), api=True),
    "api:detention-detail": Endpoint(frozenset({CUSTODY, MANAGER}), api=True, on_detention=True),
    # POST only: a GET is 405 for the role that records, 403 for every other.
    "api:detention-release": Endpoint(
        frozenset({CUSTODY}), api=True, factory=lambda: _detention_of(make_child()), ok_status=405
    ),
    "api:detention-visit": Endpoint(
        frozenset({CUSTODY}), api=True, factory=lambda: _detention_of(make_child()), ok_status=405
    ),
    "api:detention-concern": Endpoint(
        frozenset({CUSTODY}), api=True, factory=lambda: _detention_of(make_child()), ok_status=405
    ),
    "api:custody-import-list": Endpoint(frozenset({CUSTODY, MANAGER}), api=True, ok_status=405),
    "api:custody-import-detail": Endpoint(frozenset({CUSTODY, MANAGER}), api=True, on_import=True),
    "api:return-list": Endpoint(frozenset({SUBMITTER}), api=True),
    "api:return-detail": Endpoint(frozenset({SUBMITTER}), api=True, factory=lambda: _submission()),
    "api:return-problems": Endpoint(
        frozenset({SUBMITTER}), api=True, factory=lambda: _submission()
    ),
    "api:period-list": Endpoint(ALL, api=True),
    "api:period-detail": Endpoint(ALL, api=True, factory=lambda: _submission().period),
    "api:completeness": Endpoint(frozenset({SUBMITTER, ANALYST, PROGRAMME}), api=True),
    "api:baseline": Endpoint(frozenset({ANALYST, PROGRAMME, ADMIN}), api=True),
    "api:practice-example-list": Endpoint(ALL, api=True),
    "api:practice-example-detail": Endpoint(
        ALL, api=True, factory=lambda: _a_practice_example(), lookup="slug"
    ),
    "api:event-session-list": Endpoint(ALL, api=True),
    "api:event-session-detail": Endpoint(ALL, api=True, factory=lambda: _a_future_session()),
    "api:referral-list": Endpoint(CASEWORK | {PARTNER}, api=True),
    "api:referral-detail": Endpoint(CASEWORK | {PARTNER}, api=True, on_referral=True),
    "api:case-list": Endpoint(EXPLOITATION, api=True),
    "api:case-detail": Endpoint(EXPLOITATION, api=True, on_case=True),
    "api:schema": Endpoint(ALL, api=True),
    "api:docs": Endpoint(ALL),  # a page (the API reference), rendered from the schema
    "api:api-root": Endpoint(ALL, api=True),
    "api:child-list": Endpoint(SEE_CHILDREN, api=True, query="?q=Smith"),
    "api:child-detail": Endpoint(SEE_CHILDREN, api=True, on_child=True),
    "api:area-list": Endpoint(ALL, api=True),
    "api:area-detail": Endpoint(ALL, api=True, kwargs={"slug": "norfolk"}),
    "api:agency-list": Endpoint(ALL, api=True),
    "api:agency-detail": Endpoint(ALL, api=True, kwargs={"slug": "norfolk-police"}),
    "api:team-list": Endpoint(ALL, api=True),
    "api:team-detail": Endpoint(ALL, api=True, kwargs={"slug": "norfolk-mace"}),
    "api:code-list": Endpoint(ALL, api=True),
    "api:code-detail": Endpoint(ALL, api=True, kwargs={"pk": "FIRST_CODE"}),
}


def _url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(
                    pattern.url_patterns,
                    f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace,
                )
            elif pattern.name:
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_endpoint_has_an_entry() -> None:
    missing = {n for n in _url_names() if n not in ENDPOINTS and not n.startswith("admin:")}
    assert not missing, f"Add these endpoints to the authorization table: {sorted(missing)}"


def _actor(role: str):
    agency, team = ACTORS[role]
    return person(role, agency, team, username=f"actor-{role}")


def _own_team(actor) -> Team:
    membership = actor.active_memberships[0]
    if membership.team:
        return membership.team
    agency = membership.agency
    team, _ = Team.objects.get_or_create(
        slug=f"team-of-{agency.slug}",
        defaults={"name": "A team", "agency": agency, "area": agency.areas.first()},
    )
    return team


def _child_related(actor, relationship: str) -> Child:
    child = make_child()
    person(EXPLOIT, "norfolk-childrens", "norfolk-mace", username=f"colleague-{child.pk}")
    agency_slug = actor.active_memberships[0].agency.slug
    if relationship == "own case":
        involve(child, _own_team(actor), worker=actor)
    elif relationship == "same team":
        involve(child, _own_team(actor), worker=None)
    elif relationship == "other agency":
        other = (
            "norfolk-yjs-casework"
            if agency_slug == "norfolk-police"
            else "norfolk-police-safeguarding"
        )
        involve(child, other)
    elif relationship == "other area":
        involve(child, "cambs-safe")
    elif relationship == "shared with their agency":
        share(child, Agency.objects.get(slug=agency_slug), by=_actor_colleague(child))
    return child


def _path(name: str, endpoint: Endpoint, obj: Any = None) -> str:
    from reachable.core.models import Code

    kwargs = dict(endpoint.kwargs)
    if kwargs.get("pk") == "FIRST_CODE":
        kwargs["pk"] = str(Code.objects.order_by("pk").first().pk)  # type: ignore[union-attr]
    if obj is not None:
        kwargs[endpoint.lookup] = str(getattr(obj, endpoint.lookup))
    if name == "admin:*":
        return reverse("admin:index")
    return reverse(name, kwargs=kwargs or None) + endpoint.query


def _get(client, name: str, path: str):
    if name == "accounts:logout":
        return client.post(path)
    if name == "admin:*":
        return client.get(path, follow=True)
    return client.get(
        path,
        HTTP_ACCEPT="application/json"
        if path.startswith("/api/") and "docs" not in path
        else "text/html",
    )


PLAIN = [
    (n, e)
    for n, e in ENDPOINTS.items()
    if not (
        e.on_child
        or e.on_detention
        or e.on_offer
        or e.on_concern
        or e.on_case
        or e.case_part
        or e.on_referral
        or e.on_panel
        or e.on_import
        or e.any_child
    )
]
ON_CHILD = [(n, e) for n, e in ENDPOINTS.items() if e.on_child or e.on_detention or e.on_offer]
ON_CONCERN = [(n, e) for n, e in ENDPOINTS.items() if e.on_concern]
ANY_CHILD = [(n, e) for n, e in ENDPOINTS.items() if e.any_child]


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "endpoint"), PLAIN, ids=[n for n, _ in PLAIN])
def test_plain_endpoint(role: str, name: str, endpoint: Endpoint) -> None:
    client = signed_in_client(_actor(role))
    target = endpoint.factory() if endpoint.factory else None
    response = _get(client, name, _path(name, endpoint, target))
    if endpoint.public:
        assert response.status_code in {200, 302}
    elif role in endpoint.roles:
        assert response.status_code == endpoint.ok_status, f"{role} should reach {name}"
    else:
        assert response.status_code == 403, f"{role} must not reach {name}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "endpoint"), ON_CHILD, ids=[n for n, _ in ON_CHILD])
def test_child_endpoint_by_relationship(role: str, name: str, endpoint: Endpoint) -> None:
    actor = _actor(role)
    client = signed_in_client(actor)
    for relationship, seen_by in SEES.items():
        child = _child_related(actor, relationship)
        target = _target_for(child, endpoint)
        response = _get(client, name, _path(name, endpoint, target))
        if role not in endpoint.roles:
            assert response.status_code == 403, f"{role} has no access to {name} at all"
        elif (
            role in seen_by
            and (endpoint.on_detention or endpoint.on_offer)
            and relationship in READS_ONLY
        ):
            # Custody work is read only with a share that carries custody contact (this one
            # carries identity only).
            assert response.status_code == 404, f"{role} must not read {name}: {relationship}"
        elif role in seen_by and endpoint.writes and relationship in READS_ONLY:
            assert response.status_code == 403, (
                f"{role} may read but not change the record ({name}): {relationship}"
            )
            assert "Only a team working with the child" in page(response)
        elif role in seen_by:
            assert response.status_code == 200, (
                f"{role} should open {name} for a child: {relationship}"
            )
            assert AuditEvent.objects.filter(
                user=actor,
                child_id=child.pk,
                action__in=[
                    "child.view",
                    "child.view.api",
                    "detention.view",
                    "chronology.view",
                    "peers.view",
                    "disclosures.view",
                ],
            ).exists()
        else:
            assert response.status_code == 404, (
                f"{role} must get 404 on {name} for a child: {relationship}"
            )
            assert AuditEvent.objects.filter(
                user=actor, child_id=child.pk, action__endswith=".denied"
            ).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "endpoint"), ON_CONCERN, ids=[n for n, _ in ON_CONCERN])
def test_concern_endpoint_by_recipient_team(role: str, name: str, endpoint: Endpoint) -> None:
    actor = _actor(role)
    client = signed_in_client(actor)
    detention = _detention_of(make_child())
    own_team = actor.active_memberships[0].team
    to_mine = _concern(detention, own_team) if own_team else None
    to_other = _concern(detention, Team.objects.get(slug="cambs-mash"))
    for concern, should_see in ((to_mine, True), (to_other, False)):
        if concern is None:
            continue
        response = _get(client, name, _path(name, endpoint, concern))
        if role not in endpoint.roles:
            assert response.status_code == 403
        elif should_see:
            assert response.status_code == 200, (
                f"{role} should see a concern shared with their team"
            )
        else:
            assert response.status_code == 404, (
                f"{role} must not see a concern shared with another team"
            )


def _target_for(child: Child, endpoint: Endpoint) -> Any:
    """The object an endpoint acts on, belonging to this child."""
    if endpoint.on_detention:
        return _detention_of(child)
    if endpoint.on_offer:
        from django.utils import timezone

        from reachable.custody.models import CommunityOffer

        detention = _detention_of(child)
        return CommunityOffer.objects.create(
            detention=detention,
            offered_at=timezone.now(),
            offered_by=person(
                CUSTODY, "norfolk-yjs", "norfolk-custody-ei", username=f"offerer-{child.pk}"
            ),
            accepted=True,
        )
    return child


def _detention_of(child: Child) -> Any:
    return make_detention(child)


def _concern(detention: Any, team: Team) -> Any:
    from django.utils import timezone

    from reachable.core.models import Code
    from reachable.custody.models import ConcernShare

    sharer = person(
        CUSTODY, "norfolk-yjs", "norfolk-custody-ei", username=f"sharer-{detention.pk}-{team.pk}"
    )
    return ConcernShare.objects.create(
        detention=detention,
        to_team=team,
        method=Code.objects.get(code_list__key="share-method", code="phone"),
        summary="Worried about debt to older boys",
        shared_at=timezone.now(),
        shared_by=sharer,
    )


ON_CASE = [(n, e) for n, e in ENDPOINTS.items() if e.on_case or e.case_part]
ON_REFERRAL = [(n, e) for n, e in ENDPOINTS.items() if e.on_referral]
ON_PANEL = [(n, e) for n, e in ENDPOINTS.items() if e.on_panel]


def _case_for(child: Child, team: Team) -> Any:
    from reachable.casework.models import Case

    involve(child, team)
    return Case.objects.create(child=child, team=team, opened_at=timezone.now())


def _case_part(case: Any, part: str) -> Any:
    """An object reached through its case: intervention, NRM referral, missing episode, action,
    or the case's item on a panel agenda."""
    from reachable.casework import models as m

    user = person(EXPLOIT, "norfolk-childrens", "norfolk-mace", username=f"worker-{case.pk}")
    agency = Agency.objects.get(slug="norfolk-childrens")
    today = timezone.localdate()
    if part == "intervention":
        kind = Code.objects.get(code_list__key="intervention", code="mentoring")
        return m.Intervention.objects.create(case=case, kind=kind, started_on=today, by=user)
    if part == "nrm":
        return m.NrmReferral.objects.create(
            case=case, referred_on=today, first_responder=agency, by=user
        )
    if part == "missing":
        return m.MissingEpisode.objects.create(case=case, missing_from=timezone.now(), by=user)
    if part == "action":
        return m.Action.objects.create(
            case=case,
            description="Visit school",
            owner=user,
            owner_agency=agency,
            due_on=today,
            created_by=user,
        )
    panel = m.Panel.objects.create(team=case.team, held_on=today, chair=user)
    return m.PanelItem.objects.create(panel=panel, case=case, kind="new")


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "endpoint"), ON_CASE, ids=[n for n, _ in ON_CASE])
def test_case_endpoint_by_holding_team(role: str, name: str, endpoint: Endpoint) -> None:
    """A case is seen only by the team holding it: not by other teams, agencies or areas, and not
    by a partner the child's record is shared with."""
    actor = _actor(role)
    client = signed_in_client(actor)
    own_team = actor.active_memberships[0].team
    holders = [("own team", own_team)] if own_team else []
    holders += [("other area", Team.objects.get(slug="cambs-safe"))]
    holders += [("other agency", Team.objects.get(slug="norfolk-police-safeguarding"))]
    for holder, team in holders:
        child = make_child()
        if holder != "own team":
            share(child, actor.active_memberships[0].agency, by=_actor_colleague(child))
        case = _case_for(child, team)
        target = _case_part(case, endpoint.case_part) if endpoint.case_part else case
        response = _get(client, name, _path(name, endpoint, target))
        if role not in endpoint.roles:
            assert response.status_code == 403, f"{role} has no access to {name} at all"
        elif holder == "own team":
            assert response.status_code == endpoint.ok_status, f"{role} should reach {name}"
            assert AuditEvent.objects.filter(user=actor, action="case.view").exists()
        else:
            assert response.status_code == 404, f"{role} must not open {name}: {holder}"
            assert AuditEvent.objects.filter(user=actor, action__endswith=".denied").exists()


def _actor_colleague(child: Child) -> Any:
    return person(EXPLOIT, "cambs-yss", "cambs-safe", username=f"sharer-{child.pk}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "endpoint"), ON_REFERRAL, ids=[n for n, _ in ON_REFERRAL])
def test_referral_endpoint_by_team_or_referrer(role: str, name: str, endpoint: Endpoint) -> None:
    """A referral is seen by the team it was sent to and by the person who made it."""
    actor = _actor(role)
    client = signed_in_client(actor)
    own_team = actor.active_memberships[0].team
    other = person(PARTNER, "suffolk-yjs", None, username="referrer-elsewhere")
    cases = [(_referral(other, Team.objects.get(slug="cambs-safe")), False)]
    cases.append((_referral(actor, Team.objects.get(slug="cambs-safe")), True))
    if own_team and role in EXPLOITATION:
        cases.append((_referral(other, own_team), True))
    for referral, should_see in cases:
        response = _get(client, name, _path(name, endpoint, referral))
        if role not in endpoint.roles:
            assert response.status_code == 403
        elif should_see:
            assert response.status_code == 200, f"{role} should see {name}"
        else:
            assert response.status_code == 404, f"{role} must not see a referral to another team"


def _referral(by: Any, team: Team) -> Any:
    from reachable.casework.models import Referral

    return Referral.objects.create(
        child=make_child(),
        to_team=team,
        referred_by=by,
        referring_agency=by.active_memberships[0].agency,
        received_at=timezone.now(),
        concerns="Going missing, new phone",
        urgency="urgent",
        consent="given",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "endpoint"), ON_PANEL, ids=[n for n, _ in ON_PANEL])
def test_panel_endpoint_by_team(role: str, name: str, endpoint: Endpoint) -> None:
    from reachable.casework.models import Panel

    actor = _actor(role)
    client = signed_in_client(actor)
    chair = person(MANAGER, "cambs-yss", "cambs-safe", username="chair-elsewhere")
    own_team = actor.active_memberships[0].team
    panels = [
        (
            Panel.objects.create(
                team=Team.objects.get(slug="cambs-safe"), held_on=timezone.localdate(), chair=chair
            ),
            False,
        )
    ]
    if own_team:
        panels.append(
            (Panel.objects.create(team=own_team, held_on=timezone.localdate(), chair=chair), True)
        )
    for panel, should_see in panels:
        response = _get(client, name, _path(name, endpoint, panel))
        if role not in endpoint.roles:
            assert response.status_code == 403
        elif should_see:
            assert response.status_code == 200, f"{role} should see their team's panel"
        else:
            assert response.status_code == 404, f"{role} must not see another team's panel"


ON_IMPORT = [(n, e) for n, e in ENDPOINTS.items() if e.on_import]


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "endpoint"), ON_IMPORT, ids=[n for n, _ in ON_IMPORT])
def test_import_endpoint_only_for_the_uploader(role: str, name: str, endpoint: Endpoint) -> None:
    """An import's problems quote children's details: only the person who uploaded it sees them."""
    actor = _actor(role)
    client = signed_in_client(actor)
    colleague = person(CUSTODY, "norfolk-yjs", "norfolk-custody-ei", username="uploader-2")
    for uploader, should_see in ((actor, True), (colleague, False)):
        job = _import_by(uploader)
        response = _get(client, name, _path(name, endpoint, job))
        if role not in endpoint.roles:
            assert response.status_code == 403
        elif should_see:
            assert response.status_code == 200, f"{role} should see their own import"
        else:
            assert response.status_code == 404, f"{role} must not see a colleague's import"


def _import_by(user: Any) -> Any:
    from reachable.custody.models import DetentionImport

    return DetentionImport.objects.create(
        uploaded_by=user,
        filename="custody.csv",
        status="rejected",
        finished_at=timezone.now(),
        problems=[{"row": 2, "column": "suite", "value": "x", "message": "Unknown"}],
    )


ALL_ENDPOINTS = [
    *PLAIN,
    *ON_CHILD,
    *ON_CONCERN,
    *ON_CASE,
    *ON_REFERRAL,
    *ON_PANEL,
    *ON_IMPORT,
    *ANY_CHILD,
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "endpoint"), ALL_ENDPOINTS, ids=[n for n, _ in ALL_ENDPOINTS])
def test_anonymous_visitors_are_sent_to_sign_in(client, name: str, endpoint: Endpoint) -> None:
    target: Any = endpoint.factory() if endpoint.factory else None
    if endpoint.on_child or endpoint.any_child:
        target = make_child()
    elif endpoint.on_detention or endpoint.on_offer:
        target = _target_for(make_child(), endpoint)
    elif endpoint.on_concern:
        target = _concern(_detention_of(make_child()), Team.objects.get(slug="norfolk-mace"))
    elif endpoint.on_case or endpoint.case_part:
        case = _case_for(make_child(), Team.objects.get(slug="norfolk-mace"))
        target = _case_part(case, endpoint.case_part) if endpoint.case_part else case
    elif endpoint.on_referral:
        target = _referral(_actor(PARTNER), Team.objects.get(slug="norfolk-mace"))
    elif endpoint.on_import:
        target = _import_by(_actor(CUSTODY))
    elif endpoint.on_panel:
        from reachable.casework.models import Panel

        target = Panel.objects.create(
            team=Team.objects.get(slug="norfolk-mace"),
            held_on=timezone.localdate(),
            chair=_actor(MANAGER),
        )
    response = _get(client, name, _path(name, endpoint, target))
    if endpoint.public:
        assert response.status_code in {200, 302}
    elif endpoint.api:
        assert response.status_code in {401, 403}
    elif name == "admin:*":
        assert response.redirect_chain[-1][0].startswith("/accounts/sign-in/")
    else:
        assert response.status_code == 302
        assert "/accounts/sign-in/" in response["Location"]


def _first(label: str) -> Any:
    from django.apps import apps

    return apps.get_model(label).objects.order_by("pk").first()


def _retention_review() -> Any:
    from reachable.sharing.models import RetentionReview

    return RetentionReview.objects.create(created_at=timezone.now())


def _subject_access() -> Any:
    from reachable.sharing.models import SubjectAccessRequest

    child = make_child()
    return SubjectAccessRequest.objects.create(
        child=child,
        requested_child_id=child.pk,
        requester="The child",
        received_on=timezone.localdate(),
        recorded_by=person(DPL, "partnership-team", username=f"dpl-{child.pk}"),
        recorded_at=timezone.now(),
        export=b"PK",
        exported_at=timezone.now(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("name", "endpoint"), ANY_CHILD, ids=[n for n, _ in ANY_CHILD])
def test_governance_endpoint_on_any_child(role: str, name: str, endpoint: Endpoint) -> None:
    """The data protection lead opens any record for a governance task, audited; nobody else can,
    whatever their relationship to the child."""
    actor = _actor(role)
    client = signed_in_client(actor)
    for relationship in SEES:
        child = _child_related(actor, relationship)
        response = _get(client, name, _path(name, endpoint, child))
        if role not in endpoint.roles:
            assert response.status_code == 403, f"{role} must not reach {name} ({relationship})"
            continue
        assert response.status_code == endpoint.ok_status
        if endpoint.ok_status == 200:
            assert AuditEvent.objects.filter(
                user=actor, child_id=child.pk, action="governance.view"
            ).exists()


def _submission() -> Any:
    """A return of the submitter actor's agency (Suffolk YJS): the only agency that may see it."""
    from reachable.returns.models import Domain, ReturnPeriod, Submission

    return Submission.objects.create(
        agency=Agency.objects.get(slug="suffolk-yjs"),
        county=Area.objects.get(slug="suffolk"),
        period=ReturnPeriod.objects.get(label="April to September 2026"),
        domain=Domain.objects.get(version__version="2026.1", key="youth-justice"),
        submitted_by=person(SUBMITTER, "suffolk-yjs", username=f"sub-{Submission.objects.count()}"),
        submitted_at=timezone.now(),
        filename="return.csv",
        status="rejected",
    )


def _linkage_run() -> Any:
    """A finished linkage run (partnership-wide and pseudonymised: analysts only)."""
    from reachable.returns.models import LinkageRun, ReturnPeriod

    return LinkageRun.objects.create(
        period=ReturnPeriod.objects.get(label="April to September 2026"),
        started_by=person(
            ANALYST, "partnership-team", username=f"ana-{LinkageRun.objects.count()}"
        ),
        started_at=timezone.now(),
        accept_at=0.99,
        review_from=0.8,
        status="done",
    )


def _pair_review() -> Any:
    from reachable.returns.models import PairReview

    return PairReview.objects.create(
        key_l="a" * 64,
        key_r="b" * 64,
        agency_l="suffolk-police",
        agency_r="suffolk-yjs",
        run=_linkage_run(),
        match_probability=0.9,
        match_weight=3.2,
        weights={"mw_given_name": 3.2},
    )


# The helpers below make their object once and hand back the same one after: the every-page run
# asks for one for each page about it, and names must be unique.


def _a_line() -> Any:
    from reachable.lines.models import Line
    from reachable.lines.tests.helpers import a_line

    return Line.objects.order_by("pk").first() or a_line()


def _a_location() -> Any:
    from reachable.lines.models import Location
    from reachable.lines.tests.helpers import a_location

    return Location.objects.order_by("pk").first() or a_location()


def _a_programme() -> Any:
    """A programme whose team includes every programme lead, the matrix's actor among them."""
    from reachable.accounts.models import Membership
    from reachable.programmes.models import Programme
    from reachable.programmes.tests.helpers import a_programme

    programme = Programme.objects.order_by("pk").first() or a_programme()
    leads = Membership.objects.filter(role=PROGRAMME).values_list("user", flat=True)
    programme.editors.add(*leads)
    return programme


def _a_deliverable() -> Any:
    from reachable.programmes.tests.helpers import a_deliverable

    return a_deliverable(_a_programme())


def _a_target() -> Any:
    from reachable.programmes.tests.helpers import a_target

    return a_target(_a_programme())


def _a_pack() -> Any:
    from reachable.programmes.models import BoardPack

    return BoardPack.objects.create(
        programme=_a_programme(),
        quarter_starts_on=dt.date(2026, 4, 1),
        issued_at=timezone.now(),
        issued_by=_someone(),
        html="<p>pack</p>",
        pdf=b"%PDF-1.7 pack",
        sha256="0" * 64,
    )


def _a_practice_example() -> Any:
    from reachable.learning.models import PracticeExample
    from reachable.learning.synth import synth_learning
    from reachable.synth.services import system_user

    synth_learning(user_id=system_user().pk)
    return PracticeExample.objects.order_by("pk").first()


def _an_api_token() -> Any:
    from reachable.accounts.api_clients import client_register, token_issue
    from reachable.accounts.models import ApiClient

    admin = _someone()
    client = ApiClient.objects.filter(name="Eastshire custody system").first() or client_register(
        by=admin,
        name="Eastshire custody system",
        agency=Agency.objects.get(slug="norfolk-yjs"),
        role=CUSTODY,
    )
    return token_issue(by=admin, client=client, days=30)[0]


def _a_future_session() -> Any:
    from reachable.events.tests.helpers import a_session

    return a_session(capacity=5)


def _a_registration() -> Any:
    import datetime as dt

    from reachable.events.models import Registration
    from reachable.events.tests.helpers import a_session, sign_up

    # One is enough for every page about it (the every-page run asks for it many times).
    made = Registration.objects.filter(attended=True, email="attendee@example.org").first()
    if made is not None:
        return made
    session = a_session(capacity=5)
    held = sign_up(session, "attendee")
    session.starts_at = timezone.now() - dt.timedelta(hours=3)
    session.ends_at = timezone.now() - dt.timedelta(hours=1)
    session.save()
    Registration.objects.filter(pk=held.pk).update(attended=True)
    held.refresh_from_db()
    return held


def _someone() -> Any:
    return person_once(PARTNER, "norfolk-education", "northgate-safeguarding", username="someone")


def _an_action() -> Any:
    from reachable.casework.models import Action

    child = make_child()
    case = _case_for(child, Team.objects.get(slug="norfolk-mace"))
    someone_else = _actor_colleague(child)
    return Action.objects.create(
        case=case,
        description="Visit school",
        due_on=timezone.localdate(),
        owner=someone_else,
        owner_agency=Agency.objects.get(slug="norfolk-childrens"),
        created_by=someone_else,
    )


def _a_share() -> Any:
    child = make_child()
    return share(child, "norfolk-education", by=_actor_colleague(child))


WRITES = [(n, e) for n, e in ENDPOINTS.items() if e.writes]


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(CASEWORK | {PARTNER}))
@pytest.mark.parametrize(("name", "endpoint"), WRITES, ids=[n for n, _ in WRITES])
def test_posting_a_change_by_relationship(role: str, name: str, endpoint: Endpoint) -> None:
    """POST (an empty form: a refusal must come before the form is even read) for every write
    endpoint, every relationship: only those working with the child reach the form's errors."""
    actor = _actor(role)
    client = signed_in_client(actor)
    for relationship, seen_by in SEES.items():
        child = _child_related(actor, relationship)
        before = AuditEvent.objects.filter(child_id=child.pk).exclude(action__contains="view")
        writes_before = before.count()
        response = client.post(_path(name, endpoint, child), {})
        if role not in endpoint.roles:
            expected = 403
        elif role not in seen_by:
            expected = 404
        elif relationship in READS_ONLY:
            expected = 403
        else:
            # The form again, with its errors (400 from the shared form page, 200 elsewhere).
            expected = response.status_code if response.status_code in {200, 400} else 200
            assert "govuk-error-summary" in response.content.decode(), f"{name}: no errors shown"
        assert response.status_code == expected, f"{role} POST {name}: {relationship}"
        assert before.count() == writes_before, "a refused or invalid POST changed nothing"


def openable_by(actor: Any, role: str, endpoint: Endpoint) -> Any:
    """The object this endpoint is about, made so that a person in this role may open it: their
    own case's child, a concern sent to their team, a case their team holds, a referral they made,
    their team's panel, their own import. None for an endpoint about no object. Used by the
    every-page accessibility run, so each page is seen as its allowed readers see it."""
    from reachable.casework.models import Panel

    if endpoint.factory:
        return endpoint.factory()
    if endpoint.any_child:
        return make_child()
    if endpoint.on_child or endpoint.on_detention or endpoint.on_offer:
        # Their own case where the role has cases; a record shared with their agency for a partner.
        relationship = next(r for r, seen_by in SEES.items() if role in seen_by)
        return _target_for(_child_related(actor, relationship), endpoint)
    if endpoint.on_concern:
        return _concern(_detention_of(make_child()), _own_team(actor))
    if endpoint.on_case or endpoint.case_part:
        case = _case_for(make_child(), _own_team(actor))
        return _case_part(case, endpoint.case_part) if endpoint.case_part else case
    if endpoint.on_referral:
        return _referral(actor, Team.objects.get(slug="cambs-safe"))
    if endpoint.on_panel:
        return Panel.objects.create(
            team=_own_team(actor), held_on=timezone.localdate(), chair=actor
        )
    if endpoint.on_import:
        return _import_by(actor)
    return None


def pages_for(role: str) -> list[tuple[str, Endpoint]]:
    """The HTML pages a person in this role may open with a GET: every endpoint their row allows
    (or that is public), less the API's JSON and the POST-only addresses."""
    return [
        (name, endpoint)
        for name, endpoint in ENDPOINTS.items()
        if (role in endpoint.roles or endpoint.public)
        and endpoint.ok_status == 200
        and not endpoint.api
        and name not in {"accounts:logout", "admin:*"}
    ]


def actor_for(role: str) -> Any:
    return _actor(role)


def path_to(name: str, endpoint: Endpoint, obj: Any) -> str:
    return _path(name, endpoint, obj)
