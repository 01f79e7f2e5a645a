"""Referral routes, referrals (from a record, for a child the referrer cannot see, from custody) and triage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.permissions import team_ids_for
from reachable.audit.services import audit_record
from reachable.casework.chronology import agency_of, chronicle
from reachable.casework.models import (
    Case,
    CaseEvent,
    Referral,
    ReferralRoute,
)
from reachable.casework.services._common import (
    _blank,
    _event,
    _raise,
    _require,
)
from reachable.casework.services.closure import _reopen
from reachable.children.access import child_write_check
from reachable.children.models import Child
from reachable.children.services import involvement_end, involvement_start
from reachable.core.models import Area, Code, Team
from reachable.notifications import webhooks
from reachable.notifications.services import team_notify
from reachable.sharing.access import processing_check, restriction_on
from reachable.sharing.services import alert_data_protection_leads, disclosure_to_team

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
            team_notify("casework.referral_received", to_team, link=reverse("casework:triage_list"))
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
    # A referral for a restricted record waits for the data protection lead (who was alerted).
    processing_check(referral.child_id)
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
        webhooks.referral_triaged(referral)
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
