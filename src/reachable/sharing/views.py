"""Information governance in the browser: agreements, shares, break-glass, alerts, the data
protection lead's tools, and the public privacy pages. Views are thin: services do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from reachable.accounts.decorators import public, require_capability, signed_in
from reachable.accounts.permissions import agency_ids_for, can
from reachable.audit.services import audit_record
from reachable.children.selectors import child_get_for_user
from reachable.lib.converters import parse_record_id
from reachable.lib.forms import apply_service_errors
from reachable.lib.views import posted, save_form
from reachable.sharing import forms, selectors, services
from reachable.sharing.access import restriction_on
from reachable.sharing.models import RetentionItem, RetentionRule, SubjectAccessRequest
from reachable.sharing.retention import retention_review_decide
from reachable.sharing.subject_access import sar_export, sar_record


def _form_page(request: HttpRequest, form: Any, *, title: str, back: str, **extra: Any) -> Any:
    return render(
        request,
        "form_page.html",
        {"form": form, "title": title, "back": back, **extra},
    )


# ---------------------------------------------------------------- agreements (every member)


@signed_in
def agreements(request: HttpRequest) -> HttpResponse:
    rows = [(a, selectors.agreement_status(a)) for a in selectors.agreements_all()]
    return render(request, "sharing/agreements.html", {"rows": rows})


@signed_in
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.agreement_get(pk)
    return render(
        request,
        "sharing/agreement.html",
        {"agreement": found, "status": selectors.agreement_status(found)},
    )


# ---------------------------------------------------------------- on a child's record


@require_capability("sharing.share")
def share_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk, action="child.view")
    form = forms.ShareForm(posted(request))

    def save(data: dict[str, Any]) -> None:
        share = services.share_record(
            user=request.user,
            child=child,
            to_agency=data["to_agency"],
            purpose=data["purpose"],
            categories=list(data["categories"]),
            reason=data["reason"],
            consent=data["consent"],
            consent_override_reason=data["consent_override_reason"],
            child_views=data["child_views"],
            expires_on=data["expires_on"],
        )
        status = selectors.agreement_status(share.agreement)
        if status.colour == "orange":
            messages.warning(
                request,
                f"The agreement this share relies on ({share.agreement.title}) "
                f"{status.label.lower()}: after that {share.to_agency} loses sight of it.",
            )

    done = save_form(
        request,
        form,
        save,
        success=f"Shared {child.full_name}'s record. The share is on the record.",
        then="children:profile",
        pk=child.pk,
    )
    return done or _form_page(
        request,
        form,
        title="Share this record with another agency",
        caption=child.full_name,
        back=f"/children/{child.pk}/",
        submit="Share",
    )


@require_capability("child.view")
def disclosures(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk, action="disclosures.view")
    log = Paginator(selectors.access_log_shown_to(request.user, child.pk), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sharing/disclosures.html",
        {
            "child": child,
            "shares": selectors.shares_shown_to(request.user, child.pk),
            "page_obj": log,
            "log_rows": selectors.access_log_rows(log, with_reasons=False),
            "withdraw_from": agency_ids_for(request.user)
            if can(request.user, "sharing.share")
            else [],
        },
    )


@require_capability("governance.dispute")
def dispute_new(request: HttpRequest, pk: int) -> HttpResponse:
    child = child_get_for_user(request.user, pk, action="child.view")
    form = forms.DisputeForm(posted(request))
    done = save_form(
        request,
        form,
        lambda d: services.dispute_raise(
            user=request.user,
            child=child,
            what=d["what"],
            on_behalf_of=d["on_behalf_of"],
            details=d["details"],
        ),
        success="Dispute recorded. The data protection lead will review it.",
        then="children:profile",
        pk=child.pk,
    )
    return done or _form_page(
        request,
        form,
        title="Record that part of this record is disputed",
        caption=child.full_name,
        back=f"/children/{child.pk}/",
    )


@require_capability("sharing.share")
@require_POST
def share_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    share = selectors.share_get_for_withdrawal(request.user, pk)
    try:
        services.share_withdraw(
            user=request.user, share=share, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Share with {share.to_agency} withdrawn.")
    return redirect("sharing:disclosures", pk=share.child_id)


def _finder_data(form: Any) -> dict[str, Any]:
    return {
        k: form.cleaned_data.get(k)
        for k in ("record", "given_name", "family_name", "date_of_birth")
    }


NO_NUMBER = "No child's record has that number. Check it and try again."
NO_MATCH = (
    "No record matches that name and date of birth. Check the spelling and the date, try the "
    "names the other way round, or ask the team that holds the record for its number."
)


@require_capability("sharing.break_glass")
def break_glass(request: HttpRequest) -> HttpResponse:
    form = forms.BreakGlassForm(posted(request))
    cards: list[Any] = []
    if request.method == "POST" and form.is_valid():
        cards = selectors.records_matching(
            request.user, purpose="break-glass", **_finder_data(form)
        )
        if not cards:
            by_number = bool(form.cleaned_data["record"])
            form.add_error(
                "record" if by_number else "given_name", NO_NUMBER if by_number else NO_MATCH
            )
        elif len(cards) > 1:
            form.add_error(
                "record",
                f"{len(cards)} records match: enter the record number of the one you need "
                "(they are listed below the form).",
            )
        else:
            try:
                glass = services.break_glass_open(
                    user=request.user, child_pk=cards[0].pk, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.warning(
                    request,
                    f"Emergency access open until {timezone.localtime(glass.expires_at):%H:%M}. "
                    "Your manager and the data protection lead have been told.",
                )
                return redirect("children:profile", pk=glass.child_id)
    return render(
        request,
        "sharing/break_glass.html",
        {
            "form": form,
            "cards": cards if len(cards) > 1 else [],
            "title": "Emergency access to a record",
            "back": "/",
            "submit": "Open the record",
            "warning": (
                "Use this only when a child may come to harm without it and you cannot reach the "
                "team that holds the record. Access is time-limited, highlighted in the audit log "
                "and reported to your manager and the data protection lead."
            ),
        },
        status=400 if form.errors else 200,
    )


@signed_in
def alerts(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.alert_read(
            user=request.user, alert_id=parse_record_id(request.POST.get("alert")) or 0
        )
        return redirect("sharing:alerts")
    page = Paginator(selectors.alerts_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "sharing/alerts.html", {"page_obj": page})


# ---------------------------------------------------------------- data protection lead


@require_capability("governance.manage")
def governance(request: HttpRequest) -> HttpResponse:
    form = forms.RecordNumberForm(request.GET or None)
    cards: list[Any] = []
    if form.is_bound and form.is_valid():
        cards = selectors.records_matching(request.user, purpose="governance", **_finder_data(form))
        if len(cards) == 1:
            return redirect("sharing:child_governance", pk=cards[0].pk)
        if not cards:
            form.add_error(None, NO_NUMBER if form.cleaned_data["record"] else NO_MATCH)
    context = {
        "form": form,
        "cards": cards,
        "reviews": selectors.retention_reviews()[:5],
        "sars": selectors.subject_access_requests()[:10],
        "disputes": selectors.open_disputes_all()[:20],
        "glass": selectors.break_glass_recent()[:20],
    }
    return render(request, "sharing/governance.html", context)


@require_capability("governance.manage")
def child_governance(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_for_governance(user=request.user, pk=pk, action="governance.view")
    if child.pk != pk:
        return redirect("sharing:child_governance", pk=child.pk)
    log = Paginator(selectors.access_log_of([child.pk]), 50).get_page(request.GET.get("page"))
    context = {
        "child": child,
        "holds": selectors.holds_on(child.pk),
        "restriction": restriction_on(child.pk),
        "disputes": selectors.disputes_of(child.pk),
        "shares": selectors.disclosures_of(child.pk),
        "page_obj": log,
        "log_rows": selectors.access_log_rows(log, with_reasons=True),
    }
    return render(request, "sharing/child_governance.html", context)


def _governed_action(request: HttpRequest, pk: int, title: str, act: Any, done: str) -> Any:
    child = selectors.child_for_governance(user=request.user, pk=pk, action="governance.view")
    form = forms.ReasonForm(posted(request))
    saved = save_form(
        request,
        form,
        lambda d: act(user=request.user, child=child, reason=d["reason"]),
        success=done,
        then="sharing:child_governance",
        pk=child.pk,
    )
    return saved or _form_page(
        request, form, title=title, caption=child.full_name, back=f"/sharing/governance/{pk}/"
    )


@require_capability("governance.manage")
def hold_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _governed_action(
        request,
        pk,
        "Place a legal hold",
        services.legal_hold_place,
        "Legal hold placed: the record will not be deleted.",
    )


@require_capability("governance.manage")
def restriction_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _governed_action(
        request,
        pk,
        "Restrict processing of this record",
        services.restriction_place,
        "Processing restricted: the record can be read, not changed or shared.",
    )


@require_capability("governance.manage")
@require_POST
def lift(request: HttpRequest, pk: int, what: str) -> HttpResponse:
    child = selectors.child_for_governance(user=request.user, pk=pk, action="governance.view")
    try:
        if what == "hold":
            for hold in selectors.holds_on(child.pk):
                services.legal_hold_lift(user=request.user, hold=hold)
        else:
            restriction = restriction_on(child.pk)
            if restriction is not None:
                services.restriction_lift(user=request.user, restriction=restriction)
    except ValidationError as exc:
        messages.warning(request, " ".join(exc.messages))
    else:
        messages.success(request, "Lifted.")
    return redirect("sharing:child_governance", pk=child.pk)


@require_capability("governance.manage")
def dispute_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    child = selectors.child_for_governance(user=request.user, pk=pk, action="governance.view")
    form = forms.DisputeResolveForm(posted(request), child_id=child.pk)
    done = save_form(
        request,
        form,
        lambda d: services.dispute_resolve(
            user=request.user, dispute=d["dispute"], status=d["status"], outcome=d["outcome"]
        ),
        success="Dispute resolved.",
        then="sharing:child_governance",
        pk=child.pk,
    )
    return done or _form_page(
        request,
        form,
        title="Resolve a dispute",
        caption=child.full_name,
        back=f"/sharing/governance/{child.pk}/",
    )


@require_capability("governance.manage")
def retention(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.retention_reviews(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "sharing/retention.html",
        {"page_obj": page, "rules": RetentionRule.objects.order_by("key")},
    )


@require_capability("governance.manage")
def retention_review(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.retention_review_get(pk)
    form = forms.RetentionDecisionForm(posted(request))
    done = save_form(
        request,
        form,
        lambda d: retention_review_decide(
            user=request.user, review=review, approve=d["decision"] == "approve", note=d["note"]
        ),
        success="Decision recorded.",
        then="sharing:retention_review",
        pk=review.pk,
    )
    if done:
        return done
    items = Paginator(review.items.select_related("rule"), 100).get_page(request.GET.get("page"))
    counts = {s: review.items.filter(state=s).count() for s in RetentionItem.State.values}
    return render(
        request,
        "sharing/retention_review.html",
        {"review": review, "page_obj": items, "form": form, "counts": counts},
    )


@require_capability("governance.manage")
def sar_new(request: HttpRequest) -> HttpResponse:
    form = forms.SubjectAccessForm(posted(request))

    def save(data: dict[str, Any]) -> None:
        sar = sar_record(
            user=request.user,
            child_pk=data["record"],
            requester=data["requester"],
            received_on=data["received_on"],
        )
        sar_export(user=request.user, sar=sar)

    done = save_form(
        request,
        form,
        save,
        success="Subject access export prepared. Review every marker before release.",
        then="sharing:governance",
    )
    return done or _form_page(
        request, form, title="Record a subject access request", back="/sharing/governance/"
    )


@require_capability("governance.manage")
def sar_download(request: HttpRequest, pk: int) -> HttpResponse:
    sar: SubjectAccessRequest = selectors.subject_access_request_get(pk)
    if sar.export is None:
        raise Http404("No export has been prepared for this request")
    audit_record(user=request.user, action="sar.download", obj=sar, child_id=sar.child_id)
    response = HttpResponse(bytes(sar.export), content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{sar.requested_child_id}-{sar.pk}.zip"'
    )
    return response


# ---------------------------------------------------------------- privacy information (public)


def _privacy_context() -> dict[str, Any]:
    today = timezone.localdate()
    in_force = [a for a in selectors.agreements_all() if a.is_active_on(today)]
    return {"agreements": in_force, "rules": RetentionRule.objects.order_by("key")}


@public
def privacy_children(request: HttpRequest) -> HttpResponse:
    return render(request, "sharing/privacy_children.html", _privacy_context())


@public
def privacy_professionals(request: HttpRequest) -> HttpResponse:
    return render(request, "sharing/privacy_professionals.html", _privacy_context())
