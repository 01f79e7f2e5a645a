"""Each person's work queues: what needs doing today, for the roles they hold.

This app sits above the domain apps and only assembles: every queue is built from the domain's
own selectors, which apply its access rules, and a queue is shown only to roles with its
capability. A queue is a count, a link to the full list and its first few rows, each with flags
(overdue, urgent, over 24 hours, unallocated); no queue holds a score about a child. Rows that
name a child are recorded in the audit log as a list read, like any other list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from reachable.accounts.permissions import can

SHOWN = 5  # rows per queue on the home page; the link leads to the whole list


# Flags that mean act now are red; the rest are yellow.
URGENT_FLAGS = {"urgent", "overdue", "over 24 h", "red", "failed", "review overdue", "conflict"}


@dataclass
class Row:
    label: str
    url: str
    detail: str = ""
    flags: list[str] = field(default_factory=list)
    child_id: int | None = None

    @property
    def tags(self) -> list[tuple[str, str]]:
        """(flag, GOV.UK tag colour) for each flag."""
        return [(f, "red" if f in URGENT_FLAGS else "yellow") for f in self.flags]


@dataclass
class Queue:
    title: str
    count: int
    url: str
    rows: list[Row]
    empty: str
    link_text: str = "See them all"


Builder = Callable[[Any], list[Queue]]


def _queue(
    title: str, found: QuerySet[Any], url: str, row: Callable[[Any], Row], empty: str
) -> Queue:
    return Queue(title, found.count(), url, [row(item) for item in found[:SHOWN]], empty)


def _since(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    hours = (timezone.now() - moment).total_seconds() / 3600
    return f"{hours:.0f} h ago" if hours < 48 else f"{hours / 24:.0f} days ago"


# ---------------------------------------------------------------- custody


def custody(user: Any) -> list[Queue]:
    from reachable.custody.selectors import live_board

    board = live_board(user)
    long_ago = timezone.now() - dt.timedelta(hours=24)

    def detained(d: Any) -> Row:
        flags = ["over 24 h"] if d.arrived_at < long_ago else []
        return Row(
            d.child.full_name,
            reverse("custody:detention", args=[d.pk]),
            f"{d.suite}, arrived {_since(d.arrived_at)}",
            flags,
            d.child_id,
        )

    return [
        _queue(
            "Detained now, not yet seen",
            board.filter(was_approached=False),
            reverse("custody:board"),
            detained,
            "Every child detained now has been seen.",
        ),
        _queue(
            "Detained over 24 hours, no release recorded",
            board.filter(arrived_at__lt=long_ago),
            reverse("custody:board"),
            detained,
            "No child has been detained for more than 24 hours without a release recorded.",
        ),
    ]


def concerns(user: Any) -> list[Queue]:
    from reachable.custody.selectors import inbox

    def concern(c: Any) -> Row:
        return Row(
            c.detention.child.full_name,
            reverse("custody:concern", args=[c.pk]),
            f"to {c.to_team}, shared {_since(c.shared_at)}",
            [],
            c.detention.child_id,
        )

    waiting = inbox(user).filter(acknowledged_at__isnull=True)
    return [
        _queue(
            "Concerns from custody not yet acknowledged",
            waiting.select_related("detention__child", "to_team"),
            reverse("custody:inbox"),
            concern,
            "Every concern shared with your teams has been acknowledged.",
        )
    ]


# ---------------------------------------------------------------- casework


def casework(user: Any) -> list[Queue]:
    from reachable.casework.models import NrmReferral
    from reachable.casework.selectors import (
        CaseloadFilter,
        caseload,
        cases_visible,
        referrals_to_triage,
    )

    def referral(r: Any) -> Row:
        flags = ["urgent"] if r.urgency in {"immediate", "urgent"} else []
        return Row(
            r.child.full_name if r.child_id else "A child not yet on record",
            reverse("casework:referral", args=[r.pk]),
            f"from {r.referring_agency}, {_since(r.received_at)}",
            flags,
            r.child_id,
        )

    def case(c: Any) -> Row:
        flags = []
        if c.review_due_on and c.review_due_on < timezone.localdate():
            flags.append("review overdue")
        if c.worker_id is None:
            flags.append("unallocated")
        if c.has_overdue_actions:
            flags.append("overdue actions")
        contact = _since(c.last_contact_at) or "never"
        return Row(
            c.child.full_name,
            reverse("casework:case", args=[c.pk]),
            f"{c.team}; last contact {contact}",
            flags,
            c.child_id,
        )

    reviews = caseload(user, f=CaseloadFilter(review_due_within=7)).filter(
        review_due_on__isnull=False
    )
    quiet = caseload(user, f=CaseloadFilter(no_contact_days=14))

    nrm = (
        NrmReferral.objects.filter(
            case__in=cases_visible(user), reasonable_grounds=NrmReferral.Decision.PENDING
        )
        .select_related("case__child", "case__team")
        .order_by("pk")
    )

    def pending(n: Any) -> Row:
        return Row(
            n.case.child.full_name,
            reverse("casework:case", args=[n.case_id]),
            f"{n.case.team}",
            [],
            n.case.child_id,
        )

    caseload_url = reverse("casework:caseload")
    return [
        _queue(
            "Referrals to triage",
            referrals_to_triage(user),
            reverse("casework:triage_list"),
            referral,
            "No referral is waiting for a decision.",
        ),
        _queue(
            "Reviews due this week or overdue",
            reviews,
            caseload_url + "?review_within=7",
            case,
            "No review is due this week.",
        ),
        _queue(
            "No contact for 14 days",
            quiet,
            caseload_url + "?no_contact=14",
            case,
            "Every open case has had contact in the last 14 days.",
        ),
        _queue(
            "NRM decisions pending",
            nrm,
            caseload_url,
            pending,
            "No NRM referral is waiting for a reasonable grounds decision.",
        ),
    ]


def management(user: Any) -> list[Queue]:
    from reachable.casework.selectors import CaseloadFilter, caseload, overdue_actions

    def case(c: Any) -> Row:
        return Row(
            c.child.full_name, reverse("casework:case", args=[c.pk]), f"{c.team}", [], c.child_id
        )

    def action(a: Any) -> Row:
        return Row(
            a.case.child.full_name,
            reverse("casework:case", args=[a.case_id]),
            f"{a.owner}: due {a.due_on:%-d %b}",
            ["overdue"],
            a.case.child_id,
        )

    return [
        _queue(
            "Closures waiting for your approval",
            caseload(user, f=CaseloadFilter(status="closing")),
            reverse("casework:caseload"),
            case,
            "No closure is waiting for approval.",
        ),
        _queue(
            "Cases with no worker",
            caseload(user).filter(worker__isnull=True),
            reverse("casework:caseload"),
            case,
            "Every open case has a worker.",
        ),
        _queue(
            "Overdue actions on your teams' cases",
            overdue_actions(user),
            reverse("casework:caseload"),
            action,
            "No action is overdue.",
        ),
    ]


def referrer(user: Any) -> list[Queue]:
    from reachable.casework.selectors import actions_for_owner, referrals_made_by

    def referral(r: Any) -> Row:
        return Row(
            f"To {r.to_team}",
            reverse("casework:my_referrals"),
            f"{r.get_decision_display()}, sent {_since(r.received_at)}",
            [],
            None,  # the referrer's own list: no child's name is shown here
        )

    def action(a: Any) -> Row:
        overdue = a.due_on < timezone.localdate()
        return Row(
            a.description[:80],
            reverse("casework:my_actions"),
            f"due {a.due_on:%-d %b %Y}",
            ["overdue"] if overdue else [],
        )

    return [
        _queue(
            "Your referrals",
            referrals_made_by(user),
            reverse("casework:my_referrals"),
            referral,
            "You have made no referrals recently.",
        ),
        _queue(
            "Actions you own",
            actions_for_owner(user).filter(done_at__isnull=True).order_by("due_on"),
            reverse("casework:my_actions"),
            action,
            "You own no open actions.",
        ),
    ]


# ---------------------------------------------------------------- data and analysis


def submitter(user: Any) -> list[Queue]:
    from reachable.returns.selectors import open_periods, submissions_visible

    def period(p: Any) -> Row:
        sent = submissions_visible(user).filter(period=p)
        latest = sent.order_by("-pk").first()
        state = latest.get_status_display() if latest else "nothing sent yet"
        overdue = p.due_on < timezone.localdate() and not latest
        return Row(
            str(p),
            reverse("returns:submissions"),
            f"due {p.due_on:%-d %b %Y}: {state}",
            ["overdue"] if overdue else [],
        )

    return [
        _queue(
            "Returns due",
            open_periods(),
            reverse("returns:submissions"),
            period,
            "No return period is open.",
        )
    ]


def analyst(user: Any) -> list[Queue]:
    from reachable.returns.selectors import linkage_runs, reviews_pending

    def pair(p: Any) -> Row:
        return Row(f"Pair {p.pk}", reverse("returns:linkage_review", args=[p.pk]), "")

    def run(r: Any) -> Row:
        return Row(
            f"Run {r.pk}",
            reverse("returns:linkage_run", args=[r.pk]),
            f"{len(r.conflicts or [])} conflicting decision(s) to resolve",
            ["conflict"],
        )

    return [
        _queue(
            "Pairs to review",
            reviews_pending(),
            reverse("returns:linkage_reviews"),
            pair,
            "No pair is waiting for review.",
        ),
        _queue(
            "Linkage runs with decisions to resolve",
            linkage_runs().exclude(Q(conflicts=[]) | Q(conflicts__isnull=True)),
            reverse("returns:linkage"),
            run,
            "No run has conflicting decisions.",
        ),
    ]


def programme(user: Any) -> list[Queue]:
    from reachable.programmes.access import programmes_visible
    from reachable.programmes.models import Deliverable, RagUpdate

    latest = RagUpdate.objects.filter(deliverable=OuterRef("pk")).order_by("-as_at", "-pk")
    flagged = (
        Deliverable.objects.filter(programme__in=programmes_visible(user))
        .annotate(rag_now=Subquery(latest.values("rag")[:1]))
        .filter(rag_now__in=["red", "amber"])
        .select_related("programme")
        .order_by("due_on")
    )

    def deliverable(d: Any) -> Row:
        return Row(
            d.title,
            reverse("programmes:programme", args=[d.programme_id]),
            f"{d.programme}: due {d.due_on:%-d %b %Y}",
            [d.rag_now],
        )

    return [
        _queue(
            "Deliverables at red or amber",
            flagged,
            reverse("programmes:list"),
            deliverable,
            "Every deliverable is on track (green) or not yet rated.",
        )
    ]


# ---------------------------------------------------------------- governance


def data_protection(user: Any) -> list[Queue]:
    from reachable.sharing.selectors import (
        break_glass_recent,
        open_disputes_all,
        retention_reviews,
        subject_access_requests,
    )

    today = timezone.localdate()

    def request(r: Any) -> Row:
        flags = (
            ["overdue"]
            if r.due_on < today
            else (["due soon"] if r.due_on <= today + dt.timedelta(days=7) else [])
        )
        return Row(
            f"Request {r.pk}, from {r.requester}",
            reverse("sharing:governance"),
            f"respond by {r.due_on:%-d %b %Y}",
            flags,
        )

    def glass(g: Any) -> Row:
        return Row(
            f"{g.user} opened record {g.child_id}",
            reverse("sharing:child_governance", args=[g.child_id]),
            _since(g.opened_at),
        )

    def dispute(d: Any) -> Row:
        return Row(
            f"Dispute {d.pk}",
            reverse("sharing:child_governance", args=[d.child_id]),
            _since(getattr(d, "raised_at", None)),
        )

    def review(r: Any) -> Row:
        return Row(
            f"Retention review {r.pk}",
            reverse("sharing:retention_review", args=[r.pk]),
            f"listed {r.created_at:%-d %b %Y}",
        )

    week_ago = timezone.now() - dt.timedelta(days=7)
    return [
        _queue(
            "Subject access requests to answer",
            subject_access_requests().filter(exported_at__isnull=True).order_by("received_on"),
            reverse("sharing:governance"),
            request,
            "No subject access request is waiting.",
        ),
        _queue(
            "Break-glass in the last 7 days",
            break_glass_recent().filter(opened_at__gte=week_ago).select_related("user"),
            reverse("sharing:governance"),
            glass,
            "Nobody has broken the glass this week.",
        ),
        _queue(
            "Disputes to resolve",
            open_disputes_all(),
            reverse("sharing:governance"),
            dispute,
            "No dispute is open.",
        ),
        _queue(
            "Retention reviews waiting for approval",
            retention_reviews().filter(status="pending"),
            reverse("sharing:retention"),
            review,
            "No retention review is waiting.",
        ),
    ]


# ---------------------------------------------------------------- learning and events


def reviewer(user: Any) -> list[Queue]:
    from reachable.learning.models import PracticeExample, State

    def example(e: Any) -> Row:
        return Row(e.title, reverse("learning:manage_example", args=[e.pk]), f"by {e.author}")

    return [
        _queue(
            "Practice examples waiting for your review",
            PracticeExample.objects.filter(state=State.IN_REVIEW, reviewer=user).select_related(
                "author"
            ),
            reverse("learning:manage"),
            example,
            "No practice example is waiting for your review.",
        )
    ]


def organiser(user: Any) -> list[Queue]:
    from reachable.events.models import Session

    now = timezone.now()

    def session(s: Any) -> Row:
        return Row(
            s.title,
            reverse("events:session_manage", args=[s.pk]),
            f"{timezone.localtime(s.starts_at):%a %-d %b, %H:%M}",
        )

    def unmarked(s: Any) -> Row:
        return Row(
            s.title,
            reverse("events:attendance", args=[s.pk]),
            f"held {timezone.localtime(s.starts_at):%-d %b}",
            ["attendance to mark"],
        )

    held = Session.objects.filter(
        starts_at__lt=now,
        starts_at__gte=now - dt.timedelta(days=30),
        cancelled=False,
        registrations__state="confirmed",
        registrations__attended__isnull=True,
    ).distinct()
    return [
        _queue(
            "Sessions in the next 14 days",
            Session.objects.filter(
                starts_at__gte=now, starts_at__lte=now + dt.timedelta(days=14), cancelled=False
            ),
            reverse("events:manage"),
            session,
            "No session in the next 14 days.",
        ),
        _queue(
            "Attendance to mark",
            held.order_by("starts_at"),
            reverse("events:manage"),
            unmarked,
            "Attendance is marked for every session held this month.",
        ),
    ]


def outbox(user: Any) -> list[Queue]:
    from reachable.notifications.models import Email

    def email(e: Any) -> Row:
        return Row(e.subject, reverse("notifications:outbox"), f"to {e.to}", ["failed"])

    return [
        _queue(
            "Emails that could not be sent",
            Email.objects.filter(state=Email.State.FAILED).defer("body", "attachment"),
            reverse("notifications:outbox"),
            email,
            "Every email has been sent.",
        )
    ]


# Which queues each capability brings, in the order they show.
QUEUES: list[tuple[str, Builder]] = [
    ("custody.board", custody),
    ("custody.inbox", concerns),
    ("casework.view", casework),
    ("casework.manage", management),
    ("casework.refer", referrer),
    ("returns.submit", submitter),
    ("returns.link", analyst),
    ("programmes.view", programme),
    ("governance.manage", data_protection),
    ("learning.review", reviewer),
    ("events.manage", organiser),
    ("notifications.outbox", outbox),
]


def queues_for(user: Any) -> list[Queue]:
    found: list[Queue] = []
    for capability, build in QUEUES:
        if can(user, capability):
            found += build(user)
    return found
