"""Issue #17, item 3: on a phone (390 x 844), every patient step's targets are at least
44 x 44 CSS px (WCAG 2.5.5): buttons, and each choice's label (the radio or box with it);
links inside running text are exempt, as the criterion allows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clinic import links
from clinic.patient import access as patient_access
from intake.steps import STEPS
from tests.intake.factories import IntakeFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The page's targets as [label, width, height]: buttons, and each radio's or box's label.
TARGETS = """() => [...document.querySelectorAll(
    'main button, main a.btn, main input[type=submit], main .form-check-label'
  )].filter((el) => el.offsetParent !== null).map((el) => {
    const box = el.getBoundingClientRect();
    return [el.textContent.trim().slice(0, 40), box.width, box.height];
  })"""


def test_every_patient_step_has_targets_of_44_px_at_phone_size(browser, live_server, front_desk):
    intake = IntakeFactory()
    token = patient_access.token_for(links.make_link(intake, by=front_desk))
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = phone.new_page()
        for step in STEPS[1:]:
            page.goto(f"{live_server.url}{reverse('patient:link-step', args=[token, step.slug])}")
            targets = page.evaluate(TARGETS)
            assert any(label == "Save and continue" for label, *_ in targets), step.slug
            small = [(label, w, h) for label, w, h in targets if w < 44 or h < 44]
            assert small == [], step.slug
    finally:
        phone.close()
