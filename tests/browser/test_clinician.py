"""A clinician's day in Chromium: an emergency appears live, is acknowledged, its PDF downloaded."""

import pytest
from pypdf import PdfReader

from tests.triage.clinic import submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_new_emergency_appears_on_top_is_acknowledged_and_its_pdf_names_the_patient(
    page, browser, live_server, sign_in, clinician, front_desk, screenshot, tmp_path
):
    submit("routine", by=front_desk, family="Earlier", minutes_ago=45)
    submit("urgent", by=front_desk, family="Waiting", minutes_ago=30)
    sign_in(page, clinician)
    page.wait_for_url(f"{live_server.url}/worklist/")
    first_row = page.locator("#worklist-rows tr").first
    assert "Waiting" in first_row.inner_text()

    # The front desk, in another browser context, submits an emergency.
    desk = browser.new_context()
    desk.new_page()
    submit("emergency", by=front_desk, given="Elena", family="Urgente")
    desk.close()

    # No reload: the htmx poll brings it to the top within 15 s.
    page.locator("#worklist-rows tr").first.filter(has_text="Urgente").wait_for(timeout=15_000)
    assert "Emergency" in page.locator("#worklist-rows tr").first.inner_text()
    screenshot(page, "worklist")

    page.get_by_role("link", name="Urgente, Elena").click()
    page.locator("#summary-pdf").wait_for(timeout=15_000)  # ready (tasks in-process here)
    screenshot(page, "intake-page")
    page.get_by_label("Note (optional)").first.fill("Sent to the ED by ambulance")
    page.get_by_role("button", name="Acknowledge").first.click()
    page.get_by_text("Acknowledged by").first.wait_for()

    with page.expect_download() as download_info:
        page.locator("#summary-pdf").click()
    pdf = tmp_path / "summary.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = " ".join(sheet.extract_text() for sheet in PdfReader(pdf).pages)
    assert "Elena Urgente" in text or "Urgente, Elena" in text

    page.get_by_role("link", name="Worklist").first.click()
    assert "Waiting" in page.locator("#worklist-rows tr").first.inner_text()
