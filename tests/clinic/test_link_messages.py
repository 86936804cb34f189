"""The patient's link, sent by e-mail or text with at most two reminders: the schedule on a
fake clock, the sweep's records, and the messages' words (the clinic's, never the patient's)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditEvent
from clinic import link_messages, links
from clinic.link_messages import Kind, LinkFacts, reminders_due
from clinic.patient import access as patient_access
from intake.models import LinkMessage, PatientLink
from tests.clinic.text_backend import MemoryTextBackend
from tests.intake.factories import IntakeFactory, PatientFactory, VisitFactory

pytestmark = pytest.mark.django_db

Status = LinkMessage.Status
NOON = timezone.make_aware(dt.datetime(2026, 12, 7, 12, 0))


def facts(**overrides) -> LinkFacts:
    base = {
        "invited_at": NOON,
        "opened": False,
        "expires_at": NOON + dt.timedelta(days=10),
        "visit_day": None,
        "sent_kinds": frozenset({Kind.INVITATION}),
    }
    return LinkFacts(**(base | overrides))


# --- the schedule -------------------------------------------------------------------------


def test_an_unopened_link_is_reminded_once_after_the_reminder_hours(settings):
    settings.INTAKE_REMINDER_HOURS = 24
    assert reminders_due(facts(), NOON + dt.timedelta(hours=23, minutes=59)) == []
    assert reminders_due(facts(), NOON + dt.timedelta(hours=24)) == [Kind.UNOPENED]
    reminded = facts(sent_kinds=frozenset({Kind.INVITATION, Kind.UNOPENED}))
    assert reminders_due(reminded, NOON + dt.timedelta(days=3)) == []


def test_an_opened_link_is_not_reminded_for_being_unopened():
    assert reminders_due(facts(opened=True), NOON + dt.timedelta(days=2)) == []


def test_the_day_before_the_visit_from_nine_and_not_for_a_link_sent_that_day():
    visit_day = dt.date(2026, 12, 10)
    eve_early = timezone.make_aware(dt.datetime(2026, 12, 9, 8, 59))
    eve = timezone.make_aware(dt.datetime(2026, 12, 9, 9, 0))
    opened = facts(opened=True, visit_day=visit_day)
    assert reminders_due(opened, eve_early) == []
    assert reminders_due(opened, eve) == [Kind.DAY_BEFORE]
    assert reminders_due(opened, eve + dt.timedelta(days=1)) == []  # the visit's day: too late
    sent_on_the_eve = facts(opened=True, visit_day=visit_day, invited_at=eve_early)
    assert reminders_due(sent_on_the_eve, eve + dt.timedelta(hours=3)) == []


def test_at_most_two_reminders_and_none_for_an_expired_link(settings):
    settings.INTAKE_REMINDER_HOURS = 24
    visit_day = dt.date(2026, 12, 10)
    eve = timezone.make_aware(dt.datetime(2026, 12, 9, 10, 0))
    both = facts(visit_day=visit_day)
    assert reminders_due(both, eve) == [Kind.UNOPENED, Kind.DAY_BEFORE]
    done = facts(visit_day=visit_day, sent_kinds=frozenset(Kind))
    assert reminders_due(done, eve) == []
    expired = facts(visit_day=visit_day, expires_at=eve)
    assert reminders_due(expired, eve) == []


def test_a_visits_link_works_until_the_end_of_its_day_within_the_longest_life(settings):
    settings.PATIENT_LINK_MAX_DAYS = 14
    end = patient_access.link_expiry(NOON, dt.date(2026, 12, 9))
    assert timezone.localtime(end).date() == dt.date(2026, 12, 9)
    assert timezone.localtime(end + dt.timedelta(seconds=1)).date() == dt.date(2026, 12, 10)
    far = patient_access.link_expiry(NOON, dt.date(2027, 2, 1))
    assert far == NOON + dt.timedelta(days=14)
    settings.PATIENT_LINK_HOURS = 24
    past = patient_access.link_expiry(NOON, dt.date(2026, 12, 1))
    assert past == NOON + dt.timedelta(hours=24)


# --- sending, on a fake clock ----------------------------------------------------------------


@pytest.fixture
def booked(front_desk):
    """A draft for a visit three days after NOON, its patient with an e-mail and a phone."""
    patient = PatientFactory(email="maria@example.org", phone="555-010-4477")
    visit = VisitFactory(patient=patient, scheduled_at=NOON + dt.timedelta(days=3))
    return IntakeFactory(patient=patient, visit=visit)


def send(intake, by, medium=link_messages.Medium.EMAIL, *, at=NOON) -> PatientLink:
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(timezone, "now", lambda: at)
        return links.make_link(intake, by=by, medium=medium)


def sweep(at: dt.datetime):
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(timezone, "now", lambda: at)
        return link_messages.sweep(at)


def test_the_invitation_is_sent_once_in_the_patients_language_with_no_health_information(
    booked, front_desk, settings, django_capture_on_commit_callbacks
):
    settings.CLINIC_NAME, settings.CLINIC_PHONE = "Riverside Neurology", "(555) 010-2000"
    booked.patient.preferred_language = "es"
    booked.patient.save()
    with django_capture_on_commit_callbacks(execute=True):
        link = links.make_link(booked, by=front_desk, medium=link_messages.Medium.EMAIL)
    sweep(timezone.now())  # the beat finds nothing more to send

    (message,) = mail.outbox
    row = LinkMessage.objects.get()
    assert row.status == Status.SENT and message.extra_headers["Message-ID"] == row.message_id
    assert message.to == ["maria@example.org"]
    body = message.subject + message.body
    assert "Riverside Neurology" in body and "(555) 010-2000" in body
    assert "preguntas" in body  # Spanish
    assert link_messages.link_url(link).rsplit("/", 2)[0] in body
    patient = booked.patient
    for private in (patient.given_name, patient.family_name, patient.date_of_birth.isoformat()):
        assert private not in body
    assert booked.visit.reason not in body
    sent = AuditEvent.objects.get(action="link_sent")
    assert sent.detail == {"link": str(link.pk), "kind": "invitation", "medium": "email"}


def test_reminders_go_unopened_after_a_day_then_the_day_before_and_never_a_third(
    booked, front_desk, settings
):
    settings.INTAKE_REMINDER_HOURS = 24
    send(booked, front_desk)
    sweep(NOON)
    assert [m.subject.startswith("Reminder") for m in mail.outbox] == [False]

    sweep(NOON + dt.timedelta(hours=23))
    assert len(mail.outbox) == 1
    sweep(NOON + dt.timedelta(hours=24))
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith("Reminder")
    eve = timezone.make_aware(dt.datetime(2026, 12, 9, 9, 30))
    sweep(eve)
    sweep(eve + dt.timedelta(hours=5))
    sweep(eve + dt.timedelta(days=1))
    kinds = list(LinkMessage.objects.order_by("created_at").values_list("kind", flat=True))
    assert kinds == [Kind.INVITATION, Kind.UNOPENED, Kind.DAY_BEFORE] and len(mail.outbox) == 3
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 3


def test_no_reminder_once_the_link_is_opened_revoked_or_the_intake_submitted(
    booked, front_desk, settings
):
    settings.INTAKE_REMINDER_HOURS = 24
    link = send(booked, front_desk)
    sweep(NOON)
    PatientLink.objects.filter(pk=link.pk).update(opened_at=NOON + dt.timedelta(hours=1))
    sweep(NOON + dt.timedelta(hours=30))
    assert len(mail.outbox) == 1

    links.revoke_link(link, by=front_desk)
    sweep(timezone.make_aware(dt.datetime(2026, 12, 9, 10, 0)))
    assert len(mail.outbox) == 1


def test_a_new_link_revokes_the_old_one_and_its_unsent_message(booked, front_desk):
    first = send(booked, front_desk)
    second = send(booked, front_desk, at=NOON + dt.timedelta(minutes=5))
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by is None
    assert LinkMessage.objects.get(link=first).status == Status.CANCELLED
    sweep(NOON + dt.timedelta(minutes=6))
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == LinkMessage.objects.get(link=second).message_id
    made = AuditEvent.objects.filter(action="link").order_by("id").last()
    assert made.detail["revoked"] == [str(first.pk)]


def test_a_link_by_text_goes_through_the_configured_provider_masked_in_nothing_but_the_row(
    booked, front_desk, settings
):
    settings.TEXT_MESSAGE_BACKEND = "tests.clinic.text_backend.MemoryTextBackend"
    MemoryTextBackend.outbox = []
    send(booked, front_desk, link_messages.Medium.TEXT)
    sweep(NOON)
    ((to, body),) = MemoryTextBackend.outbox
    assert to == "555-010-4477" and "/p/l/" in body and booked.patient.family_name not in body
    assert LinkMessage.objects.get().status == Status.SENT


def test_a_number_the_provider_refuses_is_not_delivered_and_not_retried(
    booked, front_desk, settings
):
    settings.TEXT_MESSAGE_BACKEND = "tests.clinic.text_backend.RefusingTextBackend"
    send(booked, front_desk, link_messages.Medium.TEXT)
    sweep(NOON)
    sweep(NOON + dt.timedelta(hours=1))
    row = LinkMessage.objects.get()
    assert (row.status, row.attempts, row.last_error) == (Status.NOT_DELIVERED, 1, "Refused")
    failed = AuditEvent.objects.get(action="link_not_sent")
    assert failed.detail["retried"] is False


def test_a_failing_provider_is_retried_with_backoff_and_never_loses_the_link(
    booked, front_desk, settings
):
    settings.TEXT_MESSAGE_BACKEND = "tests.clinic.text_backend.BrokenTextBackend"
    send(booked, front_desk, link_messages.Medium.TEXT)
    sweep(NOON)
    row = LinkMessage.objects.get()
    assert row.status == Status.PENDING and row.failing_since is not None
    assert row.next_attempt_at > NOON
    sweep(NOON + dt.timedelta(seconds=10))  # before its retry: not tried again
    assert LinkMessage.objects.get().attempts == 1

    settings.TEXT_MESSAGE_BACKEND = "tests.clinic.text_backend.MemoryTextBackend"
    MemoryTextBackend.outbox = []
    sweep(NOON + dt.timedelta(minutes=1))
    assert LinkMessage.objects.get().status == Status.SENT and len(MemoryTextBackend.outbox) == 1


def test_a_patient_without_an_address_is_refused_before_any_link_is_made(front_desk):
    intake = IntakeFactory(patient=PatientFactory(email=""))
    with pytest.raises(links.NoAddress):
        links.make_link(intake, by=front_desk, medium=link_messages.Medium.EMAIL)
    assert not PatientLink.objects.exists()


def test_a_send_that_died_with_its_worker_is_sent_again_as_the_same_message(booked, front_desk):
    send(booked, front_desk)
    LinkMessage.objects.update(status=Status.SENDING, attempted_at=NOON, attempts=1)
    sweep(NOON + dt.timedelta(minutes=1))
    assert mail.outbox == []  # it may still be going
    sweep(NOON + dt.timedelta(minutes=3))
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == LinkMessage.objects.get().message_id


# --- a real SMTP server --------------------------------------------------------------------


def test_smtp_refusing_the_address_marks_it_not_delivered_and_a_down_server_is_retried(
    smtp, booked, front_desk
):
    mailbox, server = smtp
    mailbox.unknown = {"maria@example.org"}
    send(booked, front_desk)
    sweep(NOON)
    row = LinkMessage.objects.get()
    assert (row.status, row.last_error) == (Status.NOT_DELIVERED, "SMTPRecipientsRefused")

    other = IntakeFactory(patient=PatientFactory(email="ok@example.org"))
    server.stop()
    send(other, front_desk)
    sweep(NOON)
    waiting = LinkMessage.objects.get(link__intake=other)
    assert waiting.status == Status.PENDING and waiting.last_error.startswith("ConnectionRefused")
    server.start()
    sweep(NOON + dt.timedelta(minutes=1))
    (message,) = mailbox.messages
    # Folded by the mail server's parser: the same id.
    assert message["Message-ID"].strip() == LinkMessage.objects.get(link__intake=other).message_id
