"""Intakes: each one a variant (amended now and then into another) with its own patient,
times and review, and its versions' documents, triage and summaries."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import NamedTuple

from bench.generate.assessments import add_assessment
from bench.generate.chunk import Chunk, Weighted
from bench.generate.patients import Person, person_for
from bench.generate.plan import Plan, amended_level, draw_level, newest_level
from bench.generate.rows import (
    NOT_IMPORTED_NOR_WITHDRAWN,
    TABLES,
    FlagRow,
    InjuryRow,
    IntakeVersionRow,
    MedicationRow,
    VaccinationRow,
)
from bench.generate.summaries import add_summary
from bench.generate.templates import moved
from bench.generate.variants import Variant
from intake.models import PATIENT_CHANNELS, Intake
from intake.services import changed_paths
from triage.services import open_alert_rank

CHANNELS = Weighted(items=tuple(Intake.Channel.values), cumulative=(0.6, 0.8, 0.95, 1.0))
# Patients submit their own tablet and link intakes: no staff member is recorded.
AMEND_REASONS = (
    "Patient corrected the duration.",
    "Medication list updated at the desk.",
    "Patient remembered an earlier injury.",
    "Severity re-rated with the nurse.",
)


class Version(NamedTuple):
    variant: Variant
    at: dt.datetime
    author: int | None
    reason: str
    changed_paths: str  # JSON


def build_chunk(plan: Plan, start: int, end: int) -> Chunk:
    """Intakes [start, end) and everything they own, in rows by table."""
    chunk = Chunk(plan, start)
    for index in range(start, end):
        chunk.index = index
        add_intake(chunk)
    chunk.stats.intakes = end - start
    chunk.stats.rows = {
        TABLES[record]._meta.db_table: len(rows) for record, rows in chunk.rows.items()
    }
    return chunk


def add_intake(chunk: Chunk) -> None:
    """Intake `chunk.index`, a draft now and then, with everything it owns."""
    rng, mix, plan, index = chunk.rng, chunk.mix, chunk.plan, chunk.index
    submitted = chunk.begin + chunk.step * (index + rng.random())
    created = submitted - dt.timedelta(minutes=rng.uniform(3, 30))
    day = created.astimezone(chunk.zone).date()  # reported_on: the day the intake began
    level = newest_level(index) if index >= plan.open_from else draw_level(rng, mix)
    variant = rng.choice(plan.pool[level])
    person = person_for(chunk, created)
    channel = chunk.pick(CHANNELS)
    desk = rng.choice(plan.desk)
    submitter = None if channel in PATIENT_CHANNELS else desk
    intake_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    if rng.random() < mix.drafts:
        add_answer_rows(chunk, intake_id, variant, day)
        chunk.add(
            variant.intake._replace(
                id=intake_id,
                patient_id=person.id,
                status=Intake.Status.DRAFT,
                version=0,
                revision=rng.randint(1, 6),
                channel=channel,
                entered_by_id=desk,
                reported_on=day,
                created_at=created,
                updated_at=created,
                submitted_at=None,
                submitted_by_id=None,
                triage_level="",
                rules_version="",
                open_alert=open_alert_rank(()),
                reviewed_at=None,
                reviewed_by_id=None,
                visit_id=None,
                furthest_step=None,
                **NOT_IMPORTED_NOR_WITHDRAWN,
                summary_status="",
                worklist_version=1,
            )
        )
        return
    versions = [
        Version(variant=variant, at=submitted, author=submitter, reason="", changed_paths="[]")
    ]
    if index < plan.open_from and rng.random() < mix.amended:  # the newest: as drawn
        first = variant
        variant = rng.choice(plan.pool[amended_level(rng, mix)])
        amended = chunk.later(submitted, 60, 2880)
        changed = json.dumps(changed_paths(first.document, variant.document))
        reason = rng.choice(AMEND_REASONS)
        versions.append(
            Version(variant=variant, at=amended, author=desk, reason=reason, changed_paths=changed)
        )
    add_answer_rows(chunk, intake_id, variant, day)  # the current version's answers
    last = versions[-1].at
    reviewed = None if index >= plan.active_from else chunk.later(last, 15, 4320)
    reviewer = rng.choice(plan.clinicians)
    flags = add_versions(chunk, intake_id, person, day, versions, reviewed, reviewer)
    chunk.stats.levels[variant.level] = chunk.stats.levels.get(variant.level, 0) + 1
    chunk.add(
        variant.intake._replace(
            id=intake_id,
            patient_id=person.id,
            status=Intake.Status.AMENDED if len(versions) > 1 else Intake.Status.SUBMITTED,
            version=len(versions),
            revision=len(versions) + rng.randint(1, 6),
            channel=channel,
            entered_by_id=desk,
            reported_on=day,
            created_at=created,
            updated_at=max(reviewed or last, last),
            submitted_at=submitted,
            submitted_by_id=submitter,
            triage_level=variant.level,
            rules_version=variant.triage.rules_version,
            open_alert=open_alert_rank(flags),
            reviewed_at=reviewed,
            reviewed_by_id=reviewer if reviewed else None,
            visit_id=None,
            furthest_step=None,
            **NOT_IMPORTED_NOR_WITHDRAWN,
            summary_status=plan.summary_status(index, current=True),
            worklist_version=1,
        )
    )


def add_versions(
    chunk: Chunk,
    intake_id: uuid.UUID,
    person: Person,
    day: dt.date,
    versions: list[Version],
    reviewed: dt.datetime | None,
    reviewer: int,
) -> list[FlagRow]:
    """Each version's document, triage and summary; returns the current version's flags."""
    flags: list[FlagRow] = []
    first_flag = 0
    for number, version in enumerate(versions, start=1):
        current = number == len(versions)
        # An earlier version was read (and its flags acknowledged) before it was amended.
        read = reviewed if current else chunk.later(version.at, 5, 50)
        chunk.add(
            IntakeVersionRow(
                id=chunk.ident(IntakeVersionRow, number - 1),
                intake_id=intake_id,
                number=number,
                document=version.variant.document_template.fill(day, patient=person.document_json),
                changed_paths=version.changed_paths,
                reason=version.reason,
                created_at=version.at,
                created_by_id=version.author,
            )
        )
        flags = add_assessment(
            chunk,
            intake_id=intake_id,
            number=number,
            variant=version.variant,
            at=version.at,
            read=read,
            reader=reviewer,
            first_flag=first_flag,
        )
        add_summary(
            chunk,
            intake_id=intake_id,
            number=number,
            variant=version.variant,
            person=person,
            day=day,
            at=version.at,
            status=chunk.plan.summary_status(chunk.index, current=current),
        )
        first_flag += len(flags)
    return flags


def add_answer_rows(chunk: Chunk, intake_id: uuid.UUID, variant: Variant, day: dt.date) -> None:
    """The intake's medications, vaccinations and injuries, dated from its own day."""
    for medication in variant.medications:
        chunk.add(
            medication._replace(
                id=chunk.ident(MedicationRow, medication.position), intake_id=intake_id
            )
        )
    for vaccination in variant.vaccinations:
        chunk.add(
            vaccination._replace(
                id=chunk.ident(VaccinationRow, vaccination.position),
                intake_id=intake_id,
                date=moved(vaccination.date, day),
            )
        )
    for injury in variant.injuries:
        chunk.add(
            injury._replace(
                id=chunk.ident(InjuryRow, injury.position),
                intake_id=intake_id,
                date=moved(injury.date, day),
            )
        )
