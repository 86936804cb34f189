"""Celery tasks of the use cases that span apps: thin, given nothing but the clock."""

from __future__ import annotations

from celery import shared_task

from clinic import escalation


# Every 30 s from beat. A beat queued while the broker was down expires instead of piling
# up: the next one finds the same rows in the database.
@shared_task(name="clinic.escalate_alerts", ignore_result=True, expires=25)
def escalate_alerts() -> None:
    escalation.sweep()
