"""Writes for custody early intervention: validate, save, audit, in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.permissions import agency_for, can
from reachable.audit.services import audit_record
from reachable.casework.chronology import chronicle
from reachable.children.access import teams_working_with
from reachable.children.models import Child
from reachable.children.services import involvement_start
from reachable.core.models import Agency, Area, Code, Place, Team
from reachable.custody.access import (
    DETENTION_REASON,
    access_ends_on,
    detention_involvements,
    detention_write_check,
    grants_access,
    suites_for,
)
from reachable.custody.models import (
    CommunityOffer,
    ConcernShare,
    Detention,
    Engagement,
    Feedback,
    ReleaseCorrection,
    ShareRoute,
)
from reachable.custody.rules import age_error, arrival_slot, time_errors
from reachable.notifications import webhooks
from reachable.notifications.services import team_notify
from reachable.sharing.access import processing_check
from reachable.sharing.services import (
    alert_data_protection_leads,
    alert_team_members,
    disclosure_to_team,
)


def is_out_of_county(home_la: Area | None, suite: Place) -> bool:
    """A child whose home local authority is in another county than the suite (unknown home: not out)."""
    if home_la is None:
        return False
    home_county = home_la.county()
    suite_county = suite.area.county()
    return home_county is None or suite_county is None or home_county.pk != suite_county.pk


# The child's details as custody holds them, by which the child is found or added.
IDENTITY = ("given_name", "family_name", "date_of_birth", "sex", "home_la", "police_id")


def _custody_teams(suite: Place) -> list[Team]:
    return list(Team.objects.filter(places=suite))


def detention_record(
    *,
    user: Any,
    child: Child,
    suite: Place,
    arrested_at: dt.datetime,
    arrived_at: dt.datetime,
    offence: Code,
    released_at: dt.datetime | None = None,
    arresting_force: Agency | None = None,
    appropriate_adult: bool = False,
    carer_informed: bool = False,
    comfort_box: bool = False,
    age_override_reason: str = "",
    new_record: bool = False,
) -> Detention:
    """Record a detention at one of the user's suites. ``new_record`` says the child's record was
    added for this detention (so the custody team holds it whatever the arrest time)."""
    if not can(user, "custody.record"):
        raise ValidationError("Your role cannot record detentions.")
    processing_check(child.pk)
    errors: dict[str, list[str]] = {
        f: [m]
        for f, m in time_errors(
            arrested_at=arrested_at, arrived_at=arrived_at, released_at=released_at
        ).items()
    }
    if suite.kind != Place.Kind.CUSTODY_SUITE:
        errors["suite"] = ["Choose a custody suite."]
    elif suite.pk not in suites_for(user):
        errors["suite"] = ["You can record detentions only at the suites your team works in."]
    problem = age_error(
        date_of_birth=child.date_of_birth,
        arrested_at=arrested_at,
        override_reason=age_override_reason,
    )
    if problem:
        errors["age_override_reason"] = [problem]
    if Detention.objects.filter(child=child, arrested_at=arrested_at).exists():
        errors["arrested_at"] = [
            "This child already has a detention recorded for this arrest time."
        ]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        detention = Detention.objects.create(
            child=child,
            suite=suite,
            arrested_at=arrested_at,
            arrived_at=arrived_at,
            released_at=released_at,
            offence=offence,
            arresting_force=arresting_force,
            out_of_county=is_out_of_county(child.home_la, suite),
            home_la_at_arrest=child.home_la,
            appropriate_adult=appropriate_adult,
            carer_informed=carer_informed,
            comfort_box=comfort_box,
            age_override_reason=age_override_reason.strip(),
            recorded_by=user,
            arrival_weekday=arrival_slot(arrived_at)[0],
            arrival_hour=arrival_slot(arrived_at)[1],
        )
        opened = new_record or grants_access(arrested_at)
        if opened:
            _involve_suite_teams(detention)
        chronicle(
            user=user,
            child_id=child.pk,
            kind="detention",
            summary=f"Detained at {suite} ({offence.label.lower()})"
            + (", out of county" if detention.out_of_county else "")
            + ".",
            occurred_at=arrested_at,
        )
        audit_record(
            user=user,
            action="detention.record",
            obj=detention,
            child_id=child.pk,
            reason=age_override_reason,
            detail={
                "suite": suite.slug,
                "out_of_county": detention.out_of_county,
                "opened_record": opened and not new_record,
            },
        )
    return detention


def _involve_suite_teams(detention: Detention) -> None:
    """The custody team at the suite now works with the child: that is what lets them see the record."""
    for team in _custody_teams(detention.suite):
        involvement_start(
            child_id=detention.child_id,
            team=team,
            started_on=timezone.localtime(detention.arrived_at).date(),
            reason=f"{DETENTION_REASON} {detention.suite}",
        )
    if detention.released_at is not None:
        _custody_access_until(detention, access_ends_on(detention.released_at))


def _custody_access_until(detention: Detention, last_day: dt.date | None) -> None:
    """Set when the custody teams' sight of the record (granted by detentions) ends, unless a
    community offer is still open: then it lasts until the offer closes."""
    open_offer = CommunityOffer.objects.filter(
        detention__child_id=detention.child_id,
        accepted=True,
        outcome=CommunityOffer.Outcome.OPEN,
    ).exists()
    team_ids = [t.pk for t in _custody_teams(detention.suite)]
    detention_involvements(detention.child_id, team_ids).update(
        ended_on=None if open_offer else last_day
    )


def detention_release(
    *, user: Any, detention: Detention, released_at: dt.datetime, reason: str = ""
) -> Detention:
    """Record when the child left custody, or correct a release time already recorded.

    A correction needs a reason and keeps the earlier time (ReleaseCorrection), so the history
    shows what was believed when, and the custody team's sight is re-dated from the new time.
    """
    detention_write_check(user, detention, "record a release")
    errors = time_errors(
        arrested_at=detention.arrested_at, arrived_at=detention.arrived_at, released_at=released_at
    )
    if errors:
        raise ValidationError({f: [m] for f, m in errors.items()})
    with transaction.atomic():
        locked = Detention.objects.select_for_update().get(pk=detention.pk)
        was = locked.released_at
        if was is not None:
            if not reason.strip():
                raise ValidationError(
                    {"reason": ["Say why the release time recorded earlier was wrong."]}
                )
            if was == released_at:
                raise ValidationError(
                    {"released_at": ["That is the release time already recorded."]}
                )
            ReleaseCorrection.objects.create(
                detention=locked, was=was, now_is=released_at, reason=reason.strip(), by=user
            )
        locked.released_at = released_at
        locked.save(update_fields=["released_at"])
        detention.released_at = released_at
        _custody_access_until(locked, access_ends_on(released_at))
        audit_record(
            user=user,
            action="detention.release.correct" if was else "detention.release",
            obj=locked,
            child_id=locked.child_id,
            reason=reason.strip() if was else "",
            detail={"was": was.isoformat(), "now_is": released_at.isoformat()} if was else None,
        )
    return detention


def engagement_record(
    *,
    user: Any,
    detention: Detention,
    attempted_at: dt.datetime,
    engaged: bool,
    reason_not_engaged: Code | None = None,
    topics: list[Code] | None = None,
    discussed: str = "",
    childs_words: str = "",
) -> Engagement:
    detention_write_check(user, detention, "record visits")
    errors: dict[str, list[str]] = {}
    if attempted_at > timezone.now() + dt.timedelta(minutes=5):
        errors["attempted_at"] = ["The time cannot be in the future."]
    elif attempted_at < detention.arrived_at:
        errors["attempted_at"] = ["The time must be after the child arrived at the suite."]
    if not engaged and reason_not_engaged is None:
        errors["reason_not_engaged"] = ["Say why the child was not engaged this time."]
    if engaged and reason_not_engaged is not None:
        errors["reason_not_engaged"] = ["Leave this empty when the child engaged."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        engagement = Engagement.objects.create(
            detention=detention,
            attempted_at=attempted_at,
            by=user,
            engaged=engaged,
            reason_not_engaged=reason_not_engaged,
            discussed=discussed.strip(),
            childs_words=childs_words.strip(),
        )
        engagement.topics.set(topics or [])
        detention.was_approached = True
        if engaged:
            detention.was_engaged = True
            first = detention.first_intervention_at
            detention.first_intervention_at = min(first, attempted_at) if first else attempted_at
        detention.save(update_fields=["was_approached", "was_engaged", "first_intervention_at"])
        chronicle(
            user=user,
            child_id=detention.child_id,
            kind="custody_visit",
            summary="Seen in custody by the early intervention practitioner: "
            + ("talked with us." if engaged else f"not this time ({reason_not_engaged}).")
            + (
                f' In the child\'s words: "{engagement.childs_words}"'
                if engagement.childs_words
                else ""
            ),
            occurred_at=attempted_at,
            is_contact=engaged,
        )
        audit_record(
            user=user,
            action="engagement.record",
            obj=engagement,
            child_id=detention.child_id,
            detail={"engaged": engaged},
        )
    return engagement


def suggested_team(detention: Detention) -> Team | None:
    """The front door for the child's home local authority, from the routing table."""
    home = detention.home_la_at_arrest
    route = ShareRoute.objects.filter(home_la=home).select_related("team").first() if home else None
    return route.team if route else None


