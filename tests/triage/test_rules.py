import datetime as dt

import pytest

from tests.builders import days_before, document
from triage.engine import evaluate_triage
from triage.rules import (
    RULES,
    distal_symmetric_pattern,
    free_text_red_flag_matches,
    within_days,
)

# Spec §2, in order: the table is a public contract.
SPEC_FLAGS = [
    ("recent_injury", "emergency"),
    ("cannot_move_or_walk", "emergency"),
    ("bladder_bowel_control_loss", "emergency"),
    ("saddle_numbness", "emergency"),
    ("confusion", "emergency"),
    ("loss_of_consciousness", "emergency"),
    ("slurred_speech", "emergency"),
    ("vision_problems", "emergency"),
    ("face_arm_weakness", "emergency"),
    ("breathing_swallowing_difficulty", "emergency"),
    ("leg_weakness", "urgent"),
    ("sudden_onset", "urgent"),
    ("leg_appearance_change", "urgent"),
    ("spreading_upward", "urgent"),
    ("cancer_with_back_pain", "urgent"),
    ("free_text_red_flag", "urgent"),
    ("persistent_or_frequent", "attention"),
    ("accompanied_by_symptoms", "attention"),
    ("no_apparent_cause", "attention"),
    ("dizziness_rash_cramps", "attention"),
    ("recent_vaccination", "attention"),
    ("neurotoxic_treatment", "attention"),
]
RED_FLAGS = [
    "head_back_neck_injury",
    "cannot_move_or_walk",
    "bladder_bowel_control_loss",
    "saddle_numbness",
    "confusion",
    "loss_of_consciousness",
    "slurred_speech",
    "vision_problems",
    "face_arm_weakness",
    "breathing_swallowing_difficulty",
]
FREE_TEXT_TERMS = [
    "bladder",
    "bowel",
    "incontinen",
    "can't walk",
    "cannot walk",
    "unable to walk",
    "slurred",
    "confus",
    "faint",
    "passed out",
    "unconscious",
    "vision",
    "blind",
    "groin",
    "saddle",
]
NOT_POSITIONAL = {"symptoms.positional": False}
INJURY_DATE = ("injuries.0.date",)

