"""The typo-tolerant name search's parts: the edit distance, the deletions, the table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake import name_words
from intake.models import NameWordVariant
from intake.name_words import deletions, distance, variants_to_store

# Typed words are corrected from 3 letters, stored ones kept from 2 (intake/name_words.py).
typed_words = st.text(alphabet="abcdehjlmnorst", min_size=3, max_size=11)
stored_words = st.text(alphabet="abcdehjlmnorst", min_size=2, max_size=11)


@pytest.mark.parametrize(
    ("typed", "stored", "edits"),
    [
        ("jonh", "john", 1),  # swapped
        ("lopes", "lopez", 1),  # wrong
        ("mria", "maria", 1),  # missing
        ("marija", "maria", 1),  # extra
        ("nelosn", "nelson", 1),
        ("christofer", "christopher", 2),
        ("smith", "smithers", 3),
        ("maria", "maria", 0),
    ],
)
def test_the_distance_counts_each_kind_of_typo_as_one(typed, stored, edits):
    assert distance(typed, stored) == edits == distance(stored, typed)


@given(typed_words, stored_words)
def test_words_within_the_tolerance_always_share_a_looked_up_deletion(typed, stored):
    if distance(typed, stored) <= name_words.tolerance(typed):
        looked_up = deletions(typed, name_words.tolerance(typed))
        assert looked_up & variants_to_store(stored)


def test_the_table_keeps_each_word_once_and_corrects_only_within_the_tolerance(db):
    name_words.remember(["john smith", "joan smithers", "john smith"])
    assert set(NameWordVariant.objects.values_list("word", flat=True).distinct()) == {
        "john",
        "smith",
        "joan",
        "smithers",
    }
    assert name_words.corrected(["jonh", "smith"]) == [["john"], ["smith"]]
    assert name_words.corrected(["jxyz"]) is None
    assert name_words.corrected(["jo"]) is None  # nothing long enough to correct
