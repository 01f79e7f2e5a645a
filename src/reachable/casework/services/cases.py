"""The case: allocation, screening, risk judgements, safety plans, interventions, NRM, missing episodes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.casework.access import case_write_check
from reachable.casework.chronology import chronicle
from reachable.casework.models import (
    Case,
    CaseEvent,
    Intervention,
    MissingEpisode,
    NrmReferral,
    RiskJudgement,
    SafetyPlan,
    Screening,
)
from reachable.casework.services._common import (
    _blank,
    _event,
    _not_before_birth,
    _not_future,
    _raise,
    _start_of,
    _touch_contact,
)
from reachable.core.models import Agency, Code

# ---------------------------------------------------------------- the case


def case_allocate(*, user: Any, case: Case, worker: Any) -> Case:
    case_write_check(user, case, "casework.manage", "allocate cases")
    if case.team_id not in {m.team_id for m in worker.active_memberships}:
        raise ValidationError({"worker": ["Choose someone in the team that holds the case."]})
    with transaction.atomic():
        case.worker = worker
        case.save(update_fields=["worker"])
        _event(case, CaseEvent.Kind.ALLOCATED, user, worker.display_name)
        audit_record(user=user, action="case.allocate", obj=case, child_id=case.child_id)
    return case


def screening_record(
    *, user: Any, case: Case, indicators: list[Code], notes: str, screened_at: dt.datetime
) -> Screening:
    case_write_check(user, case, "casework.work", "record screenings")
    errors: dict[str, list[str]] = {}
    _not_future(screened_at, "screened_at", errors)
    _not_before_birth(case.child, screened_at, "screened_at", errors)
    if not indicators and not notes.strip():
        errors["indicators"] = ["Select the indicators seen, or write what was found in the notes."]
    _raise(errors)
    with transaction.atomic():
        screening = Screening.objects.create(
            case=case, screened_at=screened_at, by=user, notes=notes.strip()
        )
        screening.indicators.set(indicators)
        chronicle(
            user=user,
            child_id=case.child_id,
            kind="screening",
            summary=f"Screening: {len(indicators)} indicator{'s' if len(indicators) != 1 else ''} seen.",
            occurred_at=screened_at,
            case=case,
        )
        audit_record(user=user, action="screening.record", obj=screening, child_id=case.child_id)
    return screening


def risk_judge(*, user: Any, case: Case, level: Code, reasons: str) -> RiskJudgement:
    """The practitioner's judgement, with reasons. Each change is kept with who and why."""
    case_write_check(user, case, "casework.work", "record risk judgements")
    errors: dict[str, list[str]] = {}
    _blank(reasons, "reasons", "Give the reasons for this judgement.", errors)
    if level.code_list.key != "risk-level":
        errors["level"] = ["Choose a level from the partnership's scale."]
    _raise(errors)
    with transaction.atomic():
        previous = case.risk_level
        judgement = RiskJudgement.objects.create(
            case=case, level=level, reasons=reasons.strip(), judged_at=timezone.now(), by=user
        )
        case.risk_level = level
        case.save(update_fields=["risk_level"])
        change = f"from {previous.label.lower()} to" if previous and previous != level else "as"
        chronicle(
            user=user,
            child_id=case.child_id,
            kind="risk",
            summary=f"Risk judged {change} {level.label.lower()}: {judgement.reasons}",
            case=case,
        )
        audit_record(
            user=user,
            action="risk.judge",
            obj=judgement,
            child_id=case.child_id,
            reason=reasons,
            detail={"level": level.code, "previous": previous.code if previous else None},
        )
    return judgement


def safety_plan_write(
    *,
    user: Any,
    case: Case,
    trusted_adults: str,
    safe_places: str,
    warning_signs: str,
    what_to_do: str,
    review_on: dt.date,
    made_with_child: bool = True,
    childs_words: str = "",
) -> SafetyPlan:
    case_write_check(user, case, "casework.work", "write safety plans")
    errors: dict[str, list[str]] = {}
    for field, value, what in (
        ("trusted_adults", trusted_adults, "the adults the child trusts"),
        ("safe_places", safe_places, "the places the child feels safe"),
        ("warning_signs", warning_signs, "the warning signs"),
        ("what_to_do", what_to_do, "what to do when the child feels unsafe"),
    ):
        _blank(value, field, f"Write {what}.", errors)
    today = timezone.localdate()
    if review_on < today:
        errors["review_on"] = ["The review date must be today or later."]
    elif review_on > today + dt.timedelta(days=183):
        errors["review_on"] = ["Review the plan within six months."]
    _raise(errors)
    with transaction.atomic():
        plan = SafetyPlan.objects.create(
            case=case,
            made_with_child=made_with_child,
            trusted_adults=trusted_adults.strip(),
            safe_places=safe_places.strip(),
            warning_signs=warning_signs.strip(),
            what_to_do=what_to_do.strip(),
            childs_words=childs_words.strip(),
            review_on=review_on,
            written_at=timezone.now(),
            by=user,
        )
        case.review_due_on = review_on
        case.save(update_fields=["review_due_on"])
        chronicle(
            user=user,
            child_id=case.child_id,
            kind="safety_plan",
            summary="Safety plan written"
            + (" with the child" if made_with_child else "")
            + f"; review on {review_on:%d %b %Y}.",
            case=case,
            is_contact=made_with_child,
        )
        if made_with_child:
            _touch_contact(case, plan.written_at)
        audit_record(user=user, action="safety_plan.write", obj=plan, child_id=case.child_id)
    return plan


