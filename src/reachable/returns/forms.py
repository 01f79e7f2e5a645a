"""Page forms for returns. They only shape input; the rules are in services."""

from __future__ import annotations

from typing import Any

from django import forms

from reachable.core.models import Agency, Area
from reachable.lib.forms import radios, text_area
from reachable.returns.models import Domain, ReturnPeriod
from reachable.returns.selectors import open_periods
from reachable.returns.services import counties_of


class SubmissionForm(forms.Form):
    period = forms.ModelChoiceField(
        label="Period",
        queryset=ReturnPeriod.objects.none(),
        error_messages={"required": "Choose the period the return covers."},
    )
    domain = forms.ModelChoiceField(
        label="Return",
        queryset=Domain.objects.none(),
        error_messages={"required": "Choose which return this is."},
    )
    county = forms.ModelChoiceField(
        label="County",
        queryset=Area.objects.none(),
        error_messages={"required": "Choose the county the return is for."},
    )
    file = forms.FileField(
        label="File (CSV, XLSX or ODS)",
        help_text="Fill in the template for this return. Names and dates of birth are pseudonymised "
        "when the return is accepted; the file itself is deleted once checked.",
        error_messages={"required": "Choose the file to upload.", "empty": "The file is empty."},
    )
    gaps = forms.CharField(
        label="Measures you cannot provide yet, and why (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = open_periods()  # type: ignore[attr-defined]
        domains = Domain.objects.filter(owner_agency_type=agency.agency_type.code)
        self.fields["domain"].queryset = domains.select_related(  # type: ignore[attr-defined]
            "version"
        ).order_by("-version__published_on", "title")
        self.fields["domain"].label_from_instance = (  # type: ignore[attr-defined]
            lambda d: f"{d.title} (dataset {d.version.version})"
        )
        self.fields["county"].queryset = Area.objects.filter(  # type: ignore[attr-defined]
            pk__in=[c.pk for c in counties_of(agency)]
        ).order_by("name")


class LinkageForm(forms.Form):
    period = forms.ModelChoiceField(
        label="Link returns up to and including",
        queryset=ReturnPeriod.objects.order_by("-starts_on"),
        error_messages={"required": "Choose the latest period to include."},
    )
    accept_at = forms.FloatField(
        label="Link without review at or above this match probability",
        help_text="For example 0.99. Pairs scoring this or more are the same child.",
        initial=0.99,
        error_messages={"required": "Give the acceptance threshold, for example 0.99."},
    )
    review_from = forms.FloatField(
        label="Send to review from this match probability",
        help_text="For example 0.8. Pairs from here up to the threshold wait for an analyst.",
        initial=0.8,
        error_messages={"required": "Give where the review band starts, for example 0.8."},
    )


class ReviewForm(forms.Form):
    decision = radios(
        "Are these records the same child?",
        [("same", "Yes, the same child"), ("different", "No, different children")],
        "Choose whether the records are the same child.",
    )
    reason = text_area(
        "What is the decision based on?",
        "Say what the decision rests on, for the next analyst.",
    )
