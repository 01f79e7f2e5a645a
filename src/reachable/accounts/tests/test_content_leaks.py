"""The content leak test: what every page, download and API answer *shows*, not its status code.

One child has a row in every table that holds data about a child (``child_with_data_everywhere``).
Every free-text field of every such row is overwritten with a marker of its own. Then, for each
relationship a person can have to the child, every URL in the authorization table is requested and
the markers found in the answers are compared with the data categories that relationship may
read, from one table (``FIELD_CATEGORY``). A free-text field with no row in that table fails
``test_every_free_text_field_about_a_child_has_a_category``; a URL with no row in the
authorization table fails ``test_every_endpoint_has_an_entry`` there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from reachable.accounts.models import Membership
from reachable.accounts.tests.test_authorization_matrix import ENDPOINTS, Endpoint, _get, _path
from reachable.core.models import Agency, Team
from reachable.sharing.record_tree import record_tree
from reachable.sharing.tests.conftest import Everywhere, child_with_data_everywhere
from reachable.testing import person, signed_in_client

pytestmark = pytest.mark.django_db

# Which kind of information each free-text field about a child holds.
IDENTITY, CASEWORK, CHRONOLOGY, CUSTODY = "identity", "casework", "chronology", "custody"
SHARING, DISPUTE, GOVERNANCE = "sharing", "dispute", "governance"
INTELLIGENCE = "intelligence"  # county lines links: intelligence roles only, and never by name
FIELD_CATEGORY: dict[str, str] = {
    "children.Child.given_name": IDENTITY,
    "children.Child.family_name": IDENTITY,
    "children.Child.known_as": IDENTITY,
    "children.ChildIdentifier.value": IDENTITY,
    "children.Carer.name": IDENTITY,
    "children.Carer.contact": IDENTITY,
    "children.Involvement.reason": CASEWORK,
    "children.ChildMerge.reason": CASEWORK,
    "custody.Detention.age_override_reason": CUSTODY,
    "custody.Detention.custody_reference": CUSTODY,
    "custody.Engagement.discussed": CUSTODY,
    "custody.Engagement.childs_words": CUSTODY,
    "custody.ConcernShare.summary": CUSTODY,
    "custody.CommunityOffer.outcome_notes": CUSTODY,
    "custody.ReleaseCorrection.reason": CUSTODY,
    "casework.Referral.concerns": CASEWORK,
    "casework.Referral.lawful_basis": CASEWORK,
    "casework.Referral.decision_reason": CASEWORK,
    "casework.Referral.signposted_to": CASEWORK,
    "casework.Case.closure_summary": CASEWORK,
    "casework.Case.closure_request_reason": CASEWORK,
    "casework.Case.closure_decision_reason": CASEWORK,
    "casework.Case.open_actions_reason": CASEWORK,
    "casework.CaseEvent.reason": CASEWORK,
    "casework.Screening.notes": CASEWORK,
    "casework.RiskJudgement.reasons": CASEWORK,
    "casework.SafetyPlan.trusted_adults": CASEWORK,
    "casework.SafetyPlan.safe_places": CASEWORK,
    "casework.SafetyPlan.warning_signs": CASEWORK,
    "casework.SafetyPlan.what_to_do": CASEWORK,
    "casework.SafetyPlan.childs_words": CASEWORK,
    "casework.Intervention.provider_name": CASEWORK,
    "casework.Intervention.outcome": CASEWORK,
    "casework.NrmReferral.notes": CASEWORK,
    "casework.MissingEpisode.notes": CASEWORK,
    "casework.MissingEpisode.found_where": CASEWORK,
    "casework.MissingEpisode.interview_notes": CASEWORK,
    "casework.PanelItem.decision": CASEWORK,
    "casework.Action.description": CASEWORK,
    "casework.Action.done_note": CASEWORK,
    "casework.ChronologyEntry.summary": CHRONOLOGY,
    "casework.PeerLink.nature": CASEWORK,
    "casework.PlaceLink.nature": CASEWORK,
    "casework.PlaceLink.location": CASEWORK,
    "sharing.Share.reason": SHARING,
    "sharing.Share.consent_override_reason": SHARING,
    "sharing.Share.child_views": SHARING,
    "sharing.Share.revoke_reason": SHARING,
    "sharing.Dispute.what": DISPUTE,
    "sharing.Dispute.raised_on_behalf_of": DISPUTE,
    "sharing.Dispute.details": DISPUTE,
    "sharing.Dispute.outcome": DISPUTE,
    "sharing.BreakGlass.reason": GOVERNANCE,
    "sharing.LegalHold.reason": GOVERNANCE,
    "sharing.Restriction.reason": GOVERNANCE,
    "sharing.SubjectAccessRequest.requester": GOVERNANCE,
    "lines.ChildLink.source": INTELLIGENCE,
    "lines.ChildLink.note": INTELLIGENCE,
}

# What each relationship to the child may read. Anything else found in an answer is a leak.
MAY_READ: dict[str, set[str]] = {
    # The MACE practitioner holding the case: the whole record, but not the data protection
    # lead's reasons or other people's emergency-access reasons.
    "own case": {IDENTITY, CASEWORK, CHRONOLOGY, CUSTODY, SHARING, DISPUTE},
    "same team": {IDENTITY, CASEWORK, CHRONOLOGY, CUSTODY, SHARING, DISPUTE},
    # The school the record was shared with (identity only): who the child is, and the share
    # its own agency received.
    "shared with identity": {IDENTITY, SHARING},
    # A practitioner elsewhere who broke the glass: the record and the chronology the teams read,
    # not the case itself.
    "break-glass": {IDENTITY, CHRONOLOGY, SHARING, DISPUTE},
    # No relationship, or one that has ended: nothing.
    "other area": set(),
    "other agency": set(),
    "moved team": set(),
    # The custody team at the suite where the child was detained, with no grant in force.
    "custody after the window": set(),
}
# Once the case closed longer ago than the window, its team reads nothing more.
CLOSED_BEYOND_WINDOW = {**MAY_READ, "own case": set(), "same team": set()}

# Fields that hold codes, keys or derived values rather than anything a person wrote.
NOT_FREE_TEXT = {"slug", "code", "hash", "prev_hash", "value_normalised", "username"}
CODED = {"casework.ChronologyEntry.kind"}  # one of a fixed list of kinds, written by the services


def _free_text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and f.name not in NOT_FREE_TEXT
        and not f.name.endswith(("_key", "_prefix", "_suffix"))
    ]


@dataclass
class Marked:
    everywhere: Everywhere
    markers: dict[str, str]  # marker -> "app.Model.field"
    objects: dict[str, Any]


def _mark(everywhere: Everywhere) -> Marked:
    """Write a marker into every free-text field of every row about the child."""
    markers: dict[str, str] = {}
    for model, rows in record_tree(everywhere.child).items():
        for obj in rows.values():
            if model._meta.model_name == "child" and obj.pk != everywhere.child.pk:
                continue  # the merged duplicate: its names are its own
            for f in _free_text_fields(model):
                label = f"{model._meta.app_label}.{model.__name__}.{f.name}"
                if label in CODED:
                    continue
                marker = f"MK{len(markers):03d}q{obj.pk}z"[: f.max_length or 100]
                markers[marker] = label
                model._default_manager.filter(pk=obj.pk).update(**{f.name: marker})
    from reachable.casework.models import Case, Panel, PanelItem, Referral
    from reachable.custody.models import CommunityOffer, ConcernShare, Detention

    child = everywhere.child
    case = Case.objects.get(child=child)
    objects = {
        "child": child,
        "case": case,
        "detention": Detention.objects.get(child=child),
        "offer": CommunityOffer.objects.get(detention__child=child),
        "concern": ConcernShare.objects.get(detention__child=child),
        "referral": Referral.objects.get(child=child),
        "panel": Panel.objects.get(items__case=case),
        "panel_item": PanelItem.objects.get(case=case),
    }
    from reachable.casework import models as cw

    parts = {
        "intervention": cw.Intervention,
        "nrm": cw.NrmReferral,
        "missing": cw.MissingEpisode,
        "action": cw.Action,
    }
    for part, model in parts.items():
        objects[part] = model._default_manager.get(case=case)
    return Marked(everywhere, markers, objects)


def _models_under_child() -> set[str]:
    """Every model whose rows can belong to a child's record, by walking the schema (not the data)."""
    from django.apps import apps

    from reachable.children.models import Child

    found: set[type[models.Model]] = {Child}
    frontier: list[type[models.Model]] = [Child]
    while frontier:
        model = frontier.pop()
        for candidate in apps.get_models():
            if candidate in found:
                continue
            if any(
                f.is_relation and f.related_model is model for f in candidate._meta.concrete_fields
            ):
                found.add(candidate)
                frontier.append(candidate)
    return {m._meta.label for m in found}


