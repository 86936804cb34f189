"""The patient's link, sent: by e-mail or text message, with at most two reminders.

The database is the source of truth, as for the escalation e-mails (clinic/escalation.py):
each message is a `LinkMessage` row, written before it is sent, marked "sending" while it
goes and "sent" after, its Message-ID fixed per link and kind. A task sends a new link's
message on commit, given the link's id only; a periodic sweep (Celery beat every minute, or
`manage.py send_link_messages` from cron) queues the reminders that are due and sends
whatever is due, retries included. So a broker or worker outage delays a message and never
loses it, and a server that refuses the address is not asked again. The message carries
the link and the clinic's name, phone and hours: never a name, a date of birth or an answer.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from audit.services import Action, record
from clinic import text_messages
from clinic.mail import REFUSED, Mailer, describe, retry_delay
from clinic.patient import access as patient_access
from intake.models import Intake, LinkMessage, Patient, PatientLink

logger = logging.getLogger(__name__)

Kind = LinkMessage.Kind
Medium = LinkMessage.Medium
Status = LinkMessage.Status
SENDING_TIMEOUT = dt.timedelta(minutes=2)  # a send this old died with its worker
CLAIM = 50
AUDIT_LABEL = "link messages"
# The day-before reminder goes from this hour of that day (the clinic's time zone).
DAY_BEFORE_HOUR = 9


# --- the schedule: plain data in, plain data out -----------------------------------------


@dataclass(frozen=True)
class LinkFacts:
    """What the reminder schedule needs to know of a link, as plain data."""

    invited_at: dt.datetime  # when the invitation went
    opened: bool
    expires_at: dt.datetime
    visit_day: dt.date | None
    sent_kinds: frozenset[str]  # the kinds already written for this link


def reminders_due(facts: LinkFacts, now: dt.datetime) -> list[str]:
    """The reminders a link is owed at `now`: one when still unopened INTAKE_REMINDER_HOURS
    after it was sent; one the day before the visit (from DAY_BEFORE_HOUR) unless it was sent
    that day or later; at most two in all, never for a link that has expired."""
    if now >= facts.expires_at:
        return []
    due = []
    unopened_after = dt.timedelta(hours=settings.INTAKE_REMINDER_HOURS)
    if not facts.opened and now >= facts.invited_at + unopened_after:
        due.append(Kind.UNOPENED)
    if facts.visit_day is not None:
        eve = facts.visit_day - dt.timedelta(days=1)
        local_now = timezone.localtime(now)
        if (
            local_now.date() == eve
            and local_now.hour >= DAY_BEFORE_HOUR
            and timezone.localdate(facts.invited_at) < eve
        ):
            due.append(Kind.DAY_BEFORE)
    return [kind for kind in due if kind not in facts.sent_kinds]


# --- sending a link ---------------------------------------------------------------------


def message_id(link: PatientLink, kind: str) -> str:
    domain = urlsplit(settings.PUBLIC_BASE_URL).hostname or "localhost"
    return f"<link-{link.pk}.{kind}@{domain}>"


def address_of(patient: Patient, medium: str) -> str:
    return patient.email if medium == Medium.EMAIL else patient.phone


def write_message(
    link: PatientLink, kind: str, medium: str, now: dt.datetime | None = None
) -> LinkMessage | None:
    """The message, written to be sent (once per link and kind), to the patient's address now."""
    now = now or timezone.now()
    to = address_of(link.intake.patient, medium)
    if not to:
        return None
    message, _created = LinkMessage.objects.get_or_create(
        link=link,
        kind=kind,
        defaults={
            "medium": medium,
            "to": to,
            "message_id": message_id(link, kind),
            "created_at": now,
            "next_attempt_at": now,
        },
    )
    return message


# --- the sweep ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Sent:
    queued: int  # reminders written
    sent: int
    not_delivered: int  # refused for good
    failed: int  # to be retried
    cancelled: int


def queue_reminders(now: dt.datetime) -> int:
    """Write the reminders due now: only links still usable, whose invitation went."""
    invitations = (
        LinkMessage.objects.filter(
            kind=Kind.INVITATION,
            status=Status.SENT,
            link__revoked_at=None,
            link__expires_at__gt=now,
            link__intake__status=Intake.Status.DRAFT,
        )
        .select_related("link__intake__visit", "link__intake__patient")
        .prefetch_related("link__messages")
    )
    written = 0
    for invitation in invitations:
        link = invitation.link
        facts = LinkFacts(
            invited_at=invitation.sent_at,
            opened=link.opened_at is not None,
            expires_at=link.expires_at,
            visit_day=link.intake.visit.day if link.intake.visit_id else None,
            sent_kinds=frozenset(message.kind for message in link.messages.all()),
        )
        for kind in reminders_due(facts, now):
            if write_message(link, kind, invitation.medium, now):
                written += 1
    return written


def _due(now: dt.datetime) -> Q:
    return Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, attempted_at__lt=now - SENDING_TIMEOUT
    )


