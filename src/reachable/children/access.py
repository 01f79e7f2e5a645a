"""Who may read and who may write a child's record: one decision each, for the web, the API,
exports and commands.

- **Read**: a team the user is in *now* works with the child (an involvement not yet ended), or a
  share to one of the user's agencies is in force, or the user broke the glass and it has not
  expired. Someone who leaves a team stops seeing that team's children the same day, even if they
  were the named worker.
- **Write** (change the record, add to casework, share it on): only working with the child. A
  share or break-glass lets a person read; it never lets them change the record.

Every service that writes about a child calls :func:`child_write_check`, which also refuses while
processing is restricted, so the rule is written once.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from reachable.accounts.permissions import CASE_ROLES, can, team_ids_for_roles
from reachable.children.models import Child, Involvement
from reachable.sharing.access import processing_check, shares_in_force
from reachable.sharing.models import BreakGlass

NOTHING = Q(pk__in=[])


class Basis(StrEnum):
    """Why a user may read a record: said in the record's access log and on the page."""

    WORKING = "working with the child"
    SHARED = "shared with their agency"
    BREAK_GLASS = "emergency (break-glass) access"


def involvements_in_force() -> QuerySet[Involvement]:
    """Involvements not yet ended (``ended_on`` is the last day of access)."""
    return Involvement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=timezone.localdate())
    )


def _active_involvements(user: Any) -> QuerySet[Involvement]:
    """Involvements that grant this user the record: of a team the user is in now."""
    team_ids = team_ids_for_roles(user, CASE_ROLES)
    if not team_ids:
        return Involvement.objects.none()
    return involvements_in_force().filter(team_id__in=team_ids)


def teams_working_with(child_id: int) -> QuerySet[Involvement]:
    return involvements_in_force().filter(child_id=child_id)


def write_scope(user: Any) -> Q:
    """A filter on Child for the children this user works with (and so may change)."""
    if not can(user, "child.view"):
        return NOTHING
    return Q(Exists(_active_involvements(user).filter(child=OuterRef("pk"))))


def _agency_ids(user: Any) -> list[int]:
    from reachable.accounts.permissions import CAPABILITIES

    return [m.agency_id for m in user.active_memberships if m.role in CAPABILITIES["child.view"]]


def _shared(user: Any) -> Q:
    return Q(Exists(shares_in_force(_agency_ids(user)).filter(child=OuterRef("pk"))))


def _glass(user: Any) -> Q:
    open_glass = BreakGlass.objects.filter(
        child=OuterRef("pk"), user=user, expires_at__gt=timezone.now()
    )
    return Q(Exists(open_glass))


def read_scope(user: Any) -> Q:
    """A filter on Child for the children this user may see. Empty for every other role."""
    if not can(user, "child.view"):
        return NOTHING
    return write_scope(user) | _shared(user) | _glass(user)


def children_readable(user: Any) -> QuerySet[Child]:
    """The children this user may see, excluding records merged into another."""
    return Child.objects.filter(read_scope(user), merged_into__isnull=True)


def children_writable(user: Any) -> QuerySet[Child]:
    return Child.objects.filter(write_scope(user), merged_into__isnull=True)


def may_write(user: Any, child_id: int) -> bool:
    return Child.objects.filter(write_scope(user), pk=child_id).exists()


def basis_of(user: Any, child_id: int) -> Basis | None:
    """Why this user may read the record (the strongest reason), or None if they may not."""
    if not can(user, "child.view"):
        return None
    one = Child.objects.filter(pk=child_id)
    if one.filter(write_scope(user)).exists():
        return Basis.WORKING
    if one.filter(_shared(user)).exists():
        return Basis.SHARED
    if one.filter(_glass(user)).exists():
        return Basis.BREAK_GLASS
    return None


def child_write_check(
    user: Any, child_id: int, capability: str, doing: str, *, shared_may: bool = False
) -> None:
    """The one check before any change about a child: the role, the relationship, restriction.

    ``shared_may`` lets a partner who reads the record through a share do this (add their own
    chronology entry, make a referral): it is their agency's information, not a change to others'.
    Break-glass never writes.
    """
    if not can(user, capability):
        raise ValidationError(f"Your role cannot {doing}.")
    basis = basis_of(user, child_id)
    allowed = {Basis.WORKING, Basis.SHARED} if shared_may else {Basis.WORKING}
    if basis not in allowed:
        raise ValidationError(
            f"Only a team working with the child can {doing}. "
            + (
                "Emergency access lets you read the record, not change it."
                if basis is Basis.BREAK_GLASS
                else "A share lets your agency read the record, not change it."
                if basis is Basis.SHARED
                else "Ask the team that works with the child."
            )
        )
    processing_check(child_id)
