"""The pool of intake variants, each made by the app's own code from a random document.

A variant is one document parsed (`parse_document`), triaged (`evaluate_triage`),
summarised (`build_summary_content`) and written onto an intake by `apply_document`, in a
transaction the pool rolls back: what is left is the exact column values, as templates
that each generated intake fills with its own ids, patient and day.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from bench.generate.documents import random_document
from bench.generate.rows import (
    CLINICAL_FIELDS,
    FlagRow,
    InjuryRow,
    IntakeRow,
    MedicationRow,
    VaccinationRow,
)
from bench.generate.templates import REFERENCE_DAY, JsonTemplate, slot
from intake.answers import apply_document
from intake.document import document_to_dict, parse_document
from intake.levels import Level
from intake.models import Intake, Patient
from reports.summary import build_summary_content
from triage.engine import TriageResult, evaluate_triage

_JSON_FIELDS = frozenset(
    f.name for f in Intake._meta.concrete_fields if isinstance(f, models.JSONField)
)


@dataclass(frozen=True, slots=True)
class Variant:
    """One stored intake's clinical content; the rows' ids and intake are filled per intake,
    their dates are on REFERENCE_DAY's scale."""

    document: dict[str, Any]  # canonical JSON form, placeholder patient
    triage: TriageResult
    intake: IntakeRow  # CLINICAL_FIELDS as apply_document set them (JSON as text), no more
    medications: tuple[MedicationRow, ...]
    vaccinations: tuple[VaccinationRow, ...]
    injuries: tuple[InjuryRow, ...]
    flags: tuple[FlagRow, ...]  # as record_triage stores them, not yet acknowledged
    document_template: JsonTemplate  # slot: patient
    content_template: JsonTemplate  # slots: patient, submitted_at

    @property
    def level(self) -> str:
        return self.triage.level


def make_variant(document: dict[str, Any]) -> Variant:
    """Triage, summarise and store `document` the app's way (rolled back by the caller)."""
    doc = parse_document(document, today=REFERENCE_DAY)
    triage = evaluate_triage(doc)
    content = build_summary_content(
        doc, triage, submitted_at=dt.datetime(2400, 1, 1, tzinfo=dt.UTC)
    )
    content.update(patient=slot("patient"), submitted_at=slot("submitted_at"))
    canonical = document_to_dict(doc)
    patient = Patient.objects.create(
        given_name="Pat", family_name="Placeholder", date_of_birth=dt.date(1970, 1, 1)
    )
    intake = Intake.objects.create(patient=patient)
    apply_document(intake, doc)
    return Variant(
        document=canonical,
        triage=triage,
        intake=IntakeRow(
            **{
                **dict.fromkeys(IntakeRow._fields),
                **{
                    name: json.dumps(getattr(intake, name))
                    if name in _JSON_FIELDS
                    else getattr(intake, name)
                    for name in CLINICAL_FIELDS
                },
            }
        ),
        medications=tuple(
            MedicationRow(
                id=None, intake_id=None, position=m.position, name=m.name, dose=m.dose, kind=m.kind
            )
            for m in intake.medications.order_by("position")
        ),
        vaccinations=tuple(
            VaccinationRow(id=None, intake_id=None, position=v.position, name=v.name, date=v.date)
            for v in intake.vaccinations.order_by("position")
        ),
        injuries=tuple(
            InjuryRow(
                id=None,
                intake_id=None,
                position=i.position,
                kind=i.kind,
                date=i.date,
                older_than_14_days=i.older_than_14_days,
                mechanism=i.mechanism,
                description=i.description,
            )
            for i in intake.injuries.order_by("position")
        ),
        flags=tuple(
            FlagRow(
                id=None,
                assessment_id=None,
                position=position,
                code=flag.code,
                severity=flag.severity,
                title=flag.title,
                source=flag.source,
                evidence=json.dumps(list(flag.evidence)),
                acknowledged_at=None,
                acknowledged_by_id=None,
                acknowledgement_note="",
            )
            for position, flag in enumerate(triage.flags)
        ),
        document_template=JsonTemplate.of({**canonical, "patient": slot("patient")}, ["patient"]),
        content_template=JsonTemplate.of(content, ["patient", "submitted_at"]),
    )


def variant_pool(size: int, rng: random.Random) -> dict[str, list[Variant]]:
    """About `size` distinct variants, by level (15 % emergency, 25 % urgent, 60 % routine
    of the pool: diversity, not the data mix). Leaves no rows behind."""
    wanted = {
        Level.EMERGENCY: max(3, size * 15 // 100),
        Level.URGENT: max(3, size // 4),
        Level.ROUTINE: max(3, size * 6 // 10),
    }
    pool: dict[str, list[Variant]] = {level: [] for level in Level.values}
    with transaction.atomic():
        for level, count in wanted.items():
            while len(pool[level]) < count:
                document = random_document(rng, level)
                if evaluate_triage(parse_document(document, today=REFERENCE_DAY)).level == level:
                    pool[level].append(make_variant(document))
        transaction.set_rollback(True)
    return pool
