"""Escalation: an emergency alert nobody acknowledged is e-mailed to the clinicians on call,
and again every few minutes until one of them acts.

The database is the source of truth. A sweep (Celery beat every 30 s, or
`manage.py escalate_alerts` from cron) first writes the e-mails that are due, one row per
recipient and round, then sends each row: marked "sending" before, "sent" after, its
Message-ID fixed. So a beat lost while Redis is down is made up by the next one, two sweeps
at once send each e-mail once, and a worker killed mid-send leaves a row that the next sweep
sends again, as the same message. A failing server is retried with backoff and shown on the
board. The e-mail carries the intake's id, its level and a link: never a name or an answer.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from audit.services import Action, record, record_many
from clinic.mail import Mailer, describe, retry_delay
from intake.levels import Level
from intake.models import Intake
from triage.alerts import escalate_after
from triage.models import Alert, EscalationEmail

logger = logging.getLogger(__name__)

Status = EscalationEmail.Status
# A send that started this long ago died with its worker: the next sweep sends it again.
SENDING_TIMEOUT = dt.timedelta(minutes=2)
BATCH = 500  # e-mails a sweep sends at most; the next sweep sends the rest
# E-mails claimed, sent and recorded per round: a sweep cut off mid-send repeats at most these.
CLAIM = 50
# A sweep stops claiming after this, well inside SENDING_TIMEOUT and the task's time limit.
DEADLINE = dt.timedelta(seconds=60)
AUDIT_LABEL = "escalation"  # the trail's actor: the sweep, not a person


@dataclass(frozen=True)
class Sweep:
    queued: int  # e-mails written, due now
    sent: int
    failed: int  # tried and refused; each is retried
    cancelled: int  # acknowledged or withdrawn before its turn


def due_round(raised_at: dt.datetime, now: dt.datetime) -> int:
    """How many rounds of e-mails an alert raised at `raised_at` is owed by `now`: none
    before ALERT_ESCALATE_MINUTES, then one more every ALERT_REPEAT_MINUTES."""
    waited = now - raised_at
    if waited < escalate_after():
        return 0
    return 1 + (waited - escalate_after()) // repeat_every()


def repeat_every() -> dt.timedelta:
    return dt.timedelta(minutes=settings.ALERT_REPEAT_MINUTES)


def recipients() -> list:
    """The active clinicians on call with an e-mail address; every such clinician when none
    is on call."""
    clinicians = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.CLINICIAN)
        .exclude(email="")
    )
    on_call = list(clinicians.filter(staff_settings__on_call=True).order_by("pk"))
    return on_call or list(clinicians.order_by("pk"))


def message_id(alert_id: int, round_: int, user_id: int) -> str:
    domain = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    return f"<alert-{alert_id}.round-{round_}.user-{user_id}@{domain}>"


def queue_due_rounds(now: dt.datetime) -> int:
    """Write the e-mails every open emergency alert is owed by now, one per recipient, and
    move each alert's `next_escalation_at` to its next round; only the alerts owed a round
    are read (their index). A beat missed for long sends one round now, not every round it
    missed; a round already written is not written again."""
    overdue = (
        Alert.objects.open()
        .filter(level=Level.EMERGENCY, next_escalation_at__lte=now)
        .values_list("pk", "raised_at")
    )
    owed = [(pk, raised_at, due_round(raised_at, now)) for pk, raised_at in overdue]
    if not owed:
        return 0
    people = recipients()
    if not people:  # shown on the board: "nobody to e-mail"
        logger.error("escalation: %s alerts due and no clinician with an e-mail", len(owed))
        return 0
    rows = [
        EscalationEmail(
            alert_id=alert_id,
            round=due,
            recipient=person,
            message_id=message_id(alert_id, due, person.pk),
            created_at=now,
            next_attempt_at=now,
        )
        for alert_id, _, due in owed
        for person in people
    ]
    by_round: dict[int, list[int]] = defaultdict(list)
    for pk, _, due in owed:
        by_round[due].append(pk)
    with transaction.atomic():
        EscalationEmail.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
        # Each alert's next round, one statement per round owed (not a model per alert).
        for due, alert_ids in by_round.items():
            after = escalate_after() + due * repeat_every()
            Alert.objects.filter(pk__in=alert_ids).update(next_escalation_at=F("raised_at") + after)
    return len(rows)


def _due(now: dt.datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, attempted_at__lt=now - SENDING_TIMEOUT
    )


def sweep(now: dt.datetime | None = None) -> Sweep:
    """Write what is due, then send every e-mail whose turn it is, CLAIM at a time, until
    none is left, BATCH are done, the server is down or the DEADLINE passes."""
    now = now or timezone.now()
    queued = queue_due_rounds(now)
    outcomes: list[str] = []
    stop = time.monotonic() + DEADLINE.total_seconds()
    with Mailer(compose) as mailer:
        while len(outcomes) < BATCH and mailer.down is None and time.monotonic() < stop:
            cancelled, claimed = _claim(now)
            if not (cancelled or claimed):
                break
            outcomes += [Status.CANCELLED] * cancelled + _send(claimed, mailer)
    return Sweep(
        queued=queued,
        sent=outcomes.count(Status.SENT),
        failed=outcomes.count(Status.PENDING),
        cancelled=outcomes.count(Status.CANCELLED),
    )


def _claim(now: dt.datetime) -> tuple[int, list[EscalationEmail]]:
    """Mark up to CLAIM due e-mails "sending", on record before any is sent, skipping those
    another sweep holds; cancel those whose alert was closed meanwhile. (How many were
    cancelled, the claimed e-mails.)"""
    with transaction.atomic():
        due = list(
            EscalationEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("alert", "recipient")
            # The intake's status only (the link: its page, or the board's): not its row.
            .annotate(intake_status=F("alert__intake__status"))
            .filter(_due(now))
            .order_by("next_attempt_at", "pk")[:CLAIM]
        )
        closed = [email.pk for email in due if not email.alert.is_open]
        EscalationEmail.objects.filter(pk__in=closed).update(status=Status.CANCELLED)
        claimed = [email for email in due if email.alert.is_open]
        at = timezone.now()
        EscalationEmail.objects.filter(pk__in=[email.pk for email in claimed]).update(
            status=Status.SENDING, attempted_at=at, attempts=F("attempts") + 1
        )
    for email in claimed:
        email.status, email.attempted_at, email.attempts = Status.SENDING, at, email.attempts + 1
    return len(closed), claimed


def _send(claimed: list[EscalationEmail], mailer: Mailer) -> list[str]:
    """Send the claimed e-mails, then record every outcome in one transaction; each
    e-mail's new status."""
    errors = {email.pk: mailer.send(email) for email in claimed}
    sent = [email for email in claimed if errors[email.pk] is None]
    with transaction.atomic():
        # The alerts first, in order, as the desk's changes take them (then the audit chain's
        # lock): the board's ETag follows the alert's stamp, so a send or a failure shows.
        alert_ids = sorted({email.alert_id for email in claimed})
        locked = Alert.objects.select_for_update().filter(pk__in=alert_ids).order_by("pk")
        list(locked.values_list("pk"))
        Alert.objects.filter(pk__in=alert_ids).update(updated_at=timezone.now())
        EscalationEmail.objects.filter(pk__in=[email.pk for email in sent]).update(
            status=Status.SENT, sent_at=timezone.now(), failing_since=None, last_error=""
        )
        record_many(
            Action.ESCALATION_SENT,
            actor_label=AUDIT_LABEL,
            events=[(email.alert, _audited(email)) for email in sent],
        )
        for email in claimed:
            if error := errors[email.pk]:
                _failed(email, error)
    return [Status.PENDING if errors[email.pk] else Status.SENT for email in claimed]


