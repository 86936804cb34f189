"""axe-core in Chromium: no serious or critical violation on the pages people use all day."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.intake.factories import IntakeFactory
from tests.triage.clinic import submit

pytestmark = pytest.mark.django_db(transaction=True)


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']}: {violation['help']}: "
        + "; ".join(
            node["target"][0] + " " + node["failureSummary"][:160] for node in violation["nodes"]
        )
        for violation in results.response["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_login_page(page, live_server):
    page.goto(f"{live_server.url}/login/")
    assert serious_violations(page) == []


def test_worklist_and_intake_page(page, live_server, sign_in, clinician, front_desk):
    intake = submit("emergency", by=front_desk)
    submit("routine", by=front_desk)
    sign_in(page, clinician)
    page.goto(f"{live_server.url}/worklist/")
    assert serious_violations(page) == []
    page.goto(f"{live_server.url}/worklist/intakes/{intake.pk}/")
    assert serious_violations(page) == []


@pytest.mark.parametrize("step", ["symptoms", "red-flags", "medications", "review"])
def test_front_desk_forms(page, live_server, sign_in, front_desk, step):
    intake = IntakeFactory()
    sign_in(page, front_desk)
    url = f"/intakes/{intake.pk}/review/" if step == "review" else f"/intakes/{intake.pk}/{step}/"
    page.goto(f"{live_server.url}{url}")
    assert serious_violations(page) == []


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
