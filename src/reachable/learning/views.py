"""Pages of the learning hub. Public pages (search, a published example, its PDF, feedback) need
no sign-in and show published examples only; the rest is for writers and reviewers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reachable.audit.services import audit_record
from reachable.learning import access, search, services
from reachable.learning import forms as lf
from reachable.learning.models import SECTION_FIELDS, Attachment, PracticeExample, State
from reachable.lib.forms import apply_service_errors
from reachable.lib.views import download, form_page, posted

# ---------------------------------------------------------------- public


def hub(request: HttpRequest) -> HttpResponse:
    chosen = {name: request.GET.get(name, "") for name, _ in search.facet_names()}
    found = search.search(request.GET.get("q", ""), chosen)
    facets = [
        (name, label, found.facets.get(name, []), found.chosen.get(name, ""))
        for name, label in search.facet_names()
    ]
    return render(
        request,
        "learning/hub.html",
        {"found": found, "facets": facets, "may_write": access.may_write(request.user)},
    )


def _published(slug: str) -> PracticeExample:
    example = get_object_or_404(
        PracticeExample.objects.select_related("theme", "county", "evidence"), slug=slug
    )
    if example.state not in {State.PUBLISHED, State.ARCHIVED}:
        raise Http404  # drafts are never public, and their existence is not disclosed
    return example


def example_public(request: HttpRequest, slug: str) -> HttpResponse:
    example = _published(slug)
    form = lf.FeedbackForm(posted(request))
    if request.method == "POST" and example.state == State.PUBLISHED and form.is_valid():
        services.feedback_record(example=example, **form.cleaned_data)
        messages.success(request, "Thank you: your feedback was sent.")
        return redirect("learning:example", slug=example.slug)
    if request.method != "POST":
        services.use_count(example)
    return render(
        request,
        "learning/example.html",
        {
            "example": example,
            "form": form,
            "attachments": example.attachments.defer("content", "text"),
            "more": search.more_like_this(example),
            "today": timezone.localdate(),
        },
        status=400 if form.errors else 200,
    )


def example_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    from weasyprint import HTML

    example = _published(slug)
    services.use_count(example, download=True)
    html = render_to_string("learning/example_pdf.html", {"example": example})
    return download(HTML(string=html).write_pdf(), "application/pdf", f"{example.slug}.pdf")


def _attachment_response(attachment: Attachment) -> HttpResponse:
    if attachment.link:
        return redirect(attachment.link)
    # Always a download: a file is never shown inside the site's own pages.
    return download(bytes(attachment.content), attachment.content_type, attachment.filename)


def attachment_public(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    example = _published(slug)
    if example.state != State.PUBLISHED:
        raise Http404  # a withdrawn example's page says why; its files are no longer offered
    attachment = get_object_or_404(example.attachments, number=number)
    services.use_count(example, download=True)
    return _attachment_response(attachment)


# ---------------------------------------------------------------- writers and reviewers


def _managed(request: HttpRequest, pk: int) -> PracticeExample:
    if not access.may_write(request.user):
        raise PermissionDenied("Sign in to write practice examples.")
    return get_object_or_404(access.examples_managed(request.user), pk=pk)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    if not access.may_write(request.user):
        raise PermissionDenied("Your role cannot write practice examples.")
    user: Any = request.user
    mine = PracticeExample.objects.filter(author=user).select_related("theme")
    to_review = (
        PracticeExample.objects.filter(state=State.IN_REVIEW, reviewer=user)
        if access.may_review(request.user)
        else PracticeExample.objects.none()
    )
    return render(request, "learning/manage.html", {"mine": mine, "to_review": to_review})


@login_required
def example_new(request: HttpRequest) -> HttpResponse:
    if not access.may_write(request.user):
        raise PermissionDenied("Your role cannot write practice examples.")
    form = lf.ExampleForm(posted(request))
    return form_page(
        request,
        form,
        lambda d: services.example_create(user=request.user, **d),
        title="Write up a practice example",
        caption="Learning hub",
        then="learning:manage",
        back=reverse("learning:manage"),
        success="Draft saved. Send it for review when it is ready.",
    )


@login_required
def example_manage(request: HttpRequest, pk: int) -> HttpResponse:
    example = _managed(request, pk)
    audit_record(user=request.user, action="learning.example.view", obj=example)
    user = request.user
    is_author = example.author_id == user.pk
    return render(
        request,
        "learning/example_manage.html",
        {
            "example": example,
            "versions": example.versions.select_related("by"),
            "attachments": example.attachments.defer("content", "text"),
            "notes": example.notes.select_related("by"),
            "may_edit": is_author and example.state == State.DRAFT,
            "may_submit": is_author and example.state == State.DRAFT,
            "may_decide": access.may_review(user)
            and not is_author
            and example.state == State.IN_REVIEW,
            "may_withdraw": (is_author or access.may_review(user))
            and example.state == State.PUBLISHED,
            "submit_form": lf.ReviewRequestForm(author=example.author),
            "review_form": lf.ReviewForm(),
            "withdraw_form": lf.WithdrawForm(),
        },
    )


@login_required
def example_edit(request: HttpRequest, pk: int) -> HttpResponse:
    example = _managed(request, pk)
    access.edit_check(request.user, example)
    initial = {name: getattr(example, name) for name in [*services.DESCRIPTIVE, *SECTION_FIELDS]}
    form = lf.ExampleForm(posted(request), initial=initial)
    return form_page(
        request,
        form,
        lambda d: services.example_update(user=request.user, example=example, **d),
        title=f"Change: {example.title}",
        caption="Learning hub",
        then="learning:manage_example",
        back=reverse("learning:manage_example", args=[example.pk]),
        success="Saved as a new version.",
        pk=example.pk,
    )


def _action(
    request: HttpRequest, example: PracticeExample, form: Any, run: Any, done: str
) -> HttpResponse:
    if request.method != "POST":
        return redirect("learning:manage_example", pk=example.pk)
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("learning:manage_example", pk=example.pk)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "title": example.title,
            "caption": "Learning hub",
            "back": reverse("learning:manage_example", args=[example.pk]),
        },
        status=400,
    )


@login_required
def example_submit(request: HttpRequest, pk: int) -> HttpResponse:
    example = _managed(request, pk)
    access.edit_check(request.user, example)
    form = lf.ReviewRequestForm(posted(request), author=example.author)
    return _action(
        request,
        example,
        form,
        lambda d: services.review_request(
            user=request.user, example=example, reviewer=d["reviewer"]
        ),
        "Sent for review.",
    )


@login_required
def example_review(request: HttpRequest, pk: int) -> HttpResponse:
    example = _managed(request, pk)
    access.review_check(request.user, example)
    form = lf.ReviewForm(posted(request))
    return _action(
        request,
        example,
        form,
        lambda d: services.review_decide(
            user=request.user,
            example=example,
            publish=d["decision"] == "publish",
            comment=d["comment"],
            child_first=d["child_first"],
        ),
        "Decision recorded.",
    )


@login_required
def example_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    example = _managed(request, pk)
    access.withdraw_check(request.user, example)
    form = lf.WithdrawForm(posted(request))
    return _action(
        request,
        example,
        form,
        lambda d: services.withdraw(user=request.user, example=example, reason=d["reason"]),
        "Withdrawn: the public page now says why.",
    )


@login_required
def attachment_new(request: HttpRequest, pk: int) -> HttpResponse:
    example = _managed(request, pk)
    access.edit_check(request.user, example)
    form = lf.AttachmentForm(posted(request), request.FILES or None)

    def save(data: dict[str, Any]) -> Any:
        upload = data.get("file")
        return services.attachment_add(
            user=request.user,
            example=example,
            title=data["title"],
            filename=upload.name if upload else "",
            content=upload.read() if upload else b"",
            link=data["link"],
        )

    return form_page(
        request,
        form,
        save,
        title=f"Add an attachment: {example.title}",
        caption="Learning hub",
        then="learning:manage_example",
        back=reverse("learning:manage_example", args=[example.pk]),
        success="Attachment added.",
        pk=example.pk,
    )


@login_required
def attachment_managed(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """A draft's attachment, for its author and reviewers."""
    example = _managed(request, pk)
    attachment = get_object_or_404(example.attachments, number=number)
    return _attachment_response(attachment)


@login_required
def attachment_remove(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    example = _managed(request, pk)
    access.edit_check(request.user, example)
    if request.method == "POST":
        try:
            services.attachment_remove(user=request.user, example=example, number=number)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Attachment removed.")
    return redirect("learning:manage_example", pk=example.pk)


@login_required
def version_diff(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    example = _managed(request, pk)
    newer = get_object_or_404(example.versions, number=number)
    older = example.versions.filter(number__lt=number).order_by("-number").first()
    changes = services.version_diff(older, newer) if older else []
    return render(
        request,
        "learning/version_diff.html",
        {"example": example, "newer": newer, "older": older, "changes": changes},
    )