def _failed(email: EscalationEmail, error: Exception) -> None:
    email.status = Status.PENDING
    email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
    email.failing_since = email.failing_since or email.attempted_at
    email.last_error = describe(error)
    email.save(update_fields=["status", "next_attempt_at", "failing_since", "last_error"])
    detail = _audited(email, error=email.last_error)
    record(Action.ESCALATION_FAILED, actor_label=AUDIT_LABEL, obj=email.alert, detail=detail)
    logger.warning("escalation e-mail %s failed: %s", email.pk, email.last_error)


def _audited(email: EscalationEmail, **detail: str) -> dict[str, object]:
    """What the trail says of an e-mail: ids, the round and the Message-ID."""
    return {
        "alert": str(email.alert.public_id),
        "round": email.round,
        "recipient": str(email.recipient_id),
        "message_id": email.message_id,
        **detail,
    }


def compose(email: EscalationEmail) -> EmailMessage:
    alert = email.alert
    # A draft's or a refused document's alert has no intake page: the worklist's board has it.
    on_page = alert.intake_id and email.intake_status != Intake.Status.DRAFT
    page = reverse("triage:intake", args=[alert.intake_id]) if on_page else None
    link = settings.PUBLIC_BASE_URL.rstrip("/") + (page or reverse("triage:worklist"))
    about = f"intake {alert.intake_id}" if alert.intake_id else f"alert {alert.public_id}"
    raised = timezone.localtime(alert.raised_at)
    body = (
        "An emergency alert has had no clinician acknowledgement since "
        f"{raised:%H:%M} ({settings.TIME_ZONE}).\n\n"
        f"About: {about}\n"
        "Level: emergency\n"
        f"Reminder: {email.round}\n\n"
        f"Open it and acknowledge (sign-in required): {link}\n\n"
        "This message names no patient and no answer; they are in the app.\n"
    )
    return EmailMessage(
        subject=f"Emergency alert not acknowledged: {about}",
        body=body,
        to=[email.recipient.email],
        headers={"Message-ID": email.message_id},
    )
