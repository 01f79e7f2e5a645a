"""Scoped reads for custody: the live board, a detention, the concerns inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, QuerySet, When
from django.http import Http404

from reachable.audit.services import audit_record
from reachable.children.access import read_scope
from reachable.children.models import Child
from reachable.custody.access import may_read_detention, suites_for
from reachable.custody.models import CommunityOffer, ConcernShare, Detention


def _annotated(detentions: QuerySet[Detention]) -> QuerySet[Detention]:
    """The visit outcome under the names the templates use."""
    return detentions.annotate(
        approached=F("was_approached"),
        engaged=F("was_engaged"),
        first_engaged_at=F("first_intervention_at"),
    )


def live_board(user: Any) -> QuerySet[Detention]:
    """Children detained now at the user's suites, newest arrival first."""
    return _annotated(
        Detention.objects.filter(suite_id__in=suites_for(user), released_at__isnull=True)
        # Only children the team may see: a detention that granted nothing (an old arrest never
        # released) does not put a name on the board.
        .filter(child__in=Child.objects.filter(read_scope(user)))
        .select_related("child", "suite", "offence", "child__home_la")
        .order_by("-arrived_at")
    )


def detention_get_for_user(user: Any, pk: int) -> Detention:
    """A detention whose child the user may see, audited; otherwise 404, and the attempt audited."""
    detention = (
        _annotated(
            Detention.objects.filter(pk=pk, child__in=Child.objects.filter(read_scope(user)))
        )
        .select_related(
            "child", "suite", "offence", "arresting_force", "home_la_at_arrest", "child__home_la"
        )
        .first()
    )
    if detention is None or not may_read_detention(user, detention):
        child_id = Detention.objects.filter(pk=pk).values_list("child_id", flat=True).first()
        audit_record(
            user=user, action="detention.view.denied", child_id=child_id, detail={"id": pk}
        )
        raise Http404("No detention found")
    audit_record(user=user, action="detention.view", obj=detention, child_id=detention.child_id)
    return detention


def detentions_of_child(child: Child) -> QuerySet[Detention]:
    return _annotated(
        Detention.objects.filter(child=child)
        .select_related("suite", "offence")
        .order_by("-arrested_at")
    )


def inbox(user: Any) -> QuerySet[ConcernShare]:
    """Concerns shared with the user's teams: unacknowledged first, then newest."""
    team_ids = [m.team_id for m in user.active_memberships if m.team_id]
    return (
        ConcernShare.objects.filter(to_team_id__in=team_ids)
        .select_related("detention__child", "detention__suite", "to_team", "shared_by", "method")
        .order_by(Case(When(acknowledged_at__isnull=True, then=0), default=1), "-shared_at")
    )


def concern_get_for_user(user: Any, pk: int) -> ConcernShare:
    share = inbox(user).filter(pk=pk).first()
    if share is None:
        audit_record(user=user, action="concern.view.denied", detail={"id": pk})
        raise Http404("No concern found")
    audit_record(user=user, action="concern.view", obj=share, child_id=share.detention.child_id)
    return share


def offer_get_for_user(user: Any, pk: int) -> CommunityOffer:
    """A community offer, through its detention: the same scope and audit."""
    detention_id = (
        CommunityOffer.objects.filter(pk=pk).values_list("detention_id", flat=True).first()
    )
    if detention_id is None:
        audit_record(user=user, action="community_offer.view.denied", detail={"id": pk})
        raise Http404("No community offer found")
    detention = detention_get_for_user(user, detention_id)
    return CommunityOffer.objects.select_related("detention__child").get(pk=pk, detention=detention)


def handover_of(detention: Detention) -> Any:
    """The referral to exploitation casework made from this detention, if any."""
    from reachable.casework.models import Referral

    return Referral.objects.filter(detention=detention).select_related("to_team").first()


def import_get_for_user(user: Any, pk: int) -> Any:
    """An import the user queued (its problems quote children's details, so only theirs)."""
    from reachable.custody.models import DetentionImport

    job = DetentionImport.objects.filter(pk=pk, uploaded_by=user).first()
    if job is None:
        audit_record(user=user, action="detention_import.view.denied", detail={"id": pk})
        raise Http404("No import found")
    return job


def imports_of(user: Any) -> Any:
    from reachable.custody.models import DetentionImport

    return DetentionImport.objects.filter(uploaded_by=user).order_by("-queued_at")
