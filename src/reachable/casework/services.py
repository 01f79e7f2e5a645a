"""Writes for exploitation casework: check, save, write the chronology and the audit, in one transaction.

Every change that matters to the child's story also writes a line in the child's one chronology, so
the chronology page reads one table.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.permissions import can, team_ids_for
from reachable.audit.services import audit_record
from reachable.casework.access import case_write_check
from reachable.casework.chronology import agency_of, chronicle
from reachable.casework.models import (
    Action,
    Case,
    CaseEvent,
    ChronologyEntry,
    Intervention,
    MissingEpisode,
    NrmReferral,
    Panel,
    PanelItem,
    PeerLink,
    PlaceLink,
    Referral,
    ReferralRoute,
    RiskJudgement,
    SafetyPlan,
    Screening,
)
from reachable.children.access import child_write_check
from reachable.children.models import Child, Involvement
from reachable.children.services import involvement_end, involvement_start
from reachable.core.models import Agency, Area, Code, Place, Team
from reachable.sharing.access import processing_check, restriction_on
from reachable.sharing.services import alert_data_protection_leads, disclosure_to_team

V = ChronologyEntry.Visibility


def _require(user: Any, capability: str, doing: str) -> None:
    if not can(user, capability):
        raise ValidationError(f"Your role cannot {doing}.")


def _not_future(value: dt.datetime | dt.date, field: str, errors: dict[str, list[str]]) -> None:
    now: dt.datetime | dt.date
    if isinstance(value, dt.datetime):
        now = timezone.now() + dt.timedelta(minutes=5)
    else:
        now = timezone.localdate()
    if value > now:
        errors.setdefault(field, []).append("The date cannot be in the future.")


def _not_before_birth(
    child: Child, value: dt.datetime | dt.date, field: str, errors: dict[str, list[str]]
) -> None:
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
    if day < child.date_of_birth:
        errors.setdefault(field, []).append("The date cannot be before the child was born.")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _blank(value: str, field: str, message: str, errors: dict[str, list[str]]) -> None:
    if not value.strip():
        errors.setdefault(field, []).append(message)


def _event(case: Case, kind: str, user: Any, reason: str = "", **extra: Any) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case, kind=kind, at=timezone.now(), by=user, reason=reason, **extra
    )


# ---------------------------------------------------------------- referral routes


def referral_routes_load(data: dict[str, Any], *, where: str = "referral_routes") -> int:
    """Partnership-file section: county -> the exploitation team that takes its referrals."""
    from reachable.core.services import PartnershipFileError

    count = 0
    for i, route in enumerate(data.get("referral_routes", []), start=1):
        area = Area.objects.filter(slug=route.get("area")).first()
        team = Team.objects.filter(slug=route.get("team")).first()
        if area is None or team is None:
            missing = "area" if area is None else "team"
            raise PartnershipFileError(
                f"{where} #{i}: {missing} '{route.get(missing)}' is not defined."
            )
        ReferralRoute.objects.update_or_create(area=area, defaults={"team": team})
        count += 1
    return count


def referral_teams() -> list[Team]:
    return list(Team.objects.filter(pk__in=ReferralRoute.objects.values("team")).order_by("name"))


def referral_team_for(child: Child, fallback_area: Area | None = None) -> Team | None:
    """The exploitation team for the child's home county, else for the given area's county."""
    for area in (child.home_la, fallback_area):
        county = area.county() if area else None
        if county is None:
            continue
        route = ReferralRoute.objects.filter(area=county).select_related("team").first()
        if route:
            return route.team
    return None


# ---------------------------------------------------------------- referral and triage


def referral_make(
    *,
    user: Any,
    child: Child,
    to_team: Team,
    concerns: str,
    urgency: str,
    consent: str,
    lawful_basis: str = "",
    source: str = Referral.Source.FORM,
    detention: Any = None,
) -> Referral:
    """A referral about a child the referrer may see (working with them, or through a share)."""
    child_write_check(user, child.pk, "casework.refer", "make referrals", shared_may=True)
    return _referral_record(
        user=user,
        child=child,
        to_team=to_team,
        concerns=concerns,
        urgency=urgency,
        consent=consent,
        lawful_basis=lawful_basis,
        source=source,
        detention=detention,
        record_known=True,
    )


@transaction.atomic
def _referral_record(
    *,
    user: Any,
    child: Child,
    to_team: Team,
    concerns: str,
    urgency: str,
    consent: str,
    lawful_basis: str = "",
    source: str = Referral.Source.FORM,
    detention: Any = None,
    record_known: bool,
) -> Referral:
    """Check and save a referral. ``record_known`` is False when the referrer may not see the
    record: then nothing said back may depend on what the record holds (a waiting referral, a
    restriction), so those are handled quietly instead of refused."""
    _require(user, "casework.refer", "make referrals")
    # Serialise referrals about this child, so a double-click cannot pass the checks twice.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    resent = Referral.objects.filter(
        child=child,
        to_team=to_team,
        referred_by=user,
        decision=Referral.Decision.PENDING,
        concerns=concerns.strip(),
        detention=detention,
    ).first()
    if resent is not None:
        return resent  # the same referral sent again (a double-click or a retried request)
    errors: dict[str, list[str]] = {}
    _blank(concerns, "concerns", "Describe the concerns, so the team can triage them.", errors)
    if urgency not in Referral.Urgency.values:
        errors["urgency"] = ["Choose how urgent the referral is."]
    if consent not in Referral.Consent.values:
        errors["consent"] = ["Say whether the child or their carer agreed to the referral."]
    elif consent != Referral.Consent.GIVEN:
        _blank(
            lawful_basis,
            "lawful_basis",
            "Without agreement, give the lawful basis and why the referral goes ahead "
            "(for example: to protect the child from significant harm).",
            errors,
        )
    if not ReferralRoute.objects.filter(team=to_team).exists():
        errors["to_team"] = ["Choose an exploitation team that takes referrals."]
    elif (
        record_known
        and Referral.objects.filter(
            child=child, to_team=to_team, decision=Referral.Decision.PENDING
        ).exists()
    ):
        errors["to_team"] = [
            f"{to_team} already has a referral about this child waiting for triage. "
            "Add what is new to the child's chronology instead."
        ]
    if detention is not None and Referral.objects.filter(detention=detention).exists():
        errors["__all__"] = ["This detention has already been handed over to casework."]
    _raise(errors)
    restricted = restriction_on(child.pk) is not None
    if restricted and record_known:
        processing_check(child.pk)
    agency = agency_of(user, "casework.refer")
    agreement = disclosure_to_team(
        from_agency=agency,
        to_team=to_team,
        categories=["identity", "casework"] + (["custody-contact"] if detention else []),
    )
    with transaction.atomic():
        referral = Referral.objects.create(
            agreement=agreement,
            child=child,
            to_team=to_team,
            referred_by=user,
            referring_agency=agency,
            received_at=timezone.now(),
            concerns=concerns.strip(),
            urgency=urgency,
            consent=consent,
            lawful_basis=lawful_basis.strip(),
            source=source,
            detention=detention,
        )
        if restricted:
            # Processing is restricted: the referral is kept (it is the referrer's information)
            # but the team is not given the record; the data protection lead decides.
            alert_data_protection_leads(
                f"A referral to {to_team} arrived for record {child.pk}, whose processing is "
                "restricted. The team has not been given the record: decide what happens.",
                kind="restricted-referral",
                url=reverse("sharing:child_governance", args=[child.pk]),
            )
        else:
            # The receiving team must see the record to triage it.
            involvement_start(child_id=child.pk, team=to_team, reason="Referral received")
        chronicle(
            user=user,
            child_id=child.pk,
            kind="referral",
            summary=f"Referred to {to_team} by {agency} ({referral.get_urgency_display()}).",
            agency=agency,
        )
        audit_record(
            user=user,
            action="referral.make",
            obj=referral,
            child_id=child.pk,
            reason=lawful_basis,
            detail={
                "to_team": to_team.slug,
                "source": source,
                "consent": consent,
                "agreement": agreement.reference if agreement else None,
            },
        )
    return referral


def referral_of_new_child(
    *,
    user: Any,
    to_team: Team,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    sex: Code,
    ethnicity: Code | None = None,
    home_la: Area | None = None,
    known_as: str = "",
    **referral: Any,
) -> Referral:
    """A referral about a child the referrer cannot see (often one nobody has recorded yet).

    The child is found by exact name and date of birth, or added with the receiving team holding the
    record. Either way the referrer learns nothing about any existing record: they see their referral.
    """
    from reachable.children.services import child_add_for_team

    _require(user, "casework.refer", "make referrals")
    if not ReferralRoute.objects.filter(team=to_team).exists():
        raise ValidationError({"to_team": ["Choose an exploitation team that takes referrals."]})
    with transaction.atomic():
        child = Child.objects.filter(
            given_name__iexact=given_name.strip(),
            family_name__iexact=family_name.strip(),
            date_of_birth=date_of_birth,
            merged_into__isnull=True,
        ).first() or child_add_for_team(
            user=user,
            team=to_team,
            reason="Referral received",
            given_name=given_name,
            family_name=family_name,
            date_of_birth=date_of_birth,
            sex=sex,
            ethnicity=ethnicity,
            home_la=home_la,
            known_as=known_as,
        )
        return _referral_record(
            user=user, child=child, to_team=to_team, record_known=False, **referral
        )


def custody_handover_text(detention: Any) -> str:
    """What custody knows, written out for the exploitation team (the referral's starting text)."""
    lines = [
        f"Detained at {detention.suite} on {timezone.localtime(detention.arrested_at):%d %b %Y %H:%M} "
        f"({detention.offence.label.lower()})."
    ]
    if detention.out_of_county:
        lines.append(f"Lives out of county: {detention.home_la_at_arrest or 'home not known'}.")
    for visit in detention.engagements.order_by("attempted_at").prefetch_related("topics"):
        when = timezone.localtime(visit.attempted_at).strftime("%d %b %H:%M")
        if visit.engaged:
            topics = ", ".join(t.label.lower() for t in visit.topics.all())
            lines.append(
                f"{when}: talked with the custody practitioner"
                + (f" about {topics}." if topics else ".")
            )
            if visit.discussed:
                lines.append(visit.discussed)
            if visit.childs_words:
                lines.append(f'In the child\'s words: "{visit.childs_words}"')
        else:
            lines.append(
                f"{when}: visited, not engaged ({visit.reason_not_engaged.label.lower()})."
            )
    for share in detention.concern_shares.order_by("shared_at"):
        lines.append(f"Concern shared with {share.to_team}: {share.summary}")
    return "\n".join(lines)


def referral_triage(
    *,
    user: Any,
    referral: Referral,
    decision: str,
    reason: str,
    signposted_to: str = "",
    worker: Any = None,
) -> Referral:
    _require(user, "casework.work", "triage referrals")
    if referral.to_team_id not in team_ids_for(user, "casework.work"):
        raise ValidationError("Only the team the referral was sent to can triage it.")
    errors: dict[str, list[str]] = {}
    if referral.decision != Referral.Decision.PENDING:
        errors["decision"] = ["This referral has already been triaged."]
    elif decision not in Referral.Decision.values or decision == Referral.Decision.PENDING:
        errors["decision"] = ["Choose accept, signpost or no further action."]
    _blank(reason, "reason", "Give the reasons for the decision.", errors)
    if decision == Referral.Decision.SIGNPOSTED:
        _blank(
            signposted_to,
            "signposted_to",
            "Say which service the referral was signposted to.",
            errors,
        )
    _raise(errors)
    now = timezone.now()
    with transaction.atomic():
        referral.decision = decision
        referral.decision_reason = reason.strip()
        referral.signposted_to = signposted_to.strip()
        referral.decided_by = user
        referral.decided_at = now
        if decision == Referral.Decision.ACCEPTED:
            referral.case = _case_open_for(user, referral, worker)
        else:
            has_case = Case.objects.filter(
                child_id=referral.child_id, team_id=referral.to_team_id
            ).exclude(status=Case.Status.CLOSED)
            if not has_case.exists():
                involvement_end(child_id=referral.child_id, team=referral.to_team)
        referral.save()
        chronicle(
            user=user,
            child_id=referral.child_id,
            kind="triage",
            summary=f"Referral triaged by {referral.to_team}: {referral.get_decision_display().lower()}."
            + (f" Signposted to {referral.signposted_to}." if referral.signposted_to else ""),
            case=referral.case,
            agency=referral.to_team.agency,
        )
        audit_record(
            user=user,
            action="referral.triage",
            obj=referral,
            child_id=referral.child_id,
            reason=reason,
            detail={"decision": decision},
        )
    return referral


def _case_open_for(user: Any, referral: Referral, worker: Any) -> Case:
    """The team's case for the child: the open one, a closed one reopened, or a new one."""
    existing = (
        Case.objects.filter(child_id=referral.child_id, team_id=referral.to_team_id)
        .order_by("-opened_at")
        .first()
    )
    if existing and existing.status != Case.Status.CLOSED:
        return existing
    if existing:
        return _reopen(user, existing, f"New referral accepted: {referral.decision_reason}")
    case = Case.objects.create(
        child_id=referral.child_id,
        team=referral.to_team,
        worker=worker,
        opened_at=timezone.now(),
    )
    _event(case, CaseEvent.Kind.OPENED, user, referral.decision_reason)
    if worker is not None:
        _event(case, CaseEvent.Kind.ALLOCATED, user, worker.display_name)
    involvement_start(child_id=case.child_id, team=case.team, reason="Exploitation case open")
    return case


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


def _touch_contact(case: Case, at: dt.datetime) -> None:
    if case.last_contact_at is None or at > case.last_contact_at:
        case.last_contact_at = at
        case.save(update_fields=["last_contact_at"])


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


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


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


# ---------------------------------------------------------------- chronology and context


def chronology_add(
    *,
    user: Any,
    child: Child,
    occurred_at: dt.datetime,
    kind: str,
    summary: str,
    visibility: str,
    is_contact: bool = False,
) -> ChronologyEntry:
    """An entry by any agency working with the child, or one the record is shared with."""
    child_write_check(
        user, child.pk, "chronology.add", "add to a child's chronology", shared_may=True
    )
    errors: dict[str, list[str]] = {}
    _not_future(occurred_at, "occurred_at", errors)
    _not_before_birth(child, occurred_at, "occurred_at", errors)
    _blank(summary, "summary", "Write what happened.", errors)
    if visibility not in V.values:
        errors["visibility"] = ["Choose who may read this entry."]
    if kind not in ENTRY_KINDS:
        errors["kind"] = ["Choose the kind of entry."]
    _raise(errors)
    agency = agency_of(user, "chronology.add")
    with transaction.atomic():
        entry = chronicle(
            user=user,
            child_id=child.pk,
            kind=kind,
            summary=summary.strip(),
            occurred_at=occurred_at,
            visibility=visibility,
            is_contact=is_contact,
            agency=agency,
        )
        if is_contact:
            mine = Case.objects.filter(
                child=child, team_id__in=team_ids_for(user, "chronology.add")
            ).exclude(status=Case.Status.CLOSED)
            for case in mine:
                _touch_contact(case, occurred_at)
        audit_record(
            user=user,
            action="chronology.add",
            obj=entry,
            child_id=child.pk,
            detail={"visibility": visibility},
        )
    return entry


# Kinds a person may add by hand; the services write the others.
ENTRY_KINDS = {
    "contact": "Contact with the child",
    "contact-family": "Contact with the family",
    "information": "Information from a partner",
    "education": "Education: attendance, exclusion or suspension",
    "health": "Health: attendance or concern",
    "police": "Police: incident, stop or intelligence",
    "housing": "Housing: concern about an address",
    "note": "Case note",
}


def peer_link_add(*, user: Any, child: Child, peer: Child, nature: str) -> PeerLink:
    child_write_check(user, child.pk, "casework.work", "link children")
    errors: dict[str, list[str]] = {}
    if peer.pk == child.pk:
        errors["peer"] = ["Choose another child."]
    elif (
        PeerLink.objects.filter(child=child, peer=peer).exists()
        or PeerLink.objects.filter(child=peer, peer=child).exists()
    ):
        errors["peer"] = ["These children are already linked."]
    _blank(nature, "nature", "Say how the children are connected.", errors)
    _raise(errors)
    with transaction.atomic():
        link = PeerLink.objects.create(
            child=child, peer=peer, nature=nature.strip(), recorded_at=timezone.now(), by=user
        )
        audit_record(
            user=user, action="peer.link", obj=link, child_id=child.pk, detail={"peer": peer.pk}
        )
    return link


def place_link_add(
    *, user: Any, child: Child, nature: str, place: Place | None = None, location: str = ""
) -> PlaceLink:
    child_write_check(user, child.pk, "casework.work", "link places of concern")
    errors: dict[str, list[str]] = {}
    if place is None and not location.strip():
        errors["location"] = ["Choose a known place or describe the location."]
    _blank(nature, "nature", "Say why the place is of concern.", errors)
    _raise(errors)
    with transaction.atomic():
        link = PlaceLink.objects.create(
            child=child,
            place=place,
            location=location.strip(),
            nature=nature.strip(),
            recorded_at=timezone.now(),
            by=user,
        )
        audit_record(user=user, action="place.link", obj=link, child_id=child.pk)
    return link


# ---------------------------------------------------------------- MACE panel


def panel_hold(
    *, user: Any, team: Team, held_on: dt.date, agencies: list[Agency], notes: str = ""
) -> Panel:
    _require(user, "casework.manage", "run MACE panels")
    if team.pk not in team_ids_for(user, "casework.manage"):
        raise ValidationError({"team": ["Choose your own team."]})
    errors: dict[str, list[str]] = {}
    if held_on > timezone.localdate() + dt.timedelta(days=365):
        errors["held_on"] = ["Plan panels within the next year."]
    _raise(errors)
    with transaction.atomic():
        panel = Panel.objects.create(team=team, held_on=held_on, chair=user, notes=notes.strip())
        panel.agencies_present.set(agencies)
        audit_record(user=user, action="panel.hold", obj=panel)
    return panel


def panel_item_add(
    *, user: Any, panel: Panel, case: Case, kind: str, decision: str = ""
) -> PanelItem:
    _require(user, "casework.manage", "set panel agendas")
    errors: dict[str, list[str]] = {}
    if case.team_id != panel.team_id:
        errors["case"] = ["Choose a case held by the panel's team."]
    elif PanelItem.objects.filter(panel=panel, case=case).exists():
        errors["case"] = ["This case is already on the agenda."]
    if kind not in PanelItem.Kind.values:
        errors["kind"] = ["Choose why the case comes to panel."]
    _raise(errors)
    with transaction.atomic():
        item = PanelItem.objects.create(
            panel=panel, case=case, kind=kind, decision=decision.strip()
        )
        if decision.strip():
            chronicle(
                user=user,
                child_id=case.child_id,
                kind="panel",
                summary=f"MACE panel ({item.get_kind_display().lower()}): {item.decision}",
                occurred_at=_start_of(panel.held_on),
                case=case,
            )
        audit_record(user=user, action="panel.item", obj=item, child_id=case.child_id)
    return item


def panel_decision_record(*, user: Any, item: PanelItem, decision: str) -> PanelItem:
    _require(user, "casework.manage", "record panel decisions")
    errors: dict[str, list[str]] = {}
    _blank(decision, "decision", "Write what the panel decided.", errors)
    _raise(errors)
    with transaction.atomic():
        item.decision = decision.strip()
        item.save(update_fields=["decision"])
        chronicle(
            user=user,
            child_id=item.case.child_id,
            kind="panel",
            summary=f"MACE panel ({item.get_kind_display().lower()}): {item.decision}",
            occurred_at=_start_of(item.panel.held_on),
            case=item.case,
        )
        audit_record(user=user, action="panel.decision", obj=item, child_id=item.case.child_id)
    return item


def action_add(
    *,
    user: Any,
    case: Case,
    description: str,
    owner: Any,
    due_on: dt.date,
    panel_item: PanelItem | None = None,
) -> Action:
    case_write_check(user, case, "casework.work", "agree actions")
    errors: dict[str, list[str]] = {}
    _blank(description, "description", "Say what will be done.", errors)
    if due_on < timezone.localdate():
        errors["due_on"] = ["The due date must be today or later."]
    if panel_item is not None and panel_item.case_id != case.pk:
        errors["panel_item"] = ["Choose a panel where this case was discussed."]
    memberships = owner.active_memberships
    if not memberships:
        errors["owner"] = ["Choose someone with a role in a partner agency."]
    _raise(errors)
    with transaction.atomic():
        action = Action.objects.create(
            case=case,
            panel_item=panel_item,
            description=description.strip(),
            owner=owner,
            owner_agency=memberships[0].agency,
            due_on=due_on,
            created_by=user,
        )
        audit_record(user=user, action="action.add", obj=action, child_id=case.child_id)
    return action


def action_done(*, user: Any, action: Action) -> Action:
    if action.owner_id != user.pk and action.case.team_id not in team_ids_for(
        user, "casework.work"
    ):
        raise ValidationError("Only the action's owner or the case team can mark it done.")
    if action.done_at is None:
        with transaction.atomic():
            action.done_at = timezone.now()
            action.save(update_fields=["done_at"])
            audit_record(user=user, action="action.done", obj=action, child_id=action.case.child_id)
    return action


# ---------------------------------------------------------------- transfer, closure, reopening


def case_transfer(*, user: Any, case: Case, to_team: Team, summary: str) -> Case:
    """Hand the case to another area's team when the child moves; the history goes with it."""
    case_write_check(user, case, "casework.manage", "transfer cases")
    errors: dict[str, list[str]] = {}
    _blank(summary, "summary", "Write a handover summary for the new team.", errors)
    if to_team.pk == case.team_id:
        errors["to_team"] = ["Choose another team."]
    elif not ReferralRoute.objects.filter(team=to_team).exists():
        errors["to_team"] = ["Choose an exploitation team."]
    elif (
        Case.objects.filter(child_id=case.child_id, team=to_team)
        .exclude(status=Case.Status.CLOSED)
        .exists()
    ):
        errors["to_team"] = [f"{to_team} already has an open case for this child."]
    if case.status == Case.Status.CLOSED:
        errors["__all__"] = ["A closed case cannot be transferred; reopen it first."]
    _raise(errors)
    from_team = case.team
    with transaction.atomic():
        case.team = to_team
        case.worker = None
        case.save(update_fields=["team", "worker"])
        _event(case, CaseEvent.Kind.TRANSFERRED, user, summary.strip(), from_team=from_team)
        involvement_start(
            child_id=case.child_id, team=to_team, reason=f"Case transferred from {from_team}"
        )
        involvement_end(child_id=case.child_id, team=from_team)
        chronicle(
            user=user,
            child_id=case.child_id,
            kind="transfer",
            summary=f"Case transferred from {from_team} to {to_team}. Handover: {summary.strip()}",
            case=case,
            agency=from_team.agency,
        )
        audit_record(
            user=user,
            action="case.transfer",
            obj=case,
            child_id=case.child_id,
            reason=summary,
            detail={"from": from_team.slug, "to": to_team.slug},
        )
    return case


def open_actions(case: Case) -> int:
    return case.actions.filter(done_at__isnull=True).count()


def case_closure_request(
    *,
    user: Any,
    case: Case,
    outcome: Code,
    summary: str,
    override_reason: str = "",
) -> Case:
    """Ask the manager to close the case (safe exit). Open actions need an explicit override."""
    case_write_check(user, case, "casework.work", "request closure")
    errors: dict[str, list[str]] = {}
    if case.status != Case.Status.OPEN:
        errors["__all__"] = ["Only an open case can be put forward for closure."]
    _blank(summary, "summary", "Write why the case can close and how the child is now.", errors)
    waiting = open_actions(case)
    if waiting and not override_reason.strip():
        errors["override_reason"] = [
            f"{waiting} action{'s are' if waiting != 1 else ' is'} still open. Finish "
            f"{'them' if waiting != 1 else 'it'}, or say why the case can close anyway."
        ]
    _raise(errors)
    with transaction.atomic():
        case.status = Case.Status.CLOSING
        case.closure_outcome = outcome
        case.closure_summary = summary.strip()
        case.closure_requested_by = user
        case.save(
            update_fields=["status", "closure_outcome", "closure_summary", "closure_requested_by"]
        )
        reason = summary.strip() + (f" Open actions: {override_reason.strip()}" if waiting else "")
        _event(case, CaseEvent.Kind.CLOSURE_REQUESTED, user, reason)
        audit_record(
            user=user,
            action="case.closure_request",
            obj=case,
            child_id=case.child_id,
            reason=reason,
            detail={"outcome": outcome.code, "open_actions": waiting},
        )
    return case


def case_closure_decide(*, user: Any, case: Case, approve: bool, reason: str) -> Case:
    case_write_check(user, case, "casework.manage", "approve closures")
    errors: dict[str, list[str]] = {}
    if case.status != Case.Status.CLOSING:
        errors["__all__"] = ["This case is not waiting for closure approval."]
    _blank(reason, "reason", "Give the reason for your decision.", errors)
    _raise(errors)
    now = timezone.now()
    with transaction.atomic():
        if approve:
            case.status = Case.Status.CLOSED
            case.closed_by = user
            case.closed_at = now
            _event(case, CaseEvent.Kind.CLOSED, user, reason.strip())
            # The team keeps sight of the record for a while, so that it can reopen the case.
            keep = dt.timedelta(days=settings.REACHABLE_CASE_ACCESS_AFTER_CLOSURE_DAYS)
            Involvement.objects.filter(
                child_id=case.child_id, team_id=case.team_id, ended_on__isnull=True
            ).update(ended_on=(now + keep).date())
            summary = f"Case closed: {case.closure_outcome.label.lower() if case.closure_outcome else ''}. {case.closure_summary}"
        else:
            case.status = Case.Status.OPEN
            _event(case, CaseEvent.Kind.CLOSURE_REFUSED, user, reason.strip())
            summary = f"Closure not approved: {reason.strip()}"
        case.save()
        chronicle(user=user, child_id=case.child_id, kind="closure", summary=summary, case=case)
        audit_record(
            user=user,
            action="case.close" if approve else "case.closure_refused",
            obj=case,
            child_id=case.child_id,
            reason=reason,
        )
    return case


def case_reopen(*, user: Any, case: Case, reason: str) -> Case:
    case_write_check(user, case, "casework.manage", "reopen cases", closed_may=True)
    errors: dict[str, list[str]] = {}
    if case.status != Case.Status.CLOSED:
        errors["__all__"] = ["Only a closed case can be reopened."]
    elif (
        Case.objects.filter(child_id=case.child_id, team_id=case.team_id)
        .exclude(status=Case.Status.CLOSED)
        .exists()
    ):
        errors["__all__"] = ["The team already has an open case for this child."]
    _blank(reason, "reason", "Say why the case is reopened.", errors)
    _raise(errors)
    with transaction.atomic():
        _reopen(user, case, reason.strip())
        audit_record(
            user=user, action="case.reopen", obj=case, child_id=case.child_id, reason=reason
        )
    return case


def _reopen(user: Any, case: Case, reason: str) -> Case:
    case.status = Case.Status.OPEN
    case.closed_at = None
    case.closed_by = None
    case.save(update_fields=["status", "closed_at", "closed_by"])
    _event(case, CaseEvent.Kind.REOPENED, user, reason)
    # Undo the access kept after closure, or start a new involvement once it has lapsed.
    kept = Involvement.objects.filter(
        child_id=case.child_id, team_id=case.team_id, ended_on__gte=timezone.localdate()
    )
    if not kept.update(ended_on=None):
        involvement_start(child_id=case.child_id, team=case.team, reason="Case reopened")
    chronicle(
        user=user,
        child_id=case.child_id,
        kind="reopened",
        summary=f"Case reopened: {reason}",
        case=case,
    )
    return case