def test_the_child_with_data_everywhere_has_a_row_in_every_table_about_a_child() -> None:
    # Otherwise a new table's free text would never be marked, and its leaks never seen.
    present = {m._meta.label for m in record_tree(child_with_data_everywhere().child)}
    missing = sorted(_models_under_child() - present)
    assert not missing, f"Give child_with_data_everywhere a row in: {missing}"


def test_every_free_text_field_about_a_child_has_a_category() -> None:
    marked = _mark(child_with_data_everywhere())
    missing = sorted(set(marked.markers.values()) - set(FIELD_CATEGORY))
    assert not missing, f"Give these fields a data category in FIELD_CATEGORY: {missing}"


def _target(name: str, endpoint: Endpoint, objects: dict[str, Any]) -> Any:
    for flag, key in [
        ("on_detention", "detention"),
        ("on_offer", "offer"),
        ("on_concern", "concern"),
        ("on_case", "case"),
        ("on_referral", "referral"),
        ("on_panel", "panel"),
    ]:
        if getattr(endpoint, flag):
            return objects[key]
    if endpoint.case_part:
        return objects[endpoint.case_part]
    if endpoint.on_child or endpoint.any_child:
        return objects["child"]
    return None


REQUESTS = [
    (name, endpoint)
    for name, endpoint in ENDPOINTS.items()
    if not endpoint.public
    and endpoint.factory is None
    and not endpoint.on_import
    and name not in {"admin:*", "accounts:logout", "api:schema", "api:docs"}
]


