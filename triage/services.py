"""Storing triage results, acknowledging flags and the answers to re-asked questions: the
only writes triage makes."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from audit.services import Action, record
from intake import services as intake_services
from intake.answers import intake_answers
from intake.levels import OpenAlert
from intake.models import Intake
from triage.alerts import acknowledge_alert
from triage.engine import TriageResult
from triage.models import ClinicianNote, ReaskedAnswer, TriageAssessment, TriageFlag
from triage.reasks import Reask, by_question, reasks


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
            if intake.open_alert == OpenAlert.NONE:  # every alerting flag has been seen
                acknowledge_alert(intake, by=by, request=request)
        record(Action.ACKNOWLEDGE, actor=by, obj=flag, request=request, detail={"code": flag.code})
    return flag


@transaction.atomic
def mark_reviewed(*, intake, by, request=None) -> None:
    Intake.objects.filter(pk=intake.pk).update(reviewed_at=timezone.now(), reviewed_by=by)
    record(Action.REVIEW, actor=by, obj=intake, request=request, detail={"version": intake.version})


@transaction.atomic
def add_clinician_note(*, intake, by, text: str, request=None):
    note = ClinicianNote.objects.create(intake=intake, author=by, text=text)
    record(Action.CREATE, actor=by, obj=note, request=request)
    return note


# --- the re-ask before submit (clinical-content.md §2, its end) ----------------------------


def reasks_due(intake: Intake, answers: Mapping[str, object] | None = None) -> tuple[Reask, ...]:
    """The re-asks a draft's answers still call for: typed words bearing on red-flag questions
    answered "no", less those already asked again and confirmed "no" for the same words.

    `answers` is the draft's `intake_answers`, when the caller has read them already.
    """
    answers = intake_answers(intake) if answers is None else answers
    if not reasks(answers):
        return ()  # nothing typed bears on a "no": no confirmation to read
    confirmed = ReaskedAnswer.objects.filter(intake=intake, answer=False).values_list(
        "path", "words", "question"
    )
    return reasks(answers, set(confirmed))


@transaction.atomic
def answer_reasks(
    intake: Intake,
    answers: Mapping[str, bool],
    *,
    by,
    seen_revision: int,
    channel: str | None = None,
    request=None,
) -> Intake:
    """Store what was answered to the questions asked again (`answers`: red-flag code to yes
    or no), each answer beside the words it was asked about; a "yes" is written onto the
    intake, so triage fires that red flag. One audit event names each question with its old
    and new answer, never the words.

    Only questions still due are stored: one whose words or answer changed meanwhile is
    asked afresh. `seen_revision` is the revision the page was shown at; if the draft
    changed since, nothing is stored and `EditConflict` is raised. The patient's pages name
    the `channel` they answer through, as their step saves do.
    """
    current = intake_services.lock_for_edit(intake, seen_revision)
    if not current.is_draft:
        raise intake_services.NotADraft
    due = by_question(reasks_due(current))
    answered = {code: answers[code] for code in due if code in answers}
    if not answered:
        return current
    changes: dict[str, object] = {code: True for code, answer in answered.items() if answer}
    if channel:
        changes["channel"] = channel
    intake_services.apply_changes(
        current, answers=changes, rows=None, patient_answers=None, by=by, request=request
    )
    actor = intake_services.audit_actor(by, current)
    ReaskedAnswer.objects.bulk_create(
        ReaskedAnswer(
            intake=current,
            path=reask.path,
            words=reask.words,
            question=code,
            answer=answer,
            answered_by=actor["actor"],
            channel=current.channel,
        )
        for code, answer in answered.items()
        for reask in due[code]
    )
    record(
        Action.UPDATE,
        **actor,
        obj=current,
        request=request,
        detail={
            "answers": sorted(changes),
            "reasked": {code: {"old": False, "new": answer} for code, answer in answered.items()},
        },
    )
    return current