# (flag code, case id, answers changed on the benign document, expected evidence; () = silent)
FLAG_CASES = [
    (
        "recent_injury",
        "red-flag-yes",
        {"red_flags.head_back_neck_injury": True},
        ("red_flags.head_back_neck_injury",),
    ),
    (
        "recent_injury",
        "back-injury-14-days",
        {"injuries": [{"kind": "back_injury", "date": days_before(14)}]},
        INJURY_DATE,
    ),
    (
        "recent_injury",
        "back-injury-15-days",
        {"injuries": [{"kind": "back_injury", "date": days_before(15)}]},
        (),
    ),
    (
        "recent_injury",
        "head-injury-today",
        {"injuries": [{"kind": "head_injury", "date": days_before(0)}]},
        INJURY_DATE,
    ),
    (
        "recent_injury",
        "neck-injury-15-days",
        {"injuries": [{"kind": "neck_injury", "date": days_before(15)}]},
        (),
    ),
    (
        "recent_injury",
        "dated-after-reported-on",
        {"injuries": [{"kind": "neck_injury", "date": days_before(-3)}]},
        INJURY_DATE,
    ),
    (
        "recent_injury",
        "undated",
        {"injuries": [{"kind": "back_injury"}]},
        ("injuries.0.date (not given)",),
    ),
    (
        "recent_injury",
        "broken-leg-yesterday",
        {"injuries": [{"kind": "broken_leg", "date": days_before(1)}]},
        (),
    ),
    (
        "recent_injury",
        "herniated-disc-yesterday",
        {"injuries": [{"kind": "herniated_disc", "date": days_before(1)}]},
        (),
    ),
    (
        "recent_injury",
        "second-of-two",
        {
            "injuries": [
                {"kind": "other", "date": days_before(1)},
                {"kind": "head_injury", "date": days_before(2)},
            ]
        },
        ("injuries.1.date",),
    ),
    (
        "recent_injury",
        "red-flag-and-dated",
        {
            "red_flags.head_back_neck_injury": True,
            "injuries": [{"kind": "back_injury", "date": days_before(2)}],
        },
        ("red_flags.head_back_neck_injury", "injuries.0.date"),
    ),
    *[
        (code, "answered-yes", {f"red_flags.{code}": True}, (f"red_flags.{code}",))
        for code in RED_FLAGS[1:]
    ],
    *[(code, "answered-no", {}, ()) for code in RED_FLAGS[1:]],
    (
        "leg_weakness",
        "ticked",
        {"symptoms.associated": ["leg_pain", "leg_weakness"]},
        ("symptoms.associated",),
    ),
    ("leg_weakness", "other-symptom-ticked", {"symptoms.associated": ["leg_pain"]}, ()),
    (
        "sudden_onset",
        "7-days",
        {"symptoms.onset": "sudden", "symptoms.duration_days": 7},
        ("symptoms.onset", "symptoms.duration_days"),
    ),
    (
        "sudden_onset",
        "today",
        {"symptoms.onset": "sudden", "symptoms.duration_days": 0},
        ("symptoms.onset", "symptoms.duration_days"),
    ),
    ("sudden_onset", "8-days", {"symptoms.onset": "sudden", "symptoms.duration_days": 8}, ()),
    ("sudden_onset", "gradual", {"symptoms.onset": "gradual", "symptoms.duration_days": 2}, ()),
    (
        "leg_appearance_change",
        "shape",
        {"symptoms.leg_changes": ["shape"]},
        ("symptoms.leg_changes",),
    ),
    ("leg_appearance_change", "none", {"symptoms.leg_changes": []}, ()),
    (
        "spreading_upward",
        "spreading",
        {"symptoms.progression": "spreading_upward"},
        ("symptoms.progression",),
    ),
    ("spreading_upward", "getting-worse", {"symptoms.progression": "getting_worse"}, ()),
    (
        "cancer_with_back_pain",
        "back-pain",
        {"conditions": ["cancer"], "symptoms.associated": ["back_pain"]},
        ("conditions", "symptoms.associated"),
    ),
    (
        "cancer_with_back_pain",
        "radiating",
        {
            "conditions": ["diabetes", "cancer"],
            "symptoms.associated": ["back_pain_radiating_down_leg"],
        },
        ("conditions", "symptoms.associated"),
    ),
    (
        "cancer_with_back_pain",
        "cancer-leg-pain",
        {"conditions": ["cancer"], "symptoms.associated": ["leg_pain"]},
        (),
    ),
    ("cancer_with_back_pain", "back-pain-no-cancer", {"symptoms.associated": ["back_pain"]}, ()),
    (
        "free_text_red_flag",
        "description",
        {"symptoms.description": "I feel faint."},
        ('symptoms.description: "I feel faint."',),
    ),
    ("free_text_red_flag", "notes", {"notes": "Groin feels numb"}, ('notes: "Groin feels numb"',)),
    (
        "free_text_red_flag",
        "both-fields",
        {"symptoms.description": "Blind spot", "notes": "was confused"},
        ('symptoms.description: "Blind spot"', 'notes: "was confused"'),
    ),
    (
        "free_text_red_flag",
        "curly-apostrophe",
        {"symptoms.description": "I can\u2019t  walk far"},
        ('symptoms.description: "I can\u2019t walk far"',),
    ),
    (
        "free_text_red_flag",
        "no-term",
        {"symptoms.description": "Tingles when I walk", "notes": "Fine"},
        (),
    ),
    (
        "persistent_or_frequent",
        "constant-14-days",
        {"symptoms.pattern": "constant", "symptoms.duration_days": 14},
        ("symptoms.duration_days", "symptoms.pattern"),
    ),
    (
        "persistent_or_frequent",
        "constant-13-days",
        {"symptoms.pattern": "constant", "symptoms.duration_days": 13},
        (),
    ),
    *[
        (
            "persistent_or_frequent",
            frequency.replace("_", "-"),
            {"symptoms.frequency": frequency, "symptoms.duration_days": 14},
            ("symptoms.duration_days", "symptoms.frequency"),
        )
        for frequency in ["several_times_a_day", "daily", "weekly"]
    ],
    (
        "persistent_or_frequent",
        "daily-13-days",
        {"symptoms.frequency": "daily", "symptoms.duration_days": 13},
        (),
    ),
    (
        "persistent_or_frequent",
        "monthly",
        {"symptoms.frequency": "monthly_or_less", "symptoms.duration_days": 90},
        (),
    ),
    (
        "persistent_or_frequent",
        "comes-and-goes-unsaid",
        {"symptoms.frequency": None, "symptoms.duration_days": 90},
        (),
    ),
    (
        "accompanied_by_symptoms",
        "itching",
        {"symptoms.associated": ["itching"]},
        ("symptoms.associated",),
    ),
    ("accompanied_by_symptoms", "none", {"symptoms.associated": []}, ()),
    (
        "no_apparent_cause",
        "not-positional-no-injuries",
        NOT_POSITIONAL,
        ("symptoms.positional", "injuries"),
    ),
    (
        "no_apparent_cause",
        "old-injury",
        {**NOT_POSITIONAL, "injuries": [{"kind": "broken_leg"}]},
        (),
    ),
    ("no_apparent_cause", "positional", {"symptoms.positional": True}, ()),
    *[
        (
            "dizziness_rash_cramps",
            symptom.replace("_", "-"),
            {"symptoms.other_symptoms": [symptom]},
            ("symptoms.other_symptoms",),
        )
        for symptom in ["dizziness", "rash", "muscle_cramps"]
    ],
    ("dizziness_rash_cramps", "none", {"symptoms.other_symptoms": []}, ()),
    (
        "recent_vaccination",
        "42-days",
        {"vaccinations": [{"name": "Flu", "date": days_before(42)}]},
        ("vaccinations.0.date",),
    ),
    (
        "recent_vaccination",
        "43-days",
        {"vaccinations": [{"name": "Flu", "date": days_before(43)}]},
        (),
    ),
    (
        "recent_vaccination",
        "dated-after-reported-on",
        {"vaccinations": [{"name": "Flu", "date": days_before(-1)}]},
        ("vaccinations.0.date",),
    ),
    (
        "recent_vaccination",
        "undated",
        {"vaccinations": [{"name": "Flu"}]},
        ("vaccinations.0.date (not given)",),
    ),
    ("neurotoxic_treatment", "chemotherapy", {"treatments": ["chemotherapy"]}, ("treatments",)),
    ("neurotoxic_treatment", "radiation", {"treatments": ["radiation_therapy"]}, ("treatments",)),
    ("neurotoxic_treatment", "none", {"treatments": []}, ()),
]


