"""The desk's day: visits booked, links sent and revoked from the visit's page, and the board
of today's and tomorrow's visits with where each intake has got to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clinic import submission
from clinic.front_desk.day import intake_state
from intake.models import Intake, LinkMessage, PatientLink, Visit
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory, PatientFactory, VisitFactory
from tests.intake.formdata import as_the_forms_ask, step_data

pytestmark = pytest.mark.django_db


def later_today(hours: int = 1) -> dt.datetime:
    """Within today whatever the hour the test runs at."""
    now = timezone.localtime()
    end = now.replace(hour=23, minute=59, second=0, microsecond=0)
    return min(now + dt.timedelta(hours=hours), end)


@pytest.fixture
def desk(client_for, front_desk):
    return client_for(front_desk)


@pytest.fixture
def visit(front_desk):
    patient = PatientFactory(email="pat@example.org", phone="555-010-9911")
    return VisitFactory(patient=patient, scheduled_at=later_today(), created_by=front_desk)


def board(client, **headers):
    return client.get(reverse("intake:day"), headers={"HX-Request": "true", **headers})


def state_of(page: str, visit) -> str:
    marker = f'data-day-row="{visit.pk}" data-state="'
    return page.split(marker, 1)[1].split('"', 1)[0]


# --- states, as plain data ---------------------------------------------------------------------


def test_states_from_nothing_sent_to_submitted(front_desk, visit):
    assert intake_state(None, None, []).code == "not_sent"
    intake = IntakeFactory(patient=visit.patient, visit=visit)
    link = PatientLink(intake=intake, expires_at=later_today(2))
    invitation = LinkMessage(link=link, kind="invitation", medium="email", to="pat@example.org")
    assert intake_state(intake, link, [invitation]).code == "sending"
    invitation.status, invitation.sent_at = "sent", timezone.now()
    sent = intake_state(intake, link, [invitation])
    assert sent.code == "sent" and "p•••@example.org" in sent.words
    invitation.status, invitation.last_error = "not_delivered", "SMTPRecipientsRefused"
    refused = intake_state(intake, link, [invitation])
    assert refused.code == "not_delivered" and "SMTPRecipientsRefused" in refused.problem
    link.opened_at = timezone.now()
    assert intake_state(intake, link, []).code == "opened"
    intake.channel, intake.furthest_step = Intake.Channel.PATIENT_LINK, 3
    assert intake_state(intake, link, []).words == "In progress (step 2 of 5)"
    intake.channel = Intake.Channel.FRONT_DESK
    assert intake_state(intake, link, []).words == "In progress (step 3 of 6)"
    intake.status, intake.triage_level = Intake.Status.SUBMITTED, "urgent"
    done = intake_state(intake, link, [])
    assert (done.code, done.level) == ("submitted", "urgent") and "Urgent" in done.words


# --- the pages ---------------------------------------------------------------------------------


def test_the_desk_books_a_visit_for_a_patient(desk, front_desk):
    patient = PatientFactory()
    at = (timezone.localtime() + dt.timedelta(days=2)).replace(hour=10, minute=30)
    response = desk.post(
        reverse("intake:visit-new", args=[patient.pk]),
        {"scheduled_at": at.strftime("%Y-%m-%dT%H:%M"), "reason": "Tingling toes"},
    )
    visit = Visit.objects.get()
    assert response.url == reverse("intake:visit", args=[visit.pk])
    assert (visit.patient, visit.reason, visit.created_by) == (patient, "Tingling toes", front_desk)


def test_a_visit_in_the_past_is_refused_naming_the_field(desk):
    patient = PatientFactory()
    response = desk.post(
        reverse("intake:visit-new", args=[patient.pk]),
        {"scheduled_at": "2020-01-01T10:00", "reason": "Tingling"},
    )
    assert (
        response.status_code == 200
        and "Date and time: this is in the past." in response.content.decode()
    )
    assert not Visit.objects.exists()


def test_sending_the_link_shows_on_the_visit_and_the_board(
    desk, visit, django_capture_on_commit_callbacks
):
    page = board(desk).content.decode()
    assert state_of(page, visit) == "not_sent"

    with django_capture_on_commit_callbacks(execute=True):
        desk.post(reverse("intake:visit-send", args=[visit.pk]), {"by": "email"})

    (message,) = mail.outbox
    assert message.to == ["pat@example.org"]
    intake = Intake.objects.get(visit=visit)
    assert state_of(board(desk).content.decode(), visit) == "sent"
    shown = desk.get(reverse("intake:visit", args=[visit.pk])).content.decode()
    assert "Link sent by e-mail to p•••@example.org" in shown and "pat@example.org" not in shown

    submission.save_step(intake, by=None, answers={"severity": 4}, step="symptoms")
    assert state_of(board(desk).content.decode(), visit) == "in_progress"


def test_an_unchanged_board_answers_304_and_is_recorded_once(desk, visit):
    first = board(desk)
    assert first.status_code == 200 and visit.patient.family_name in first.content.decode()
    again = board(desk, **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    views = AuditEvent.objects.filter(action="view", detail__page="day board")
    (event,) = views
    assert event.detail["patients"] == [str(visit.patient_id)]
    assert event.detail["visits"] == [str(visit.pk)]


def test_the_desk_revokes_a_link(desk, visit):
    desk.post(reverse("intake:visit-send", args=[visit.pk]), {"by": "print"})
    link = PatientLink.objects.get()
    response = desk.post(reverse("intake:link-revoke", args=[link.pk]))
    link.refresh_from_db()
    assert response.url == reverse("intake:visit", args=[visit.pk]) and link.revoked_at
    assert AuditEvent.objects.get(action="revoke").detail == {"link": str(link.pk)}
    again = desk.post(reverse("intake:link-revoke", args=[link.pk]), follow=True)
    assert "already stopped working" in again.content.decode()


def test_a_patient_without_a_phone_gets_no_text_and_the_desk_is_told(desk, front_desk):
    visit = VisitFactory(patient=PatientFactory(phone=""), scheduled_at=later_today())
    response = desk.post(reverse("intake:visit-send", args=[visit.pk]), {"by": "text"}, follow=True)
    assert "the patient has no phone number" in response.content.decode()
    assert not PatientLink.objects.exists()


def test_start_intake_resumes_the_open_draft(desk):
    draft = IntakeFactory()
    response = desk.post(reverse("intake:start", args=[draft.patient_id]), follow=True)
    assert Intake.objects.filter(patient=draft.patient).count() == 1
    assert "intake in progress" in response.content.decode()


@pytest.mark.parametrize("persona", ["outsider", "clinician"])
def test_only_the_desk_sends_and_revokes(client_for, request, persona, visit):
    client = client_for(request.getfixturevalue(persona))
    assert (
        client.post(reverse("intake:visit-send", args=[visit.pk]), {"by": "email"}).status_code
        == 403
    )
    assert client.get(reverse("intake:visit", args=[visit.pk])).status_code == 403
    assert not PatientLink.objects.exists()


def test_the_day_board_shows_todays_other_intakes_by_channel(desk):
    tablet = IntakeFactory(channel=Intake.Channel.PATIENT_TABLET)
    page = board(desk).content.decode()
    assert f'data-day-row="{tablet.pk}"' in page and "Patient on a clinic tablet" in page


def test_the_import_page_reports_rows_by_line(desk):
    data = (
        b"date,time,given_name,family_name,date_of_birth,reason\n"
        b"2020-01-01,09:00,Old,Date,1960-01-01,Numb\n"
    )
    response = desk.post(
        reverse("intake:visits-import"), {"file": SimpleUploadedFile("day.csv", data)}
    )
    page = response.content.decode()
    assert "0 visits imported" in page and "Line 2, date: is in the past" in page
    wrong = desk.post(
        reverse("intake:visits-import"),
        {"file": SimpleUploadedFile("day.csv", "given_name\nJosé\n".encode("latin-1"))},
    )
    assert "Nothing was imported." in wrong.content.decode()


def test_resume_opens_the_first_step_not_complete(desk):
    draft = IntakeFactory()
    assert desk.get(reverse("intake:resume", args=[draft.pk])).url == reverse(
        "intake:step", args=[draft.pk, "symptoms"]
    )
    doc = as_the_forms_ask(VIGNETTES["10-hypothyroid"]["document"])
    for slug in ("symptoms", "red-flags"):
        draft.refresh_from_db()
        url = reverse("intake:step", args=[draft.pk, slug])
        desk.post(url, step_data(slug, doc, revision=draft.revision))
    assert desk.get(reverse("intake:resume", args=[draft.pk])).url == reverse(
        "intake:step", args=[draft.pk, "medications"]
    )
    for slug in ("medications", "injuries", "history"):
        draft.refresh_from_db()
        url = reverse("intake:step", args=[draft.pk, slug])
        desk.post(url, step_data(slug, doc, revision=draft.revision))
    assert desk.get(reverse("intake:resume", args=[draft.pk])).url == reverse(
        "intake:review", args=[draft.pk]
    )
