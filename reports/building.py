"""Building one pre-visit summary from its row: idempotent, superseded by newer versions,
capped in attempts. The Celery task calls `build_summary`; nothing here sends a task.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from intake import changes
from intake.models import PATIENT_CHANNELS, Intake, IntakeVersion
from reports.models import PreVisitSummary
from reports.pdf import render_summary_pdf
from reports.summary import build_summary_content
from triage.alerts import desk_escalation
from triage.engine import Flag, TriageResult
from triage.models import Alert, TriageAssessment

logger = logging.getLogger(__name__)
Status = PreVisitSummary.Status

MAX_ATTEMPTS = 3  # a document that always crashes the renderer ends `failed`, not in a loop


class TransientError(Exception):
    """Worth another try later (the database or storage was briefly unavailable)."""


def _claim(summary_id: int) -> PreVisitSummary | None:
    """Lock the row and count an attempt; None when there is nothing (more) to do."""
    with transaction.atomic():
        summary = (
            PreVisitSummary.objects.select_for_update()
            .select_related("intake")
            .filter(pk=summary_id)
            .first()
        )
        if summary is None or summary.status in (Status.READY, Status.SUPERSEDED):
            return None
        if summary.intake_version != summary.intake.version:
            _retire(summary)
            return None
        if summary.attempts >= MAX_ATTEMPTS:
            _fail(summary, f"Gave up after {MAX_ATTEMPTS} attempts; use Retry once fixed.")
            return None
        summary.attempts += 1
        summary.save(update_fields=["attempts", "updated_at"])
        return summary  # its `refreshes` is what this render draws


def _finish(summary: PreVisitSummary, status: str) -> None:
    summary.status = status
    summary.save(update_fields=["status", "updated_at"])


def _retire(summary: PreVisitSummary) -> None:
    """A newer version's summary takes over: nobody waits for this one. If it was being
    drawn again (reports.scheduling.refresh_summary), its last PDF stays readable."""
    _finish(summary, Status.READY if summary.pdf else Status.SUPERSEDED)


def _fail(summary: PreVisitSummary, reason: str) -> None:
    summary.status = Status.FAILED
    summary.failure_reason = reason[:300]
    summary.save(update_fields=["status", "failure_reason", "updated_at"])
    logger.error("summary %s failed: %s", summary.pk, reason)


def triage_of(assessment: TriageAssessment) -> TriageResult:
    """The triage result as it was stored for that version (what the clinician saw)."""
    flags = tuple(
        Flag(f.code, f.severity, f.title, f.source, tuple(f.evidence))
        for f in assessment.flags.all()
    )
    return TriageResult(level=assessment.level, flags=flags, rules_version=assessment.rules_version)


def acknowledgements_of(assessment: TriageAssessment) -> dict[str, dict[str, str]]:
    return {
        flag.code: {
            "by": _name(flag.acknowledged_by),
            "at": flag.acknowledged_at.isoformat(),
        }
        for flag in assessment.flags.select_related("acknowledged_by")
        if flag.acknowledged_at is not None
    }


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def desk_action_of(assessment: TriageAssessment) -> dict[str, str] | None:
    """The desk's "I have called 911 / sent the patient to the emergency department"."""
    escalation = desk_escalation(assessment)
    if escalation is None:
        return None
    return {"by": _name(escalation.by), "at": escalation.at.isoformat()}


def alerts_of(intake_id) -> list[dict[str, Any]]:
    """Every alert of the intake, oldest first, with the desk's actions and the clinician's
    acknowledgement: the PDF is drawn again on each change (clinic.front_desk.views)."""
    alerts = (
        Alert.objects.filter(intake_id=intake_id)
        .select_related("acknowledged_by")
        .prefetch_related("actions__by")
        .order_by("raised_at", "id")
    )
    return [
        {
            "level": alert.level,
            "raised_at": alert.raised_at.isoformat(),
            "acknowledged_by": _name(alert.acknowledged_by) if alert.acknowledged_by else None,
            "acknowledged_at": _iso(alert.acknowledged_at),
            "withdrawn_at": _iso(alert.withdrawn_at),
            "actions": [
                {
                    "kind": action.get_kind_display(),
                    "by": _name(action.by),
                    "at": action.at.isoformat(),
                    "note": action.note,
                }
                for action in alert.actions.all()
            ],
        }
        for alert in alerts
    ]


