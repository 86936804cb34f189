"""Alerts: raised the moment an emergency or urgent answer is saved, kept on record.

`sync_alert` is called with the flags that fire on what an intake holds now (a draft's saved
steps, or its submitted version) and makes the intake's open alert say just that: raised
when the first such flag fires, updated when the set changes, withdrawn when none fires any
more. Every change is in the audit trail; nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.services import Action, record
from intake.levels import Level, Severity
from intake.models import Intake, Patient
from triage.engine import Flag
from triage.models import Alert, AlertAction, TriageAssessment

# The flags that raise an alert, and the level each raises (attention flags are for the visit).
ALERTING = {Severity.EMERGENCY: Level.EMERGENCY, Severity.URGENT: Level.URGENT}


# The desk's actions that escalate an emergency: the "called 911" line of the intake page and PDF.
ESCALATING_ACTIONS = (AlertAction.Kind.CALLED_911, AlertAction.Kind.SENT_TO_ED)


def escalate_after() -> dt.timedelta:
    """How long an emergency alert waits for a clinician before it is e-mailed."""
    return dt.timedelta(minutes=settings.ALERT_ESCALATE_MINUTES)


def first_escalation(level: str, raised_at: dt.datetime) -> dt.datetime | None:
    return raised_at + escalate_after() if level == Level.EMERGENCY else None


def alerting_flags(flags: Sequence[Flag]) -> tuple[Flag, ...]:
    return tuple(flag for flag in flags if flag.severity in ALERTING)


def alert_level(flags: Sequence[Flag]) -> str | None:
    """The alert the flags raise: emergency when any is, urgent when any is, else none."""
    severities = {flag.severity for flag in flags}
    highest_first = (Severity.EMERGENCY, Severity.URGENT)
    return next((ALERTING[s] for s in highest_first if s in severities), None)


def _what_fires(flags: Sequence[Flag]) -> tuple[str | None, list[str], list[str]]:
    """The alert's level, codes (the table's order) and evidence paths, from every flag."""
    firing = alerting_flags(flags)
    codes = [flag.code for flag in firing]
    return alert_level(firing), codes, sorted({path for f in firing for path in f.evidence})


def _staff(by):
    """The signed-in user who raised or acted, or None for the patient (tablet, link)."""
    return by if getattr(by, "is_authenticated", False) else None


def _raise(level: str, codes: list[str], evidence: list[str], *, by, request, **about) -> Alert:
    now = timezone.now()
    alert = Alert.objects.create(
        level=level,
        codes=codes,
        evidence=evidence,
        raised_at=now,
        next_escalation_at=first_escalation(level, now),
        raised_by=_staff(by),
        **about,
    )
    _audit(Action.RAISE, alert, by=by, request=request)
    return alert


def _lock_intake(intake_id) -> None:
    """Lock the intake's row before its alert's: a step saved locks the intake, then its
    alert, and the alert's triggers (triage 0008) write the intake; taking them in the other
    order, the desk acting while the patient answers could deadlock."""
    if intake_id is not None:
        list(Intake.objects.select_for_update().filter(pk=intake_id).values_list("pk"))


def _open_for_update(alert_id: int) -> Alert:
    """The alert, locked after its intake; one acknowledged or withdrawn meanwhile refuses
    (AlertClosed)."""
    _lock_intake(Alert.objects.filter(pk=alert_id).values_list("intake_id", flat=True).first())
    alert = Alert.objects.select_for_update().get(pk=alert_id)
    if not alert.is_open:
        raise AlertClosed(alert)
    return alert


class AlertClosed(Exception):
    """The alert was acknowledged or withdrawn meanwhile: nothing more is recorded on it."""

    def __init__(self, alert: Alert) -> None:
        self.alert = alert
        state = "acknowledged by a clinician" if alert.acknowledged_at else "withdrawn"
        super().__init__(f"This alert was already {state}; nothing was recorded.")


def open_alerts() -> QuerySet[Alert]:
    """Every alert nobody has acknowledged and that still stands: emergencies first, oldest
    first within a level (the board's and the navigation bar's)."""
    return (
        Alert.objects.open()
        .select_related("intake__patient", "patient")
        .order_by("level", "raised_at", "id")  # "emergency" sorts before "urgent"
    )


def board_alerts(limit: int) -> QuerySet[Alert]:
    """The open alerts the board lists: every emergency however many, then the oldest urgent
    ones up to `limit` in all. A full board never leaves off a new emergency."""
    emergencies = Alert.objects.open().filter(level=Level.EMERGENCY).count()
    urgent = (
        Alert.objects.open()
        .filter(level=Level.URGENT)
        .order_by("raised_at", "id")
        .values("pk")[: max(limit - emergencies, 0)]
    )
    return open_alerts().filter(Q(level=Level.EMERGENCY) | Q(pk__in=urgent))


def open_alert_of(intake: Intake) -> Alert | None:
    return Alert.objects.open().filter(intake=intake).first()


def _audit(action: str, alert: Alert, *, by, request) -> None:
    actor = _staff(by)
    label = "" if actor else alert.get_channel_display()
    record(action, actor=actor, actor_label=label, obj=alert, request=request, detail=_ids(alert))


def _ids(alert: Alert) -> dict[str, object]:
    """What the trail says of an alert: ids and codes, never an answer or a name."""
    about = {"intake": str(alert.intake_id)} if alert.intake_id else {}
    if alert.patient_id:
        about["patient"] = str(alert.patient_id)
    return {**about, "level": alert.level, "codes": alert.codes}


@transaction.atomic(savepoint=False)  # within a submission or a step's save: no savepoint
def sync_alert(
    intake: Intake,
    flags: Sequence[Flag],
    *,
    by,
    request=None,
    fresh: bool = False,
    tablet_name: str = "",
) -> Alert | None:
    """Make the intake's open alert match `flags` (all that fire now); returns it, or None.
    `fresh`: the intake was created in this transaction, so it has no alert to look up.
    `tablet_name`: the desk's name for the tablet the patient answers on, if any."""
    level, codes, evidence = _what_fires(flags)
    alert = None
    if not fresh:
        alert = Alert.objects.select_for_update().open().filter(intake=intake).first()
    if level is None:
        if alert is not None:  # answered back to "no": on record, not deleted
            alert.withdrawn_at = timezone.now()
            alert.save(update_fields=["withdrawn_at", "updated_at"])
            _audit(Action.WITHDRAW, alert, by=by, request=request)
        return None
    if alert is None:
        return _raise(
            level,
            codes,
            evidence,
            by=by,
            request=request,
            intake=intake,
            channel=intake.channel,
            tablet_name=tablet_name,
        )
    if (alert.level, alert.codes, alert.evidence) != (level, codes, evidence):
        if level != alert.level:  # turned emergency: it pages, counted from its first raise
            alert.next_escalation_at = first_escalation(level, alert.raised_at)
        alert.level, alert.codes, alert.evidence = level, codes, evidence
        alert.save(update_fields=["level", "codes", "evidence", "next_escalation_at", "updated_at"])
        _audit(Action.UPDATE, alert, by=by, request=request)
    return alert


