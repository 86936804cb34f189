"""Escalation e-mails under faults, with real PostgreSQL, Redis and worker processes and a
real SMTP server (aiosmtpd) started here: two sweeps at once, Redis down for a while."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from kombu.exceptions import OperationalError

from accounts.roles import Role
from clinic import escalation, submission
from clinic.tasks import escalate_alerts
from tests.clinic.alerting import raised_minutes_ago
from tests.clinic.smtp import Mailbox, SmtpServer
from tests.factories import UserFactory
from tests.intake.factories import IntakeFactory
from tests.integration.throwaway import ThrowawayRedis, wait_until
from tests.integration.worker import CeleryWorker
from triage.models import Alert, EscalationEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def smtp(settings):
    server = SmtpServer(Mailbox())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    yield server
    server.stop()


def overdue_emergency() -> Alert:
    intake = IntakeFactory()
    submission.save_step(intake, by=None, answers={"saddle_numbness": True})
    raised_minutes_ago(Alert.objects.filter(intake=intake), 6)
    return Alert.objects.get(intake=intake)


def sweeps_done(worker: CeleryWorker) -> int:
    return sum(
        "clinic.escalate_alerts" in line and "succeeded" in line
        for line in worker.log().splitlines()
    )


def two_clinicians() -> None:
    for name in ("casey", "robin"):
        UserFactory(username=name, role=Role.CLINICIAN, email=f"{name}@example.org")


def test_four_sweeps_at_once_send_each_e_mail_once(real_services, smtp):
    two_clinicians()
    overdue_emergency()
    start = threading.Barrier(4)

    def sweep() -> None:
        start.wait()
        try:
            escalation.sweep()
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    ids = sorted(message["Message-ID"] for message in smtp.mailbox.messages)
    assert ids == sorted(EscalationEmail.objects.values_list("message_id", flat=True))
    assert len(ids) == 2 and EscalationEmail.objects.filter(status="sent").count() == 2


def test_redis_down_loses_no_escalation_and_the_next_beat_sends_it_once(
    real_services, django_db_setup, tmp_path, smtp, broker_at
):
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    broker_at(redis.url)
    env = {"REDIS_URL": redis.url, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp.port)}
    worker = CeleryWorker(tmp_path / "worker.log", env)
    worker.start()
    try:
        two_clinicians()
        alert = overdue_emergency()
        redis.stop()
        with pytest.raises(OperationalError):  # the beat's send fails: nothing is queued
            escalate_alerts.apply_async(retry=False)
        assert alert.escalation_emails.count() == 0 and not smtp.mailbox.messages

        redis.start()
        escalate_alerts.delay()  # the next beat
        wait_until(lambda: len(smtp.mailbox.messages) == 2, 60, "the e-mails did not arrive")
        escalate_alerts.delay()  # and the one after it sends nothing again
        wait_until(lambda: sweeps_done(worker) == 2, 60, "the second beat did not run")
    finally:
        worker.stop()
        redis.stop()
    assert len(smtp.mailbox.messages) == 2
    assert sorted(m["To"] for m in smtp.mailbox.messages) == [
        "casey@example.org",
        "robin@example.org",
    ]
