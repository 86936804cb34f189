"""Storing triage results and acknowledging flags: the only writes triage makes."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from audit.services import Action, record
from intake.levels import OpenAlert
from intake.models import Intake
from triage.engine import TriageResult
from triage.models import ClinicianNote, TriageAssessment, TriageFlag


def open_alert_rank(flags) -> OpenAlert:
    """The highest severity among the flags nobody acknowledged yet, as the worklist sorts it."""
    return max(
        (OpenAlert.for_severity(flag.severity) for flag in flags if flag.acknowledged_at is None),
        default=OpenAlert.NONE,
    )


def record_triage(intake, result: TriageResult) -> TriageAssessment:
    """Store `result` for the intake's current version and copy its level onto the intake."""
    assessment = TriageAssessment.objects.create(
        intake=intake,
        intake_version=intake.version,
        level=result.level,
        rules_version=result.rules_version,
    )
    flags = TriageFlag.objects.bulk_create(
        TriageFlag(
            assessment=assessment,
            position=position,
            code=flag.code,
            severity=flag.severity,
            title=flag.title,
            source=flag.source,
            evidence=list(flag.evidence),
        )
        for position, flag in enumerate(result.flags)
    )
    intake.triage_level = result.level
    intake.rules_version = result.rules_version
    intake.open_alert = open_alert_rank(flags)
    intake.save(update_fields=["triage_level", "rules_version", "open_alert", "updated_at"])
    return assessment


def current_assessment(intake) -> TriageAssessment | None:
    return (
        TriageAssessment.objects.filter(intake=intake, intake_version=intake.version)
        .prefetch_related("flags")
        .first()
    )


@transaction.atomic
def acknowledge_flag(*, flag: TriageFlag, by, note: str = "", request=None) -> TriageFlag:
    """A clinician has seen the flag: record who and when, and re-rank the intake."""
    flag = (
        TriageFlag.objects.select_for_update().select_related("assessment__intake").get(pk=flag.pk)
    )
    if flag.acknowledged_at is None:
        flag.acknowledged_at = timezone.now()
        flag.acknowledged_by = by
        flag.acknowledgement_note = note
        flag.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
        intake = flag.assessment.intake
        if flag.assessment.intake_version == intake.version:
            intake.open_alert = open_alert_rank(flag.assessment.flags.all())
            intake.save(update_fields=["open_alert", "updated_at"])
        record(Action.ACKNOWLEDGE, actor=by, obj=flag, request=request, detail={"code": flag.code})
    return flag


@transaction.atomic
def confirm_escalation(*, assessment: TriageAssessment, by, request=None) -> TriageAssessment:
    """The desk confirms it acted on an emergency (called 911 / sent to the ED)."""
    assessment = TriageAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.escalation_confirmed_at is None:
        assessment.escalation_confirmed_at = timezone.now()
        assessment.escalation_confirmed_by = by
        assessment.save(update_fields=["escalation_confirmed_at", "escalation_confirmed_by"])
        record(Action.ESCALATE, actor=by, obj=assessment, request=request)
    return assessment


@transaction.atomic
def mark_reviewed(*, intake, by, request=None) -> None:
    Intake.objects.filter(pk=intake.pk).update(reviewed_at=timezone.now(), reviewed_by=by)
    record(Action.REVIEW, actor=by, obj=intake, request=request, detail={"version": intake.version})


@transaction.atomic
def add_clinician_note(*, intake, by, text: str, request=None):
    note = ClinicianNote.objects.create(intake=intake, author=by, text=text)
    record(Action.CREATE, actor=by, obj=note, request=request)
    return note