def intervention_add(
    *,
    user: Any,
    case: Case,
    kind: Code,
    started_on: dt.date,
    provider: Agency | None = None,
    provider_name: str = "",
    sessions_offered: int = 0,
) -> Intervention:
    case_write_check(user, case, "casework.work", "record interventions")
    errors: dict[str, list[str]] = {}
    _not_before_birth(case.child, started_on, "started_on", errors)
    if started_on > timezone.localdate() + dt.timedelta(days=90):
        errors["started_on"] = ["Record interventions starting within the next three months."]
    if provider is None and not provider_name.strip():
        errors["provider"] = ["Choose the provider, or name it if it is not in the list."]
    _raise(errors)
    with transaction.atomic():
        intervention = Intervention.objects.create(
            case=case,
            kind=kind,
            provider=provider,
            provider_name=provider_name.strip(),
            started_on=started_on,
            sessions_offered=sessions_offered,
            by=user,
        )
        who = provider or provider_name.strip()
        chronicle(
            user=user,
            child_id=case.child_id,
            kind="intervention",
            summary=f"{kind.label} with {who} from {started_on:%d %b %Y}.",
            occurred_at=_start_of(started_on),
            case=case,
        )
        audit_record(user=user, action="intervention.add", obj=intervention, child_id=case.child_id)
    return intervention


def intervention_update(
    *,
    user: Any,
    intervention: Intervention,
    sessions_attended: int,
    ended_on: dt.date | None,
    outcome: str,
) -> Intervention:
    case = intervention.case
    case_write_check(user, case, "casework.work", "update interventions")
    errors: dict[str, list[str]] = {}
    if ended_on is not None:
        _not_future(ended_on, "ended_on", errors)
        if ended_on < intervention.started_on:
            errors.setdefault("ended_on", []).append("The end date must be on or after the start.")
        _blank(outcome, "outcome", "Write the outcome when the intervention ends.", errors)
    _raise(errors)
    with transaction.atomic():
        intervention.sessions_attended = sessions_attended
        intervention.ended_on = ended_on
        intervention.outcome = outcome.strip()
        intervention.save(update_fields=["sessions_attended", "ended_on", "outcome"])
        if ended_on:
            chronicle(
                user=user,
                child_id=case.child_id,
                kind="intervention",
                summary=f"{intervention.kind.label} ended: {intervention.outcome}",
                occurred_at=_start_of(ended_on),
                case=case,
            )
        audit_record(
            user=user, action="intervention.update", obj=intervention, child_id=case.child_id
        )
    return intervention