def concern_share(
    *, user: Any, detention: Detention, to_team: Team, method: Code, summary: str
) -> ConcernShare:
    detention_write_check(user, detention, "share concerns")
    if not summary.strip():
        raise ValidationError(
            {"summary": ["Write what the concern is, so the recipient can act on it."]}
        )
    processing_check(detention.child_id)
    from_agency = agency_for(user, "custody.record")
    agreement = disclosure_to_team(
        from_agency=from_agency, to_team=to_team, categories=["identity", "custody-contact"]
    )
    with transaction.atomic():
        share = ConcernShare.objects.create(
            agreement=agreement,
            detention=detention,
            to_team=to_team,
            method=method,
            summary=summary.strip(),
            shared_at=timezone.now(),
            shared_by=user,
        )
        chronicle(
            user=user,
            child_id=detention.child_id,
            kind="concern_shared",
            summary=f"Concern shared from custody with {to_team} ({method.label.lower()}): "
            f"{share.summary}",
            occurred_at=share.shared_at,
        )
        audit_record(
            user=user,
            action="concern.share",
            obj=share,
            child_id=detention.child_id,
            detail={
                "to_team": to_team.slug,
                "method": method.code,
                "agreement": agreement.reference if agreement else None,
            },
        )
        team_notify(
            "custody.concern_shared", to_team, link=reverse("custody:concern", args=[share.pk])
        )
        webhooks.concern_shared(share)
    return share


