"""Issue #16, item 7: the desk sends a visit's link by e-mail; the patient opens it from the
message read off a real SMTP server, and the desk's board shows the link opened, without a
reload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.clinic.smtp import Mailbox, SmtpServer
from tests.intake.factories import PatientFactory, VisitFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_link_sent_by_e_mail_opens_from_the_message_and_the_board_follows(
    screen, live_server, sign_in, front_desk, settings
):
    server = SmtpServer(Mailbox())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.PUBLIC_BASE_URL = live_server.url
    settings.CLINIC_NAME = "Riverside Neurology"
    patient = PatientFactory(
        given_name="Lina", family_name="Enlace", email="lina@example.org", preferred_language="en"
    )
    soon = min(
        timezone.localtime() + dt.timedelta(hours=1),
        timezone.localtime().replace(hour=23, minute=59),
    )
    visit = VisitFactory(patient=patient, scheduled_at=soon, created_by=front_desk)
    try:
        desk = screen()
        sign_in(desk, front_desk)
        desk.goto(f"{live_server.url}{reverse('intake:visit', args=[visit.pk])}")
        desk.get_by_role("button", name="Send the link by e-mail").click()
        expect(desk.get_by_text("The link is being sent")).to_be_visible()
        expect(desk.locator("[data-link-message=invitation]")).to_have_attribute(
            "data-status", "sent"
        )
        (message,) = server.mailbox.messages
    finally:
        server.stop()

    assert message["To"] == "lina@example.org" and "Enlace" not in message.as_string()
    assert "Riverside Neurology" in message["Subject"]
    url = next(word for word in message.get_payload().split() if word.startswith("http"))

    desk.goto(f"{live_server.url}{reverse('intake:desk')}")
    row = desk.locator(f'[data-day-row="{visit.pk}"]')
    expect(row).to_have_attribute("data-state", "sent")

    phone = screen()
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    assert "/p/l/" in phone.url and "symptoms" in phone.url

    # No reload: the board's 5-second poll says the link was opened.
    expect(row).to_have_attribute("data-state", "opened", timeout=6_000)