def sweep(now: dt.datetime | None = None, *, link_id=None) -> Sent:
    """Queue the reminders due (the periodic sweep), then send what is due, CLAIM at a time;
    given `link_id` (the task of a link just made), that link's messages only."""
    now = now or timezone.now()
    queued = 0 if link_id else queue_reminders(now)
    outcomes: list[str] = []
    with Mailer(compose_email) as mailer:
        while mailer.down is None:
            claimed, cancelled = _claim(now, link_id)
            if not (claimed or cancelled):
                break
            outcomes += [Status.CANCELLED] * cancelled
            outcomes += [_deliver(message, mailer) for message in claimed]
    return Sent(
        queued=queued,
        sent=outcomes.count(Status.SENT),
        not_delivered=outcomes.count(Status.NOT_DELIVERED),
        failed=outcomes.count(Status.PENDING),
        cancelled=outcomes.count(Status.CANCELLED),
    )


def _claim(now: dt.datetime, link_id) -> tuple[list[LinkMessage], int]:
    """Mark up to CLAIM due messages "sending" before any goes, skipping those another sweep
    holds; cancel those whose link can no longer be used."""
    with transaction.atomic():
        due = LinkMessage.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            _due(now)
        )
        if link_id:
            due = due.filter(link_id=link_id)
        due = list(
            due.select_related("link__intake__patient").order_by("next_attempt_at", "pk")[:CLAIM]
        )
        at = timezone.now()
        dead = [message.pk for message in due if not message.link.usable_at(at)]
        LinkMessage.objects.filter(pk__in=dead).update(status=Status.CANCELLED)
        claimed = [message for message in due if message.pk not in dead]
        LinkMessage.objects.filter(pk__in=[message.pk for message in claimed]).update(
            status=Status.SENDING, attempted_at=at, attempts=F("attempts") + 1
        )
    for message in claimed:
        message.status, message.attempted_at = Status.SENDING, at
        message.attempts += 1
    return claimed, len(dead)


def _deliver(message: LinkMessage, mailer: Mailer) -> str:
    """Send one message and record how it went; its new status."""
    if message.medium == Medium.EMAIL:
        error = mailer.send(message)
        refused = isinstance(error, REFUSED)
    else:
        error, refused = _send_text(message)
    with transaction.atomic():
        if error is None:
            message.status, message.sent_at = Status.SENT, timezone.now()
            message.failing_since, message.last_error = None, ""
        else:
            message.status = Status.NOT_DELIVERED if refused else Status.PENDING
            message.failing_since = message.failing_since or message.attempted_at
            message.last_error = describe(error)
            message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
        message.save(
            update_fields=["status", "sent_at", "failing_since", "last_error", "next_attempt_at"]
        )
        detail = {"link": str(message.link_id), "kind": message.kind, "medium": message.medium}
        if error is None:
            record(
                Action.LINK_SENT, actor_label=AUDIT_LABEL, obj=message.link.intake, detail=detail
            )
        else:
            detail |= {"error": message.last_error, "retried": not refused}
            record(
                Action.LINK_NOT_SENT,
                actor_label=AUDIT_LABEL,
                obj=message.link.intake,
                detail=detail,
            )
            logger.warning("link message %s not sent: %s", message.pk, message.last_error)
    return message.status


def _send_text(message: LinkMessage) -> tuple[Exception | None, bool]:
    try:
        text_messages.backend().send(message.to, text_body(message))
    except text_messages.Refused as refused:
        return refused, True
    except Exception as error:  # the provider's own failure: retried with backoff
        return error, False
    return None, False


# --- the messages, in the patient's language ----------------------------------------------


def link_url(link: PatientLink) -> str:
    path = reverse("patient:link-start", args=[patient_access.token_for(link)])
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def _in_patients_language(message: LinkMessage):
    return translation.override(message.link.intake.patient.preferred_language)


def _until(link: PatientLink) -> str:
    return formats.date_format(timezone.localtime(link.expires_at), "DATE_FORMAT")


def _subject(message: LinkMessage) -> str:
    if message.kind == Kind.INVITATION:
        return _("Your questions before your visit to %(clinic)s") % {
            "clinic": settings.CLINIC_NAME
        }
    return _("Reminder: your questions before your visit to %(clinic)s") % {
        "clinic": settings.CLINIC_NAME
    }


def email_body(message: LinkMessage) -> str:
    link = message.link
    hours = settings.CLINIC_HOURS.get(translation.get_language(), settings.CLINIC_HOURS["en"])
    return _(
        "Hello,\n\n"
        "%(clinic)s asks you to answer a few questions before your visit. It takes about "
        "ten minutes, on a phone or a computer:\n\n"
        "%(url)s\n\n"
        "The link works until %(until)s and only for you: please do not forward it.\n\n"
        "Questions? Call us at %(phone)s (%(hours)s). If you have a medical emergency, "
        "call 911.\n\n"
        "%(clinic)s\n"
    ) % {
        "clinic": settings.CLINIC_NAME,
        "url": link_url(link),
        "until": _until(link),
        "phone": settings.CLINIC_PHONE,
        "hours": hours,
    }


def compose_email(message: LinkMessage) -> EmailMessage:
    with _in_patients_language(message):
        return EmailMessage(
            subject=_subject(message),
            body=email_body(message),
            to=[message.to],
            headers={"Message-ID": message.message_id},
        )


def text_body(message: LinkMessage) -> str:
    with _in_patients_language(message):
        return _(
            "%(clinic)s: please answer a few questions before your visit: %(url)s "
            "(works until %(until)s). Questions? %(phone)s"
        ) % {
            "clinic": settings.CLINIC_NAME,
            "url": link_url(message.link),
            "until": _until(message.link),
            "phone": settings.CLINIC_PHONE,
        }
