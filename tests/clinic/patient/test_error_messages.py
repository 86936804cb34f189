"""Every refused answer says what is wrong, beside its field and in the summary at the top,
in the page's language, in plain words (issue #17, item 1 and its "Bad input")."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clinic.patient import access as patient_access
from intake.models import Intake
from intake.steps import STEPS
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory, PatientFactory
from tests.intake.formdata import as_the_forms_ask, step_data

pytestmark = pytest.mark.django_db

# Django's own words, which must not reach a patient in either language.
DJANGO_DEFAULTS = ("This field is required", "Ensure this value", "Select a valid", "Enter a")
DOC = as_the_forms_ask(VIGNETTES["10-hypothyroid"]["document"])
# One answer of each kind wrong on each step (a row's name left out while its dose is given).
BAD = {
    "symptoms": {"severity": "11", "duration_days": "-3", "sides": "middle"},
    "red-flags": {"saddle_numbness": "", "fever": "maybe"},
    "medications": {"medications-0-name": "", "medications-0-dose": "5 mg"},
    "injuries": {"injuries-0-kind": "", "injuries-0-description": "fell"},
    "history": {"alcohol_drinks_per_week": "many", "diet": "raw"},
}


def summary_items(page: str) -> list[tuple[str, str]]:
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    return re.findall(r'<a href="#([^"]+)">[^<]*?: ([^<]+)</a>', summary)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("step", [step.slug for step in STEPS[1:]])
def test_each_refused_field_is_named_beside_itself_and_on_top(front_desk, language, step):
    intake = IntakeFactory(patient=PatientFactory(preferred_language=language))
    link, _ = patient_access.make_link(intake, by=front_desk)
    url = reverse("patient:link-step", args=[patient_access.token_for(link), step])

    data = step_data(step, DOC, revision=intake.revision) | BAD[step]

    page = Client().post(url, data).content.decode()

    items = summary_items(page)
    assert len(items) >= len(BAD[step]) - (step in ("medications", "injuries")), step
    assert Intake.objects.get(pk=intake.pk).revision == intake.revision  # nothing saved
    for field_id, message in items:
        beside = page.split(f'id="{field_id}"', 1)[1].split("</fieldset>", 1)[0]
        assert message.strip() in beside, (field_id, message)
        assert not any(words in message for words in DJANGO_DEFAULTS), message
    heading = "Hay un problema" if language == "es" else "There is a problem"
    assert heading in page
