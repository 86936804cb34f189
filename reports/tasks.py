"""Celery tasks: thin, idempotent, given an id only (never patient data)."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_process_init
from django.db import DatabaseError

from reports import building, pdf


@worker_process_init.connect
def warm_up_renderer(**kwargs) -> None:
    """Fonts and WeasyPrint's first-render costs are paid at start, not by the first summary."""
    pdf.warm_up()


@shared_task(
    name="reports.generate_summary",
    acks_late=True,
    reject_on_worker_lost=True,  # a worker killed mid-task: the task goes back to the queue
    autoretry_for=(building.TransientError, DatabaseError),
    max_retries=building.MAX_ATTEMPTS,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    time_limit=120,  # well below the broker's visibility_timeout (settings)
    soft_time_limit=100,
    ignore_result=True,
)
def generate_summary(summary_id: int) -> None:
    building.build_summary(summary_id)


@shared_task(name="reports.resend_stale_summaries", ignore_result=True)
def resend_stale_summaries() -> None:
    # Lazily: the service imports this module to send its tasks (HackSoft's pattern).
    from reports.scheduling import resend_stale_summaries

    resend_stale_summaries()
