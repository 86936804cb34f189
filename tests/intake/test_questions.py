"""The questionnaire's words: every question, option and reason has Spanish words."""

import pytest
from django.utils import translation

from intake.levels import Level, level_meaning
from intake.questions import (
    FREQUENCY_DOES_NOT_APPLY,
    OPTION_LABELS,
    QUESTIONS,
    REASON_LABELS,
    RECENTLY_MEANS,
)

# Written the same in both languages (names of languages are written in their own).
SAME_IN_SPANISH = {"English", "Español", "Diabetes", "Prediabetes", "Lupus"}
WORDS = {
    **{f"question {path}": words for path, words in QUESTIONS.items()},
    **{f"option {code}": words for code, words in OPTION_LABELS.items()},
    **{f"reason {path}": words for path, words in REASON_LABELS.items()},
    "recently means": RECENTLY_MEANS,
    "frequency does not apply": FREQUENCY_DOES_NOT_APPLY,
}


def in_language(words, language: str) -> str:
    with translation.override(language):
        return str(words)


@pytest.mark.parametrize("name", sorted(WORDS))
def test_every_question_option_and_reason_has_spanish_words(name):
    english, spanish = in_language(WORDS[name], "en"), in_language(WORDS[name], "es")
    assert spanish != english or english in SAME_IN_SPANISH, name


@pytest.mark.parametrize("level", list(Level))
def test_every_level_says_what_to_do_in_spanish_too(level, settings):
    settings.CLINIC_HOURS = {"en": "9 to 5", "es": "de 9 a 17"}
    for to_patient in (False, True):
        with translation.override("es"):
            spanish = level_meaning(level, to_patient=to_patient)
        with translation.override("en"):
            english = level_meaning(level, to_patient=to_patient)
        assert spanish and english and spanish != english
        assert ("de 9 a 17" in spanish) == ("9 to 5" in english)


def test_the_urgent_level_names_the_clinics_phone_and_hours(settings):
    settings.CLINIC_PHONE = "(555) 987-6543"
    settings.CLINIC_HOURS = {"en": "weekdays 8-4", "es": "entre semana 8-16"}
    to_patient = level_meaning(Level.URGENT, to_patient=True)
    assert "(555) 987-6543" in to_patient and "weekdays 8-4" in to_patient
    assert "urgent care" in to_patient and "911" in to_patient
    assert "weekdays 8-4" in level_meaning(Level.URGENT)
    assert "911" in level_meaning(Level.EMERGENCY, to_patient=True)
    assert level_meaning("unknown") == ""
