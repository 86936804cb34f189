"""The summary content builder: pure, run on every vignette and on targeted documents."""

import json
from pathlib import Path

import pytest
from django.utils import translation

from intake.document import parse_document
from reports.summary import NOTICE, build_summary_content, duration_words, reason_for_visit
from tests.builders import DELETE, VIGNETTES, days_before, document, load_vignette
from triage.engine import TriageResult, evaluate_triage
from triage.rules import RULES

# Benign positional, no urgent or emergency flag, not persistent or frequent (§3, 2026.12.1):
# the statement now stands beside any test a condition or a medicine still suggests.
POSITIONAL_VIGNETTES = {
    "01-positional-transient",
    "07-radiating-back-pain-old-disc",
    "10-hypothyroid",
    "18-sudden-positional-foot-television-es",
}


def _summary_of(path: Path) -> dict:
    doc = parse_document(load_vignette(path)["document"])
    return build_summary_content(doc, evaluate_triage(doc))


@pytest.fixture(params=VIGNETTES, ids=[path.stem for path in VIGNETTES])
def vignette(request: pytest.FixtureRequest) -> tuple[str, dict, dict]:
    path = request.param
    return path.stem, load_vignette(path), _summary_of(path)


def test_red_flags_are_emergency_then_urgent_in_rule_order(vignette):
    _, data, content = vignette
    codes = [flag["code"] for flag in content["red_flags"]]
    emergency_first = sorted(
        codes, key=lambda code: ({"emergency": 0, "urgent": 1}[_severity(code)], _rank(code))
    )
    assert codes == emergency_first
    assert {flag["severity"] for flag in content["red_flags"]} <= {"emergency", "urgent"}
    assert {flag["severity"] for flag in content["attention"]} <= {"attention"}
    all_flags = sorted(codes + [flag["code"] for flag in content["attention"]])
    assert all_flags == sorted(data["reference"]["flags"])


def test_every_suggestion_has_reasons_and_matches_the_reference(vignette):
    _, data, content = vignette
    assert all(test["reasons"] for test in content["suggested_tests"])
    codes = sorted(test["code"] for test in content["suggested_tests"])
    assert codes == sorted(data["reference"]["suggested_tests"])  # no trigger, no suggestion


def test_positional_benign_only_for_the_positional_vignettes(vignette):
    name, data, content = vignette
    if name in POSITIONAL_VIGNETTES:
        codes = sorted(test["code"] for test in content["suggested_tests"])
        assert codes == sorted(data["reference"]["suggested_tests"])  # it removes nothing
        assert "is consistent with pressure on a nerve" in content["positional_benign"]["statement"]
        assert "No tests are suggested" not in content["positional_benign"]["statement"]
        assert "it persists or comes back often" in content["positional_benign"]["come_back_if"]
        assert content["positional_benign"]["call_911_if"].startswith("Call 911")
    else:
        assert content["positional_benign"] is None


def test_reason_for_visit_names_the_side_and_locations(vignette):
    _, data, content = vignette
    symptoms = data["document"]["symptoms"]
    sentence = content["reason_for_visit"]
    assert symptoms["sides"] in sentence
    assert all(location in sentence for location in symptoms["locations"])
    assert sentence.startswith("Numbness or tingling in the ")
    assert sentence.endswith(f"severity {symptoms['severity']}/10 now.")


def test_content_is_json_serialisable_and_complete(vignette):
    _, data, content = vignette
    assert json.loads(json.dumps(content)) == content
    assert content["notice"] == NOTICE
    assert (
        content["rules_version"] == evaluate_triage(parse_document(data["document"])).rules_version
    )
    assert content["level"] == data["reference"]["level"]


def _severity(code: str) -> str:
    return next(rule.severity for rule in RULES if rule.code == code)


def _rank(code: str) -> int:
    return [rule.code for rule in RULES].index(code)


def test_red_flags_keep_rule_order_whatever_order_the_stored_flags_come_in():
    doc = document(
        {
            "red_flags.vision_problems": True,
            "red_flags.bladder_bowel_control_loss": True,
            "symptoms.associated": ["leg_weakness"],
            "symptoms.leg_changes": ["color"],
        }
    )
    triage = evaluate_triage(doc)
    shuffled = TriageResult(triage.level, tuple(reversed(triage.flags)), triage.rules_version)

    content = build_summary_content(doc, shuffled)

    assert [flag["code"] for flag in content["red_flags"]] == [
        "bladder_bowel_control_loss",
        "vision_problems",
        "leg_weakness",
        "leg_appearance_change",
        "possible_dvt",  # 2026.12.1: a legacy colour change may mean a red, swollen leg
    ]
    assert [flag["code"] for flag in content["attention"]] == ["accompanied_by_symptoms"]


