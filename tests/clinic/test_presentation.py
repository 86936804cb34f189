"""Answers in words: a question that did not apply reads "Not applicable", never the red
"Not answered" of a question skipped."""

from __future__ import annotations

import pytest
from django.utils import translation

from clinic.presentation import answer_sections
from intake.questions import none_of
from tests.intake.factories import IntakeFactory

pytestmark = pytest.mark.django_db


def frequency(intake):
    symptoms = next(section for section in answer_sections(intake) if section.step == "symptoms")
    return next(answer for answer in symptoms.answers if answer.path == "symptoms.frequency")


def test_how_often_does_not_apply_to_numbness_there_all_the_time():
    answer = frequency(IntakeFactory(pattern="constant"))
    assert (answer.text, answer.answered) == ("Not applicable", True)


def test_how_often_skipped_for_numbness_that_comes_and_goes_is_not_answered():
    answer = frequency(IntakeFactory(pattern="comes_and_goes"))
    assert (answer.text, answer.answered) == ("Not answered", False)


@pytest.mark.parametrize(
    ("path", "spanish"),
    [("conditions", "Ninguna"), ("vaccinations", "Ninguna"), ("medications", "Ninguno")],
)
def test_none_agrees_with_what_is_listed_in_spanish(path, spanish):
    with translation.override("es"):
        assert none_of(path) == spanish
    assert none_of(path) == "None"
