from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from reachable.accounts.models import User
from reachable.children.models import Child
from reachable.core.models import Agency, Code, Place, Team
from reachable.testing import involve, make_child, make_detention, person, share


def code(list_key: str, value: str) -> Code:
    return Code.objects.get(code_list__key=list_key, code=value)


@dataclass
class Everywhere:
    child: Child
    duplicate: Child  # merged into ``child``
    peer: Child  # another child, linked to ``child`` as a peer
    worker: User


def child_with_data_everywhere(*, born: dt.date | None = None) -> Everywhere:
    """A child with at least one row in every table that holds data about a child: the record,
    identifiers, carers, services, involvements, a merged duplicate, a share, custody (detention,
    visit, concern, offer), casework (referral, case and all its parts, panel item, chronology,
    peers, places) and governance (break-glass, lifted hold and restriction, dispute)."""
    from reachable.casework import models as cw
    from reachable.children import models as ch
    from reachable.custody import models as cu
    from reachable.sharing import models as sh

    now = timezone.now()
    today = timezone.localdate()
    suffix = Child.objects.count()
    worker = person(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username=f"w{suffix}"
    )
    mace = Team.objects.get(slug="norfolk-mace")
    agency = Agency.objects.get(slug="norfolk-childrens")
    child = make_child(
        given_name="Jay", family_name="Okafor", date_of_birth=born or today - dt.timedelta(5800)
    )
    duplicate = make_child(given_name="Jai", family_name="Okafor", merged_into=child)
    peer = make_child(given_name="Tyler", family_name="Brooks")

    upn = f"A{suffix:012d}"
    ch.ChildIdentifier.objects.create(
        child=child, kind=code("identifier-kind", "upn"), value=upn, value_normalised=upn
    )
    ch.Carer.objects.create(
        child=child, name="Grace Okafor", relationship=code("carer-relationship", "mother")
    )
    ch.ServiceStatus.objects.create(
        child=child, service=code("service", "early-help"), status="open"
    )
    involve(child, mace, worker=worker)
    ch.ChildMerge.objects.create(
        kept=child, merged=duplicate, merged_by=worker, reason="Same child", snapshot={"a": 1}
    )
    share(child, "norfolk-education", by=worker)

    detention = make_detention(child)
    cu.Engagement.objects.create(
        detention=detention, attempted_at=now, by=worker, engaged=True, childs_words="I'm fine"
    )
    cu.ConcernShare.objects.create(
        detention=detention,
        to_team=Team.objects.get(slug="norfolk-mash"),
        method=code("share-method", "phone"),
        summary="Debt to older boys",
        shared_at=now,
        shared_by=worker,
    )
    cu.CommunityOffer.objects.create(
        detention=detention, offered_at=now, offered_by=worker, accepted=True
    )
    cu.ReleaseCorrection.objects.create(
        detention=detention, was=now, now_is=now, reason="Typed the wrong hour", by=worker
    )

    case = cw.Case.objects.create(child=child, team=mace, opened_at=now)
    cw.Referral.objects.create(
        child=child,
        to_team=mace,
        referred_by=worker,
        referring_agency=agency,
        received_at=now,
        concerns="Seen with older males",
        urgency="routine",
        consent="given",
        case=case,
    )
    cw.CaseEvent.objects.create(case=case, kind="opened", at=now, by=worker)
    screening = cw.Screening.objects.create(case=case, screened_at=now, by=worker)
    screening.indicators.set(Code.objects.filter(code_list__key="cce-indicator")[:1])
    cw.RiskJudgement.objects.create(
        case=case,
        level=Code.objects.filter(code_list__key="risk-level")[0],
        reasons="Going missing",
        judged_at=now,
        by=worker,
    )
    cw.SafetyPlan.objects.create(
        case=case,
        trusted_adults="His aunt",
        safe_places="Youth club",
        warning_signs="New phone",
        what_to_do="Call his worker",
        review_on=today + dt.timedelta(days=30),
        written_at=now,
        by=worker,
    )
    cw.Intervention.objects.create(
        case=case, kind=code("intervention", "mentoring"), started_on=today, by=worker
    )
    cw.NrmReferral.objects.create(case=case, referred_on=today, first_responder=agency, by=worker)
    cw.MissingEpisode.objects.create(case=case, missing_from=now, by=worker)
    panel = cw.Panel.objects.create(team=mace, held_on=today, chair=worker)
    item = cw.PanelItem.objects.create(panel=panel, case=case, kind="new")
    cw.Action.objects.create(
        case=case,
        panel_item=item,
        description="Visit school",
        owner=worker,
        owner_agency=agency,
        due_on=today,
        created_by=worker,
    )
    cw.ChronologyEntry.objects.create(
        child=child,
        case=case,
        occurred_at=now,
        kind="note",
        summary="Met at school",
        author=worker,
        agency=agency,
        recorded_at=now,
    )
    cw.PeerLink.objects.create(
        child=child, peer=peer, nature="Seen together", recorded_at=now, by=worker
    )
    cw.PeerLink.objects.create(
        child=peer, peer=child, nature="Seen together", recorded_at=now, by=worker
    )
    cw.PlaceLink.objects.create(
        child=child,
        place=Place.objects.filter(kind="town").first(),
        nature="Found there",
        recorded_at=now,
        by=worker,
    )

    dpo = person("data_protection_lead", "partnership-team", username=f"dpo{suffix}")
    sh.BreakGlass.objects.create(
        child=child, user=worker, reason="Urgent", opened_at=now, expires_at=now
    )
    sh.LegalHold.objects.create(
        child=child, reason="Old review", placed_by=dpo, placed_at=now, lifted_at=now
    )
    sh.Restriction.objects.create(
        child=child, reason="Old dispute", placed_by=dpo, placed_at=now, lifted_at=now
    )
    sh.Dispute.objects.create(
        child=child,
        what="Address",
        raised_on_behalf_of="The child",
        details="Wrong town",
        raised_by=worker,
        raised_at=now,
    )
    sh.SubjectAccessRequest.objects.create(
        child=child,
        requested_child_id=child.pk,
        requester="The child's mother",
        received_on=today,
        recorded_by=dpo,
        recorded_at=now,
    )
    from reachable.lines.models import ChildLink
    from reachable.lines.tests.helpers import a_line, grading, officer

    ChildLink.objects.create(
        child=child,
        line=a_line(f"Line {child.pk}"),
        role="dealing",
        note="Seen holding the line's phone",
        recorded_by=officer(),
        **grading().fields(),
    )
    return Everywhere(child=child, duplicate=duplicate, peer=peer, worker=worker)


@pytest.fixture
def everywhere(db) -> Everywhere:
    return child_with_data_everywhere()


@pytest.fixture
def dee(db):
    return person("data_protection_lead", "partnership-team", username="dee.dpo")
