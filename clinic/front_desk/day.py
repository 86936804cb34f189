"""The desk's day: today's and tomorrow's visits, and today's intakes from every channel,
each with where its intake has got to. `intake_state` is plain: rows in, words out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone

from clinic import visits
from clinic.text_messages import mask_email, mask_phone
from intake.levels import Level
from intake.models import PATIENT_CHANNELS, Intake, LinkMessage, PatientLink, Visit
from intake.steps import STEPS

Status = LinkMessage.Status


@dataclass(frozen=True)
class IntakeState:
    code: str  # not_sent, link_made, sent, sending, not_delivered, opened, in_progress, submitted
    words: str
    level: str = ""  # once triaged
    problem: str = ""  # why a message did not go, for the desk to act on


def step_of(intake: Intake) -> tuple[int, int]:
    """(k, n): the furthest step saved, counted among the steps this channel's pages show
    (the patient's pages leave out the desk's patient-details step)."""
    furthest = intake.furthest_step or 0
    if intake.channel in PATIENT_CHANNELS and furthest > 1:
        return furthest - 1, len(STEPS) - 1
    return furthest, len(STEPS)


def masked(message: LinkMessage) -> str:
    return (
        mask_email(message.to) if message.medium == message.Medium.EMAIL else mask_phone(message.to)
    )


def intake_state(
    intake: Intake | None, link: PatientLink | None, messages: list[LinkMessage]
) -> IntakeState:
    """Where a visit's intake has got to: submitted (and its level), in progress (step k of n),
    opened, sent (or failing, or refused), a link made, or nothing sent."""
    if intake is not None and not intake.is_draft:
        level = intake.triage_level
        words = "Submitted" + (f" · {Level(level).label}" if level else "")
        return IntakeState("submitted", words, level=level)
    if intake is not None and intake.furthest_step:
        k, n = step_of(intake)
        if k:
            return IntakeState("in_progress", f"In progress (step {k} of {n})")
    if link is not None and link.opened_at is not None:
        return IntakeState("opened", f"Opened {timezone.localtime(link.opened_at):%H:%M}")
    invitation = next((m for m in messages if m.kind == m.Kind.INVITATION), None)
    if link is not None and invitation is not None:
        to = masked(invitation)
        if invitation.status == Status.SENT:
            return IntakeState(
                "sent", f"Sent {timezone.localtime(invitation.sent_at):%H:%M} to {to}"
            )
        if invitation.status == Status.NOT_DELIVERED:
            return IntakeState(
                "not_delivered",
                f"Not delivered to {to}",
                problem=f"refused by the server ({invitation.last_error}); check the address",
            )
        if invitation.failing_since:
            since = timezone.localtime(invitation.failing_since)
            return IntakeState(
                "not_delivered",
                f"Not delivered yet to {to}",
                problem=f"failing since {since:%H:%M} ({invitation.last_error}); retrying",
            )
        return IntakeState("sending", f"Being sent to {to}")
    if link is not None:
        return IntakeState("link_made", "Link given (printed or copied), not opened")
    if intake is not None and intake.channel == Intake.Channel.PATIENT_TABLET:
        return IntakeState("in_progress", "On the waiting-room tablet")
    return IntakeState("not_sent", "Not sent")


@dataclass(frozen=True)
class DayRow:
    visit: Visit | None
    intake: Intake | None
    link: PatientLink | None  # the newest link, revoked or not
    state: IntakeState

    @property
    def patient(self):
        return self.visit.patient if self.visit else self.intake.patient


def _links() -> Prefetch:
    return Prefetch(
        "patient_links",
        queryset=PatientLink.objects.order_by("-created_at").prefetch_related("messages"),
    )


def _row(visit: Visit | None, intake: Intake | None) -> DayRow:
    links = list(intake.patient_links.all()) if intake else []
    link = links[0] if links else None
    messages = list(link.messages.all()) if link else []
    return DayRow(visit, intake, link, intake_state(intake, link, messages))


def day_rows(today: dt.date) -> tuple[list[DayRow], list[DayRow], list[DayRow]]:
    """Today's visits, tomorrow's, and today's intakes not for a visit of those days (any
    channel: desk, tablet, link, API), newest first."""
    booked = list(
        visits.days_visits(today, days=2)
        .select_related("patient", "clinician")
        .prefetch_related(Prefetch("intakes", queryset=Intake.objects.prefetch_related(_links())))
    )
    rows = [_row(visit, next(iter(visit.intakes.all()), None)) for visit in booked]
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    others = (
        Intake.objects.filter(Q(created_at__gte=start) | Q(submitted_at__gte=start))
        .exclude(visit__in=booked)
        .select_related("patient")
        .prefetch_related(_links())
        .order_by("-created_at")[:100]
    )
    on_day = [row for row in rows if row.visit.day == today]
    next_day = [row for row in rows if row.visit.day != today]
    return on_day, next_day, [_row(None, intake) for intake in others]
