"""Children's records in the browser. Views are thin: forms in, services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from reachable.accounts.decorators import require_capability
from reachable.accounts.permissions import can, team_ids_for
from reachable.audit.services import audit_list
from reachable.casework.access import cases_readable
from reachable.children import selectors, services
from reachable.children.access import Basis, basis_of
from reachable.children.forms import (
    CarerForm,
    ChildCreateForm,
    ChildEditForm,
    IdentifierForm,
    MergeForm,
    SearchForm,
)
from reachable.children.merge import child_merge
from reachable.children.sections import record_sections
from reachable.core.models import Team
from reachable.lib.forms import apply_service_errors
from reachable.lib.views import confirm_not_duplicate, duplicates_shown, posted, save_form
from reachable.sharing.access import restriction_on
from reachable.sharing.selectors import open_disputes, shares_shown_to


@require_capability("child.view")
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits = None
    page = None
    if form.is_bound and form.is_valid():
        hits = selectors.child_search(request.user, form.cleaned_data["q"])
    elif not form.is_bound:
        caseload = (
            selectors.children_visible(request.user)
            .select_related("home_la")
            .order_by("family_name", "given_name", "pk")
        )
        page = Paginator(caseload, 25).get_page(request.GET.get("page"))
        audit_list(user=request.user, what="children", child_ids=[c.pk for c in page])
    return render(request, "children/search.html", {"form": form, "hits": hits, "page_obj": page})


@require_capability("child.view")
def profile(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_get_for_user(request.user, pk)
    if child.pk != pk:
        return redirect("children:profile", pk=child.pk)
    basis = basis_of(request.user, child.pk)
    full_view = basis in {Basis.WORKING, Basis.BREAK_GLASS}
    context = {
        "child": child,
        "identifiers": child.identifiers.select_related("kind"),
        "carers": child.carers.select_related("relationship"),
        "services": child.services.select_related("service"),
        # Who works with the child, disputes' details and merge reasons are for those who work
        # with the child (or broke the glass); a partner reads the identity it was given.
        "full_view": full_view,
        "involvements": child.involvements.select_related("team", "team__agency", "worker")
        if full_view
        else [],
        "shares": shares_shown_to(request.user, child.pk),
        "restriction": restriction_on(child.pk),
        "disputes": open_disputes(child.pk),
        "can_share": can(request.user, "sharing.share") and basis != Basis.BREAK_GLASS,
        "can_dispute": can(request.user, "governance.dispute"),
        "merges": child.merges_kept.select_related("merged_by") if basis == Basis.WORKING else [],
        "age": child.age_on(timezone.localdate()),
        "can_edit": can(request.user, "child.edit") and basis == Basis.WORKING,
        "can_merge": can(request.user, "child.merge") and basis == Basis.WORKING,
        "can_refer": can(request.user, "casework.refer") and basis != Basis.BREAK_GLASS,
        "can_read_chronology": can(request.user, "chronology.view"),
        "can_see_connections": can(request.user, "casework.view"),
        # The exploitation cases the user's own teams hold (others are not theirs to open).
        "cases": cases_readable(request.user)
        .filter(child=child)
        .select_related("team")
        .order_by("-opened_at"),
        # Parts of the record that apps above this one add (county lines links), each deciding
        # through its own access module whether this reader sees it.
        "sections": record_sections(request.user, child),
    }
    return render(request, "children/profile.html", context)


@require_capability("child.create")
def create(request: HttpRequest) -> HttpResponse:
    teams = Team.objects.filter(pk__in=team_ids_for(request.user, "child.create"))
    asked = duplicates_shown(request)
    form = ChildCreateForm(
        posted(request),
        teams=teams,
        ask_not_duplicate=asked,
        initial={"team": teams.first()},
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = list(
            selectors.child_possible_duplicates(
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
            )
        )
        again = confirm_not_duplicate(
            lambda ask: ChildCreateForm(request.POST, teams=teams, ask_not_duplicate=ask),
            duplicates=duplicates,
            confirmed=data.get("not_a_duplicate", False),
            message="There may already be a record for this child. Check the possible matches, then confirm this is a different child.",
        )
        if again is not None:
            form = again
        else:
            identifiers = []
            if data["identifier_kind"]:
                identifiers.append(
                    services.IdentifierInput(data["identifier_kind"], data["identifier_value"])
                )
            try:
                child = services.child_create(
                    user=request.user,
                    given_name=data["given_name"],
                    family_name=data["family_name"],
                    known_as=data["known_as"],
                    date_of_birth=data["date_of_birth"],
                    sex=data["sex"],
                    ethnicity=data["ethnicity"],
                    home_la=data["home_la"],
                    team=data["team"],
                    identifiers=identifiers,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Record created for {child.full_name}.")
                return redirect("children:profile", pk=child.pk)
    return render(request, "children/create.html", {"form": form, "duplicates": duplicates})


@require_capability("child.edit")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_get_for_writing(request.user, pk, doing="change this child's details")
    initial = {f: getattr(child, f) for f in services.EDITABLE_FIELDS}
    form = ChildEditForm(posted(request), initial=initial)

    def save(data: dict[str, Any]) -> None:
        changes = dict(data)
        reason = changes.pop("reason")
        services.child_update(user=request.user, child=child, reason=reason, **changes)

    done = save_form(
        request, form, save, success="Changes saved.", then="children:profile", pk=child.pk
    )
    return done or render(request, "children/edit.html", {"form": form, "child": child})


@require_capability("child.edit")
def identifier_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_get_for_writing(request.user, pk, doing="add identifiers")
    form = IdentifierForm(posted(request))
    done = save_form(
        request,
        form,
        lambda data: services.identifier_add(user=request.user, child=child, **data),
        success="Identifier added.",
        then="children:profile",
        pk=child.pk,
    )
    context = {"form": form, "child": child, "title": "Add an identifier"}
    return done or render(request, "children/subform.html", context)


@require_capability("child.edit")
def carer_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_get_for_writing(request.user, pk, doing="add parents or carers")
    form = CarerForm(posted(request))
    done = save_form(
        request,
        form,
        lambda data: services.carer_add(user=request.user, child=child, **data),
        success="Carer added.",
        then="children:profile",
        pk=child.pk,
    )
    context = {"form": form, "child": child, "title": "Add a parent or carer"}
    return done or render(request, "children/subform.html", context)


@require_capability("child.merge")
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    keep = selectors.child_get_for_writing(request.user, pk, doing="merge records")
    form = MergeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            duplicate = selectors.child_get_for_user(
                request.user, form.cleaned_data["duplicate"], action="child.merge.open"
            )
            child_merge(
                user=request.user,
                keep=keep,
                duplicate=duplicate,
                reason=form.cleaned_data["reason"],
            )
        except Http404:
            form.add_error(
                "duplicate",
                "There is no record with that number that you can see. Check the number.",
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, f"Record {duplicate.pk} merged into this record. Its history is kept."
            )
            return redirect("children:profile", pk=keep.pk)
    return render(
        request,
        "children/subform.html",
        {"form": form, "child": keep, "title": "Merge a duplicate record into this one"},
    )