def concern_acknowledge(*, user: Any, share: ConcernShare) -> ConcernShare:
    team_ids = {m.team_id for m in user.active_memberships}
    if share.to_team_id not in team_ids:
        raise ValidationError("Only the team the concern was shared with can acknowledge it.")
    if share.acknowledged_at is not None:
        return share
    with transaction.atomic():
        share.acknowledged_at = timezone.now()
        share.acknowledged_by = user
        share.save(update_fields=["acknowledged_at", "acknowledged_by"])
        audit_record(
            user=user, action="concern.acknowledge", obj=share, child_id=share.detention.child_id
        )
    return share


def concerns_escalate(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Mark unacknowledged shares older than the limit as escalated. Safe to re-run: each escalates once."""
    now = now or timezone.now()
    due = ConcernShare.objects.filter(
        acknowledged_at__isnull=True, escalated_at__isnull=True, shared_at__lt=now - older_than
    ).select_related("detention")
    count = 0
    with transaction.atomic():
        for share in due.select_for_update():
            share.escalated_at = now
            share.save(update_fields=["escalated_at"])
            audit_record(
                user=None, action="concern.escalate", obj=share, child_id=share.detention.child_id
            )
            count += 1
    return count


def community_offer_record(
    *, user: Any, detention: Detention, accepted: bool, offered_at: dt.datetime | None = None
) -> CommunityOffer:
    detention_write_check(user, detention, "record community support")
    with transaction.atomic():
        offer = CommunityOffer.objects.create(
            detention=detention,
            offered_at=offered_at or timezone.now(),
            offered_by=user,
            accepted=accepted,
        )
        audit_record(
            user=user, action="community_offer.record", obj=offer, child_id=detention.child_id
        )
        _custody_access_until(detention, access_ends_on(detention.released_at))
    return offer


def feedback_record(
    *, user: Any, source: str, rating: int, comment: str, suite: Place, given_on: dt.date
) -> Feedback:
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": ["Choose a rating from 1 to 5."]})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": ["The date cannot be in the future."]})
    with transaction.atomic():
        feedback = Feedback.objects.create(
            source=source,
            rating=rating,
            comment=comment.strip(),
            suite=suite,
            given_on=given_on,
            recorded_by=user,
        )
        audit_record(user=user, action="feedback.record", obj=feedback)
    return feedback


def share_routes_load(data: dict[str, Any], *, where: str = "share_routes") -> int:
    """Partnership-file section: home local authority -> team that receives concerns."""
    count = 0
    for i, route in enumerate(data.get("share_routes", []), start=1):
        label = f"{where} #{i}"
        home = Area.objects.filter(slug=route.get("home_la")).first()
        team = Team.objects.filter(slug=route.get("team")).first()
        if home is None or team is None:
            from reachable.core.services import PartnershipFileError

            missing = "home_la" if home is None else "team"
            raise PartnershipFileError(f"{label}: {missing} '{route.get(missing)}' is not defined.")
        ShareRoute.objects.update_or_create(
            home_la=home, defaults={"team": team, "notes": route.get("notes", "")}
        )
        count += 1
    return count


def _child_for_detention(
    *,
    user: Any,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    sex: Code,
    home_la: Area | None,
    police_id: str = "",
) -> tuple[Child, str]:
    """The child custody has detained, and how they were found: by police identifier
    (``"police_id"``), by exact name and date of birth alone (``"name_dob"``), or added (``"new"``).
    The practitioner sees nothing about a found record until the detention links them."""
    from reachable.children.identifiers import normalise_identifier, validate_identifier
    from reachable.children.services import IdentifierInput, child_create

    if police_id:
        try:
            police_id = validate_identifier("police", police_id)
        except ValidationError as exc:
            raise ValidationError({"police_id": exc.messages}) from exc
        found = Child.objects.filter(
            identifiers__kind__code="police",
            identifiers__value_normalised=normalise_identifier(police_id),
            merged_into__isnull=True,
        ).first()
        if found:
            return found, "police_id"
    found = Child.objects.filter(
        given_name__iexact=given_name.strip(),
        family_name__iexact=family_name.strip(),
        date_of_birth=date_of_birth,
        merged_into__isnull=True,
    ).first()
    if found:
        return found, "name_dob"
    police_kind = Code.objects.get(code_list__key="identifier-kind", code="police")
    added = child_create(
        user=user,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        sex=sex,
        home_la=home_la,
        identifiers=[IdentifierInput(police_kind, police_id)] if police_id else [],
    )
    return added, "new"


def detention_of_person(*, user: Any, identity: dict[str, Any], **detention: Any) -> Detention:
    """Find or add the child and record the detention, in one transaction: a refused detention
    leaves no record of the child behind."""
    with transaction.atomic():
        child, found_by = _child_for_detention(user=user, **identity)
        teams_holding = list(
            teams_working_with(child.pk).values_list("team_id", flat=True).distinct()
        )
        recorded = detention_record(
            user=user, child=child, new_record=found_by == "new", **detention
        )
        if found_by == "name_dob" and grants_access(recorded.arrested_at):
            _report_name_match(recorded, teams_holding)
    return recorded


def _report_name_match(detention: Detention, team_ids: list[int]) -> None:
    """A record opened on name and date of birth alone may be another child's: say so to the teams
    that hold it and to the data protection lead, so a wrong match is caught."""
    message = (
        f"Record {detention.child_id} was opened by the custody team at {detention.suite} "
        "for a detention matched on name and date of birth only (no police identifier). "
        "If this is not the same child, tell the custody team and the data protection lead."
    )
    url = reverse("children:profile", args=[detention.child_id])
    alert_team_members(team_ids, message, kind="custody-name-match", url=url)
    alert_data_protection_leads(message, kind="custody-name-match", url=url)


def community_offer_update(
    *, user: Any, offer: CommunityOffer, sessions: int, outcome: str
) -> CommunityOffer:
    """Sessions attended and, at closure, the outcome; closing stamps the date once."""
    detention_write_check(user, offer.detention, "update community support")
    if outcome not in CommunityOffer.Outcome.values:
        raise ValidationError({"outcome": ["Choose an outcome from the list."]})
    if sessions < 0:
        raise ValidationError({"sessions": ["Sessions cannot be fewer than 0."]})
    if not offer.accepted and sessions:
        raise ValidationError(
            {"sessions": ["The child did not accept support, so there are no sessions to record."]}
        )
    with transaction.atomic():
        offer.sessions = sessions
        offer.outcome = outcome
        if outcome == CommunityOffer.Outcome.OPEN:
            offer.closed_at = None
        elif offer.closed_at is None:
            offer.closed_at = timezone.now()
        offer.save(update_fields=["sessions", "outcome", "closed_at"])
        ends = offer.closed_at or offer.detention.released_at
        _custody_access_until(offer.detention, access_ends_on(ends))
        audit_record(
            user=user,
            action="community_offer.update",
            obj=offer,
            child_id=offer.detention.child_id,
            detail={"sessions": sessions, "outcome": outcome},
        )
    return offer
