"""The front desk walks a whole intake in Chromium and sees the emergency alert at once."""

import pytest

from intake.models import Intake

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_front_desk_enters_an_intake_with_an_emergency_and_sees_the_alert(
    page, live_server, sign_in, front_desk, screenshot
):
    sign_in(page, front_desk)
    page.get_by_role("link", name="Front desk").first.click()
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill("Maria")
    page.get_by_label("Last name").fill("Browser")
    page.get_by_label("Date of birth").fill("1961-03-04")
    page.get_by_role("button", name="Save and start intake").click()

    # Symptoms
    page.get_by_label("Left leg").check()
    page.get_by_label("Calf").check()
    page.get_by_label("Gradually").check()
    page.get_by_label("How many days ago did you first notice it?").fill("3")
    page.get_by_label("It comes and goes").check()
    page.get_by_label("About once a day").check()
    choose(page, "Does it start after sitting or standing in one position for a long time?", "No")
    choose(page, "Does it go away once you move around?", "No")
    page.get_by_label("About the same").check()
    page.get_by_label("How bad is it right now?").fill("6")
    page.get_by_role("button", name="Save and continue").click()

    # Warning signs: every question answered, one of them yes.
    for group in page.get_by_role("group").all():
        group.get_by_label("No", exact=True).check()
    choose(page, "Have you lost control of your bladder or bowels?", "Yes")
    page.get_by_role("button", name="Save and continue").click()
    for _ in range(3):  # medicines, injuries, history: nothing to add
        page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("button", name="Submit intake").click()

    alert = page.locator("#emergency-alert")
    alert.wait_for()
    assert "call 911 now" in alert.inner_text().lower()
    assert "Loss of bladder or bowel control" in alert.inner_text()
    screenshot(page, "emergency-alert")
    intake = Intake.objects.get(patient__family_name="Browser")
    assert (intake.status, intake.triage_level) == ("submitted", "emergency")

    page.get_by_role("button", name="I have called 911").click()
    page.get_by_text("Escalation confirmed by").wait_for()
