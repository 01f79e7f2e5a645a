"""Forms for recording county lines intelligence. Each carries the source and the 3x5x2 grading."""

from __future__ import annotations

from typing import Any

from django import forms

from reachable.core.models import Area, Code, Place
from reachable.lib.forms import GovukDateField, pick_one, radios
from reachable.lines.models import (
    HANDLING_CODES,
    INFORMATION_GRADES,
    SOURCE_GRADES,
    ChildLink,
    Disruption,
    Line,
    LineStatus,
    Location,
)
from reachable.lines.services import Grading


def _codes(list_key: str) -> Any:
    return Code.objects.filter(code_list__key=list_key, active=True).order_by("order", "code")


def _towns() -> Any:
    return Place.objects.filter(kind=Place.Kind.TOWN).order_by("name")


class GradedForm(forms.Form):
    """The source and grading every piece of intelligence needs, at the end of each form."""

    source = forms.CharField(
        label="Source",
        max_length=200,
        help_text="Where this came from, for example an intelligence report reference.",
        error_messages={"required": "Enter where this came from."},
    )
    source_grade = forms.ModelChoiceField(
        _codes(SOURCE_GRADES), label="Source grading", **pick_one("Choose the source grading.")
    )
    information_grade = forms.ModelChoiceField(
        _codes(INFORMATION_GRADES),
        label="Information grading",
        **pick_one("Choose the information grading."),
    )
    handling = forms.ModelChoiceField(
        _codes(HANDLING_CODES), label="Handling code", **pick_one("Choose the handling code.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The code lists are data the partnership may edit: read them when the form is made.
        self.fields["source_grade"].queryset = _codes(SOURCE_GRADES)  # type: ignore[attr-defined]
        self.fields["information_grade"].queryset = _codes(INFORMATION_GRADES)  # type: ignore[attr-defined]
        self.fields["handling"].queryset = _codes(HANDLING_CODES)  # type: ignore[attr-defined]
        # Source and grading come last, whatever the form adds.
        for name in ["source", "source_grade", "information_grade", "handling"]:
            self.fields[name] = self.fields.pop(name)

    def grading(self) -> Grading:
        data = self.cleaned_data
        return Grading(
            data["source"], data["source_grade"], data["information_grade"], data["handling"]
        )

    def values(self) -> dict[str, Any]:
        """The form's own fields (not the grading), as keyword arguments for the service."""
        skip = {"source", "source_grade", "information_grade", "handling"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class LineForm(GradedForm):
    name = forms.CharField(label="Line name or brand", max_length=120)
    origin = forms.ModelChoiceField(
        _towns(),
        label="Runs from (town or borough)",
        **pick_one("Choose where the line runs from."),
    )
    destinations = forms.ModelMultipleChoiceField(
        _towns(),
        label="Runs to",
        help_text="Choose every town the line runs to (Ctrl or Cmd to choose more than one).",
        error_messages={"required": "Choose at least one town the line runs to."},
    )
    model = radios("Model", Line.Model.choices, "Choose the line's model.")
    crosses_force_boundary = forms.TypedChoiceField(
        label="Does the line cross a police force boundary?",
        choices=[("yes", "Yes"), ("no", "No, it runs within one force area")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the line crosses a force boundary."},
    )
    controlling_group = forms.CharField(label="Controlling group", max_length=200, required=False)
    first_seen_on = GovukDateField(label="First seen on")
    first_seen_in = forms.ModelChoiceField(
        _towns(), label="First seen in", **pick_one("Choose the town it was first seen in.")
    )


class StatusForm(GradedForm):
    status = radios("Status", LineStatus.Status.choices, "Choose the status.")
    since = GovukDateField(label="Since")
    note = forms.CharField(label="Note", max_length=300, required=False)


class NumberForm(GradedForm):
    number = forms.CharField(
        label="Deal number",
        max_length=20,
        help_text="A UK mobile number, for example 07700 900123.",
        error_messages={"required": "Enter the deal number."},
    )
    first_used = GovukDateField(label="First used")
    last_used = GovukDateField(label="Last used (if it has stopped)", required=False)


class SightingForm(GradedForm):
    seen_on = GovukDateField(label="Seen on")
    town = forms.ModelChoiceField(_towns(), label="Town", required=False, empty_label="Select")
    location = forms.ModelChoiceField(
        Location.objects.none(),
        label="Place of concern (if known)",
        required=False,
        empty_label="None",
    )
    note = forms.CharField(label="Note", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.select_related("town").order_by(  # type: ignore[attr-defined]
            "town__name", "kind"
        )


class LocationForm(GradedForm):
    kind = radios("Kind of place", Location.Kind.choices, "Choose the kind of place.")
    description = forms.CharField(label="Address or description", max_length=200)
    town = forms.ModelChoiceField(_towns(), label="Town", **pick_one("Choose the town."))
    postcode_district = forms.CharField(
        label="Postcode district", max_length=4, required=False, help_text="For example IP1."
    )
    latitude = forms.DecimalField(label="Latitude", required=False, max_digits=8, decimal_places=5)
    longitude = forms.DecimalField(
        label="Longitude", required=False, max_digits=8, decimal_places=5
    )


class DisruptionForm(GradedForm):
    kind = radios("What was done", Disruption.Kind.choices, "Choose what was done.")
    occurred_on = GovukDateField(label="Date")
    area = forms.ModelChoiceField(
        Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False),
        label="County",
        **pick_one("Choose the county it happened in."),
    )
    lines = forms.ModelMultipleChoiceField(
        Line.objects.none(),
        label="Lines",
        error_messages={"required": "Choose the line or lines this was against."},
    )
    locations = forms.ModelMultipleChoiceField(
        Location.objects.none(), label="Places of concern (if any)", required=False
    )
    outcome = forms.CharField(label="Outcome", max_length=300, required=False)
    children_safeguarded = forms.IntegerField(label="Children safeguarded", min_value=0, initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lines"].queryset = Line.objects.select_related("origin").order_by("name")  # type: ignore[attr-defined]
        self.fields["locations"].queryset = Location.objects.select_related("town").order_by(  # type: ignore[attr-defined]
            "town__name", "kind"
        )


class ChildLinkForm(GradedForm):
    police_identifier = forms.CharField(
        label="The child's police identifier",
        max_length=40,
        help_text="The child is shown here only as a pseudonym, never by name.",
        error_messages={"required": "Enter the child's police identifier."},
    )
    role = radios("How the child is involved", ChildLink.Role.choices, "Choose how.")
    note = forms.CharField(label="Note", max_length=300, required=False)


class ImportForm(forms.Form):
    kind = radios(
        "What the file holds",
        [
            ("lines", "Lines"),
            ("numbers", "Deal numbers"),
            ("places", "Places of concern"),
            ("sightings", "Sightings"),
            ("disruptions", "Disruption"),
        ],
        "Choose what the file holds.",
    )
    file = forms.FileField(
        label="CSV, XLSX or ODS file", error_messages={"required": "Choose a file to upload."}
    )


class PictureFilterForm(forms.Form):
    period = forms.CharField(
        label="Period", required=False, help_text="A year (2026) or a quarter (2026-Q3)."
    )
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *LineStatus.Status.choices]
    )
    model = forms.ChoiceField(
        label="Model", required=False, choices=[("", "Any"), *Line.Model.choices]
    )
    scope = forms.ChoiceField(
        label="Scope",
        required=False,
        choices=[
            ("", "Any"),
            ("crosses", "Crosses a force boundary"),
            ("within", "Within one force area"),
        ],
    )
