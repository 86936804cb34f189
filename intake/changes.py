"""What changed since the patient's last visit: for the clinician's intake page and the PDF.

Plain data in, plain data out: two documents and their levels give the symptoms and
medicines that are new or gone, severity then and now, level then and now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from intake.document import IntakeDocument
from intake.models import Intake, listed_intakes
from intake.prefill import last_submitted
from intake.questions import OPTION_LABELS
from intake.services import fold

TREND_VISITS = 12  # the severity trend shows at most this many visits, the latest last


@dataclass(frozen=True)
class SinceLastVisit:
    previous_intake_id: str
    previous_on: dt.date
    symptoms_new: tuple[str, ...]  # in words
    symptoms_gone: tuple[str, ...]
    medications_new: tuple[str, ...]  # as the patient wrote them
    medications_gone: tuple[str, ...]
    severity_then: int
    severity_now: int
    level_then: str
    level_now: str

    @property
    def anything(self) -> bool:
        return bool(
            self.symptoms_new
            or self.symptoms_gone
            or self.medications_new
            or self.medications_gone
            or self.severity_then != self.severity_now
            or self.level_then != self.level_now
        )


def _symptom_codes(doc: IntakeDocument) -> list[str]:
    symptoms = doc.symptoms
    return [
        *symptoms.locations,
        *symptoms.associated,
        *symptoms.leg_changes,
        *symptoms.other_symptoms,
    ]


def _difference(now: list[str], then: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (
        tuple(code for code in dict.fromkeys(now) if code not in then),
        tuple(code for code in dict.fromkeys(then) if code not in now),
    )


def since_last_visit(
    previous: IntakeDocument,
    previous_level: str,
    current: IntakeDocument,
    current_level: str,
    *,
    previous_intake_id: str = "",
) -> SinceLastVisit:
    new, gone = _difference(_symptom_codes(current), _symptom_codes(previous))
    taken_now = {fold(m.name): m.name for m in current.medications}
    taken_then = {fold(m.name): m.name for m in previous.medications}
    return SinceLastVisit(
        previous_intake_id=previous_intake_id,
        previous_on=previous.reported_on,
        symptoms_new=tuple(str(OPTION_LABELS.get(code, code)) for code in new),
        symptoms_gone=tuple(str(OPTION_LABELS.get(code, code)) for code in gone),
        medications_new=tuple(name for key, name in taken_now.items() if key not in taken_then),
        medications_gone=tuple(name for key, name in taken_then.items() if key not in taken_now),
        severity_then=previous.symptoms.severity,
        severity_now=current.symptoms.severity,
        level_then=previous_level,
        level_now=current_level,
    )


def compared_with_previous(intake: Intake, current: IntakeDocument) -> SinceLastVisit | None:
    before = last_submitted(intake)
    if before is None:
        return None
    return since_last_visit(
        before.current_document(), before.triage_level, current, intake.triage_level
    )


def severity_trend(intake: Intake) -> list[tuple[dt.date, int]]:
    """Severity at each of the patient's submitted visits up to this one, oldest first."""
    visits = (
        listed_intakes()
        .filter(patient_id=intake.patient_id, submitted_at__lte=intake.submitted_at)
        .exclude(severity__isnull=True)
        .order_by("-submitted_at")
        .values_list("reported_on", "severity")[:TREND_VISITS]
    )
    return list(reversed(list(visits)))
