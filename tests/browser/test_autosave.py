"""Issue #17, item 2: nothing typed is lost. Each step saves as the person answers it, before
a language switch or a link takes them away, and a stale tab is told it saved nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic import links
from clinic.patient.access import token_for
from intake.models import Intake
from intake.questions import question
from tests.intake.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)

SADDLE = "red_flags.saddle_numbness"


def a_patients_link(front_desk, live_server) -> tuple[Intake, callable]:
    intake = IntakeFactory(patient=PatientFactory(preferred_language="en"))
    token = token_for(links.make_link(intake, by=front_desk))
    return (
        intake,
        lambda slug: f"{live_server.url}{reverse('patient:link-step', args=[token, slug])}",
    )


@pytest.mark.parametrize("size", [(390, 844), (820, 1180), (1280, 800)], ids=str)
def test_warning_signs_answered_survive_a_switch_of_language(
    browser, live_server, front_desk, size
):
    intake, step_url = a_patients_link(front_desk, live_server)
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    phone = context.new_page()
    phone.goto(step_url("red-flags"))
    groups = phone.get_by_role("group").all()[:5]
    for group in groups:
        group.get_by_label("No", exact=True).check()

    phone.get_by_role("button", name="Español").click()

    expect(phone.locator("html")).to_have_attribute("lang", "es")
    for group in phone.get_by_role("group").all()[:5]:
        expect(group.get_by_label("No", exact=True)).to_be_checked()
    intake.refresh_from_db()
    assert intake.furthest_step is None  # kept, not moved on from


def test_an_emergency_answer_shows_its_banner_before_the_page_is_sent(
    screen, live_server, front_desk
):
    intake, step_url = a_patients_link(front_desk, live_server)
    phone = screen()
    phone.goto(step_url("red-flags"))

    phone.get_by_role("group", name=str(question(SADDLE))).get_by_label("Yes", exact=True).check()

    expect(phone.locator("#autosave-status")).to_contain_text("Saved at")
    expect(phone.locator("#emergency-alert")).to_be_visible()
    assert intake.alerts.get().level == "emergency"


def test_words_typed_then_back_are_there_on_return(screen, live_server, front_desk):
    _intake, step_url = a_patients_link(front_desk, live_server)
    phone = screen()
    phone.goto(step_url("history"))
    notes = phone.get_by_label(str(question("notes")))

    notes.fill("Numb since the fall in March")
    phone.get_by_role("link", name="Back").click()
    expect(phone).not_to_have_url(step_url("history"))
    phone.goto(step_url("history"))

    expect(phone.get_by_label(str(question("notes")))).to_have_value("Numb since the fall in March")


def test_a_stale_tab_is_told_it_saved_nothing(screen, live_server, sign_in, front_desk):
    intake = IntakeFactory()
    url = f"{live_server.url}{reverse('intake:step', args=[intake.pk, 'red-flags'])}"
    first, second = sign_in(screen(), front_desk), sign_in(screen(), front_desk)
    first.goto(url)
    second.goto(url)
    fever = str(question("risk_factors.fever"))

    first.get_by_role("group", name=fever).get_by_label("Yes", exact=True).check()
    expect(first.locator("#autosave-status")).to_contain_text("Saved at")
    second.get_by_role("group", name=fever).get_by_label("No", exact=True).check()

    expect(second.locator("#autosave-status")).to_contain_text("Someone else saved this intake")
    intake.refresh_from_db()
    assert intake.fever is True
