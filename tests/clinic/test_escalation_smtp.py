"""Escalation e-mails through Django's SMTP backend to a real SMTP server started here
(aiosmtpd): delivered once with its Message-ID, and a refusing, stopped or silent server is a
failure on record that the next sweep retries with the same Message-ID."""

from __future__ import annotations

import socket

import pytest

from accounts.roles import Role
from audit.models import AuditEvent
from clinic import escalation, submission
from tests.clinic.alerting import raised_minutes_ago
from tests.factories import UserFactory
from tests.intake.factories import IntakeFactory
from triage.models import Alert, EscalationEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue_emergency(db) -> Alert:
    UserFactory(username="casey", role=Role.CLINICIAN, email="casey@example.org")
    intake = IntakeFactory()
    submission.save_step(intake, by=None, answers={"saddle_numbness": True})
    raised_minutes_ago(Alert.objects.filter(intake=intake), 6)
    return Alert.objects.get(intake=intake)


def test_the_server_receives_one_message_with_its_message_id(smtp, overdue_emergency):
    mailbox, _ = smtp
    assert escalation.sweep().sent == 1
    escalation.sweep()

    (message,) = mailbox.messages
    row = EscalationEmail.objects.get()
    assert message["Message-ID"] == row.message_id
    assert message["To"] == "casey@example.org"
    assert overdue_emergency.intake.patient.family_name not in message.as_string()


def test_a_sweep_sends_every_clinician_its_e_mail_over_one_connection_and_a_refusal_fails_alone(
    smtp, overdue_emergency
):
    mailbox, _ = smtp
    UserFactory(username="dana", role=Role.CLINICIAN, email="dana@example.org")
    UserFactory(username="eli", role=Role.CLINICIAN, email="eli@example.org")
    mailbox.refuse = 1  # the first message only
    result = escalation.sweep()

    assert (result.sent, result.failed) == (2, 1) and mailbox.connections == 1
    assert AuditEvent.objects.filter(action="escalation_sent").count() == 2
    assert AuditEvent.objects.filter(action="escalation_failed").count() == 1
    refused = EscalationEmail.objects.get(status=EscalationEmail.Status.PENDING)
    assert refused.last_error == "SMTPDataError 451"
    delivered = {m["Message-ID"] for m in mailbox.messages}
    assert delivered == set(
        EscalationEmail.objects.filter(status="sent").values_list("message_id", flat=True)
    )


def test_a_refusing_server_is_retried_and_the_retry_is_the_same_message(smtp, overdue_emergency):
    mailbox, _ = smtp
    mailbox.refuse = 1
    assert escalation.sweep().failed == 1
    row = EscalationEmail.objects.get()
    assert row.last_error == "SMTPDataError 451" and not mailbox.messages

    assert escalation.sweep(now=row.next_attempt_at).sent == 1
    assert [m["Message-ID"] for m in mailbox.messages] == [row.message_id]


def test_a_stopped_server_is_a_failure_on_record_then_delivered_when_it_is_back(
    smtp, overdue_emergency
):
    mailbox, server = smtp
    server.stop()
    assert escalation.sweep().failed == 1
    assert AuditEvent.objects.filter(action="escalation_failed").count() == 1

    server.start()
    row = EscalationEmail.objects.get()
    assert escalation.sweep(now=row.next_attempt_at).sent == 1
    assert [m["Message-ID"] for m in mailbox.messages] == [row.message_id]


def test_a_server_that_never_answers_times_out_as_a_failure(settings, overdue_emergency):
    with socket.socket() as silent:  # accepts the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent.getsockname()[1]
        settings.EMAIL_TIMEOUT = 1
        UserFactory(username="dana", role=Role.CLINICIAN, email="dana@example.org")
        # one timeout fails the sweep's e-mails to both clinicians: the second is not tried
        assert escalation.sweep().failed == 2
        silent.settimeout(0)
        silent.accept()  # the one connection the sweep made
        with pytest.raises(BlockingIOError):
            silent.accept()
    for row in EscalationEmail.objects.all():
        assert row.status == EscalationEmail.Status.PENDING and row.failing_since
        assert row.last_error.startswith(("TimeoutError", "SMTPServerDisconnected"))
