"""The generator's pieces that stand in for the app's slower functions, against them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import uuid

import pytest
from django.db import transaction

from bench.generate.bulk import Table
from bench.generate.intakes import build_chunk
from bench.generate.patients import (
    ANY_DOCUMENT,
    Person,
    document_patient_json,
    patient_row,
)
from bench.generate.plan import Mix, Plan
from bench.generate.rows import TABLES, MedicationRow
from intake.answers import apply_patient
from intake.document import Patient as PatientAnswers
from intake.document import document_to_dict
from intake.models import Patient, Vaccination
from intake.services import search_name_of


def answers(mrn: str, phone: str, email: str) -> dict[str, object]:
    return {
        "mrn": mrn,
        "given_name": "Zoë",
        "family_name": "O'Brien",
        "date_of_birth": dt.date(1961, 2, 28),
        "sex": "female",
        "phone": phone,
        "email": email,
        "preferred_language": "es",
    }


SHAPES = list(itertools.product(("", "B00000042"), ("", "+1 555 010 0199"), ("", "z@example.org")))


@pytest.mark.parametrize(("mrn", "phone", "email"), SHAPES)
def test_the_documents_patient_object_is_document_to_dicts(mrn, phone, email):
    given = answers(mrn, phone, email)
    document = dataclasses.replace(ANY_DOCUMENT, patient=PatientAnswers(**given))
    assert json.loads(document_patient_json(given)) == document_to_dict(document)["patient"]
    # The same keys in the same order: the stored JSON text is what the app writes.
    assert document_patient_json(given) == json.dumps(
        document_to_dict(document)["patient"], ensure_ascii=False
    )


@pytest.mark.parametrize("mrn", ["", "B00000042"])
def test_the_patient_row_is_what_apply_patient_stores(mrn):
    given = answers(mrn, "", "z@example.org")
    person = Person(id=uuid.uuid4(), answers=PatientAnswers(**given), document_json="")
    joined = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    row = patient_row(person, search_name_of("Zoë", "O'Brien"), joined)
    patient = Patient(id=person.id)
    apply_patient(patient, dataclasses.replace(ANY_DOCUMENT, patient=person.answers))
    assert row._asdict() == {
        **{f.attname: getattr(patient, f.attname) for f in Patient._meta.concrete_fields},
        "search_name": "zoe o'brien",
        "created_at": joined,
        "updated_at": joined,
    }
    assert (row.mrn is None) == (mrn == "")  # the MRN constraint: NULL, never ""


def test_every_table_has_a_record_with_its_columns_and_a_mismatch_is_refused():
    for record, model in TABLES.items():
        assert set(record._fields) == {f.attname for f in model._meta.concrete_fields}
    with pytest.raises(RuntimeError, match="does not match"):
        Table(MedicationRow, Vaccination)


@pytest.mark.django_db
def test_a_chunk_depends_on_the_plan_alone():
    with transaction.atomic():
        plan = Plan.make(60, 3, Mix(), 20, dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
        transaction.set_rollback(True)
    first, again = build_chunk(plan, 20, 40), build_chunk(plan, 20, 40)
    assert first.rows == again.rows
    assert first.stats == again.stats
    assert build_chunk(plan, 0, 20).rows != first.rows
