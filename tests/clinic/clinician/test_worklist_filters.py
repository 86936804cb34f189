"""The worklist's filter widgets, drawn in Python, are the HTML Django's widgets draw."""

from __future__ import annotations

import pytest
from django.test.html import parse_html

from clinic.clinician.forms import WorklistFilterForm
from clinic.templatetags.worklist_filters import filter_widget

FILLED = {
    "q": 'O\'Brien "<b>"',
    "level": "urgent",
    "reviewed": "no",
    "open_only": "on",
    "submitted_from": "2026-11-01",
    "submitted_to": "2026-11-30",
    "summary_status": "ready",
}
WRONG = {"level": "purple", "submitted_from": "yesterday", "open_only": "maybe", "q": "x" * 300}


@pytest.mark.parametrize(
    "data", [None, {}, FILLED, WRONG], ids=["unbound", "empty", "filled", "wrong"]
)
def test_each_widget_is_the_html_django_draws(data):
    form = WorklistFilterForm(data)
    form.is_valid()
    for bound in form:
        assert parse_html(filter_widget(bound)) == parse_html(str(bound)), bound.name


def test_a_typed_value_is_escaped():
    html = filter_widget(WorklistFilterForm(FILLED)["q"])
    assert "<b>" not in html and "&lt;b&gt;" in html
