from __future__ import annotations

from typing import Any

from django import forms

from reachable.core.models import Area, Code, Team
from reachable.core.selectors import codes_for, local_authorities
from reachable.lib.forms import GovukDateField, pick_one


class CodeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Name, date of birth or identifier",
        help_text="For example: Jordan Smith 14/03/2009, or a police or local authority number. Spelling mistakes are allowed.",
        max_length=200,
    )


class ChildForm(forms.Form):
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        error_messages={"required": "Enter the child's first name."},
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        error_messages={"required": "Enter the child's last name."},
    )
    known_as = forms.CharField(
        label="Other names or spellings (optional)", max_length=100, required=False
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        help_text="For example, 27 3 2009",
        error_messages={
            "required": "Enter the child's date of birth.",
            "incomplete": "Enter a day, month and year.",
        },
    )
    sex = CodeChoiceField(
        label="Sex",
        queryset=Code.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the child's sex, or 'Not known'."},
    )
    ethnicity = CodeChoiceField(
        label="Ethnicity (optional)",
        queryset=Code.objects.none(),
        required=False,
        empty_label="Not recorded",
    )
    home_la = forms.ModelChoiceField(
        label="Home local authority (optional)",
        help_text="Where the child lives. For children from outside the partnership, choose their home borough.",
        queryset=Area.objects.none(),
        required=False,
        empty_label="Not known",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sex"].queryset = codes_for("sex")  # type: ignore[attr-defined]
        self.fields["ethnicity"].queryset = codes_for("ethnicity")  # type: ignore[attr-defined]
        self.fields["home_la"].queryset = local_authorities()  # type: ignore[attr-defined]


class ChildCreateForm(ChildForm):
    team = forms.ModelChoiceField(
        label="Team holding the record",
        queryset=Team.objects.none(),
        **pick_one("Choose the team holding the record."),
    )
    identifier_kind = CodeChoiceField(
        label="Identifier type (optional)",
        queryset=Code.objects.none(),
        required=False,
        empty_label="None",
    )
    identifier_value = forms.CharField(label="Identifier (optional)", max_length=40, required=False)
    not_a_duplicate = forms.BooleanField(
        label="I have checked: this is a different child from the possible matches above",
        required=False,
    )

    def __init__(
        self, *args: Any, teams: Any, ask_not_duplicate: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        if not ask_not_duplicate:
            # Only asked once possible matches have been shown.
            del self.fields["not_a_duplicate"]
        self.fields["identifier_kind"].queryset = codes_for("identifier-kind")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("identifier_kind")) != bool(data.get("identifier_value")):
            self.add_error(
                "identifier_value", "Give both the identifier type and the identifier, or neither."
            )
        return data


class ChildEditForm(ChildForm):
    reason = forms.CharField(
        label="Why are you changing this?",
        error_messages={"required": "Say why you are changing the record."},
        help_text="For example: spelling confirmed with the child's carer.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class IdentifierForm(forms.Form):
    kind = CodeChoiceField(
        label="Identifier type",
        queryset=Code.objects.none(),
        **pick_one("Choose the identifier type."),
    )
    value = forms.CharField(label="Identifier", max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = codes_for("identifier-kind")  # type: ignore[attr-defined]


class CarerForm(forms.Form):
    name = forms.CharField(label="Carer's name", max_length=200)
    relationship = CodeChoiceField(
        label="Relationship to the child",
        queryset=Code.objects.none(),
        **pick_one("Choose the relationship to the child."),
    )
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )
    contact = forms.CharField(label="How to reach them (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relationship"].queryset = codes_for("carer-relationship")  # type: ignore[attr-defined]


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(
        label="Record number of the duplicate",
        error_messages={"required": "Enter the record number of the duplicate."},
        help_text="The number shown under the child's name on the duplicate record. That record will be folded into this one.",
        min_value=1,
    )
    reason = forms.CharField(
        label="Why are these the same child?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why these records are the same child."},
    )
