"""The worklist's filter widgets, drawn in Python: Django renders each widget through its
template engine (a select, one template per option), which cost the worklist as much CPU
as its fifty rows. The HTML is the same as Django's own (tests/clinic/clinician/
test_worklist_filters.py compares them), for the widgets this form uses.
"""

from __future__ import annotations

from html import escape

from django import forms, template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _attributes(attrs: dict[str, object]) -> str:
    """As Django's `flatatt`: True is a bare attribute, False and None are left out."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not None and value is not False
    )


def _select(bound: BoundField, attrs: dict[str, object]) -> str:
    chosen = str(bound.value() or "")
    options = "".join(
        f'<option value="{escape(str(value))}"{" selected" if str(value) == chosen else ""}>'
        f"{escape(str(label))}</option>"
        for value, label in bound.field.choices
    )
    return f"<select{_attributes(attrs)}>{options}</select>"


@register.simple_tag
def filter_widget(bound: BoundField) -> SafeString:
    widget = bound.field.widget
    # The attributes Django's `BoundField.as_widget` gives: required, aria-invalid, the id.
    attrs: dict[str, object] = {
        "name": bound.html_name,
        **widget.attrs,
        **bound.build_widget_attrs({}, widget),
        "id": bound.auto_id,
    }
    if isinstance(widget, forms.Select):
        return mark_safe(_select(bound, attrs))  # noqa: S308  # nosec B308 B703 (every value escaped above)
    if isinstance(widget, forms.CheckboxInput):
        attrs = {"type": "checkbox", **attrs, "checked": widget.check_test(bound.value())}
    else:
        value = widget.format_value(bound.value())
        attrs = {"type": widget.input_type, **attrs, "value": value or None}
    return mark_safe(f"<input{_attributes(attrs)}>")  # noqa: S308  # nosec B308 B703 (every value escaped above)