def test_acknowledgements_are_carried_through():
    doc = document({"red_flags.slurred_speech": True, "symptoms.associated": ["anxiety"]})
    acknowledgements = {"slurred_speech": {"by": "Casey Lee", "at": "2026-11-20T10:15:00+00:00"}}

    content = build_summary_content(doc, evaluate_triage(doc), acknowledgements=acknowledgements)

    (flag,) = content["red_flags"]
    assert (flag["acknowledged"], flag["acknowledged_by"], flag["acknowledged_at"]) == (
        True,
        "Casey Lee",
        "2026-11-20T10:15:00+00:00",
    )
    (attention,) = content["attention"]
    assert (attention["acknowledged"], attention["acknowledged_by"]) == (False, None)


def test_flag_evidence_reads_as_question_and_answer():
    doc = document({"red_flags.bladder_bowel_control_loss": True})

    (flag,) = build_summary_content(doc, evaluate_triage(doc))["red_flags"]

    assert flag["evidence"] == ["red_flags.bladder_bowel_control_loss"]
    assert flag["evidence_words"] == ["Loss of bladder or bowel control: Yes"]


def test_the_call_911_list_is_every_emergency_flag():
    content = build_summary_content(document(), evaluate_triage(document()))

    call_911 = content["positional_benign"]["call_911_if"]
    emergencies = [rule.title for rule in RULES if rule.severity == "emergency"]
    assert call_911 == f"Call 911 for: {'; '.join(emergencies)}."
    assert "Signs of a blocked artery in the leg (pale or cold)" in call_911


def test_reason_for_visit_reads_as_one_sentence():
    doc = document(
        {
            "symptoms.duration_days": 10,
            "symptoms.frequency": "weekly",
            "symptoms.positional": False,
            "symptoms.relieved_by_moving": False,
            "symptoms.progression": "getting_worse",
            "symptoms.severity": 6,
        }
    )
    assert reason_for_visit(doc) == (
        "Numbness or tingling in the left calf for 10 days, came on gradually, comes and goes "
        "about once a week, getting worse; severity 6/10 now."
    )


def test_reason_for_visit_for_both_legs_and_a_constant_pattern():
    doc = document(
        {
            "symptoms.sides": "both",
            "symptoms.locations": ["foot", "toes"],
            "symptoms.onset": "sudden",
            "symptoms.pattern": "constant",
            "symptoms.frequency": None,
            "symptoms.positional": False,
            "symptoms.relieved_by_moving": False,
            "symptoms.progression": "spreading_upward",
        }
    )
    assert reason_for_visit(doc) == (
        "Numbness or tingling in the toes and foot of both legs for 1 day, started suddenly, "
        "there all the time, spreading up the leg; severity 2/10 now."
    )


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "since today"),
        (1, "for 1 day"),
        (13, "for 13 days"),
        (14, "for 2 weeks"),
        (30, "for about 4 weeks"),
        (59, "for about 8 weeks"),
        (60, "for 2 months"),
        (120, "for 4 months"),
        (200, "for about 7 months"),
        (364, "for about 12 months"),
        (365, "for 1 year"),
        (1000, "for about 3 years"),
    ],
    ids=lambda value: str(value),
)
def test_duration_in_natural_units(days, words):
    assert duration_words(days) == words


def test_timeline_is_dated_oldest_first_then_undated():
    doc = document(
        {
            "symptoms.duration_days": 30,
            "injuries": [
                {"kind": "broken_leg", "description": "ski fall"},
                {"kind": "back_injury", "date": days_before(60), "mechanism": "work"},
            ],
            "vaccinations": [{"name": "Influenza", "date": days_before(10)}],
            "treatments": ["chemotherapy"],
        }
    )

    events = build_summary_content(doc, evaluate_triage(doc))["timeline"]

    assert [(event["date"], event["event"]) for event in events] == [
        (days_before(60), "Back injury (at work)"),
        (days_before(30), "Numbness or tingling began (gradually)"),
        (days_before(10), "Vaccination: Influenza"),
        (None, "Broken leg"),
        (None, "Chemotherapy"),
    ]
    assert events[3]["detail"] == "ski fall"


