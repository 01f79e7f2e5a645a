"""Who may read and write casework: cases (and their parts), the chronology.

- A **case** is read by the exploitation team holding it while it is open, and for
  ``REACHABLE_CASE_ACCESS_AFTER_CLOSURE_DAYS`` after it closed (so the team can finish the record and
  answer questions); after that the case is gone from their pages and the API.
- A case is **written** only by the team holding it, only while it is open (or waiting for closure
  approval). A closed case is locked: a manager reopens it, with a reason, before anything is added.
- The **chronology** is read entry by entry: teams working with the child (and a practitioner who
  broke the glass) read entries marked for the teams involved; a partner reads only entries marked
  for sharing, of the kinds its shares cover; everyone reads their own agency's entries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from reachable.accounts.permissions import agency_ids_for, can, team_ids_for
from reachable.casework.models import Case, ChronologyEntry
from reachable.children.access import Basis, basis_of
from reachable.sharing.access import processing_check, shared_categories
from reachable.sharing.selectors import CATEGORY_OF_ENTRY_KIND, OTHER_ENTRY_CATEGORY


def closure_window() -> dt.timedelta:
    return dt.timedelta(days=settings.REACHABLE_CASE_ACCESS_AFTER_CLOSURE_DAYS)


def _in_window(prefix: str = "") -> Q:
    """Cases (through ``prefix``, e.g. ``"case__"``) open, or closed within the window."""
    since = timezone.now() - closure_window()
    return ~Q(**{f"{prefix}status": Case.Status.CLOSED}) | Q(**{f"{prefix}closed_at__gte": since})


def case_in_window(prefix: str) -> Q:
    """A filter for rows that hang off a case (actions, panel items) whose case is still readable."""
    return _in_window(prefix)


def referral_in_window() -> Q:
    """A referral stays in its team's and its referrer's lists while it waits for a decision and
    for the closure window after it was decided; then it is history, read through the case."""
    return Q(decided_at__isnull=True) | Q(decided_at__gte=timezone.now() - closure_window())


def cases_readable(user: Any) -> QuerySet[Case]:
    """Cases held by the user's exploitation teams: open ones, and closed ones within the window."""
    return Case.objects.filter(_in_window(), team_id__in=team_ids_for(user, "casework.view"))


def case_write_check(
    user: Any, case: Case, capability: str, doing: str, *, closed_may: bool = False
) -> None:
    """The one check before any change to a case: role, holding team, open, not restricted.

    ``closed_may`` is for reopening, the one change a closed case accepts.
    """
    if not can(user, capability):
        raise ValidationError(f"Your role cannot {doing}.")
    if case.team_id not in team_ids_for(user, capability):
        raise ValidationError("Only the team holding the case can change it.")
    if case.status == Case.Status.CLOSED and not closed_may:
        raise ValidationError(
            "This case is closed, so nothing new can be added to it. "
            "If the child needs the team again, a manager can reopen the case with a reason."
        )
    if closed_may and not Case.objects.filter(_in_window(), pk=case.pk).exists():
        raise ValidationError(
            "This case closed more than "
            f"{settings.REACHABLE_CASE_ACCESS_AFTER_CLOSURE_DAYS} days ago; make a new referral."
        )
    processing_check(case.child_id)


def chronology_kinds_shared(user: Any, child_id: int) -> list[str]:
    """The kinds of chronology entry the user's agencies may read through shares of this record."""
    categories = shared_categories(user, child_id)
    return [
        kind
        for kind in ChronologyEntry.KIND_LABELS
        if CATEGORY_OF_ENTRY_KIND.get(kind, OTHER_ENTRY_CATEGORY) in categories
    ]


def chronology_scope(user: Any, child_id: int) -> Q:
    """A filter on ChronologyEntry for the entries of this child the user may read."""
    own_agency = Q(agency_id__in=agency_ids_for(user))
    if basis_of(user, child_id) in {Basis.WORKING, Basis.BREAK_GLASS}:
        return Q(visibility__in=["involved", "shared"]) | own_agency
    return Q(visibility="shared", kind__in=chronology_kinds_shared(user, child_id)) | own_agency
