"""Issue #17, item 4: axe-core in Chromium finds no violation, of any impact, with no rule
disabled and nothing excluded, on every page of the app's own templates (the stock Django
admin is out of scope), at phone, tablet and desk sizes, and on the patient's pages in
English and Spanish. And the worklist works from the keyboard."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from clinic import links
from clinic.patient.access import token_for
from intake.steps import STEPS
from tests.browser.pages import SIZES
from tests.factories import UserFactory
from tests.intake.factories import IntakeFactory, PatientFactory, VisitFactory
from tests.triage.clinic import submit

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()


def violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}: "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


@dataclass(frozen=True)
class Searched:
    """The page a search sends back: searches are posted, so no name rides in a URL."""

    path: str
    form: str
    term: str

    def open(self, page, base: str) -> None:
        page.goto(f"{base}{self.path}")
        search = page.locator(self.form)
        search.locator("input[name=q]").fill(self.term)
        search.locator("input[name=q]").press("Enter")
        page.wait_for_load_state()


def pages_of_each_role(front_desk, clinician) -> dict:
    """Who signs in (None: nobody, the patient) and the pages they see."""
    admin = UserFactory(username="ada", role="admin")
    submitted = submit("emergency", by=front_desk)
    draft = IntakeFactory()
    visit = VisitFactory(patient=draft.patient, created_by=front_desk)
    english = token_for(links.make_link(IntakeFactory(), by=front_desk))
    spanish = token_for(
        links.make_link(
            IntakeFactory(patient=PatientFactory(preferred_language="es")), by=front_desk
        )
    )
    patient_steps = [*(step.slug for step in STEPS[1:]), "review"]
    return {
        None: [
            reverse("accounts:login"),
            *(
                reverse("patient:link-step", args=[token, slug])
                for token in (english, spanish)
                for slug in patient_steps
            ),
            reverse("patient:link-start", args=["not-a-link"]),
        ],
        front_desk: [
            reverse("intake:desk"),
            Searched(reverse("intake:desk"), "form[action$='/search/']", "Lopez"),
            reverse("intake:patient-new"),
            reverse("intake:visit-new", args=[draft.patient.pk]),
            reverse("intake:visit", args=[visit.pk]),
            reverse("intake:visits-import"),
            *(reverse("intake:step", args=[draft.pk, step.slug]) for step in STEPS),
            reverse("intake:review", args=[draft.pk]),
            reverse("intake:submitted", args=[submitted.pk]),
            reverse("intake:amend", args=[submitted.pk, "symptoms"]),
            reverse("accounts:settings"),
            "/no-such-page/",
            reverse("triage:worklist"),  # not theirs: the refusal page
        ],
        clinician: [
            reverse("triage:worklist"),
            Searched(reverse("triage:worklist"), "form[action$='/search/']", "Lopez"),
            reverse("triage:trends"),
            reverse("triage:intake", args=[submitted.pk]),
        ],
        admin: [reverse("audit:trail"), reverse("accounts:otp-setup")],
    }


@pytest.mark.parametrize("size", SIZES)
def test_no_page_has_an_accessibility_violation(
    browser, live_server, sign_in, front_desk, clinician, size
):
    width, height = SIZES[size]
    found = {}
    for user, paths in pages_of_each_role(front_desk, clinician).items():
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            page = context.new_page()
            if user is not None:
                sign_in(page, user)
            for path in paths:
                if isinstance(path, Searched):
                    path.open(page, live_server.url)
                else:
                    page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state("networkidle")
                if problems := violations(page):
                    found[page.url] = problems
        finally:
            context.close()
    assert found == {}


def test_the_worklist_works_from_the_keyboard(page, live_server, sign_in, clinician, front_desk):
    submit("emergency", by=front_desk, family="Keyboard")
    sign_in(page, clinician)
    page.goto(f"{live_server.url}/worklist/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to content"
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Keyboard, Ana":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/worklist/intakes/**")
    assert "Keyboard" in page.locator("h1").inner_text()