def _actors(marked: Marked) -> dict[str, Any]:
    from reachable.sharing.services import break_glass_open

    child = marked.everywhere.child
    school = person("partner_user", "norfolk-education", "northgate-safeguarding", username="sam")
    glass = person("exploitation_practitioner", "cambs-yss", "cambs-safe", username="glass")
    break_glass_open(user=glass, child_pk=child.pk, reason="Found in Wisbech tonight, need it")
    elsewhere = person("exploitation_practitioner", "cambs-yss", "cambs-safe", username="ade")
    moved = person("exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mv")
    from reachable.children.models import Involvement

    Involvement.objects.filter(child=child).update(worker=moved)
    Membership.objects.filter(user=moved).update(
        agency=Agency.objects.get(slug="cambs-yss"), team=Team.objects.get(slug="cambs-safe")
    )
    worker = marked.everywhere.worker
    return {
        "own case": worker,
        "same team": person("team_manager", "norfolk-childrens", "norfolk-mace", username="gm"),
        "other agency": person(
            "exploitation_practitioner", "norfolk-police", "norfolk-police-safeguarding"
        ),
        "custody after the window": person(
            "custody_practitioner", "norfolk-yjs", "norfolk-custody-ei", username="cu"
        ),
        "shared with identity": school,
        "break-glass": glass,
        "other area": elsewhere,
        "moved team": moved,
    }


def _close_beyond_window(marked: Marked) -> None:
    from reachable.casework.models import Case, Referral
    from reachable.children.models import Involvement

    long_ago = timezone.now() - dt.timedelta(days=120)
    Case.objects.filter(pk=marked.objects["case"].pk).update(status="closed", closed_at=long_ago)
    Referral.objects.filter(pk=marked.objects["referral"].pk).update(
        decision="accepted", decided_at=long_ago - dt.timedelta(days=200)
    )
    Involvement.objects.filter(child=marked.everywhere.child).update(
        ended_on=timezone.localdate(long_ago) + dt.timedelta(days=90)
    )


@pytest.mark.parametrize("case_state", ["open", "closed beyond the window"])
def test_no_page_download_or_api_answer_shows_what_the_reader_may_not_read(case_state) -> None:
    marked = _mark(child_with_data_everywhere(born=timezone.localdate() - dt.timedelta(5800)))
    actors = _actors(marked)
    may_read = MAY_READ if case_state == "open" else CLOSED_BEYOND_WINDOW
    if case_state != "open":
        _close_beyond_window(marked)
    leaks: list[str] = []
    seen_by: dict[str, set[str]] = {}
    requests = 0
    for relationship, actor in actors.items():
        client = signed_in_client(actor)
        seen: set[str] = set()
        for name, endpoint in REQUESTS:
            path = _path(name, endpoint, _target(name, endpoint, marked.objects))
            response = _get(client, name, path)
            requests += 1
            body = b"".join(response.streaming_content) if response.streaming else response.content
            text = body.decode("utf-8", "replace")
            for marker, field in marked.markers.items():
                if marker in text:
                    seen.add(FIELD_CATEGORY[field])
                    if FIELD_CATEGORY[field] not in may_read[relationship]:
                        leaks.append(f"{relationship}: {name} shows {field}")
        seen_by[relationship] = seen
    assert not leaks, "\n".join(sorted(set(leaks)))
    # The test can fail the other way too: those who may read the record do see it.
    if case_state == "open":
        assert {IDENTITY, CASEWORK, CHRONOLOGY} <= seen_by["own case"]
    assert IDENTITY in seen_by["shared with identity"]
    assert {IDENTITY, CHRONOLOGY} <= seen_by["break-glass"]
    print(
        f"leak test: {len(actors)} relationships x {len(REQUESTS)} URLs = {requests} answers, "
        f"{len(marked.markers)} markers in {len(set(marked.markers.values()))} fields"
    )