@pytest.mark.parametrize(
    ("code", "answers", "evidence"),
    [
        pytest.param(code, answers, evidence, id=f"{code}-{case}")
        for code, case, answers, evidence in FLAG_CASES
    ],
)
def test_flag_fires_with_exactly_its_evidence_or_stays_silent(code, answers, evidence):
    flag = evaluate_triage(document(answers)).flag(code)

    assert (flag.evidence if flag else ()) == evidence


def test_every_flag_has_cases_where_it_fires_and_where_it_does_not():
    fires = {code for code, _, _, evidence in FLAG_CASES if evidence}
    silent = {code for code, _, _, evidence in FLAG_CASES if not evidence}

    assert fires == silent == {code for code, _ in SPEC_FLAGS}


def test_the_rule_table_follows_the_spec_codes_severities_and_order():
    assert [(rule.code, rule.severity) for rule in RULES] == SPEC_FLAGS


def test_every_rule_has_a_title_a_source_and_a_trigger_in_words():
    assert all(rule.title and rule.source and rule.when for rule in RULES)


def test_the_benign_document_raises_no_flag():
    assert evaluate_triage(document()).flags == ()


@pytest.mark.parametrize("term", FREE_TEXT_TERMS)
def test_each_free_text_term_fires_in_any_case(term):
    doc = document({"symptoms.description": f"Since Monday: {term.upper()} today"})

    assert free_text_red_flag_matches(doc) == (
        f'symptoms.description: "Since Monday: {term.upper()} today"',
    )


def test_a_free_text_match_is_quoted_with_whole_words_around_it():
    text = (
        "I went hiking last weekend with my family and since Tuesday I have had "
        "trouble controlling my bowels and it is getting harder every day of the week."
    )
    doc = document({"notes": text})

    assert free_text_red_flag_matches(doc) == (
        # 40 characters either side, then back to the nearest whole word.
        'notes: "…I have had trouble controlling my bowels and it is getting harder every day of…"',
    )


def test_each_free_text_match_is_its_own_evidence():
    doc = document({"symptoms.description": "Bladder and\nbowel trouble"})

    assert free_text_red_flag_matches(doc) == (
        'symptoms.description: "Bladder and bowel trouble"',
        'symptoms.description: "Bladder and bowel trouble"',
    )


