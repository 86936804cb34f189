"""Evidence paths in words: the question and the answer as people read them."""

import pytest

from intake.evidence import evidence_in_words
from reports.suggestions import suggest_tests
from tests.builders import DELETE, days_before, document
from triage.engine import evaluate_triage

CASES = [
    pytest.param(
        {"red_flags.bladder_bowel_control_loss": True},
        "red_flags.bladder_bowel_control_loss",
        ("Loss of bladder or bowel control", "Yes"),
        id="red-flag",
    ),
    pytest.param(
        {"medications": [{"name": "Aspirin"}, {"name": "Omeprazol", "dose": "20 mg"}]},
        "medications.1.name",
        ("Medication", "Omeprazol 20 mg"),
        id="medication-with-dose",
    ),
    pytest.param(
        {"medications": [{"name": "Pepcid AC 10 mg"}]},
        "medications.0.name",
        ("Medication", "Pepcid AC 10 mg"),
        id="medication-as-typed",
    ),
    pytest.param(
        {"injuries": [{"kind": "head_injury", "date": days_before(3), "mechanism": "fall"}]},
        "injuries.0.date",
        ("Injury", "Head injury, 2026-11-17, Fall"),
        id="injury",
    ),
    pytest.param(
        {"injuries": [{"kind": "back_injury", "older_than_14_days": True}]},
        "injuries.0.date",
        ("Injury", "Back injury, more than two weeks ago"),
        id="injury-more-than-two-weeks-ago",
    ),
    pytest.param(
        {"vaccinations": [{"name": "Influenza", "date": days_before(10)}]},
        "vaccinations.0.date",
        ("Vaccination", "Influenza, 2026-11-10"),
        id="vaccination",
    ),
    pytest.param(
        {"symptoms.last_changed_days": 3},
        "symptoms.last_changed_days",
        ("Suddenly changed or clearly got worse", "3 days ago"),
        id="last-changed-days",
    ),
    pytest.param(
        {"symptoms.last_changed_days": DELETE},
        "symptoms.last_changed_days",
        ("Suddenly changed or clearly got worse", "Not asked"),
        id="last-changed-not-asked",
    ),
    pytest.param(
        {},
        "symptoms.last_changed_days",
        ("Suddenly changed or clearly got worse", "It has not"),
        id="last-changed-null",
    ),
    pytest.param(
        {"red_flags.urinary_difficulty": DELETE},
        "red_flags.urinary_difficulty",
        ("New difficulty passing urine or less feeling", "Not asked"),
        id="red-flag-not-asked",
    ),
    pytest.param(
        {"risk_factors.fever": True},
        "risk_factors.fever",
        ("Fever or shaking chills in the last 2 weeks", "Yes"),
        id="risk-factor",
    ),
    pytest.param(
        {"symptoms.leg_changes": ["pale_or_blue", "cold"]},
        "symptoms.leg_changes",
        ("Has the leg changed?",
         "Paler or bluer than the other leg, Colder than the other leg"),
        id="ticked-codes",
    ),
    pytest.param(
        {},
        "symptoms.sides",
        ("Which leg is numb or tingling?", "Left leg"),
        id="one-choice",
    ),
    pytest.param(
        {"symptoms.duration_days": 30},
        "symptoms.duration_days",
        ("How many days ago did you first notice it? (0 = today)", "30 days ago"),
        id="duration",
    ),
    pytest.param(
        {"symptoms.positional": False},
        "injuries",
        ("Injuries", "None"),
        id="no-injuries",
    ),
    pytest.param(
        {},
        'notes: "No bladder problems"',
        ("Anything else the clinician should know", '"No bladder problems"'),
        id="free-text-quote",
    ),
    pytest.param(
        {"injuries": [{"kind": "other", "description": "Perdí el conocimiento"}]},
        'injuries.0.description: "Perdí el conocimiento"',
        ("Injury described", '"Perdí el conocimiento"'),
        id="injury-description-quote",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("answers", "evidence", "words"), CASES)
def test_evidence_in_words(answers, evidence, words):
    assert evidence_in_words(document(answers), evidence) == words


def test_every_flag_and_suggestion_of_a_busy_document_has_words_for_its_evidence():
    doc = document(
        {
            "symptoms.associated": ["back_pain", "leg_weakness"],
            "symptoms.sides": "both",
            "symptoms.progression": "spreading_upward",
            "symptoms.description": "I can't walk and I wet myself",
            "red_flags.urinary_difficulty": True,
            "risk_factors.blood_thinner": True,
            "medications": [{"name": "Xarelto", "dose": "20 mg"}],
            "conditions": ["cancer", "diabetes"],
            "injuries": [{"kind": "head_injury"}],
        }
    )
    triage = evaluate_triage(doc)
    evidence = [path for flag in triage.flags for path in flag.evidence] + [
        path
        for suggestion in suggest_tests(doc, triage)
        for reason in suggestion.reasons
        for path in reason.evidence
    ]

    words = [evidence_in_words(doc, path) for path in evidence]

    assert len(evidence) > 20
    assert all(question and answer for question, answer in words)
