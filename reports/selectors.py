from __future__ import annotations

from reports.models import PreVisitSummary


def current_summary(intake) -> PreVisitSummary | None:
    """The summary of the intake's current version (None before submission)."""
    return PreVisitSummary.objects.filter(intake=intake, intake_version=intake.version).first()
