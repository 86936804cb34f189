"""Issue #17, items 1, 4 and 8, in Chromium at phone, tablet and desk sizes: a refused step
shows its problems first, focused, in the page's language; the menu and the worklist's
filters fit, or collapse cleanly, and no page scrolls sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clinic import links
from clinic.patient.access import token_for
from tests.browser.pages import SIZES, in_language
from tests.intake.factories import IntakeFactory, PatientFactory
from tests.triage.clinic import submit

pytestmark = pytest.mark.django_db(transaction=True)


# Each select's longest option, in the select's own font, against the room inside it.
SELECTS = """(form) => [...form.querySelectorAll('select')].map((select) => {
    const style = getComputedStyle(select);
    const context = document.createElement('canvas').getContext('2d');
    context.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const widest = Math.max(...[...select.options].map((o) => context.measureText(o.text).width));
    const room = select.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    return [select.id, widest, room];
  })"""
SIDEWAYS = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("size", SIZES)
def test_a_refused_step_shows_its_problems_first_and_focused(
    sized, live_server, front_desk, size, language
):
    intake = IntakeFactory(patient=PatientFactory(preferred_language=language))
    token = token_for(links.make_link(intake, by=front_desk))
    page = sized(size)
    page.goto(f"{live_server.url}{reverse('patient:link-step', args=[token, 'red-flags'])}")
    assert page.evaluate("() => document.querySelector('main form').noValidate")

    page.get_by_role("button", name=in_language(language, "Save and continue")).click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text(in_language(language, "There is a problem"))
    first = summary.get_by_role("link").first
    target = first.get_attribute("href")
    first.click()
    expect(page.locator(target)).to_be_in_viewport()
    assert page.evaluate(SIDEWAYS) <= 0


@pytest.mark.parametrize("size", SIZES)
def test_the_menu_and_the_worklist_filters_fit(sized, live_server, sign_in, clinician, size):
    submit("urgent", by=clinician)
    page = sign_in(sized(size), clinician)
    page.goto(f"{live_server.url}{reverse('triage:worklist')}")

    filters = page.get_by_role("form", name="Filter the worklist")
    cut = [(id_, widest, room) for id_, widest, room in filters.evaluate(SELECTS) if widest > room]
    assert cut == []
    assert page.evaluate(SIDEWAYS) <= 0
    menu = page.locator("#nav-main")
    toggler = page.get_by_role("button", name="Toggle navigation")
    if toggler.is_visible():  # collapsed: it opens cleanly, each item within the page
        expect(menu).to_be_hidden()
        toggler.click()
        expect(menu).to_be_visible()
    items = menu.locator(".nav-link").all()
    assert items
    for item in items:
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size][0], item.inner_text()
    if not toggler.is_visible():  # one row: no item wraps to a second line
        assert len({round(item.bounding_box()["y"]) for item in items}) == 1
