"""Forms for the programme board. Each hands its cleaned data to one service (``services``)."""

from __future__ import annotations

from typing import Any

from django import forms

from reachable.accounts.models import User
from reachable.accounts.selectors import people_to_pick
from reachable.core.models import Area, Code
from reachable.lib.forms import GovukDateField, pick_one, radios, text_area
from reachable.programmes.measures import UNITS, measure_choices
from reachable.programmes.models import (
    STAKEHOLDER_THEMES,
    THEMES,
    BudgetLine,
    GovernanceBody,
    Objective,
    PolicyReview,
    Programme,
    Project,
    Rag,
    Risk,
    StakeholderResponse,
    Status,
)


def _counties() -> Any:
    return Area.objects.filter(kind=Area.Kind.COUNTY, partnership__isnull=False).order_by("name")


def _money(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        help_text="In pounds, for example 125000 or 125000.50.",
        error_messages={
            "required": f"Enter the {label.lower()}.",
            "invalid": "Enter an amount in pounds, like 125000.",
        },
        **kwargs,
    )


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the programme's name."}
    )
    funder = forms.CharField(max_length=200, error_messages={"required": "Enter who funds it."})
    grant_holder = forms.CharField(
        max_length=200, error_messages={"required": "Enter who holds the grant."}
    )
    starts_on = GovukDateField(label="Starts on")
    ends_on = GovukDateField(label="Ends on")
    summary = text_area("Summary", rows=3)
    themes = forms.ModelMultipleChoiceField(
        Code.objects.none(),
        label="Thematic areas",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Code.objects.filter(  # type: ignore[attr-defined]
            code_list__key=THEMES, active=True
        ).order_by("order")


class ObjectiveForm(forms.Form):
    text = forms.CharField(
        label="Objective", max_length=300, error_messages={"required": "Enter the objective."}
    )
    theme = forms.ModelChoiceField(
        Code.objects.none(), label="Thematic area", required=False, empty_label="None"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Code.objects.filter(  # type: ignore[attr-defined]
            code_list__key=THEMES, active=True
        ).order_by("order")


class ProjectForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the project's name."})
    delivery_partner = forms.CharField(
        max_length=200, error_messages={"required": "Enter who delivers it."}
    )
    area = forms.ModelChoiceField(
        _counties(), label="County", required=False, empty_label="All counties"
    )
    lead = forms.ModelChoiceField(
        User.objects.none(),
        label="Project lead",
        required=False,
        empty_label="None yet",
        help_text="The project lead sees the programme and updates this project's "
        "deliverables, RAG, targets and actuals.",
    )
    summary = text_area("Summary", rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = people_to_pick(User.objects.all())  # type: ignore[attr-defined]


class _ProgrammePartForm(forms.Form):
    """A form about one programme: its projects and objectives are the programme's own."""

    def __init__(
        self, *args: Any, programme: Programme, projects: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if "project" in self.fields:
            self.fields["project"].queryset = (  # type: ignore[attr-defined]
                projects if projects is not None else programme.projects.all()
            )
        if "objective" in self.fields:
            self.fields["objective"].queryset = programme.objectives.all()  # type: ignore[attr-defined]
        if "budget_line" in self.fields:
            self.fields["budget_line"].queryset = programme.budget.all()  # type: ignore[attr-defined]


class DeliverableForm(_ProgrammePartForm):
    title = forms.CharField(max_length=300, error_messages={"required": "Enter the deliverable."})
    project = forms.ModelChoiceField(
        Project.objects.none(), required=False, empty_label="The whole programme"
    )
    objective = forms.ModelChoiceField(Objective.objects.none(), required=False, empty_label="None")
    area = forms.ModelChoiceField(
        _counties(), label="County", required=False, empty_label="All counties"
    )
    owner = forms.CharField(max_length=200, error_messages={"required": "Enter who owns it."})
    due_on = GovukDateField(label="Due on")


class RagForm(forms.Form):
    as_at = GovukDateField(label="As at")
    status = radios("Status", Status.choices, "Choose the deliverable's status.")
    rag = radios("RAG", Rag.choices, "Choose green, amber or red.")
    reason = text_area(
        "Reason",
        rows=3,
        help_text="Needed for amber or red: what is wrong and what is being done about it.",
    )


class TargetForm(_ProgrammePartForm):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the target's name."})
    project = forms.ModelChoiceField(
        Project.objects.none(), required=False, empty_label="The whole programme"
    )
    measure = forms.ChoiceField(
        label="Counted live from",
        required=False,
        help_text="Choose a measure to count the actuals from Reachable's records, or leave it to "
        "enter them yourself.",
    )
    unit = forms.ChoiceField(
        choices=[("", "Select"), *UNITS.items()],
        error_messages={"required": "Choose the unit."},
    )
    baseline = forms.DecimalField(max_digits=12, decimal_places=2, required=False)
    target = forms.DecimalField(
        max_digits=12, decimal_places=2, error_messages={"required": "Enter the target."}
    )
    lower_is_better = forms.BooleanField(
        label="Lower is better (for example hours to first intervention)", required=False
    )
    starts_on = GovukDateField(label="Period starts on")
    ends_on = GovukDateField(label="Period ends on")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", "None: actuals are entered"), *measure_choices()]  # type: ignore[attr-defined]


class ActualForm(forms.Form):
    period_starts_on = GovukDateField(label="Period starts on")
    period_ends_on = GovukDateField(label="Period ends on")
    value = forms.DecimalField(
        label="Figure",
        max_digits=12,
        decimal_places=2,
        error_messages={"required": "Enter the figure."},
    )
    source = forms.CharField(
        max_length=200,
        help_text="Where the figure comes from, for example the provider's quarterly return.",
        error_messages={"required": "Say where the figure comes from."},
    )


class BudgetForm(_ProgrammePartForm):
    name = forms.CharField(
        label="Budget line", max_length=120, error_messages={"required": "Name the budget line."}
    )
    project = forms.ModelChoiceField(
        Project.objects.none(), required=False, empty_label="The whole programme"
    )
    year_starts_on = GovukDateField(label="Financial year starts on (1 April)")
    amount = _money("Amount")


class SpendForm(_ProgrammePartForm):
    budget_line = forms.ModelChoiceField(
        BudgetLine.objects.none(), **pick_one("Choose the budget line.")
    )
    quarter = forms.ChoiceField(error_messages={"required": "Choose the quarter."})
    amount = _money("Amount spent")
    source = forms.CharField(
        max_length=200, error_messages={"required": "Say where the figure comes from."}
    )

    def __init__(self, *args: Any, quarters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [("", "Select"), *quarters]  # type: ignore[attr-defined]


class RiskForm(forms.Form):
    kind = radios("Risk or issue", Risk.Kind.choices, "Say whether it is a risk or an issue.")
    description = text_area("Description", "Describe the risk or issue.", rows=3)
    owner = forms.CharField(max_length=200, error_messages={"required": "Enter who owns it."})
    rag = radios("RAG", Rag.choices, "Choose green, amber or red.")
    mitigation = text_area("Mitigation", rows=3)
    raised_on = GovukDateField(label="Raised on")


class BodyForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Name the board or group."})
    cadence_weeks = forms.IntegerField(
        label="Meets every (weeks)",
        min_value=1,
        max_value=52,
        error_messages={"required": "Enter how many weeks apart it meets."},
    )


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(
        GovernanceBody.objects.none(),
        label="Board or group",
        **pick_one("Choose the board or group."),
    )
    held_on = GovukDateField(label="Held on")
    notes = text_area("Notes", rows=3)
    decisions = text_area("Decisions", rows=4, help_text="One decision per line.")
    actions = text_area(
        "Actions",
        rows=4,
        help_text="One action per line, as: action | owner | due date (for example "
        "Circulate the draft plan | Programme manager | 15/01/2027).",
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = programme.bodies.all()  # type: ignore[attr-defined]

    def clean_decisions(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["decisions"].splitlines() if line.strip()
        ]

    def clean_actions(self) -> list[tuple[str, str, Any]]:
        from reachable.lib.tabular import date_from

        found = []
        for number, line in enumerate(self.cleaned_data["actions"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    f"Line {number}: write the action, then | and its owner (and | a due date)."
                )
            due = None
            if len(parts) > 2 and parts[2]:
                try:
                    due = date_from(parts[2])
                except ValueError:
                    raise forms.ValidationError(
                        f"Line {number}: {parts[2]!r} is not a date; write it as 15/01/2027."
                    ) from None
            found.append((parts[0], parts[1], due))
        return found


class PackForm(forms.Form):
    quarter = forms.ChoiceField(error_messages={"required": "Choose the quarter."})

    def __init__(self, *args: Any, quarters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [("", "Select"), *quarters]  # type: ignore[attr-defined]


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Spend file",
        help_text="CSV, XLSX or ODS with the columns budget_line, quarter (its first day, "
        "e.g. 2026-04-01), amount and source.",
        error_messages={"required": "Choose a file to upload."},
    )


class ResponseForm(forms.Form):
    kind = radios(
        "Survey or workshop", StakeholderResponse.Kind.choices, "Choose survey or workshop."
    )
    area = forms.ModelChoiceField(_counties(), label="County", **pick_one("Choose the county."))
    received_on = GovukDateField(label="Received on")
    respondent_role = forms.CharField(
        label="Respondent's role",
        max_length=200,
        help_text="For example 'Police officer' or 'School safeguarding lead'. Never a name.",
        error_messages={"required": "Enter the respondent's kind of role."},
    )
    summary = text_area("What they said", "Summarise the response.", rows=4)
    themes = forms.ModelMultipleChoiceField(
        Code.objects.none(),
        label="Themes",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Code the response to at least one theme."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = Code.objects.filter(  # type: ignore[attr-defined]
            code_list__key=STAKEHOLDER_THEMES, active=True
        ).order_by("order")


class PolicyForm(forms.Form):
    policy_area = forms.CharField(
        max_length=200, error_messages={"required": "Enter the policy area."}
    )
    document = forms.CharField(max_length=300, error_messages={"required": "Name the document."})
    owner = forms.CharField(max_length=200, error_messages={"required": "Enter who owns it."})
    status = radios("Status", PolicyReview.Status.choices, "Choose the review's status.")
    finding = text_area("Finding", rows=3)
    recommendation = text_area("Recommendation", rows=3)
