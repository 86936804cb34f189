"""The triage levels and flag severities of clinical-content.md §2, the worklist's alert rank,
and a pre-visit summary's states.

They live with the intake because the intake row carries its current level, open alert and
summary status (copied there so the worklist sorts and filters without joins); triage and
reports use them from here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


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


class SummaryStatus(models.TextChoices):
    """A pre-visit summary's state (reports.PreVisitSummary.status)."""

    PENDING = "pending", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    SUPERSEDED = "superseded", "Superseded by a newer version"


# What each level asks of people (§2), said wherever a level is shown: to staff, then to the
# patient. %(phone)s and %(hours)s are the clinic's (settings.CLINIC_PHONE, CLINIC_HOURS).
_MEANINGS = {
    Level.EMERGENCY: (
        _("Now: call 911 or send the patient to the emergency department. The clinic is told "
          "at once."),
        _("Call 911 now or go to the nearest emergency department. Do not wait for your "
          "appointment."),
    ),
    Level.URGENT: (
        _("Today: a clinician sees or calls the patient the same day. When the clinic is "
          "closed (it is open %(hours)s), the patient goes to urgent care, or calls 911 if it "
          "gets worse."),
        _("A clinician will call you today. You can call the clinic on %(phone)s (open "
          "%(hours)s). When the clinic is closed, go to urgent care; if you feel worse, call "
          "911."),
    ),
    Level.ROUTINE: (
        _("Discussed at the visit."),
        _("Your answers will be discussed at your visit."),
    ),
}  # fmt: skip


def level_meaning(level: str, *, to_patient: bool = False) -> str:
    """What `level` asks of people, in the active language; "" for a level it does not know."""
    if level not in _MEANINGS:
        return ""
    words = _MEANINGS[level][to_patient]
    language = (get_language() or "en").split("-")[0]
    hours = settings.CLINIC_HOURS.get(language, settings.CLINIC_HOURS["en"])
    return str(words) % {"phone": settings.CLINIC_PHONE, "hours": hours}
