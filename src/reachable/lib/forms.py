"""GOV.UK Design System patterns for Django forms: one template per pattern, used by every form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils import timezone


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


def _date_boxes() -> list[forms.Widget]:
    def box(width: int) -> forms.TextInput:
        classes = f"govuk-input govuk-date-input__input govuk-input--width-{width}"
        return forms.TextInput(attrs={"inputmode": "numeric", "class": classes})

    return [box(2), box(2), box(4)]


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern)."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(_date_boxes(), attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class _OneMessageMultiValueField(forms.MultiValueField):
    """A date split over boxes gets one clear message, not one per box."""

    def clean(self, value: Any) -> Any:
        try:
            return super().clean(value)
        except forms.ValidationError as exc:
            if any(e.code == "required" for e in exc.error_list):
                raise
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


class GovukDateField(_OneMessageMultiValueField):
    widget = GovukDateWidget
    default_error_messages = {
        "incomplete": "Enter a day, month and year.",
        "invalid": "Enter a real date, for example 27 3 2010.",
    }

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=1, max_value=31),
            forms.IntegerField(min_value=1, max_value=12),
            forms.IntegerField(min_value=1900, max_value=2100),
        )
        super().__init__(fields=fields, require_all_fields=True, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list:
            return None
        day, month, year = data_list
        try:
            return dt.date(year, month, day)
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class GovukDateTimeWidget(GovukDateWidget):
    """Day, month, year and a 24-hour time (HH:MM), for times of arrest, arrival and release."""

    template_name = "govuk/widgets/datetime.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        time_box = forms.TextInput(
            attrs={"class": "govuk-input govuk-date-input__input govuk-input--width-4"}
        )
        forms.MultiWidget.__init__(self, [*_date_boxes(), time_box], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [local.day, local.month, local.year, local.strftime("%H:%M")]
        return [None, None, None, None]


class GovukDateTimeField(_OneMessageMultiValueField):
    widget = GovukDateTimeWidget
    default_error_messages = {
        "incomplete": "Enter a day, month, year and time.",
        "invalid": "Enter a real date and a time like 14:35.",
    }

    def __init__(self, **kwargs: Any) -> None:
        fields = (
            forms.IntegerField(min_value=1, max_value=31),
            forms.IntegerField(min_value=1, max_value=12),
            forms.IntegerField(min_value=1900, max_value=2100),
            forms.RegexField(regex=r"^([01]?\d|2[0-3])[:.]?[0-5]\d$"),
        )
        super().__init__(fields=fields, require_all_fields=True, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.datetime | None:
        if not data_list:
            return None
        day, month, year, hhmm = data_list
        digits = hhmm.replace(":", "").replace(".", "").zfill(4)
        try:
            naive = dt.datetime(year, month, day, int(digits[:2]), int(digits[2:]))
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        # In UTC, so that comparing two times is right across the DST changes.
        return timezone.make_aware(naive).astimezone(dt.UTC)


class NowShortcut(forms.Form):
    """A form whose time is often "now": a button submits it with the moment it is pressed.

    A time filled in when the page opened would be saved by an unchanged form, whenever it was
    sent; so the time starts empty, and "now" is something the practitioner chooses. The page
    shows the button (named ``NOW``) beside Save.
    """

    NOW = "at_now"
    now_field = ""
    now_missing = ""  # the message when neither a time nor the button was given

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.NOW in self.data:
            cleaned[self.now_field] = timezone.now()
            self.errors.pop(self.now_field, None)
        elif not cleaned.get(self.now_field) and self.now_field not in self.errors:
            self.add_error(self.now_field, self.now_missing)
        return cleaned


def pick_one(required: str) -> dict[str, Any]:
    """Options for a drop-down that must be chosen: it starts on "Select", never on whichever
    option sorts first (which an unread form would then submit), and says what to choose."""
    return {"empty_label": "Select", "error_messages": {"required": required}}


def choose_only_option(form: forms.Form, *names: str) -> None:
    """Where a drop-down has exactly one option (a manager with one team, a suite's only
    practitioner), start on it: "Select" would only add a step and an error."""
    for name in names:
        field = form.fields[name]
        if name in form.initial or not isinstance(field, forms.ModelChoiceField):
            continue
        options = list(field.queryset[:2]) if field.queryset is not None else []
        if len(options) == 1:
            form.initial[name] = options[0].pk


def apply_service_errors(form: forms.Form, error: Any) -> None:
    """Put a service's ValidationError onto the form, field by field where the field exists."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e)
    else:
        for message in error.messages:
            form.add_error(None, message)


def text_area(
    label: str, required: str | None = None, rows: int = 4, **kwargs: Any
) -> forms.CharField:
    """A multi-line text box; ``required`` is the message shown when it is left empty."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        required=required is not None,
        error_messages={"required": required} if required else {},
        **kwargs,
    )


def radios(label: str, choices: Any, required: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )
