"""Screening, risk judgement, safety plan, interventions, NRM, missing episodes, actions, closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.casework import services
from reachable.casework.models import Case, CaseEvent, NrmReferral, RiskJudgement
from reachable.casework.tests.conftest import code
from reachable.children.selectors import children_visible
from reachable.core.models import Agency, Team
from reachable.testing import person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_screening_keeps_indicators_as_evidence_without_a_score(mo, case) -> None:
    indicators = [code("cce-indicator", "missing"), code("cce-indicator", "older-peers")]
    screening = services.screening_record(
        user=mo, case=case, indicators=indicators, notes="", screened_at=timezone.now()
    )
    assert set(screening.indicators.values_list("code", flat=True)) == {"missing", "older-peers"}
    case.refresh_from_db()
    assert case.risk_level is None  # indicators never set the level: a practitioner does


def test_a_screening_in_the_future_or_empty_is_refused(mo, case) -> None:
    with pytest.raises(ValidationError) as error:
        services.screening_record(
            user=mo,
            case=case,
            indicators=[],
            notes="",
            screened_at=timezone.now() + dt.timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"screened_at", "indicators"}


def test_a_screening_before_the_child_was_born_is_refused(mo, case) -> None:
    born = dt.datetime.combine(case.child.date_of_birth, dt.time(12), tzinfo=dt.UTC)
    with pytest.raises(ValidationError, match="before the child was born"):
        services.screening_record(
            user=mo,
            case=case,
            indicators=[code("cce-indicator", "missing")],
            notes="",
            screened_at=born - dt.timedelta(days=2),
        )


def test_each_risk_change_is_kept_with_who_and_why(mo, case) -> None:
    services.risk_judge(
        user=mo, case=case, level=code("risk-level", "medium"), reasons="Missing twice"
    )
    services.risk_judge(
        user=mo, case=case, level=code("risk-level", "high"), reasons="Found in Ipswich trap house"
    )
    case.refresh_from_db()
    assert case.risk_level.code == "high"
    history = list(
        RiskJudgement.objects.filter(case=case)
        .order_by("judged_at")
        .values_list("level__code", "reasons")
    )
    assert history == [("medium", "Missing twice"), ("high", "Found in Ipswich trap house")]
    from reachable.casework.models import ChronologyEntry

    assert (
        "from medium to high"
        in ChronologyEntry.objects.filter(kind="risk").latest("recorded_at").summary
    )


def test_a_risk_judgement_needs_reasons(mo, case) -> None:
    with pytest.raises(ValidationError) as error:
        services.risk_judge(user=mo, case=case, level=code("risk-level", "high"), reasons="  ")
    assert "reasons" in error.value.message_dict
    assert not RiskJudgement.objects.exists()


def test_another_team_cannot_change_the_case(ade, case) -> None:
    with pytest.raises(ValidationError, match="Only the team"):
        services.risk_judge(user=ade, case=case, level=code("risk-level", "low"), reasons="x")


def _plan(mo, case, **changes):
    values: dict[str, Any] = {
        "trusted_adults": "Aunt Bea; youth worker",
        "safe_places": "Aunt's flat; the boxing club",
        "warning_signs": "Calls from unknown numbers",
        "what_to_do": "Text my worker; go to the club",
        "review_on": TODAY() + dt.timedelta(days=28),
    }
    values.update(changes)
    return services.safety_plan_write(user=mo, case=case, **values)


def test_a_safety_plan_sets_the_review_date_and_counts_as_contact(mo, case) -> None:
    plan = _plan(mo, case)
    case.refresh_from_db()
    assert case.review_due_on == plan.review_on
    assert case.last_contact_at == plan.written_at


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"review_on": TODAY() - dt.timedelta(days=1)}, "review_on"),
        ({"review_on": TODAY() + dt.timedelta(days=400)}, "review_on"),
        ({"trusted_adults": ""}, "trusted_adults"),
    ],
)
def test_a_safety_plan_needs_its_parts_and_a_sensible_review(mo, case, changes, field) -> None:
    with pytest.raises(ValidationError) as error:
        _plan(mo, case, **changes)
    assert field in error.value.message_dict


def test_nrm_days_waiting_and_decision_order(mo, case) -> None:
    agency = Agency.objects.get(slug="norfolk-childrens")
    referred = TODAY() - dt.timedelta(days=60)
    nrm = services.nrm_record(user=mo, case=case, referred_on=referred, first_responder=agency)
    assert nrm.days_to_reasonable_grounds == 60
    with pytest.raises(ValidationError) as error:
        services.nrm_record(
            user=mo,
            case=case,
            nrm=nrm,
            referred_on=referred,
            first_responder=agency,
            reasonable_grounds="positive",
            reasonable_grounds_on=referred - dt.timedelta(days=1),
        )
    assert "reasonable_grounds_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.nrm_record(
            user=mo,
            case=case,
            nrm=nrm,
            referred_on=referred,
            first_responder=agency,
            reasonable_grounds="negative",
            reasonable_grounds_on=referred + dt.timedelta(days=5),
            conclusive_grounds="positive",
            conclusive_grounds_on=TODAY(),
        )
    assert "conclusive_grounds" in error.value.message_dict
    services.nrm_record(
        user=mo,
        case=case,
        nrm=nrm,
        referred_on=referred,
        first_responder=agency,
        reasonable_grounds="positive",
        reasonable_grounds_on=referred + dt.timedelta(days=5),
    )
    nrm.refresh_from_db()
    assert nrm.days_to_reasonable_grounds == 5
    assert nrm.days_to_conclusive_grounds == 55
    assert nrm.conclusive_grounds == NrmReferral.Decision.PENDING


def test_missing_episode_and_the_72_hour_interview(mo, case) -> None:
    went = timezone.now() - dt.timedelta(days=6)
    back = went + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.missing_record(
            user=mo, case=case, missing_from=went, returned_at=went - dt.timedelta(hours=1)
        )
    assert "returned_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.missing_record(user=mo, case=case, missing_from=went, interview_done_at=back)
    assert "returned_at" in error.value.message_dict
    episode = services.missing_record(
        user=mo,
        case=case,
        missing_from=went,
        returned_at=back,
        found_out_of_area=True,
        interview_offered_at=back + dt.timedelta(hours=2),
        interview_done_at=back + dt.timedelta(hours=50),
    )
    assert services.interview_within_72_hours(episode) is True
    late = services.missing_record(
        user=mo,
        case=case,
        missing_from=went,
        returned_at=back,
        interview_offered_at=back + dt.timedelta(hours=2),
        interview_done_at=back + dt.timedelta(hours=80),
    )
    assert services.interview_within_72_hours(late) is False


def test_closing_with_open_actions_needs_an_override(mo, grace, case) -> None:
    services.action_add(user=mo, case=case, description="Meet the school", owner=mo, due_on=TODAY())
    outcome = code("closure-outcome", "safe-exit")
    with pytest.raises(ValidationError) as error:
        services.case_closure_request(user=mo, case=case, outcome=outcome, summary="Doing well")
    assert "override_reason" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    services.case_closure_request(
        user=mo,
        case=case,
        outcome=outcome,
        summary="Doing well",
        override_reason="School meeting now led by early help",
    )
    assert case.status == Case.Status.CLOSING


def test_closure_needs_a_managers_approval_with_reasons(mo, grace, case) -> None:
    outcome = code("closure-outcome", "safe-exit")
    services.case_closure_request(user=mo, case=case, outcome=outcome, summary="Doing well")
    with pytest.raises(ValidationError, match="cannot approve"):
        services.case_closure_decide(user=mo, case=case, approve=True, reason="ok")
    with pytest.raises(ValidationError) as error:
        services.case_closure_decide(user=grace, case=case, approve=True, reason="")
    assert "reason" in error.value.message_dict
    services.case_closure_decide(user=grace, case=case, approve=False, reason="Wait for the review")
    assert case.status == Case.Status.OPEN
    services.case_closure_request(user=mo, case=case, outcome=outcome, summary="Review done")
    services.case_closure_decide(user=grace, case=case, approve=True, reason="Plan achieved")
    assert case.status == Case.Status.CLOSED
    assert case.closed_by == grace
    kinds = list(case.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        CaseEvent.Kind.OPENED,
        CaseEvent.Kind.ALLOCATED,
        CaseEvent.Kind.CLOSURE_REQUESTED,
        CaseEvent.Kind.CLOSURE_REFUSED,
        CaseEvent.Kind.CLOSURE_REQUESTED,
        CaseEvent.Kind.CLOSED,
    ]


def test_after_closure_the_team_keeps_sight_for_a_while_then_loses_it(
    mo, grace, case, settings
) -> None:
    from reachable.children.models import Involvement

    services.case_closure_request(
        user=mo, case=case, outcome=code("closure-outcome", "safe-exit"), summary="x"
    )
    services.case_closure_decide(user=grace, case=case, approve=True, reason="Plan achieved")
    assert children_visible(mo).filter(pk=case.child_id).exists()
    ends = Involvement.objects.get(child_id=case.child_id, team=case.team).ended_on
    assert ends == TODAY() + dt.timedelta(days=settings.REACHABLE_CASE_ACCESS_AFTER_CLOSURE_DAYS)
    services.case_reopen(user=grace, case=case, reason="Arrested in Ipswich")
    assert Involvement.objects.get(child_id=case.child_id, team=case.team).ended_on is None


def test_transfer_moves_the_case_and_the_access(grace, case, ade) -> None:
    cambs = Team.objects.get(slug="cambs-safe")
    with pytest.raises(ValidationError) as error:
        services.case_transfer(user=grace, case=case, to_team=cambs, summary="")
    assert "summary" in error.value.message_dict
    services.case_transfer(
        user=grace, case=case, to_team=cambs, summary="Moved to Wisbech with mum"
    )
    case.refresh_from_db()
    assert case.team == cambs
    assert case.worker is None
    assert children_visible(ade).filter(pk=case.child_id).exists()
    mo_again = person(
        "exploitation_practitioner", "norfolk-childrens", "norfolk-mace", username="mo2"
    )
    only_through_share = children_visible(mo_again).filter(pk=case.child_id).exists()
    assert not only_through_share
    event = case.events.get(kind=CaseEvent.Kind.TRANSFERRED)
    assert event.from_team.slug == "norfolk-mace"


def test_overdue_actions_show_to_managers(mo, grace, case) -> None:
    from reachable.casework.models import Action
    from reachable.casework.selectors import caseload, overdue_actions

    action = services.action_add(
        user=mo, case=case, description="Home visit", owner=mo, due_on=TODAY()
    )
    Action.objects.filter(pk=action.pk).update(due_on=TODAY() - dt.timedelta(days=3))
    assert list(overdue_actions(grace)) == [action]
    assert caseload(grace).get(pk=case.pk).has_overdue_actions  # type: ignore[attr-defined]
    services.action_done(user=mo, action=Action.objects.get(pk=action.pk))
    assert not overdue_actions(grace).exists()


def test_an_action_due_in_the_past_is_refused(mo, case) -> None:
    with pytest.raises(ValidationError) as error:
        services.action_add(
            user=mo, case=case, description="x", owner=mo, due_on=TODAY() - dt.timedelta(days=1)
        )
    assert "due_on" in error.value.message_dict


def test_an_action_agreed_at_panel_shows_on_the_panel(mo, grace, case, mace) -> None:
    from django.urls import reverse

    from reachable.testing import page, signed_in_client

    panel = services.panel_hold(user=grace, team=mace, held_on=TODAY(), agencies=[])
    item = services.panel_item_add(user=grace, panel=panel, case=case, kind="new")
    services.action_add(
        user=mo,
        case=case,
        description="Speak to the school",
        owner=mo,
        due_on=TODAY(),
        panel_item=item,
    )
    body = page(signed_in_client(grace).get(reverse("casework:panel", args=[panel.pk])))
    assert "Speak to the school" in body
    other = services.panel_hold(user=grace, team=mace, held_on=TODAY(), agencies=[])
    another_case_item = services.panel_item_add(
        user=grace, panel=other, case=_another_case(grace, mace), kind="new"
    )
    with pytest.raises(ValidationError) as error:
        services.action_add(
            user=mo,
            case=case,
            description="x",
            owner=mo,
            due_on=TODAY(),
            panel_item=another_case_item,
        )
    assert "panel_item" in error.value.message_dict


def _another_case(grace, mace):
    from reachable.testing import involve, make_child

    child = make_child()
    involve(child, mace)
    return Case.objects.create(child=child, team=mace, opened_at=timezone.now())
