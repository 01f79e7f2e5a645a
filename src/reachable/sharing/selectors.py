"""Scoped reads for information governance (the access decisions themselves are in ``sharing.access``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from reachable.accounts.permissions import agency_ids_for
from reachable.audit.models import AuditEvent
from reachable.audit.services import audit_record
from reachable.children.models import Child
from reachable.children.selectors import child_possible_duplicates, merged_target
from reachable.sharing.models import (
    Agreement,
    Alert,
    BreakGlass,
    Dispute,
    LegalHold,
    RetentionReview,
    Share,
    SubjectAccessRequest,
)

# Which data category each kind of chronology entry belongs to: a partner reads an entry marked for
# sharing only if what it received covers that category.
CATEGORY_OF_ENTRY_KIND: dict[str, str] = {
    **dict.fromkeys(["detention", "custody_visit", "concern_shared"], "custody-contact"),
    **dict.fromkeys(["education"], "education"),
    **dict.fromkeys(["health"], "health"),
}
OTHER_ENTRY_CATEGORY = "casework"
EXPIRY_WARNING_DAYS = 30


@dataclass(frozen=True)
class AgreementStatus:
    label: str
    colour: str


def agreement_status(agreement: Agreement, today: dt.date | None = None) -> AgreementStatus:
    today = today or timezone.localdate()
    if agreement.starts_on > today:
        return AgreementStatus("Not yet in force", "grey")
    if agreement.ends_on < today:
        return AgreementStatus("Ended", "red")
    if (agreement.ends_on - today).days <= EXPIRY_WARNING_DAYS:
        return AgreementStatus(f"Ends in {(agreement.ends_on - today).days} days", "orange")
    return AgreementStatus("In force", "green")


def agreements_all() -> QuerySet[Agreement]:
    """Agreements are published to every member of the partnership (and summarised publicly)."""
    return Agreement.objects.prefetch_related("parties", "purposes", "data_categories").order_by(
        "-ends_on", "title"
    )


def agreement_get(pk: int) -> Agreement:
    found = agreements_all().filter(pk=pk).first()
    if found is None:
        raise Http404("No such agreement")
    return found


def agreements_expiring(today: dt.date, within_days: int = EXPIRY_WARNING_DAYS) -> list[Agreement]:
    return list(
        Agreement.objects.filter(
            ends_on__gte=today, ends_on__lte=today + dt.timedelta(days=within_days)
        ).order_by("ends_on")
    )


def disclosures_of(child_id: int) -> QuerySet[Share]:
    """Every share of this child's record, in force or not (for the record and for subject access)."""
    return (
        Share.objects.filter(child_id=child_id)
        .select_related(
            "to_agency", "from_agency", "agreement", "purpose", "shared_by", "decided_by"
        )
        .prefetch_related("data_categories")
        .order_by("-created_at")
    )


def shares_shown_to(user: Any, child_id: int) -> QuerySet[Share]:
    """The shares of a record a reader may see: all of them for those working with the child (or
    in an emergency); otherwise only those their own agency made or received."""
    from reachable.children.access import Basis, basis_of

    shares = disclosures_of(child_id)
    if basis_of(user, child_id) in {Basis.WORKING, Basis.BREAK_GLASS}:
        return shares
    mine = agency_ids_for(user)
    return shares.filter(Q(to_agency_id__in=mine) | Q(from_agency_id__in=mine))


def access_log_of(child_ids: set[int] | list[int]) -> QuerySet[AuditEvent]:
    """Who opened or changed these records (a child's and those merged into it), newest first."""
    return AuditEvent.objects.filter(child_id__in=child_ids).order_by("-seq")


def access_log_shown_to(user: Any, child_id: int) -> QuerySet[AuditEvent]:
    """The record's access log as a reader may see it: all of it for those working with the child
    (or in an emergency); for a partner, only what people in its own agency did (the rest would
    say who works with the child and what they recorded)."""
    from reachable.children.access import Basis, basis_of

    events = access_log_of([child_id])
    if basis_of(user, child_id) in {Basis.WORKING, Basis.BREAK_GLASS}:
        return events
    mine = agency_ids_for(user)
    return events.filter(
        pk__in=AuditEvent.objects.filter(
            child_id=child_id, user__memberships__agency_id__in=mine
        ).values("pk")
    )


