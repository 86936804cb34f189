"""Escalation (issue #15, item 4): an emergency alert nobody acknowledged is e-mailed to the
clinicians on call, repeated until acknowledged, each send on record before and after."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import StaffSettings
from accounts.roles import Role
from audit.models import AuditEvent
from clinic import escalation, submission
from clinic.escalation import due_round, retry_delay
from tests.clinic.alerting import raised_minutes_ago
from tests.factories import UserFactory
from tests.intake.factories import IntakeFactory
from tests.triage.clinic import submit
from triage.models import Alert, EscalationEmail

pytestmark = pytest.mark.django_db

Status = EscalationEmail.Status
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def periods(settings):
    settings.ALERT_ESCALATE_MINUTES, settings.ALERT_REPEAT_MINUTES = 5, 10
    settings.PUBLIC_BASE_URL = "https://clinic.example.org"


def a_clinician(name: str, *, on_call: bool = False, email: str | None = None):
    address = f"{name}@example.org" if email is None else email
    user = UserFactory(username=name, role=Role.CLINICIAN, email=address)
    StaffSettings.objects.create(user=user, on_call=on_call)
    return user


def raised(answers: dict[str, object], *, minutes_ago: float) -> Alert:
    intake = IntakeFactory()
    submission.save_step(intake, by=None, answers=answers)
    raised_minutes_ago(Alert.objects.filter(intake=intake), minutes_ago)
    return Alert.objects.get(intake=intake)


def emergency(minutes_ago: float) -> Alert:
    return raised({"saddle_numbness": True}, minutes_ago=minutes_ago)


def test_rounds_fall_due_after_the_wait_then_every_repeat(settings):
    start = timezone.now()
    assert [due_round(start, start + n * MINUTE) for n in (0, 4, 5, 14, 15, 25)] == [
        0,
        0,
        1,
        1,
        2,
        3,
    ]
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 10)] == [30, 60, 120, 300]


def test_nothing_is_sent_before_the_wait_and_one_e_mail_each_after_it():
    casey, robin = a_clinician("casey"), a_clinician("robin")
    emergency(minutes_ago=4)
    assert escalation.sweep().queued == 0 and not mail.outbox

    alert = emergency(minutes_ago=6)
    result = escalation.sweep()

    assert (result.queued, result.sent) == (2, 2)
    assert sorted(m.to[0] for m in mail.outbox) == [casey.email, robin.email]
    rows = EscalationEmail.objects.filter(alert=alert)
    assert {(row.round, row.status) for row in rows} == {(1, Status.SENT)}
    sent = AuditEvent.objects.filter(action="escalation_sent")
    assert sorted(event.detail["recipient"] for event in sent) == [str(casey.pk), str(robin.pk)]
    assert {event.object_id for event in sent} == {str(alert.pk)}


def test_the_e_mail_names_the_intake_and_links_to_it_but_no_patient_or_answer(front_desk):
    a_clinician("casey")
    alert = Alert.objects.get(intake=submit("emergency", by=front_desk))
    raised_minutes_ago(Alert.objects.filter(pk=alert.pk), 6)
    escalation.sweep()

    (message,) = mail.outbox
    text = message.subject + message.body
    link = "https://clinic.example.org" + reverse("triage:intake", args=[alert.intake_id])
    assert link in message.body and str(alert.intake_id) in message.subject
    patient = alert.intake.patient
    private_words = (patient.given_name, patient.family_name, patient.mrn, "saddle")
    for private in filter(None, private_words):
        assert private.lower() not in text.lower()
    row = EscalationEmail.objects.get()
    assert message.extra_headers["Message-ID"] == row.message_id
    expected = f"<alert-{alert.pk}.round-1.user-{row.recipient_id}@clinic.example.org>"
    assert row.message_id == expected


def test_a_drafts_alert_links_to_the_worklist_whose_board_shows_it():
    a_clinician("casey")
    emergency(minutes_ago=6)
    escalation.sweep()
    assert "https://clinic.example.org" + reverse("triage:worklist") in mail.outbox[0].body


def test_the_on_call_clinicians_are_e_mailed_and_the_others_are_not():
    a_clinician("casey")
    robin = a_clinician("robin", on_call=True)
    UserFactory(username="fran", role=Role.FRONT_DESK, email="fran@example.org")
    emergency(minutes_ago=6)
    escalation.sweep()
    assert [m.to for m in mail.outbox] == [[robin.email]]


def test_a_second_sweep_sends_nothing_again_until_the_repeat_falls_due():
    a_clinician("casey")
    alert = emergency(minutes_ago=6)
    escalation.sweep()
    escalation.sweep()
    assert len(mail.outbox) == 1

    later = timezone.now() + 10 * MINUTE
    assert escalation.sweep(now=later).sent == 1
    assert [row.round for row in EscalationEmail.objects.filter(alert=alert)] == [1, 2]
    assert mail.outbox[0].extra_headers["Message-ID"] != mail.outbox[1].extra_headers["Message-ID"]


def test_a_long_outage_sends_the_round_due_now_not_every_round_missed():
    a_clinician("casey")
    emergency(minutes_ago=36)  # rounds 1 to 4 were due while nothing ran
    escalation.sweep()
    assert [row.round for row in EscalationEmail.objects.all()] == [4]
    assert len(mail.outbox) == 1


def test_acknowledged_withdrawn_or_urgent_alerts_are_not_e_mailed(clinician, front_desk):
    a_clinician("robin")
    acknowledged = emergency(minutes_ago=6)
    Alert.objects.filter(pk=acknowledged.pk).update(acknowledged_at=timezone.now())
    withdrawn = emergency(minutes_ago=6)
    submission.save_step(withdrawn.intake, by=front_desk, answers={"saddle_numbness": False})
    # Urgent: on the board and the worklist only, it does not page.
    Alert.objects.create(
        intake=IntakeFactory(),
        level="urgent",
        codes=["leg_weakness"],
        channel="front_desk",
        raised_at=timezone.now() - 60 * MINUTE,
    )

    assert escalation.sweep().queued == 0 and not mail.outbox


def test_an_alert_acknowledged_before_its_turn_is_not_sent():
    a_clinician("casey")
    alert = emergency(minutes_ago=6)
    escalation.queue_due_rounds(timezone.now())
    Alert.objects.filter(pk=alert.pk).update(acknowledged_at=timezone.now())

    assert escalation.sweep().cancelled == 1
    assert not mail.outbox and EscalationEmail.objects.get().status == Status.CANCELLED


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that refuses every message, as Django's backend reports it."""

    def send_messages(self, messages) -> int:
        raise smtplib.SMTPDataError(451, b"try again later")


