"""Access decisions that rest on shares and restrictions: which shares let a partner read a record,
which data categories a share carries, whether processing of a record is restricted.

Imports only models and the capability table, so the child, case and custody access modules can ask
here without an import cycle.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from reachable.accounts.permissions import agency_ids_for
from reachable.sharing.models import Agreement, Restriction, Share

IDENTITY = "identity"


def _agreement_has(through: Any, **match: Any) -> Exists:
    """The share's agreement has this row in one of its many-to-many lists."""
    return Exists(through.objects.filter(agreement_id=OuterRef("agreement_id"), **match))


def shares_in_force(agency_ids: list[int], *, now: dt.datetime | None = None) -> QuerySet[Share]:
    """Shares to these agencies that still let them see the child's record.

    In force means: not withdrawn or expired, made under an agreement in force today, which still
    names both agencies, the share's purpose and the child's identity as something it covers. An
    agreement that lapses or is narrowed therefore closes the partner's view at once.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    parties = Agreement.parties.through
    return (
        Share.objects.filter(to_agency_id__in=agency_ids, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .filter(agreement__starts_on__lte=today, agreement__ends_on__gte=today)
        .filter(_agreement_has(parties, agency_id=OuterRef("to_agency_id")))
        .filter(_agreement_has(parties, agency_id=OuterRef("from_agency_id")))
        .filter(_agreement_has(Agreement.purposes.through, code_id=OuterRef("purpose_id")))
        .filter(_agreement_has(Agreement.data_categories.through, code__code=IDENTITY))
    )


def shared_categories(user: Any, child_id: int) -> set[str]:
    """Data categories of this child's record the user's agencies received under agreements in force."""
    shares = shares_in_force(agency_ids_for(user)).filter(child_id=child_id)
    found: set[str] = set()
    for share in shares.prefetch_related("data_categories", "agreement__data_categories"):
        covered = {c.code for c in share.agreement.data_categories.all()}
        found |= {c.code for c in share.data_categories.all()} & covered
    return found


def restriction_on(child_id: int) -> Restriction | None:
    return Restriction.objects.filter(child_id=child_id, lifted_at__isnull=True).first()


def processing_check(child_id: int) -> None:
    """Refuse any change or disclosure while processing of the record is restricted.

    The data protection lead's reason is not quoted: it is about the record, and the person refused
    may not be someone who should read it.
    """
    restriction = restriction_on(child_id)
    if restriction is not None:
        raise ValidationError(
            "Processing of this child's record is restricted "
            f"(since {timezone.localtime(restriction.placed_at):%-d %B %Y}). "
            "It can be read but not changed or shared until the data protection lead lifts it."
        )
