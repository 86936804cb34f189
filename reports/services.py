"""Requesting pre-visit summaries. The row is committed first; the queue only carries its id."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from reports.models import PreVisitSummary

logger = logging.getLogger(__name__)
Status = PreVisitSummary.Status


def request_summary(intake) -> PreVisitSummary:
    """A pending summary for the intake's current version, sent to a worker after commit.

    Pending summaries of earlier versions are superseded: nobody should wait for them.
    """
    summary, _ = PreVisitSummary.objects.get_or_create(intake=intake, intake_version=intake.version)
    PreVisitSummary.objects.filter(
        intake=intake, intake_version__lt=intake.version, status=Status.PENDING
    ).update(status=Status.SUPERSEDED, updated_at=timezone.now())
    transaction.on_commit(partial(enqueue_summary, summary.pk))
    return summary


def enqueue_summary(summary_id: int) -> bool:
    """Send the task; a broker that is down or hung must not fail the request.

    Only ever called once the pending row is committed: from `transaction.on_commit`
    (request_summary, retry_summary) or for rows the sweeper reads back from the database,
    so the worker always finds its row, and a task that is not sent now is sent later.
    """
    from reports.tasks import generate_summary

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