def test_a_refused_send_is_retried_with_backoff_on_record_and_shown_on_the_board(
    settings, client_for, front_desk
):
    a_clinician("casey")
    alert = emergency(minutes_ago=6)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    assert escalation.sweep().failed == 1
    row = EscalationEmail.objects.get()
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 1, "SMTPDataError 451")
    assert row.failing_since and row.next_attempt_at > timezone.now()
    assert escalation.sweep().failed == 0  # not yet: it waits for its retry
    failed = AuditEvent.objects.get(action="escalation_failed")
    assert failed.detail["error"] == "SMTPDataError 451" and failed.object_id == str(alert.pk)

    board = client_for(front_desk).get(reverse("intake:alerts")).content.decode()
    since = timezone.localtime(row.failing_since)
    assert f"Escalation e-mail failing since {since:%H:%M}" in board

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert escalation.sweep(now=row.next_attempt_at).sent == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.failing_since) == (Status.SENT, 2, None)
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_a_send_cut_off_by_a_dead_worker_is_sent_again_as_the_same_message():
    a_clinician("casey")
    emergency(minutes_ago=6)
    escalation.queue_due_rounds(timezone.now())
    row = EscalationEmail.objects.get()
    # The worker marked it "sending", then died before it could say "sent".
    EscalationEmail.objects.filter(pk=row.pk).update(
        status=Status.SENDING, attempts=1, attempted_at=timezone.now()
    )
    assert escalation.sweep().sent == 0  # it may still be sending
    assert escalation.sweep(now=timezone.now() + 3 * MINUTE).sent == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id


