"""Who may record custody work, and how long a detention lets the custody team see a child.

- Custody writes (a detention, a visit, a concern shared, a release, a community offer) are made
  only at a suite where the practitioner's team works, and never while processing is restricted.
- Recording a detention of a child who already has a record gives the suite's custody team the
  record (seed 002: the child should not have to retell their story), but bounded:
  only for an arrest within ``REACHABLE_CUSTODY_GRANT_HOURS`` (so an old arrest cannot be typed in
  to open an old record), ending ``REACHABLE_CUSTODY_ACCESS_AFTER_RELEASE_DAYS`` after release
  unless community support is still open. The record's access log says it was opened through a
  detention; a match on name and date of birth alone, without a police identifier, is reported to
  the teams already holding the record and to the data protection lead.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from reachable.accounts.permissions import can
from reachable.children.access import Basis, basis_of, involvements_in_force
from reachable.core.models import Place
from reachable.sharing.access import processing_check, shared_categories

CUSTODY_CONTACT = "custody-contact"  # the data category a share must carry to read custody work

DETENTION_REASON = "Detained at"  # the start of every involvement a detention grants


def suites_for(user: Any) -> list[int]:
    """Custody suites where the user's teams work."""
    team_ids = [m.team_id for m in user.active_memberships if m.team_id]
    return list(
        Place.objects.filter(kind=Place.Kind.CUSTODY_SUITE, teams__id__in=team_ids).values_list(
            "pk", flat=True
        )
    )


def may_read_detention(user: Any, detention: Any) -> bool:
    """A detention (visits, the child's words, concerns, offers) is read by the teams working with
    the child, and by an agency whose share of the record includes custody contact; not through
    an identity-only share or break-glass."""
    basis = basis_of(user, detention.child_id)
    if basis is Basis.WORKING:
        return True
    return basis is Basis.SHARED and CUSTODY_CONTACT in shared_categories(user, detention.child_id)


def detention_write_check(user: Any, detention: Any, doing: str) -> None:
    """The one check before any change to a detention: role, suite, working with the child,
    restriction."""
    if not can(user, "custody.record"):
        raise ValidationError(f"Your role cannot {doing}.")
    if basis_of(user, detention.child_id) is not Basis.WORKING:
        raise ValidationError(
            f"Only the custody team working with the child can {doing}: reading the record "
            "through a share or emergency access does not let you change it."
        )
    if detention.suite_id not in suites_for(user):
        raise ValidationError(
            f"Only the custody team at {detention.suite} can {doing} for this detention."
        )
    processing_check(detention.child_id)


def grants_access(arrested_at: dt.datetime, *, now: dt.datetime | None = None) -> bool:
    """Whether a detention with this arrest time gives the custody team the child's record."""
    now = now or timezone.now()
    return arrested_at >= now - dt.timedelta(hours=settings.REACHABLE_CUSTODY_GRANT_HOURS)


def access_ends_on(released_at: dt.datetime | None) -> dt.date | None:
    """The last day a detention's grant lasts: None while the child is still detained."""
    if released_at is None:
        return None
    days = settings.REACHABLE_CUSTODY_ACCESS_AFTER_RELEASE_DAYS
    return timezone.localtime(released_at).date() + dt.timedelta(days=days)


def detention_involvements(child_id: int, team_ids: list[int]) -> Any:
    """The involvements of these custody teams that a detention granted (not those of casework)."""
    return involvements_in_force().filter(
        child_id=child_id, team_id__in=team_ids, reason__startswith=DETENTION_REASON
    )