def nrm_record(
    *,
    user: Any,
    case: Case,
    referred_on: dt.date,
    first_responder: Agency,
    reasonable_grounds: str = NrmReferral.Decision.PENDING,
    reasonable_grounds_on: dt.date | None = None,
    conclusive_grounds: str = NrmReferral.Decision.PENDING,
    conclusive_grounds_on: dt.date | None = None,
    nrm: NrmReferral | None = None,
) -> NrmReferral:
    """Record a referral to the National Referral Mechanism, or its decisions as they arrive."""
    case_write_check(user, case, "casework.work", "record NRM referrals")
    errors: dict[str, list[str]] = {}
    _not_future(referred_on, "referred_on", errors)
    _not_before_birth(case.child, referred_on, "referred_on", errors)
    stages = (
        ("reasonable_grounds", reasonable_grounds, reasonable_grounds_on, referred_on),
        ("conclusive_grounds", conclusive_grounds, conclusive_grounds_on, reasonable_grounds_on),
    )
    for field, decision, on, after in stages:
        if decision not in NrmReferral.Decision.values:
            errors[field] = ["Choose the decision, or 'waiting'."]
        elif decision == NrmReferral.Decision.PENDING and on is not None:
            errors[f"{field}_on"] = ["Leave the date empty while waiting for the decision."]
        elif decision != NrmReferral.Decision.PENDING:
            if on is None:
                errors[f"{field}_on"] = ["Enter the date of the decision."]
            else:
                _not_future(on, f"{field}_on", errors)
                if after is not None and on < after:
                    errors.setdefault(f"{field}_on", []).append(
                        "The decision cannot come before the step it follows."
                    )
    if (
        conclusive_grounds != NrmReferral.Decision.PENDING
        and reasonable_grounds != NrmReferral.Decision.POSITIVE
    ):
        errors["conclusive_grounds"] = [
            "A conclusive grounds decision follows a positive reasonable grounds decision."
        ]
    _raise(errors)
    values = {
        "referred_on": referred_on,
        "first_responder": first_responder,
        "reasonable_grounds": reasonable_grounds,
        "reasonable_grounds_on": reasonable_grounds_on,
        "conclusive_grounds": conclusive_grounds,
        "conclusive_grounds_on": conclusive_grounds_on,
    }
    with transaction.atomic():
        before = (nrm.reasonable_grounds, nrm.conclusive_grounds) if nrm else None
        if nrm is None:
            nrm = NrmReferral.objects.create(case=case, by=user, **values)
            summary = f"Referred to the NRM by {first_responder}."
            at = _start_of(referred_on)
        else:
            for key, value in values.items():
                setattr(nrm, key, value)
            nrm.save()
            summary = (
                f"NRM: reasonable grounds {nrm.get_reasonable_grounds_display().lower()}, "
                f"conclusive grounds {nrm.get_conclusive_grounds_display().lower()}."
            )
            at = timezone.now()
        if before != (nrm.reasonable_grounds, nrm.conclusive_grounds):
            chronicle(
                user=user,
                child_id=case.child_id,
                kind="nrm",
                summary=summary,
                occurred_at=at,
                case=case,
            )
        audit_record(user=user, action="nrm.record", obj=nrm, child_id=case.child_id)
    return nrm


def missing_record(
    *,
    user: Any,
    case: Case,
    missing_from: dt.datetime,
    returned_at: dt.datetime | None = None,
    found_out_of_area: bool = False,
    interview_offered_at: dt.datetime | None = None,
    interview_done_at: dt.datetime | None = None,
    episode: MissingEpisode | None = None,
) -> MissingEpisode:
    """A missing episode and the return home interview (offered, and done within 72 hours or not)."""
    case_write_check(user, case, "casework.work", "record missing episodes")
    errors: dict[str, list[str]] = {}
    for field, moment in (
        ("missing_from", missing_from),
        ("returned_at", returned_at),
        ("interview_offered_at", interview_offered_at),
        ("interview_done_at", interview_done_at),
    ):
        if moment is not None:
            _not_future(moment, field, errors)
    _not_before_birth(case.child, missing_from, "missing_from", errors)
    if returned_at and returned_at < missing_from:
        errors.setdefault("returned_at", []).append("The child cannot return before going missing.")
    if (interview_offered_at or interview_done_at) and returned_at is None:
        errors.setdefault("returned_at", []).append(
            "Record when the child returned before the return home interview."
        )
    elif returned_at and interview_offered_at and interview_offered_at < returned_at:
        errors.setdefault("interview_offered_at", []).append(
            "The interview is offered after the child returns."
        )
    if interview_done_at and interview_offered_at and interview_done_at < interview_offered_at:
        errors.setdefault("interview_done_at", []).append(
            "The interview cannot be done before it was offered."
        )
    _raise(errors)
    values = {
        "missing_from": missing_from,
        "returned_at": returned_at,
        "found_out_of_area": found_out_of_area,
        "interview_offered_at": interview_offered_at,
        "interview_done_at": interview_done_at,
    }
    with transaction.atomic():
        if episode is None:
            episode = MissingEpisode.objects.create(case=case, by=user, **values)
            chronicle(
                user=user,
                child_id=case.child_id,
                kind="missing",
                summary="Reported missing"
                + (", found out of area" if found_out_of_area else "")
                + ".",
                occurred_at=missing_from,
                case=case,
            )
        else:
            for key, value in values.items():
                setattr(episode, key, value)
            episode.save()
        if interview_done_at:
            _touch_contact(case, interview_done_at)
        audit_record(user=user, action="missing.record", obj=episode, child_id=case.child_id)
    return episode


def interview_within_72_hours(episode: MissingEpisode) -> bool | None:
    """None while no interview is done; otherwise whether it was done within 72 hours of return."""
    if episode.returned_at is None or episode.interview_done_at is None:
        return None
    return episode.interview_done_at - episode.returned_at <= dt.timedelta(hours=72)
