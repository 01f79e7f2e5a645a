"""Pages for referrals: making one, triage, following your own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reachable.accounts.decorators import require_capability
from reachable.accounts.permissions import team_ids_for
from reachable.casework import selectors, services
from reachable.casework.forms import (
    ReferralForm,
)
from reachable.casework.models import (
    Referral,
)
from reachable.casework.views._common import (
    _audited_page,
    _form_page,
)
from reachable.children.models import Child
from reachable.children.selectors import (
    child_get_for_user,
)
from reachable.lib.sorting import Column, sorted_by
from reachable.lib.views import posted, save_form

# ---------------------------------------------------------------- referrals


@require_capability("casework.refer")
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk)
    teams = services.referral_teams()
    form = ReferralForm(
        posted(request),
        teams=teams,
        initial={"to_team": services.referral_team_for(child)},
    )
    return _form_page(
        request,
        form,
        lambda data: services.referral_make(user=request.user, child=child, **data),
        title="Refer to an exploitation team",
        caption=child.full_name,
        back=child_url(child),
        success="Referral sent.",
        then=_sent,
    )


def _sent(referral: Referral) -> str:
    from django.urls import reverse

    return reverse("casework:referral_sent", args=[referral.pk])


@require_capability("casework.refer")
def referral_sent(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation: the reference to quote, and what happens next."""
    referral = selectors.referral_get_for_user(request.user, pk)
    return render(request, "casework/referral_sent.html", {"r": referral})


@require_capability("casework.refer")
def referral_new_child(request: HttpRequest) -> HttpResponse:
    """A referral about a child the referrer cannot find (not known to them, or to anyone yet)."""
    from django.urls import reverse

    from reachable.casework.forms import NewChildReferralForm

    form = NewChildReferralForm(posted(request), teams=services.referral_teams())
    return _form_page(
        request,
        form,
        lambda data: services.referral_of_new_child(user=request.user, **data),
        title="Refer a child",
        caption="For a child whose record you cannot find",
        back=reverse("casework:my_referrals"),
        success="Referral sent.",
        then=_sent,
    )


def child_url(child: Child) -> str:
    from django.urls import reverse

    return reverse("children:profile", args=[child.pk])


@require_capability("custody.record")
def referral_from_detention(request: HttpRequest, pk: int) -> HttpResponse:
    """The custody hand-over: the referral form with what custody knows already written in."""
    from django.urls import reverse

    from reachable.custody.selectors import detention_get_for_user

    detention = detention_get_for_user(request.user, pk)
    form = ReferralForm(
        posted(request),
        teams=services.referral_teams(),
        initial={
            "to_team": services.referral_team_for(detention.child, detention.suite.area),
            "concerns": services.custody_handover_text(detention),
            "urgency": Referral.Urgency.URGENT,
        },
    )
    return _form_page(
        request,
        form,
        lambda data: services.referral_make(
            user=request.user,
            child=detention.child,
            source=Referral.Source.CUSTODY,
            detention=detention,
            **data,
        ),
        title="Hand over to exploitation casework",
        caption=f"{detention.child.full_name}, {detention.suite.name}",
        back=reverse("custody:detention", args=[detention.pk]),
        then="custody:detention",
        pk=detention.pk,
    )


@require_capability("casework.refer")
def my_referrals(request: HttpRequest) -> HttpResponse:
    return _referral_list(
        request,
        "casework/my_referrals.html",
        "my referrals",
        selectors.referrals_made_by(request.user),
        Column("team", "To", ("to_team__name",)),
        "-received",
    )


def _referral_list(
    request: HttpRequest,
    template: str,
    what: str,
    rows: QuerySet[Referral],
    other: Column,
    default: str,
) -> HttpResponse:
    """A list of referrals, sorted by any column on the server, a page at a time, audited."""
    columns = [
        Column("received", "Received", ("received_at",)),
        Column("child", "Child", ("child__family_name", "child__given_name")),
        other,
        Column("urgency", "Urgency", ("urgency_rank", "received_at")),
        Column("decision", "Decision", ("decision",)),
    ]
    rows, headers = sorted_by(request, rows, columns, default)
    return render(
        request, template, {"referrals": _audited_page(request, what, rows), "headers": headers}
    )


@require_capability("casework.view")
def triage_list(request: HttpRequest) -> HttpResponse:
    return _referral_list(
        request,
        "casework/triage_list.html",
        "triage",
        selectors.referrals_to_triage(request.user),
        Column("from", "From", ("referring_agency__name",)),
        "urgency",
    )


@require_capability("casework.refer")
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    from reachable.casework.forms import TriageForm

    r = selectors.referral_get_for_user(request.user, pk)
    may_triage = r.decision == Referral.Decision.PENDING and r.to_team_id in team_ids_for(
        request.user, "casework.work"
    )
    form = TriageForm(posted(request)) if may_triage else None
    if form is not None:
        done = save_form(
            request,
            form,
            lambda data: services.referral_triage(user=request.user, referral=r, **data),
            success="Triage decision saved.",
            then="casework:referral",
            pk=r.pk,
        )
        if done:
            return done
    may_open_case = r.case_id and r.to_team_id in team_ids_for(request.user, "casework.view")
    return render(
        request, "casework/referral.html", {"r": r, "form": form, "may_open_case": may_open_case}
    )
