"""The triage levels and flag severities of clinical-content.md §2, and the worklist's alert rank.

They live with the intake because the intake row carries its current level and open alert
(copied there by triage so the worklist sorts without joins); triage and reports use them
from here.
"""

from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    """An intake's triage level, highest first. Attention flags never raise it above routine."""

    EMERGENCY = "emergency", "Emergency"
    URGENT = "urgent", "Urgent"
    ROUTINE = "routine", "Routine"


class Severity(models.TextChoices):
    """A flag's severity, highest first: the levels plus `attention` (for discussion)."""

    EMERGENCY = "emergency", "Emergency"
    URGENT = "urgent", "Urgent"
    ATTENTION = "attention", "Attention"
    ROUTINE = "routine", "Routine"


class OpenAlert(models.IntegerChoices):
    """The worklist's first sort key: the highest unacknowledged flag of the current version.

    Sorted descending, so an unacknowledged emergency is listed before an unacknowledged
    urgent flag, and both before intakes with nothing waiting.
    """

    NONE = 0, "None"
    URGENT = 1, "Urgent"
    EMERGENCY = 2, "Emergency"

    @classmethod
    def for_severity(cls, severity: str) -> OpenAlert:
        return {Severity.EMERGENCY: cls.EMERGENCY, Severity.URGENT: cls.URGENT}.get(
            severity, cls.NONE
        )
