"""The front desk walks a whole intake in Chromium and sees the emergency alert at once."""

import pytest
from playwright.sync_api import expect

from intake.models import Intake
from intake.questions import question

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, path: str, answer: str) -> None:
    group = page.get_by_role("group", name=str(question(path)))  # and its "required" mark
    group.get_by_label(answer, exact=True).check()


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
    page.get_by_label(str(question("symptoms.duration_days"))).fill("3")
    # A follow-up shows once its answer calls for it, and is cleared when it no longer does.
    days = page.get_by_label(str(question("symptoms.last_changed_days")))
    expect(days).to_be_hidden()
    choose(page, "symptoms.suddenly_changed", "Yes")
    days.fill("1")
    choose(page, "symptoms.suddenly_changed", "No")
    expect(days).to_be_hidden()
    expect(days).to_have_value("")
    how_often = page.get_by_label("About once a day")
    expect(how_often).to_be_hidden()
    page.get_by_label("It comes and goes").check()
    how_often.check()
    choose(page, "symptoms.positional", "No")
    choose(page, "symptoms.relieved_by_moving", "No")
    page.get_by_label("About the same").check()
    page.get_by_label("How bad is it right now?").fill("6")
    page.get_by_role("button", name="Save and continue").click()

    # Warning signs: every question answered, one of them yes.
    for group in page.get_by_role("group").all():
        group.get_by_label("No", exact=True).check()
    choose(page, "red_flags.bladder_bowel_control_loss", "Yes")
    page.get_by_role("button", name="Save and continue").click()
    for _ in range(3):  # medicines, injuries, history: nothing to add
        page.get_by_role("button", name="Save and continue").click()

    page.get_by_role("button", name="Submit intake").click()

    alert = page.locator("#emergency-alert")
    alert.wait_for()
    assert "call 911 now" in alert.inner_text().lower()
    assert "Loss of bladder or bowel control: Yes" in alert.inner_text()
    screenshot(page, "emergency-alert")
    intake = Intake.objects.get(patient__family_name="Browser")
    assert (intake.status, intake.triage_level) == ("submitted", "emergency")

    page.get_by_role("button", name="I have called 911").click()
    page.get_by_text("Escalation confirmed by").wait_for()