# How each channel reads after "Entered" on the summary.
ENTERED = {
    Intake.Channel.FRONT_DESK: "at the front desk",
    Intake.Channel.PATIENT_TABLET: "by the patient on a clinic tablet",
    Intake.Channel.PATIENT_LINK: "by the patient through a link",
    Intake.Channel.API: "through the API",
}


def entry_of(intake: Intake) -> dict[str, str]:
    """The clinic, and how the answers came in and who entered them, for the summary's header:
    "at the front desk by Fran Desk", "by the patient through a link (started by Fran Desk)"."""
    entered = ENTERED[intake.channel]
    if intake.entered_by is not None:
        by = _name(intake.entered_by)
        entered += f" (started by {by})" if intake.channel in PATIENT_CHANNELS else f" by {by}"
    return {"clinic": settings.CLINIC_NAME, "entered": entered}


def history_of(intake, doc) -> dict[str, Any]:
    """What changed since the patient's last visit, and the severity at each visit."""
    with translation.override("en"):  # the PDF's words are English
        since = changes.compared_with_previous(intake, doc)
    return {
        "since_last_visit": _plain(dataclasses.asdict(since)) if since else None,
        "severity_trend": [
            (day.isoformat(), severity) for day, severity in changes.severity_trend(intake)
        ],
    }


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat()
        if isinstance(value, dt.date)
        else list(value)
        if isinstance(value, tuple)
        else value
        for key, value in values.items()
    }


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _slow_down_for_tests() -> None:
    # The integration suite kills a worker mid-task; this widens the window. Never in production.
    delay = float(os.environ.get("SUMMARY_TEST_DELAY_SECONDS", "0") or 0)
    if delay and not settings.PRODUCTION:
        time.sleep(delay)


def build_summary(summary_id: int) -> str | None:
    """Build the summary and its PDF for one row; returns the final status, or None if skipped.

    Running it twice for the same version leaves one summary and one PDF.
    """
    summary = _claim(summary_id)
    if summary is None:
        return None
    try:
        version = IntakeVersion.objects.get(
            intake_id=summary.intake_id, number=summary.intake_version
        )
        assessment = TriageAssessment.objects.get(
            intake_id=summary.intake_id, intake_version=summary.intake_version
        )
        doc = version.read()
        content = build_summary_content(
            doc,
            triage_of(assessment),
            acknowledgements=acknowledgements_of(assessment),
            desk_action=desk_action_of(assessment),
            alerts=alerts_of(summary.intake_id),
            submitted_at=version.created_at,
            entry=entry_of(summary.intake),
            **history_of(summary.intake, doc),
        )
        _slow_down_for_tests()
        rendered = render_summary_pdf(content, page_size=settings.SUMMARY_PAGE_SIZE)
    except TransientError:
        raise
    except Exception as error:  # a bug or a bad document: retrying would fail the same way
        logger.exception("summary %s could not be built", summary_id)
        with transaction.atomic():
            locked = PreVisitSummary.objects.select_for_update().get(pk=summary_id)
            _fail(locked, f"The summary could not be built ({type(error).__name__}).")
        return Status.FAILED
    return _store(summary_id, content, rendered, drawn_at=summary.refreshes)


def _store(summary_id: int, content: dict, rendered, *, drawn_at: int) -> str:
    with transaction.atomic():
        summary = (
            PreVisitSummary.objects.select_for_update().select_related("intake").get(pk=summary_id)
        )
        if summary.status == Status.READY:
            return Status.READY  # another run got there first: keep its file
        if summary.intake_version != summary.intake.version:
            _retire(summary)  # a newer version arrived while we rendered
            return summary.status
        if summary.refreshes != drawn_at:
            return Status.PENDING  # asked again while we rendered: the newer task draws it
        name = f"summary-{summary.intake_id}-v{summary.intake_version}.pdf"
        if summary.pdf:
            summary.pdf.delete(save=False)
        summary.pdf.save(name, ContentFile(rendered.pdf), save=False)
        summary.pdf_pages = rendered.pages
        summary.content = content
        summary.rules_version = content["rules_version"]
        summary.status = Status.READY
        summary.failure_reason = ""
        summary.ready_at = timezone.now()
        summary.save()
        logger.info("summary %s ready (%s pages)", summary_id, rendered.pages)
        return Status.READY
