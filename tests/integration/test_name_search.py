"""Name search with a typo on PostgreSQL: forgiving enough to find the patient, strict
enough not to bury them among look-alikes (the trigram threshold in config/settings.py)."""

from __future__ import annotations

import pytest

from clinic.clinician.worklist import WorklistFilters, worklist_page
from tests.triage.clinic import submit

pytestmark = pytest.mark.django_db


def found(query: str) -> list[str]:
    page = worklist_page(WorklistFilters(query=query))
    return sorted(f"{row.patient.given_name} {row.patient.family_name}" for row in page.rows)


def test_a_misspelt_full_name_finds_the_patient_and_not_the_look_alikes(front_desk):
    for given, family in [
        ("John", "Smith"),
        ("Joan", "Smithers"),
        ("Maria", "Garcia"),
        ("Maria", "Lopez"),
        ("Mario", "Gracias"),
    ]:
        submit("routine", by=front_desk, given=given, family=family)
    # pg_trgm's default threshold (0.3) also listed Joan Smithers and Maria Lopez.
    assert found("Jonh Smith") == ["John Smith"]
    assert found("Maria Gracia") == ["Maria Garcia", "Mario Gracias"]
    assert found("smith") == ["Joan Smithers", "John Smith"]  # a whole word: every match


def test_exact_matches_are_not_buried_among_look_alikes(front_desk):
    for family in ("Nelson", "Nelsen", "Nelsson"):
        submit("routine", by=front_desk, given="Susan", family=family)
    assert found("Susan Nelson") == ["Susan Nelson"]  # as typed: no look-alikes needed
    assert found("Susan Nelsn") == ["Susan Nelsen", "Susan Nelson", "Susan Nelsson"]
