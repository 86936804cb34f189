"""Issue #17, "Bad input": every field of every step, walked with each way it can be wrong,
in English and Spanish. Each is refused with a message beside the field and the same one in
the summary at the top, in the page's language and in plain words, and nothing is saved."""

from __future__ import annotations

import html
import re

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from clinic.patient import access as patient_access
from intake.models import Intake
from intake.steps import STEP_BY_SLUG, STEPS
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory, PatientFactory
from tests.intake.formdata import as_the_forms_ask, step_data

pytestmark = pytest.mark.django_db

DOC = as_the_forms_ask(VIGNETTES["10-hypothyroid"]["document"])
DJANGO_DEFAULTS = ("This field is required", "Ensure this value", "Select a valid", "Enter a valid")
# A whole valid row for each repeating part: one of its answers is then made wrong.
VALID_ROWS = {
    "medications": {"name": "Metformin", "dose": "500 mg"},
    "vaccinations": {"name": "Influenza", "date": "2026-10-01"},
    "injuries": {"kind": "broken_leg", "older_than_14_days": "on"},
}
FIELD_ERROR = re.compile(r'id="error_\d+_[^"]*"[^>]*><strong>([^<]+)')  # crispy's markup
EXTRA = {"phone": ["😀😀😀", "12"], "date_of_birth": ["2999-01-01", "1800-01-01"]}


def bad_values(name: str, field: forms.Field) -> list[str]:
    """Each way this field's answer can be wrong on its own."""
    values = [""] if field.required else []
    if isinstance(field, forms.ChoiceField):  # radios, boxes, yes/no
        values.append("not-a-choice")
    if isinstance(field, forms.IntegerField):
        values += ["many", "1.5", str(field.min_value - 1), str(field.max_value + 1)]
    if isinstance(field, forms.DateField):
        values += ["2020-02-30", "next tuesday"]
    if isinstance(field, forms.EmailField):
        values.append("name-at-example")
    if isinstance(field, forms.CharField) and field.max_length:
        values.append("x" * (field.max_length + 1))
    return values + EXTRA.get(name, [])


def walk(step_slug: str):
    """(the field's name in the form data, a bad value, the data with it) for the step."""
    step = STEP_BY_SLUG[step_slug]
    base = step_data(step_slug, DOC, revision=0)
    if step.form_class:
        for name, field in step.form_class().fields.items():
            for value in bad_values(name, field):
                yield name, value, base | {name: value}
    for relation, formset_class in step.formsets:
        row = int(base[f"{relation}-TOTAL_FORMS"]) - 1  # the blank row, filled in
        valid = {f"{relation}-{row}-{key}": value for key, value in VALID_ROWS[relation].items()}
        for name, field in formset_class.form.base_fields.items():
            for value in bad_values(name, field):
                prefixed = f"{relation}-{row}-{name}"
                yield prefixed, value, base | valid | {prefixed: value}


def summary_items(page: str) -> list[tuple[str, str]]:
    """(the field linked to, "its label: the message") for each item of the summary on top."""
    assert 'id="error-summary"' in page, "no error summary"
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    return [
        (field_id, html.unescape(text).strip())
        for field_id, text in re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)
    ]


def messages_beside(page: str, name: str) -> list[str]:
    """The messages in the field's own part of the page: its wrapper, up to the next field's."""
    part = page.split(f'id="div_id_{name}"', 1)[1].split('id="div_id_', 1)[0]
    return [
        html.unescape(m) for m in re.findall(r'id="error_\d+_[^"]*"[^>]*><strong>([^<]+)', part)
    ]


def refusal(client: Client, url: str, name: str, data: dict) -> str:
    """The message the page gives for the field, checked beside it and on top."""
    response = client.post(url, data)
    assert response.status_code == 200, (name, data.get(name))
    page = response.content.decode()
    on_top = [text for field_id, text in summary_items(page) if name in field_id]
    beside = messages_beside(page, name)
    assert on_top and beside, (name, data.get(name), on_top, beside)
    for message in beside:
        assert any(text.endswith(f": {message}") for text in on_top), (name, message, on_top)
        assert not any(words in message for words in DJANGO_DEFAULTS), (name, message)
    return beside[0]


def patient_page(front_desk, language: str, step: str) -> tuple[Intake, str]:
    intake = IntakeFactory(patient=PatientFactory(preferred_language=language))
    link, _ = patient_access.make_link(intake, by=front_desk)
    return intake, reverse("patient:link-step", args=[patient_access.token_for(link), step])


@pytest.mark.parametrize("step", [step.slug for step in STEPS[1:]])
def test_every_wrong_answer_is_refused_in_plain_words_in_both_languages(front_desk, step):
    english_intake, english = patient_page(front_desk, "en", step)
    spanish_intake, spanish = patient_page(front_desk, "es", step)
    walked = 0

    for name, value, data in walk(step):
        in_english = refusal(Client(), english, name, data)
        in_spanish = refusal(Client(), spanish, name, data)
        assert in_english != in_spanish, (name, value, in_english)  # the page's language
        walked += 1

    assert walked >= 3
    for intake in (english_intake, spanish_intake):
        assert Intake.objects.get(pk=intake.pk).revision == 0  # nothing was saved


def test_every_wrong_identity_answer_is_refused_at_the_desk(client_for, front_desk):
    intake = IntakeFactory()
    desk = client_for(front_desk)
    url = reverse("intake:step", args=[intake.pk, "patient"])

    walked = [refusal(desk, url, name, data) for name, _value, data in walk("patient")]

    assert len(walked) >= 10
    assert Intake.objects.get(pk=intake.pk).revision == intake.revision
