"""Name search with a typo, the same on SQLite and PostgreSQL: each word one edit away
(two for 8 letters or more), found through the table of name words, exact matches never
buried among look-alikes (issue 16, item 6)."""

from __future__ import annotations

import pytest

from clinic.clinician.worklist import WorklistFilters, worklist_page
from intake.services import find_patients
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
    assert found("Jonh Smith") == ["John Smith"]  # two letters swapped
    assert found("Maria Gracia") == ["Maria Garcia", "Mario Gracias"]
    assert found("smith") == ["Joan Smithers", "John Smith"]  # a whole word: every match


def test_exact_matches_are_not_buried_among_look_alikes(front_desk):
    for family in ("Nelson", "Nelsen", "Nelsson"):
        submit("routine", by=front_desk, given="Susan", family=family)
    assert found("Susan Nelson") == ["Susan Nelson"]  # as typed: no look-alikes needed
    assert found("Susan Nelsn") == ["Susan Nelsen", "Susan Nelson"]  # Nelsson: two edits
    assert found("Susan Nelosn") == ["Susan Nelson"]


def test_the_desk_finds_each_kind_of_typo_and_two_in_a_long_word(front_desk):
    for given, family in [("Maria", "Lopez"), ("Christopher", "Kowalski"), ("Li", "Wei")]:
        submit("routine", by=front_desk, given=given, family=family)
    desk = lambda query: sorted(p.full_name for p in find_patients(query))  # noqa: E731
    assert desk("Maria Lopes") == ["Maria Lopez"]  # a letter wrong
    assert desk("Mria Lopez") == ["Maria Lopez"]  # a letter missing
    assert desk("Marija Lopez") == ["Maria Lopez"]  # a letter extra
    assert desk("Mraia Lopez") == ["Maria Lopez"]  # two neighbouring letters swapped
    assert desk("Christofer Kowalski") == ["Christopher Kowalski"]  # two edits, 10 letters
    assert desk("Mraia Lopse") == []  # "lopse" is two edits from "lopez": too many for 5
    assert desk("Marx Lopez") == []  # ...but not two in a short word
    assert desk("Li Wei") == ["Li Wei"]
