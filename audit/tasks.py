"""The daily check of the audit chain (settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from audit.chain import check_and_record


# A long trail takes a while to walk; still well below the broker's visibility_timeout.
@shared_task(name="audit.verify_chain", ignore_result=True, time_limit=600, soft_time_limit=540)
def verify_chain() -> None:
    # Runs as often as asked: each run adds one check, none changes an earlier one.
    check_and_record()
