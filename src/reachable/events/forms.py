"""Forms for events: public registration, feedback and evaluation, and the organisers' pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from reachable.events.models import Audience, Instrument, Series
from reachable.lib.forms import GovukDateField, radios, text_area

PLAIN_LINE = re.compile(r"[\x00-\x1f\x7f]")


class RegistrationForm(forms.Form):
    name = forms.CharField(max_length=120, error_messages={"required": "Enter your name."})
    email = forms.EmailField(
        label="Email address",
        help_text="We send your confirmation, the joining details and reminders here.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the right format, like name@example.org",
        },
    )
    organisation = forms.CharField(
        max_length=200, error_messages={"required": "Enter your organisation."}
    )
    role = forms.CharField(
        label="Your role", max_length=200, error_messages={"required": "Enter your role."}
    )
    audience = radios("Which best describes you?", Audience.choices, "Choose which describes you.")
    access_needs = text_area(
        "Access needs (optional)",
        rows=3,
        help_text="For example captions, a British Sign Language interpreter, step-free access.",
    )
    # A field people never see: automated form-fillers complete it, and are refused.
    website = forms.CharField(required=False, label="Leave this empty")

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_name(self) -> str:
        # The name opens every email sent to the address: it must not carry a link or lines.
        name = str(self.cleaned_data["name"])
        if PLAIN_LINE.search(name) or "://" in name or "www." in name.lower():
            raise forms.ValidationError("Enter your name only, without a web address.")
        return name

    def clean_organisation(self) -> str:
        return _one_line(self.cleaned_data["organisation"], "organisation")

    def clean_role(self) -> str:
        return _one_line(self.cleaned_data["role"], "role")


def _one_line(value: str, what: str) -> str:
    if PLAIN_LINE.search(value) or "://" in value:
        raise forms.ValidationError(f"Enter your {what} only, on one line, without a web address.")
    return value


class FeedbackForm(forms.Form):
    usefulness = forms.TypedChoiceField(
        label="How useful was the session?",
        choices=[
            ("5", "5: very useful"),
            ("4", "4"),
            ("3", "3"),
            ("2", "2"),
            ("1", "1: not useful"),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how useful it was."},
    )
    comment = forms.CharField(
        label="What will you do differently? (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Do not write anything that could identify a child or family.",
    )
    anonymous = forms.BooleanField(
        label="Send it anonymously (your name is not kept with it)", required=False
    )


class EvaluationForm(forms.Form):
    """One question per item, each on the instrument's scale or 'not applicable'."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        low, high = instrument.scale_min, instrument.scale_max
        scale = [(str(v), str(v)) for v in range(low, high + 1)]
        scale[0] = (str(low), f"{low}: {instrument.min_label}")
        scale[-1] = (str(high), f"{high}: {instrument.max_label}")
        for item in instrument.items.all():
            self.fields[f"item_{item.number}"] = forms.ChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[*scale, ("na", "Not applicable")],
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer question {item.number}."},
            )

    def answers(self) -> dict[str, Any]:
        return {
            name.removeprefix("item_"): None if value == "na" else value
            for name, value in self.cleaned_data.items()
        }


class WaitingMoveForm(forms.Form):
    position = forms.IntegerField(
        label="New place on the waiting list",
        min_value=1,
        error_messages={
            "required": "Enter the new place, from 1.",
            "min_value": "Enter the new place, from 1.",
            "invalid": "Enter the new place as a whole number, from 1.",
        },
    )
    reason = text_area("Why they move", "Say why this person moves on the waiting list.", rows=3)


class SessionForm(forms.Form):
    series = forms.ModelChoiceField(
        Series.objects.order_by("title"),
        empty_label="Select",
        error_messages={"required": "Choose the series."},
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title."})
    description = text_area("Description", rows=4)
    themes = forms.CharField(max_length=300, required=False, help_text="Separated by commas.")
    audiences = forms.CharField(max_length=200, required=False, help_text="Who it is aimed at.")
    day = GovukDateField(label="Date")
    starts = forms.TimeField(
        label="Starts (UK time)",
        help_text="For example 09:30",
        error_messages={"required": "Enter the start time.", "invalid": "Enter a time like 09:30"},
    )
    ends = forms.TimeField(
        label="Ends (UK time)",
        help_text="For example 12:00",
        error_messages={"required": "Enter the end time.", "invalid": "Enter a time like 12:00"},
    )
    online_link = forms.URLField(
        label="Online joining link",
        required=False,
        assume_scheme="https",
        help_text="Sent only to people with a place. Leave empty for a session in person.",
    )
    venue = forms.CharField(max_length=300, required=False)
    accessibility = text_area("Accessibility", rows=3)
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        error_messages={
            "required": "Enter how many places there are.",
            "min_value": "A session needs at least one place.",
            "invalid": "Enter the number of places as a whole number, like 40.",
        },
    )
    speakers = text_area(
        "Speakers (optional)",
        rows=3,
        help_text="One a line: name, organisation, role.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "The end time must be after the start time.")
        if not self.errors and not (data.get("online_link") or data.get("venue", "").strip()):
            self.add_error("venue", "Give a venue, or an online joining link.")
        return data
