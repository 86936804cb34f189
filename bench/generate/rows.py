"""The named records the generator writes, one type per table.

A record's field names are its table's columns (Django's attnames), so the loader takes
the column list from the record and checks it against the model's concrete fields.
JSON columns hold JSON text already: COPY takes it as it is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, NamedTuple

from django.db import models

from intake.answers import CHANGE_FIELDS, LIFESTYLE_FIELDS, LIST_FIELDS, SYMPTOM_FIELDS
from intake.document import ALL_RED_FLAG_CODES, ALL_RISK_FACTOR_CODES
from intake.models import Injury, Intake, IntakeVersion, Medication, Patient, Vaccination
from reports.models import PreVisitSummary
from triage.models import TriageAssessment, TriageFlag


class PatientRow(NamedTuple):
    id: uuid.UUID
    mrn: str | None
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str
    phone: str
    email: str
    preferred_language: str
    search_name: str
    created_at: dt.datetime
    updated_at: dt.datetime


# What `apply_document` writes onto an intake: a variant's, the same for all its intakes.
CLINICAL_FIELDS = (
    *SYMPTOM_FIELDS,
    *CHANGE_FIELDS,
    *ALL_RED_FLAG_CODES,
    *ALL_RISK_FACTOR_CODES,
    *LIST_FIELDS,
    *LIFESTYLE_FIELDS,
    "notes",
)
_INTAKE_OWN_FIELDS: tuple[tuple[str, Any], ...] = (
    ("id", uuid.UUID),
    ("patient_id", uuid.UUID),
    ("status", str),
    ("version", int),
    ("revision", int),
    ("channel", str),
    ("entered_by_id", int),
    ("reported_on", dt.date),
    ("created_at", dt.datetime),
    ("updated_at", dt.datetime),
    ("submitted_at", dt.datetime | None),
    ("submitted_by_id", int | None),
    ("triage_level", str),
    ("rules_version", str),
    ("open_alert", int),
    ("reviewed_at", dt.datetime | None),
    ("reviewed_by_id", int | None),
    ("visit_id", object),  # the generated intakes are not for a booked visit
    ("furthest_step", int | None),
    # Neither imported through FHIR nor withdrawn.
    ("sender_context", object),
    ("withdrawn_at", object),
    ("withdrawn_by_id", object),
    ("withdrawn_reason", object),
    # Kept by triggers in the app (intake 0008, reports 0003), which COPY does not fire.
    ("summary_status", str),
    ("worklist_version", int),
)
# The columns of an intake neither imported through FHIR nor withdrawn.
NOT_IMPORTED_NOR_WITHDRAWN = dict.fromkeys(
    ("sender_context", "withdrawn_at", "withdrawn_by_id", "withdrawn_reason")
)
# Its fields are the intake's own, then CLINICAL_FIELDS.
IntakeRow = NamedTuple(
    "IntakeRow", [*_INTAKE_OWN_FIELDS, *((name, object) for name in CLINICAL_FIELDS)]
)


class MedicationRow(NamedTuple):
    id: int | None
    intake_id: uuid.UUID | None
    position: int
    name: str
    dose: str
    kind: str


class VaccinationRow(NamedTuple):
    id: int | None
    intake_id: uuid.UUID | None
    position: int
    name: str
    date: dt.date | None


class InjuryRow(NamedTuple):
    id: int | None
    intake_id: uuid.UUID | None
    position: int
    kind: str
    date: dt.date | None
    older_than_14_days: bool | None
    mechanism: str
    description: str


class IntakeVersionRow(NamedTuple):
    id: int
    intake_id: uuid.UUID
    number: int
    document: str  # JSON
    changed_paths: str  # JSON
    reason: str
    created_at: dt.datetime
    created_by_id: int | None


class AssessmentRow(NamedTuple):
    id: int
    intake_id: uuid.UUID
    intake_version: int
    level: str
    rules_version: str
    created_at: dt.datetime
    escalation_confirmed_at: dt.datetime | None
    escalation_confirmed_by_id: int | None


class FlagRow(NamedTuple):
    id: int | None
    assessment_id: int | None
    position: int
    code: str
    severity: str
    title: str
    source: str
    evidence: str  # JSON
    acknowledged_at: dt.datetime | None
    acknowledged_by_id: int | None
    acknowledgement_note: str


class SummaryRow(NamedTuple):
    id: int
    intake_id: uuid.UUID
    intake_version: int
    status: str
    rules_version: str
    content: str | None  # JSON
    pdf: str
    pdf_pages: int | None
    attempts: int
    refreshes: int
    failure_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    enqueued_at: dt.datetime
    ready_at: dt.datetime | None


Record = tuple[object, ...]  # any of the row types above
# Each record's table, parents before children (the order chunks are written in).
TABLES: dict[type[Record], type[models.Model]] = {
    PatientRow: Patient,
    IntakeRow: Intake,
    MedicationRow: Medication,
    VaccinationRow: Vaccination,
    InjuryRow: Injury,
    IntakeVersionRow: IntakeVersion,
    AssessmentRow: TriageAssessment,
    FlagRow: TriageFlag,
    SummaryRow: PreVisitSummary,
}