def test_the_timeline_has_the_sudden_change_and_an_injury_more_than_two_weeks_ago():
    doc = document(
        {
            "symptoms.duration_days": 300,
            "symptoms.last_changed_days": 3,
            "injuries": [{"kind": "head_injury", "older_than_14_days": True}],
        }
    )

    events = build_summary_content(doc, evaluate_triage(doc))["timeline"]

    assert [(event["date"], event["event"]) for event in events] == [
        (days_before(300), "Numbness or tingling began (gradually)"),
        (days_before(3), "Suddenly changed or clearly got worse"),
        ("more than two weeks ago", "Head injury"),
    ]


def test_the_health_risks_are_each_answer_in_words_and_not_asked_when_absent():
    answered = document(
        {
            "risk_factors": {
                "fever": False, "injects_drugs": False, "immunosuppressed": True,
                "spinal_procedure_recent": False, "blood_thinner": True, "cancer_active": False,
            },
            "conditions": ["cancer"],
        }
    )  # fmt: skip
    older = document({"risk_factors": DELETE})

    risks = build_summary_content(answered, evaluate_triage(answered))["health_risks"]

    assert "Weakened immune system: Yes" in risks and "Takes a blood thinner: Yes" in risks
    assert "Fever or shaking chills in the last 2 weeks: No" in risks
    assert risks[-1] == "Cancer now: No"  # asked after cancer
    not_asked = build_summary_content(older, evaluate_triage(older))["health_risks"]
    assert len(not_asked) == 5 and all(risk.endswith(": Not asked") for risk in not_asked)


def test_patient_history_and_own_words_as_labels_and_text():
    doc = document(
        {
            "patient.mrn": "A-1",
            "medications": [
                {"name": "Omeprazole", "dose": "20 mg", "kind": "prescription"},
                {"name": "Vitamin B6"},
            ],
            "conditions": ["diabetes"],
            "exposures": ["heavy_metals"],
            "lifestyle": {"alcohol_drinks_per_week": 3, "diet": "vegan", "smoking": "former"},
            "symptoms.description": "Feels like pins",
            "notes": "Works nights",
        }
    )

    content = build_summary_content(doc, evaluate_triage(doc))

    assert content["patient"] == {
        "name": "Ana Lopez",
        "given_name": "Ana",
        "family_name": "Lopez",
        "age": 55,
        "sex": "Female",
        "mrn": "A-1",
        "date_of_birth": "1971-04-02",
        "preferred_language": "English",
    }
    assert content["medications"] == [
        {"name": "Omeprazole", "dose": "20 mg", "kind": "Prescription"},
        {"name": "Vitamin B6", "dose": "", "kind": None},
    ]
    assert content["conditions"] == ["Diabetes"]
    assert content["exposures"] == ["Heavy metals"]
    assert content["lifestyle"] == {
        "alcohol_drinks_per_week": 3,
        "diet": "Vegan",
        "smoking": "Used to smoke",
    }
    assert (content["description"], content["notes"]) == ("Feels like pins", "Works nights")


def test_first_line_tests_are_marked():
    doc = document({"symptoms.sides": "both", "symptoms.locations": ["toes"]})

    tests = build_summary_content(doc, evaluate_triage(doc))["suggested_tests"]

    first_line = {test["code"] for test in tests if test["first_line"]}
    assert first_line == {"vitamin_b12", "glucose_hba1c", "serum_protein_electrophoresis"}
    assert all("AAN 2009" in test["note"] for test in tests if test["first_line"])


def test_positional_benign_needs_no_red_flags_even_without_tests():
    doc = document({"symptoms.description": "I nearly fainted"})  # urgent, no tests

    content = build_summary_content(doc, evaluate_triage(doc))

    assert content["suggested_tests"] == []
    assert content["positional_benign"] is None


def test_diagram_regions_come_from_the_answers():
    doc = document({"symptoms.sides": "right", "symptoms.locations": ["shin", "buttock"]})

    diagram = build_summary_content(doc, evaluate_triage(doc))["diagram"]

    assert diagram == {
        "sides": "right",
        "locations": ["shin", "buttock"],
        "shaded": ["front-right-shin", "back-right-buttock"],
    }


def test_labels_stay_english_whatever_language_is_active():
    doc = document({"conditions": ["diabetes"]})

    with translation.override("es"):
        content = build_summary_content(doc, evaluate_triage(doc))

    assert content["patient"]["sex"] == "Female"
    assert content["conditions"] == ["Diabetes"]