def test_nobody_to_e_mail_is_said_on_the_board(client_for, front_desk):
    a_clinician("casey", email="")  # a clinician, but with no address
    emergency(minutes_ago=6)
    assert escalation.sweep().queued == 0
    board = client_for(front_desk).get(reverse("intake:alerts")).content.decode()
    assert "no clinician to e-mail" in board


def test_the_board_says_who_was_e_mailed(client_for, front_desk):
    a_clinician("casey")
    a_clinician("robin")
    emergency(minutes_ago=6)
    escalation.sweep()
    board = client_for(front_desk).get(reverse("intake:alerts")).content.decode()
    assert "E-mailed to 2 clinician(s) at" in board


def test_the_command_for_cron_runs_the_same_sweep(capsys):
    a_clinician("casey")
    emergency(minutes_ago=6)
    call_command("escalate_alerts")
    assert "1 due, 1 sent" in capsys.readouterr().out and len(mail.outbox) == 1


def test_the_beat_schedules_the_sweep(settings):
    from clinic.tasks import escalate_alerts

    schedule = settings.CELERY_BEAT_SCHEDULE["escalate-alerts"]
    assert schedule["task"] == escalate_alerts.name
    assert schedule["schedule"] <= 30


def test_an_alert_turned_emergency_pages_counted_from_its_first_raise_and_urgent_never():
    from triage.alerts import sync_alert
    from triage.engine import Flag

    intake = IntakeFactory()
    urgent = Flag("leg_weakness", "urgent", "Weakness", "article", ("symptoms.associated",))
    alert = sync_alert(intake, [urgent], by=None)
    assert alert.next_escalation_at is None  # urgent: the board and the worklist only
    emergency_flag = Flag("saddle_numbness", "emergency", "Saddle", "article", ("x",))
    alert = sync_alert(intake, [urgent, emergency_flag], by=None)
    assert alert.next_escalation_at == alert.raised_at + 5 * MINUTE
    alert = sync_alert(intake, [urgent], by=None)
    assert alert.next_escalation_at is None


def test_the_command_says_nothing_when_quiet_and_nothing_was_due(capsys):
    call_command("escalate_alerts", quiet=True)
    assert capsys.readouterr().out == ""
    call_command("escalate_alerts")
    assert "0 due, 0 sent" in capsys.readouterr().out


def test_a_sweep_claims_a_few_at_a_time_until_done_and_stops_at_its_batch(monkeypatch):
    for name in ("casey", "dana", "eli"):
        a_clinician(name)
    emergency(minutes_ago=6)
    monkeypatch.setattr(escalation, "CLAIM", 2)
    assert escalation.sweep().sent == 3  # two claims
    assert AuditEvent.objects.filter(action="escalation_sent").count() == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "casey@example.org",
        "dana@example.org",
        "eli@example.org",
    ]

    later = timezone.now() + 11 * MINUTE  # round 2
    monkeypatch.setattr(escalation, "BATCH", 2)
    assert escalation.sweep(now=later).sent == 2
    assert escalation.sweep(now=later).sent == 1  # the rest, next sweep


class OneBadAddressBackend(BaseEmailBackend):
    """Refuses to make one message (as a malformed address would), takes the rest, and
    sends nothing for an address it cannot deliver to."""

    sent: list[str] = []

    def send_messages(self, messages) -> int:
        (message,) = messages
        if message.to == ["dana@example.org"]:
            raise ValueError("bad address")
        if message.to == ["eli@example.org"]:
            return 0
        OneBadAddressBackend.sent.append(message.to[0])
        return 1


def test_a_message_that_cannot_be_sent_fails_alone_on_record(settings):
    for name in ("casey", "dana", "eli"):
        a_clinician(name)
    emergency(minutes_ago=6)
    settings.EMAIL_BACKEND = f"{__name__}.OneBadAddressBackend"
    OneBadAddressBackend.sent = []

    result = escalation.sweep()
    assert (result.sent, result.failed) == (1, 2)
    assert OneBadAddressBackend.sent == ["casey@example.org"]
    failed = dict(
        EscalationEmail.objects.filter(status=Status.PENDING).values_list(
            "recipient__username", "last_error"
        )
    )
    assert failed == {"dana": "ValueError", "eli": "NotSent"}
    assert AuditEvent.objects.filter(action="escalation_failed").count() == 2
