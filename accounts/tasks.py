"""Expired OAuth2 tokens out of the database (settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task
from oauth2_provider.models import clear_expired


@shared_task(name="accounts.clear_expired_tokens", ignore_result=True)
def clear_expired_tokens() -> None:
    # An expired token is refused anyway; this keeps the table to the last hour's.
    clear_expired()