@transaction.atomic(savepoint=False)
def acknowledge_alert(intake: Intake, *, by, request=None) -> Alert | None:
    """A clinician has acted on every open flag of the intake: its alert is acknowledged."""
    alert = Alert.objects.select_for_update().open().filter(intake=intake).first()
    if alert is None:
        return None
    return _acknowledge(alert, by=by, request=request)


@transaction.atomic
def acknowledge_alert_on_board(alert_id: int, *, by, request=None) -> Alert:
    """A clinician acknowledges the alert itself, from the board: a draft's alert has no flags
    to acknowledge yet. Escalation stops; the flags stay for the intake page."""
    return _acknowledge(_open_for_update(alert_id), by=by, request=request)


def _acknowledge(alert: Alert, *, by, request) -> Alert:
    alert.acknowledged_at, alert.acknowledged_by = timezone.now(), by
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    _audit(Action.ACKNOWLEDGE, alert, by=by, request=request)
    return alert


@transaction.atomic
def record_desk_action(alert_id: int, kind: str, note: str, *, by, request=None) -> AlertAction:
    """The desk says what it did about an open alert; a closed alert refuses (AlertClosed)."""
    return _act(_open_for_update(alert_id), kind, note, by=by, request=request)


def _act(alert: Alert, kind: str, note: str, *, by, request) -> AlertAction:
    action = AlertAction.objects.create(alert=alert, kind=kind, note=note, by=by)
    alert.save(update_fields=["updated_at"])  # the board's next poll shows it
    record(
        Action.DESK_ACTION,
        actor=by,
        obj=alert,
        request=request,
        detail={**_ids(alert), "kind": kind, "action": str(action.pk)},
    )
    return action


