"""Issue #17, item 3: on a phone (390 x 844), every patient step's targets are at least
44 x 44 CSS px (WCAG 2.5.5), with 8 px between any two: buttons, and each choice's label
(the radio or box with it); links inside running text are exempt, as the criterion allows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clinic import links
from clinic.patient import access as patient_access
from intake.steps import STEPS
from tests.browser.pages import in_language
from tests.intake.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The page's targets as [label, width, height]: buttons, and each radio's or box's label.
TARGETS = """() => [...document.querySelectorAll(
    'main button, main a.btn, main input[type=submit], main .form-check-label'
  )].filter((el) => el.offsetParent !== null).map((el) => {
    const box = el.getBoundingClientRect();
    return [el.textContent.trim().slice(0, 40), box.left, box.top, box.right, box.bottom];
  })"""
SPACING_PX = 8


def gap(a, b) -> float:
    """The distance between two boxes (left, top, right, bottom): 0 when they touch."""
    across = max(0.0, b[0] - a[2], a[0] - b[2])
    down = max(0.0, b[1] - a[3], a[1] - b[3])
    return max(across, down)


def too_close(targets) -> list[tuple[str, str, float]]:
    boxes = [(label, (left, top, right, bottom)) for label, left, top, right, bottom in targets]
    return [
        (first, second, gap(a, b))
        for index, (first, a) in enumerate(boxes)
        for second, b in boxes[index + 1 :]
        if gap(a, b) < SPACING_PX
    ]


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_patient_step_has_targets_of_44_px_8_px_apart_at_phone_size(
    browser, live_server, front_desk, language
):
    intake = IntakeFactory(patient=PatientFactory(preferred_language=language))
    token = patient_access.token_for(links.make_link(intake, by=front_desk))
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = phone.new_page()
        for step in STEPS[1:]:
            page.goto(f"{live_server.url}{reverse('patient:link-step', args=[token, step.slug])}")
            targets = page.evaluate(TARGETS)
            assert any(
                label == in_language(language, "Save and continue") for label, *_ in targets
            ), step.slug
            small = [
                (label, right - left, bottom - top)
                for label, left, top, right, bottom in targets
                if right - left < 44 or bottom - top < 44
            ]
            assert small == [], step.slug
            assert too_close(targets) == [], step.slug
    finally:
        phone.close()
