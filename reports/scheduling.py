"""Asking for pre-visit summaries: the pending row is committed first, then its task is sent
with the row's id only; failed ones retried by staff, lost ones re-sent by the sweeper.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone

from reports.models import PreVisitSummary
from reports.tasks import generate_summary

logger = logging.getLogger(__name__)
Status = PreVisitSummary.Status

STALE_AFTER = timedelta(minutes=2)  # a pending summary not sent or not done by then is re-sent


def request_summary(intake) -> PreVisitSummary:
    """A pending summary for the intake's current version, sent to a worker after commit.

    One statement for a new version (asked twice, the row is kept). Pending summaries of
    earlier versions are superseded: nobody should wait for them.
    """
    (summary,) = PreVisitSummary.objects.bulk_create(
        [PreVisitSummary(intake=intake, intake_version=intake.version)],
        update_conflicts=True,
        unique_fields=["intake", "intake_version"],
        update_fields=["updated_at"],
    )
    if intake.version > 1:
        waiting = PreVisitSummary.objects.filter(
            intake=intake, intake_version__lt=intake.version, status=Status.PENDING
        )
        now = timezone.now()
        waiting.filter(pdf="").update(status=Status.SUPERSEDED, updated_at=now)
        # A refresh overtaken by a newer version: that version's last PDF stays readable.
        waiting.exclude(pdf="").update(status=Status.READY, updated_at=now)
    transaction.on_commit(partial(enqueue_summary, summary.pk))
    return summary


def enqueue_summary(summary_id: int) -> bool:
    """Send the task; a broker that is down or hung must not fail the request.

    Only ever called once the pending row is committed: from `transaction.on_commit`
    (request_summary, retry_summary) or for rows the sweeper reads back from the database,
    so the worker always finds its row, and a task that is not sent now is sent later.
    """
    PreVisitSummary.objects.filter(pk=summary_id).update(enqueued_at=timezone.now())
    try:
        generate_summary.delay(summary_id)
    except Exception as error:  # kombu/redis raise many kinds; all mean "not sent now"
        logger.warning(
            "summary %s not enqueued (%s); the sweeper will send it",
            summary_id,
            type(error).__name__,
        )
        return False
    return True


def retry_summary(summary: PreVisitSummary) -> PreVisitSummary:
    """Staff asked for another go at a failed summary: fresh attempts, sent after commit."""
    with transaction.atomic():
        summary = PreVisitSummary.objects.select_for_update().get(pk=summary.pk)
        if summary.status == Status.FAILED:
            summary.status = Status.PENDING
            summary.attempts = 0
            summary.failure_reason = ""
            summary.save(update_fields=["status", "attempts", "failure_reason", "updated_at"])
            transaction.on_commit(lambda: enqueue_summary(summary.pk))
    return summary


def refresh_summary(intake) -> PreVisitSummary | None:
    """The current version's summary drawn again, after commit: its flags' acknowledgements or
    the desk's action changed. Until it is ready, it reads as being updated, never as the old
    PDF; a render begun before this call is not stored (`refreshes`, reports.building)."""
    with transaction.atomic():
        summary = (
            PreVisitSummary.objects.select_for_update()
            .filter(intake=intake, intake_version=intake.version)
            .first()
        )
        if summary is None or summary.status == Status.SUPERSEDED:
            return summary
        summary.status = Status.PENDING
        summary.attempts = 0
        summary.failure_reason = ""
        summary.refreshes += 1
        summary.save(
            update_fields=["status", "attempts", "failure_reason", "refreshes", "updated_at"]
        )
        transaction.on_commit(partial(enqueue_summary, summary.pk))
    return summary


def resend_stale_summaries(*, older_than: timedelta = STALE_AFTER) -> int:
    """Re-send pending summaries whose task was lost (broker down at submit, worker died)."""
    cutoff = timezone.now() - older_than
    stale = PreVisitSummary.objects.filter(status=Status.PENDING).filter(
        enqueued_at__isnull=True
    ) | PreVisitSummary.objects.filter(status=Status.PENDING, enqueued_at__lt=cutoff)
    ids = list(stale.values_list("pk", flat=True)[:500])
    sent = sum(enqueue_summary(summary_id) for summary_id in ids)
    if ids:
        logger.info("sweeper: %s stale summaries, %s re-sent", len(ids), sent)
    return len(ids)