@dataclass(frozen=True)
class DeskEscalation:
    """Who at the desk said the emergency was escalated (called 911 / sent to the ED), when."""

    by: object
    at: dt.datetime


def desk_escalation(assessment: TriageAssessment) -> DeskEscalation | None:
    """The desk's word that it escalated this version's emergency: its confirmation on the
    submitted page or, first, a "called 911" or "sent to the ED" on one of the intake's
    alerts still open when this version was triaged (often recorded on the board while the
    patient was still answering). An alert closed before an amendment was another episode."""
    if assessment.escalation_confirmed_at is not None:
        return DeskEscalation(
            assessment.escalation_confirmed_by, assessment.escalation_confirmed_at
        )
    triaged = assessment.created_at
    action = (
        AlertAction.objects.filter(
            alert__intake_id=assessment.intake_id, kind__in=ESCALATING_ACTIONS
        )
        .filter(
            Q(alert__acknowledged_at__isnull=True, alert__withdrawn_at__isnull=True)
            | Q(alert__acknowledged_at__gte=triaged)
            | Q(alert__withdrawn_at__gte=triaged)
        )
        .select_related("by")
        .order_by("at", "id")
        .first()
    )
    return DeskEscalation(action.by, action.at) if action else None


@transaction.atomic
def confirm_escalation(*, assessment: TriageAssessment, kind: str, by, request=None) -> bool:
    """The desk confirms on the submitted page that it called 911 or sent the patient to the
    emergency department: on the assessment, and on the intake's open alert, if one still
    is, so the board shows it too. False if it was already on record."""
    _lock_intake(assessment.intake_id)
    assessment = TriageAssessment.objects.select_for_update().get(pk=assessment.pk)
    if desk_escalation(assessment) is not None:
        return False
    assessment.escalation_confirmed_at = timezone.now()
    assessment.escalation_confirmed_by = by
    assessment.save(update_fields=["escalation_confirmed_at", "escalation_confirmed_by"])
    record(Action.ESCALATE, actor=by, obj=assessment, request=request)
    # Locked: a clinician acknowledging it meanwhile waits, and is not refused.
    alert = Alert.objects.select_for_update().open().filter(intake_id=assessment.intake_id).first()
    if alert is not None:
        _act(alert, kind, "", by=by, request=request)
    return True


def handled_today(now) -> QuerySet[Alert]:
    """Alerts a clinician acknowledged since the clinic's midnight: the board keeps them below
    the open ones, with what the desk did and who acknowledged, for the rest of the day."""
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Alert.objects.filter(acknowledged_at__gte=midnight)
        .select_related("intake__patient", "patient", "acknowledged_by")
        .order_by("-acknowledged_at", "-id")
    )


@transaction.atomic
def raise_for_refused_document(
    flags: Sequence[Flag], *, patient: Patient | None, reported: dict, channel: str, by, request
) -> Alert | None:
    """A document refused as invalid (or for an identity conflict) whose red-flag answers
    fire alone (§4): an alert on the patient it identifies, or on nobody, showing what it
    said, for the desk to attach. A client sending the same document again raises no second
    alert while the first is open."""
    level, codes, evidence = _what_fires(flags)
    if level is None:
        return None
    for alert in Alert.objects.select_for_update().open().filter(intake=None, codes=codes):
        if alert.reported == reported and alert.patient_id == getattr(patient, "pk", None):
            return alert
    return _raise(
        level,
        codes,
        evidence,
        by=by,
        request=request,
        patient=patient,
        reported=reported,
        channel=channel,
    )


@transaction.atomic
def attach_alert(alert_id: int, patient: Patient, *, by, request=None) -> Alert:
    """The desk names the patient a refused document's alert is about."""
    alert = _open_for_update(alert_id)
    alert.patient = patient
    alert.save(update_fields=["patient", "updated_at"])
    _audit(Action.UPDATE, alert, by=by, request=request)
    return alert
