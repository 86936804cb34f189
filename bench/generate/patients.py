"""Patients: new ones drawn from the name tables, or one of the chunk's coming back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import uuid
from collections.abc import Mapping

from bench.generate.chunk import Chunk, Weighted
from bench.generate.documents import random_document
from bench.generate.names import given_name
from bench.generate.rows import PatientRow
from bench.generate.templates import REFERENCE_DAY
from intake.answers import PATIENT_FIELDS, apply_patient
from intake.document import Patient as PatientAnswers
from intake.document import codes, document_to_dict, parse_document
from intake.levels import Level
from intake.services import search_name_of

SEXES = Weighted(items=codes.SEXES, cumulative=(0.49, 0.98, 0.99, 1.0))
# Any document will do around a patient, for the app's functions that take a whole one.
ANY_DOCUMENT = parse_document(random_document(random.Random(0), Level.ROUTINE), today=REFERENCE_DAY)
_DOCUMENT_KEYS: dict[tuple[bool, ...], tuple[str, ...]] = {}


@dataclasses.dataclass(frozen=True, slots=True)
class Person:
    id: uuid.UUID
    answers: PatientAnswers  # the intake document's patient
    document_json: str  # its JSON form, as document_to_dict writes it


def document_patient_json(answers: Mapping[str, object]) -> str:
    """The document's `patient` object for these answers (by PatientAnswers' field names) as
    document_to_dict writes it: schema order, no empties. At a fraction of its cost: it runs
    once per shape of answers, not per patient."""
    shape = tuple(bool(value) for value in answers.values())
    keys = _DOCUMENT_KEYS.get(shape)
    if keys is None:
        patient = PatientAnswers(**answers)
        document = document_to_dict(dataclasses.replace(ANY_DOCUMENT, patient=patient))
        keys = _DOCUMENT_KEYS[shape] = tuple(document["patient"])
    return json.dumps(
        {key: answers[key] for key in keys}, ensure_ascii=False, default=dt.date.isoformat
    )


class _PatientColumns:
    """What apply_patient writes onto: a Patient model instance costs too much per row."""

    __slots__ = PATIENT_FIELDS


def patient_row(person: Person, search_name: str, joined: dt.datetime) -> PatientRow:
    """The Patient row apply_patient makes of the answers; `search_name` is search_name_of
    the names (made once: it is not cheap)."""
    columns = _PatientColumns()
    apply_patient(columns, dataclasses.replace(ANY_DOCUMENT, patient=person.answers))
    return PatientRow(
        id=person.id,
        **{name: getattr(columns, name) for name in PATIENT_FIELDS},
        search_name=search_name,
        created_at=joined,
        updated_at=joined,
    )


def person_for(chunk: Chunk, at: dt.datetime) -> Person:
    """The patient of an intake begun `at`: now and then one who came before."""
    rng, mix = chunk.rng, chunk.mix
    if chunk.people and rng.random() < mix.returning:
        return rng.choice(chunk.people)
    sex = chunk.pick(SEXES)
    female = sex == "female" or (sex != "male" and rng.random() < 0.5)
    given = given_name(rng, female=female)
    family = chunk.plan.surnames.draw(rng)
    born = (at - dt.timedelta(days=round(365.25 * rng.triangular(18, 95, 62)))).date()
    no_mrn = rng.random() < mix.no_mrn
    language = "es" if rng.random() < 0.12 else "en"
    phone = f"+1 555 {rng.randrange(1000):03d} {rng.randrange(10000):04d}"
    phone = phone if rng.random() < 0.85 else ""
    search_name = search_name_of(given, family)
    email = f"{search_name.replace(' ', '.').replace(chr(39), '')}@example.org"
    email = email if rng.random() < 0.5 else ""
    answers: dict[str, object] = {
        "mrn": "" if no_mrn else f"B{chunk.plan.existing + chunk.index:08d}",
        "given_name": given,
        "family_name": family,
        "date_of_birth": born,
        "sex": sex,
        "phone": phone,
        "email": email,
        "preferred_language": language,
    }
    person = Person(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        answers=PatientAnswers(**answers),
        document_json=document_patient_json(answers),
    )
    joined = at - dt.timedelta(minutes=rng.randint(5, 60))
    chunk.add(patient_row(person, search_name, joined))
    chunk.stats.patients += 1
    chunk.people.append(person)
    return person
