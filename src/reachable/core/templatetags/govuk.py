"""Template helpers for the GOV.UK patterns: widget classes and ARIA descriptions."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()

_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "selectmultiple": "govuk-select",
}


@register.simple_tag
def govuk_widget(field: Any) -> SafeString:
    """Render a text-like widget with GOV.UK classes, error state and aria-describedby."""
    css = _CLASSES.get(field.widget_type, "govuk-input")
    existing = field.field.widget.attrs.get("class", "")
    classes = f"{css} {existing}".strip()
    if field.errors:
        classes += f" {css}--error"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": classes}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def error_anchor(field: Any) -> str:
    """The id of the first input of a field, for the error summary link."""
    if field.widget_type in {"govukdate", "govukdatetime", "radioselect", "checkboxselectmultiple"}:
        return f"{field.auto_id}_0"
    return str(field.auto_id)
