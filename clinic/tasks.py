"""Celery tasks of the use cases that span apps: thin, given nothing but the clock."""

from __future__ import annotations

from celery import shared_task

from clinic import escalation, link_messages


# Every 30 s from beat. A beat queued while the broker was down expires instead of piling
# up: the next one finds the same rows in the database.
@shared_task(name="clinic.escalate_alerts", ignore_result=True, expires=25)
def escalate_alerts() -> None:
    escalation.sweep()


# A new link's message, on commit, given the link's id only; the sweep below sends it too if
# this task is lost with the broker.
@shared_task(name="clinic.send_link_messages_of", ignore_result=True)
def send_link_messages_of(link_id: str) -> None:
    link_messages.sweep(link_id=link_id)


# Every minute from beat: reminders due, retries due, anything a lost task left.
@shared_task(name="clinic.send_link_messages", ignore_result=True, expires=55)
def send_link_messages() -> None:
    link_messages.sweep()
