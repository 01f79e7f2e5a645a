"""The one way a page form hands its data to a service: errors back on the form, or on to the next page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from reachable.lib.forms import apply_service_errors


def posted(request: HttpRequest) -> Any:
    """The submitted data, or None for a first visit (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def form_saved(form: forms.Form, save: Callable[[dict[str, Any]], Any]) -> bool:
    """Validate and call the service; False leaves the errors (the form's or the service's) on
    the form."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return False
    return True


def save_form(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: str,
    then: str | Callable[[Any], str],
    **url_kwargs: Any,
) -> HttpResponse | None:
    """Validate, call the service, and redirect with a message; None means show the form again.
    ``then`` is a URL name, or a function of what the service returned (a confirmation page for
    the record just made)."""
    saved: list[Any] = []
    if request.method != "POST" or not form_saved(form, lambda data: saved.append(save(data))):
        return None
    messages.success(request, success)
    if callable(then):
        return redirect(then(saved[0]))
    return redirect(then, **url_kwargs)


FormT = TypeVar("FormT", bound=forms.Form)


def confirm_not_duplicate(
    build: Callable[[bool], FormT], *, duplicates: list[Any], confirmed: bool, message: str
) -> FormT | None:
    """When possible duplicates were found and not yet confirmed, the form again with the
    confirmation box and an error on it; None when the save may go ahead."""
    if not duplicates or confirmed:
        return None
    form = build(True)
    form.is_valid()
    form.add_error("not_a_duplicate", message)
    return form


def duplicates_shown(request: HttpRequest) -> bool:
    """Whether the page that was submitted already showed possible duplicates."""
    return request.POST.get("duplicates_shown") == "1"


def form_page(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    then: str | Callable[[Any], str],
    back: str,
    success: str = "",
    caption: str = "",
    **url_kwargs: Any,
) -> HttpResponse:
    """A one-form page: on a valid submission the service saves and the user moves on; otherwise
    the form again, with its errors (a refused submission answers 400, so tools see it)."""
    done = save_form(
        request, form, save, success=success or f"{title}: saved.", then=then, **url_kwargs
    )
    if done:
        return done
    context = {"form": form, "title": title, "caption": caption, "back": back}
    refused = request.method == "POST" and bool(form.errors)
    return render(request, "form_page.html", context, status=400 if refused else 200)


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to save, never shown inside the site: the name is quoted (or encoded) safely."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response