# What each kind of audit event means, in words, for the record's access log. The reasons people
# gave are not shown there: they hold risk judgements, triage and closure reasons and other
# people's break-glass reasons, which the reader may not be entitled to. The data protection
# lead's governance view shows them.
ACCESS_LOG_WORDS = {
    "breakglass.open": "Opened the record in an emergency (break-glass)",
    "case.view": "Opened the exploitation case",
    "chronology.add": "Added to the chronology",
    "chronology.view": "Read the chronology",
    "child.create": "Created the record",
    "child.merge": "Merged a duplicate record",
    "child.search": "Found the record in a search",
    "child.update": "Changed the child's details",
    "child.view": "Opened the record",
    "child.view.api": "Read the record through the API",
    "detention.record": "Recorded a detention",
    "detention.import": "Imported detentions",
    "detention.view": "Opened a detention",
    "disclosures.view": "Read who has received and seen the record",
    "list.view": "Saw the child in a list",
    "list.export": "Downloaded a list that names the child",
    "referral.make": "Made a referral",
    "referral.triage": "Decided on a referral",
    "risk.judge": "Recorded a risk judgement",
    "share.create": "Shared the record",
    "share.withdraw": "Withdrew a share",
}


@dataclass(frozen=True)
class AccessLogRow:
    at: dt.datetime
    who: str
    what: str
    flag: str  # "refused", "emergency" or ""
    reason: str  # only filled for the data protection lead


def access_log_rows(events: Any, *, with_reasons: bool) -> list[AccessLogRow]:
    rows = []
    for e in events:
        base = e.action.removesuffix(".denied")
        what = ACCESS_LOG_WORDS.get(base, base.replace(".", " ").replace("_", " ").capitalize())
        if e.action == "detention.record" and (e.detail or {}).get("opened_record"):
            what += ": this opened the record to the suite's custody team"
        flag = "refused" if e.is_denied else "emergency" if e.is_break_glass else ""
        rows.append(
            AccessLogRow(e.at, e.username or "System", what, flag, e.reason if with_reasons else "")
        )
    return rows


def alerts_for(user: Any) -> QuerySet[Alert]:
    return Alert.objects.filter(recipient=user).order_by("-created_at")


def holds_on(child_id: int) -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(child_id=child_id, lifted_at__isnull=True)


def disputes_of(child_id: int) -> QuerySet[Dispute]:
    return Dispute.objects.filter(child_id=child_id).order_by("-raised_at")


def open_disputes(child_id: int) -> QuerySet[Dispute]:
    return disputes_of(child_id).filter(status=Dispute.Status.OPEN)


def open_disputes_all() -> QuerySet[Dispute]:
    return Dispute.objects.filter(status=Dispute.Status.OPEN).order_by("raised_at")


def break_glass_recent() -> QuerySet[BreakGlass]:
    return BreakGlass.objects.select_related("user").order_by("-opened_at")


def retention_reviews() -> QuerySet[RetentionReview]:
    return RetentionReview.objects.order_by("-created_at")


def retention_review_get(pk: int) -> RetentionReview:
    found = RetentionReview.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such review")
    return found


def subject_access_requests() -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.defer("export").order_by("-recorded_at")


def subject_access_request_get(pk: int) -> SubjectAccessRequest:
    found = SubjectAccessRequest.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("No such request")
    return found


def child_for_governance(*, user: Any, pk: int, action: str) -> Child:
    """A record opened by the data protection lead for a governance task, audited as such.

    Merged records resolve to the record they were merged into, as everywhere else.
    """
    child = Child.objects.filter(pk=merged_target(pk)).select_related("sex", "home_la").first()
    if child is None:
        audit_record(user=user, action=f"{action}.denied", child_id=pk, detail={"id": pk})
        raise Http404("No child's record has that number")
    audit_record(user=user, action=action, obj=child, child_id=child.pk)
    return child


def share_get_for_withdrawal(user: Any, pk: int) -> Share:
    """A share the user's agency made (only the agency that shared may withdraw it), else 404."""
    found = (
        Share.objects.filter(pk=pk, from_agency_id__in=agency_ids_for(user))
        .select_related("child", "to_agency")
        .first()
    )
    if found is None:
        raise Http404("No such share")
    return found


@dataclass(frozen=True)
class MatchCard:
    """What a person sees of a record found by name and date of birth before opening it: enough
    to tell two records apart, nothing of what the record holds."""

    pk: int
    date_of_birth: dt.date
    home_area: str


def records_matching(
    user: Any,
    *,
    record: int | None = None,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
    purpose: str,
) -> list[MatchCard]:
    """Records by number, or by name and date of birth (either order of the names, accents and
    case ignored). The search is audited with how many matched, never the names typed."""
    if record:
        found = list(Child.objects.filter(pk=merged_target(record)).select_related("home_la"))
    elif date_of_birth:
        found = list(
            child_possible_duplicates(
                given_name=given_name,
                family_name=family_name,
                date_of_birth=date_of_birth,
                limit=10,
            )
        )
    else:
        found = []
    audit_record(
        user=user,
        action="child.find",
        detail={
            "purpose": purpose,
            "by": "number" if record else "name and date of birth",
            "matches": len(found),
        },
    )
    return [MatchCard(c.pk, c.date_of_birth, str(c.home_la or "not recorded")) for c in found]