@pytest.mark.parametrize(
    ("answers", "fits"),
    [
        pytest.param({"symptoms.locations": ["toes"]}, True, id="toes"),
        pytest.param(
            {"symptoms.locations": ["foot", "ankle", "shin", "calf"]}, True, id="foot-to-calf"
        ),
        pytest.param({"symptoms.locations": ["ankle", "shin"]}, False, id="no-toes-or-foot"),
        pytest.param({"symptoms.locations": ["toes", "knee"]}, False, id="reaches-the-knee"),
        pytest.param({"symptoms.locations": ["foot", "thigh"]}, False, id="reaches-the-thigh"),
        pytest.param(
            {"symptoms.sides": "left", "symptoms.locations": ["toes"]}, False, id="one-side"
        ),
        pytest.param(
            {"symptoms.onset": "sudden", "symptoms.locations": ["toes"]}, False, id="sudden-onset"
        ),
    ],
)
def test_distal_symmetric_pattern_edges(answers, fits):
    doc = document({"symptoms.sides": "both", "symptoms.onset": "gradual", **answers})

    assert distal_symmetric_pattern(doc) == (
        ("symptoms.sides", "symptoms.onset", "symptoms.locations") if fits else ()
    )


@pytest.mark.parametrize(
    ("days_before_report", "within"),
    [(-1, True), (0, True), (14, True), (15, False)],
    ids=["after", "same-day", "14-before", "15-before"],
)
def test_within_14_days_counts_back_inclusively(days_before_report, within):
    reported_on = dt.date(2026, 11, 20)
    day = reported_on - dt.timedelta(days=days_before_report)

    assert within_days(day, reported_on, 14) is within


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        pytest.param({}, "routine", id="no-flags"),
        pytest.param(
            {"symptoms.positional": False, "symptoms.associated": ["itching"]},
            "routine",
            id="attention-only",
        ),
        pytest.param(
            {"symptoms.associated": ["leg_weakness"], "treatments": ["chemotherapy"]},
            "urgent",
            id="urgent-and-attention",
        ),
        pytest.param(
            {"symptoms.associated": ["leg_weakness"], "red_flags.confusion": True},
            "emergency",
            id="emergency-and-urgent",
        ),
    ],
)
def test_level_is_the_highest_severity_and_attention_stays_routine(answers, level):
    assert evaluate_triage(document(answers)).level == level


def test_flags_come_in_table_order():
    doc = document(
        {
            "treatments": ["chemotherapy"],
            "symptoms.associated": ["leg_weakness"],
            "red_flags.vision_problems": True,
            "red_flags.cannot_move_or_walk": True,
        }
    )

    assert [flag.code for flag in evaluate_triage(doc).flags] == [
        "cannot_move_or_walk",
        "vision_problems",
        "leg_weakness",
        "accompanied_by_symptoms",
        "neurotoxic_treatment",
    ]


def test_a_flag_carries_its_rule_title_severity_and_source():
    flag = evaluate_triage(document({"red_flags.bladder_bowel_control_loss": True})).flags[0]

    assert (flag.code, flag.severity, flag.title, flag.source, flag.evidence) == (
        "bladder_bowel_control_loss",
        "emergency",
        "Loss of bladder or bowel control",
        "article: Call 911 — loss of bladder and/or bowel control",
        ("red_flags.bladder_bowel_control_loss",),
    )


# SAFETY: every way the spec names an emergency must reach the desk as one.


@pytest.mark.parametrize("code", RED_FLAGS)
def test_safety_any_red_flag_answered_yes_alone_is_an_emergency(code):
    assert evaluate_triage(document({f"red_flags.{code}": True})).level == "emergency"


@pytest.mark.parametrize("days", range(15), ids=lambda days: f"{days}-days-before")
@pytest.mark.parametrize("kind", ["back_injury", "head_injury", "neck_injury"])
def test_safety_a_back_head_or_neck_injury_within_14_days_is_an_emergency(kind, days):
    doc = document({"injuries": [{"kind": kind, "date": days_before(days)}]})

    assert evaluate_triage(doc).level == "emergency"


@pytest.mark.parametrize("date", [None, "future"], ids=["undated", "dated-after-the-report"])
@pytest.mark.parametrize("kind", ["back_injury", "head_injury", "neck_injury"])
def test_safety_an_injury_that_cannot_be_placed_before_the_window_is_an_emergency(kind, date):
    injury = {"kind": kind} if date is None else {"kind": kind, "date": days_before(-2)}
    assert evaluate_triage(document({"injuries": [injury]})).level == "emergency"


@pytest.mark.parametrize("kind", ["back_injury", "head_injury", "neck_injury"])
def test_a_back_head_or_neck_injury_15_days_before_is_not_an_emergency(kind):
    doc = document({"injuries": [{"kind": kind, "date": days_before(15)}]})

    assert evaluate_triage(doc).level == "routine"
