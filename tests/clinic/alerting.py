"""Test helpers for alerts."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet
from django.utils import timezone

from triage.alerts import escalate_after


def raised_minutes_ago(alerts: QuerySet, minutes: float) -> None:
    """As if the alerts had been raised `minutes` ago: their raise and their first
    escalation move back together, as they would have been written then."""
    alerts.update(raised_at=timezone.now() - dt.timedelta(minutes=minutes))
    alerts.filter(next_escalation_at__isnull=False).update(
        next_escalation_at=F("raised_at") + escalate_after()
    )
