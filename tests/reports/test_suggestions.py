import pytest

from reports.suggestions import SUGGESTION_RULES, suggest_tests
from tests.builders import days_before, document
from triage.engine import evaluate_triage

# Spec §3, in order.
SPEC_TESTS = [
    "vitamin_b12",
    "glucose_hba1c",
    "thyroid_function",
    "electrolytes",
    "serum_protein_electrophoresis",
    "nerve_conduction_study",
    "mri_lumbar_spine",
    "mri_brain_spine",
    "ct_scan",
    "toxicology_screen",
    "lumbar_puncture",
    "vitamin_b6",
    "vascular_studies",
    "neurology_referral",
]
PROTON_PUMP_INHIBITORS = [
    "omeprazole",
    "esomeprazole",
    "lansoprazole",
    "pantoprazole",
    "rabeprazole",
    "dexlansoprazole",
]
H2_BLOCKERS = ["famotidine", "cimetidine", "nizatidine", "ranitidine"]
AAN_NOTE = "First-line screening for distal symmetric polyneuropathy (AAN 2009, level C)"

DISTAL = {"symptoms.sides": "both", "symptoms.locations": ["toes", "foot"]}
DISTAL_REASON = (
    "Distal symmetric pattern: both legs, gradual onset, toes/foot "
    "(symptoms.sides, symptoms.onset, symptoms.locations)"
)
CONSTANT = {"symptoms.pattern": "constant", "symptoms.frequency": None}
PERSISTENT = {**CONSTANT, "symptoms.duration_days": 14}
PERSISTENT_REASON = (
    "Persistent or frequent numbness or tingling (symptoms.duration_days, symptoms.pattern)"
)
RADIATING = {"symptoms.associated": ["back_pain_radiating_down_leg"]}
RADIATING_REASON = "Symptom: back pain radiating down leg (symptoms.associated)"


def condition(*codes: str) -> dict[str, object]:
    return {"conditions": list(codes)}


def medication(name: str) -> dict[str, object]:
    return {"medications": [{"name": "Aspirin"}, {"name": name}]}


# (test code, case id, answers changed on the benign document, expected reasons; () = not suggested)
SUGGESTION_CASES = [
    ("vitamin_b12", "vegan", {"lifestyle": {"diet": "vegan"}}, ("Diet: vegan (lifestyle.diet)",)),
    (
        "vitamin_b12",
        "vegetarian",
        {"lifestyle": {"diet": "vegetarian"}},
        ("Diet: vegetarian (lifestyle.diet)",),
    ),
    ("vitamin_b12", "omnivore", {"lifestyle": {"diet": "omnivore"}}, ()),
    (
        "vitamin_b12",
        "14-drinks",
        {"lifestyle": {"alcohol_drinks_per_week": 14}},
        ("Alcohol: 14 drinks a week (lifestyle.alcohol_drinks_per_week)",),
    ),
    ("vitamin_b12", "13-drinks", {"lifestyle": {"alcohol_drinks_per_week": 13}}, ()),
    (
        "vitamin_b12",
        "metformin",
        medication("Metformin 500 mg"),
        ("Medication 'Metformin 500 mg' contains metformin (medications.1.name)",),
    ),
    ("vitamin_b12", "other-medication", medication("Ibuprofen"), ()),
    (
        "vitamin_b12",
        "proton-pump-inhibitor-named-by-the-longest-term",
        medication("Nexium (esomeprazole)"),
        ("Medication 'Nexium (esomeprazole)' contains esomeprazole (medications.1.name)",),
    ),
    (
        "vitamin_b12",
        "h2-blocker",
        medication("Pepcid famotidine 20mg"),
        ("Medication 'Pepcid famotidine 20mg' contains famotidine (medications.1.name)",),
    ),
    (
        "vitamin_b12",
        "vitamin-deficiency",
        condition("vitamin_deficiency"),
        ("Condition: vitamin deficiency (conditions)",),
    ),
    (
        "vitamin_b12",
        "weight-loss-surgery",
        condition("diabetes", "weight_loss_surgery"),
        ("Condition: weight loss surgery (conditions)",),
    ),
    ("vitamin_b12", "distal-symmetric", DISTAL, (DISTAL_REASON,)),
    ("vitamin_b12", "persistent", PERSISTENT, (PERSISTENT_REASON,)),
    ("vitamin_b12", "persistent-13-days", {**CONSTANT, "symptoms.duration_days": 13}, ()),
    (
        "glucose_hba1c",
        "diabetes",
        condition("diabetes"),
        ("Condition: diabetes (conditions)",),
    ),
    (
        "glucose_hba1c",
        "prediabetes",
        condition("prediabetes"),
        ("Condition: prediabetes (conditions)",),
    ),
    ("glucose_hba1c", "distal-symmetric", DISTAL, (DISTAL_REASON,)),
    ("glucose_hba1c", "persistent", PERSISTENT, (PERSISTENT_REASON,)),
    ("glucose_hba1c", "other-condition", condition("migraine"), ()),
    (
        "thyroid_function",
        "hypothyroidism",
        condition("hypothyroidism"),
        ("Condition: hypothyroidism (conditions)",),
    ),
    ("thyroid_function", "distal-symmetric", DISTAL, (DISTAL_REASON,)),
    ("thyroid_function", "persistent", PERSISTENT, (PERSISTENT_REASON,)),
    ("thyroid_function", "other-condition", condition("lupus"), ()),
    (
        "electrolytes",
        "muscle-spasms",
        {"symptoms.associated": ["muscle_spasms"]},
        ("Symptom: muscle spasms (symptoms.associated)",),
    ),
    (
        "electrolytes",
        "muscle-cramps",
        {"symptoms.other_symptoms": ["muscle_cramps"]},
        ("Other symptom: muscle cramps (symptoms.other_symptoms)",),
    ),
    (
        "electrolytes",
        "kidney-disease",
        condition("kidney_disease"),
        ("Condition: kidney disease (conditions)",),
    ),
    ("electrolytes", "persistent", PERSISTENT, (PERSISTENT_REASON,)),
    ("electrolytes", "rash", {"symptoms.other_symptoms": ["rash"]}, ()),
    ("serum_protein_electrophoresis", "distal-symmetric", DISTAL, (DISTAL_REASON,)),
    ("serum_protein_electrophoresis", "persistent-only", PERSISTENT, ()),
    (
        "serum_protein_electrophoresis",
        "one-leg",
        {**DISTAL, "symptoms.sides": "right"},
        (),
    ),
    (
        "nerve_conduction_study",
        "distal-symmetric-28-days",
        {**DISTAL, "symptoms.duration_days": 28},
        (f"{DISTAL_REASON} and numb or tingling for 28 days (symptoms.duration_days)",),
    ),
    (
        "nerve_conduction_study",
        "distal-symmetric-27-days",
        {**DISTAL, "symptoms.duration_days": 27},
        (),
    ),
    (
        "nerve_conduction_study",
        "peripheral-neuropathy",
        condition("peripheral_neuropathy"),
        ("Condition: peripheral neuropathy (conditions)",),
    ),
    (
        "nerve_conduction_study",
        "diabetes-burning",
        {**condition("diabetes"), "symptoms.associated": ["burning"]},
        ("Condition: diabetes (conditions) and symptom: burning (symptoms.associated)",),
    ),
    (
        "nerve_conduction_study",
        "diabetes-touch-sensitivity",
        {**condition("diabetes"), "symptoms.associated": ["itching", "touch_sensitivity"]},
        ("Condition: diabetes (conditions) and symptom: touch sensitivity (symptoms.associated)",),
    ),
    ("nerve_conduction_study", "diabetes-only", condition("diabetes"), ()),
    ("nerve_conduction_study", "burning-only", {"symptoms.associated": ["burning"]}, ()),
    (
        "nerve_conduction_study",
        "chemotherapy",
        {"treatments": ["chemotherapy"]},
        ("Treatment: chemotherapy (treatments)",),
    ),
    ("nerve_conduction_study", "radiation", {"treatments": ["radiation_therapy"]}, ()),
    (
        "nerve_conduction_study",
        "leg-weakness",
        {"symptoms.associated": ["leg_weakness"]},
        ("Symptom: leg weakness (symptoms.associated)",),
    ),
    (
        "nerve_conduction_study",
        "persistent-28-days",
        {**CONSTANT, "symptoms.duration_days": 28},
        (
            "Persistent or frequent numbness or tingling (symptoms.duration_days, symptoms.pattern)"
            " and numb or tingling for 28 days (symptoms.duration_days)",
        ),
    ),
    (
        "nerve_conduction_study",
        "persistent-27-days",
        {**CONSTANT, "symptoms.duration_days": 27},
        (),
    ),
    (
        "mri_lumbar_spine",
        "saddle-numbness",
        {"red_flags.saddle_numbness": True},
        (
            "Saddle numbness (groin, genitals, buttocks or inner thighs) "
            "(red_flags.saddle_numbness)",
        ),
    ),
    (
        "mri_lumbar_spine",
        "bladder-bowel",
        {"red_flags.bladder_bowel_control_loss": True},
        ("Loss of bladder or bowel control (red_flags.bladder_bowel_control_loss)",),
    ),
    (
        "mri_lumbar_spine",
        "leg-weakness-back-pain",
        {"symptoms.associated": ["back_pain", "leg_weakness"]},
        (
            "Symptom: leg weakness (symptoms.associated) and symptom: back pain "
            "(symptoms.associated)",
        ),
    ),
    ("mri_lumbar_spine", "leg-weakness-only", {"symptoms.associated": ["leg_weakness"]}, ()),
    ("mri_lumbar_spine", "back-pain-only", {"symptoms.associated": ["back_pain"]}, ()),
    (
        "mri_lumbar_spine",
        "cancer-back-pain-flag",
        {**condition("cancer"), "symptoms.associated": ["back_pain"]},
        ("Cancer with back pain (conditions, symptoms.associated)",),
    ),
    (
        "mri_lumbar_spine",
        "radiating-42-days",
        {**RADIATING, "symptoms.duration_days": 42},
        (f"{RADIATING_REASON} and numb or tingling for 42 days (symptoms.duration_days)",),
    ),
    ("mri_lumbar_spine", "radiating-41-days", {**RADIATING, "symptoms.duration_days": 41}, ()),
    (
        "mri_lumbar_spine",
        "radiating-herniated-disc",
        {**RADIATING, "injuries": [{"kind": "other"}, {"kind": "herniated_disc"}]},
        (f"{RADIATING_REASON} and injury: herniated disc (injuries.1.kind)",),
    ),
    ("mri_lumbar_spine", "herniated-disc-only", {"injuries": [{"kind": "herniated_disc"}]}, ()),
    (
        "mri_brain_spine",
        "multiple-sclerosis",
        condition("multiple_sclerosis"),
        ("Condition: multiple sclerosis (conditions)",),
    ),
    (
        "mri_brain_spine",
        "transverse-myelitis",
        condition("transverse_myelitis"),
        ("Condition: transverse myelitis (conditions)",),
    ),
    (
        "mri_brain_spine",
        "vision-problems",
        {"red_flags.vision_problems": True},
        ("Vision problems (red_flags.vision_problems)",),
    ),
    ("mri_brain_spine", "stroke", condition("stroke"), ()),
    (
        "ct_scan",
        "injury-red-flag",
        {"red_flags.head_back_neck_injury": True},
        ("Recent back, head or neck injury (red_flags.head_back_neck_injury)",),
    ),
    (
        "ct_scan",
        "head-injury-14-days",
        {"injuries": [{"kind": "head_injury", "date": days_before(14)}]},
        ("Recent back, head or neck injury (injuries.0.date)",),
    ),
    (
        "ct_scan",
        "head-injury-15-days",
        {"injuries": [{"kind": "head_injury", "date": days_before(15)}]},
        (),
    ),
    (
        "ct_scan",
        "face-arm-weakness",
        {"red_flags.face_arm_weakness": True},
        ("Sudden weakness, numbness or drooping of the face or arm (red_flags.face_arm_weakness)",),
    ),
    (
        "ct_scan",
        "slurred-speech",
        {"red_flags.slurred_speech": True},
        ("Slurred speech (red_flags.slurred_speech)",),
    ),
    (
        "toxicology_screen",
        "seafood-toxin",
        {"exposures": ["seafood_toxin"]},
        ("Exposure: seafood toxin (exposures)",),
    ),
    (
        "toxicology_screen",
        "heavy-metals",
        {"exposures": ["frostbite", "heavy_metals"]},
        ("Exposure: heavy metals (exposures)",),
    ),
    (
        "toxicology_screen",
        "confusion",
        {"red_flags.confusion": True},
        ("Confusion (red_flags.confusion)",),
    ),
    ("toxicology_screen", "insect-bite", {"exposures": ["insect_bite"]}, ()),
    (
        "lumbar_puncture",
        "spreading-upward",
        {"symptoms.progression": "spreading_upward"},
        ("Progression: spreading upward (symptoms.progression)",),
    ),
    (
        "lumbar_puncture",
        "ms-getting-worse",
        {**condition("multiple_sclerosis"), "symptoms.progression": "getting_worse"},
        (
            "Condition: multiple sclerosis (conditions) and progression: getting worse "
            "(symptoms.progression)",
        ),
    ),
    (
        "lumbar_puncture",
        "transverse-myelitis-getting-worse",
        {**condition("transverse_myelitis"), "symptoms.progression": "getting_worse"},
        (
            "Condition: transverse myelitis (conditions) and progression: getting worse "
            "(symptoms.progression)",
        ),
    ),
    (
        "lumbar_puncture",
        "ms-stable",
        {**condition("multiple_sclerosis"), "symptoms.progression": "stable"},
        (),
    ),
    ("lumbar_puncture", "getting-worse-only", {"symptoms.progression": "getting_worse"}, ()),
    (
        "vitamin_b6",
        "b6-supplement",
        {"medications": [{"name": "Vitamin B6 100 mg", "kind": "supplement"}]},
        ("Medication 'Vitamin B6 100 mg' contains b6 (medications.0.name)",),
    ),
    (
        "vitamin_b6",
        "pyridoxine",
        medication("PYRIDOXINE"),
        ("Medication 'PYRIDOXINE' contains pyridoxine (medications.1.name)",),
    ),
    ("vitamin_b6", "multivitamin", medication("Multivitamin"), ()),
    (
        "vascular_studies",
        "atherosclerosis",
        condition("atherosclerosis"),
        ("Condition: atherosclerosis (conditions)",),
    ),
    (
        "vascular_studies",
        "peripheral-arterial-disease",
        condition("peripheral_arterial_disease"),
        ("Condition: peripheral arterial disease (conditions)",),
    ),
    (
        "vascular_studies",
        "raynauds",
        condition("raynauds"),
        ("Condition: raynauds (conditions)",),
    ),
    (
        "vascular_studies",
        "colour",
        {"symptoms.leg_changes": ["color"]},
        ("Leg change: color (symptoms.leg_changes)",),
    ),
    (
        "vascular_studies",
        "temperature",
        {"symptoms.leg_changes": ["shape", "temperature"]},
        ("Leg change: temperature (symptoms.leg_changes)",),
    ),
    ("vascular_studies", "shape-only", {"symptoms.leg_changes": ["shape"]}, ()),
    ("neurology_referral", "persistent", PERSISTENT, (PERSISTENT_REASON,)),
    (
        "neurology_referral",
        "frequent-weekly",
        {"symptoms.frequency": "weekly", "symptoms.duration_days": 14},
        (
            "Persistent or frequent numbness or tingling "
            "(symptoms.duration_days, symptoms.frequency)",
        ),
    ),
    (
        "neurology_referral",
        "sudden-onset",
        {"symptoms.onset": "sudden", "symptoms.duration_days": 7},
        ("Sudden onset in the last 7 days (symptoms.onset, symptoms.duration_days)",),
    ),
    (
        "neurology_referral",
        "sudden-8-days",
        {"symptoms.onset": "sudden", "symptoms.duration_days": 8},
        (),
    ),
    *[
        (
            "neurology_referral",
            code.replace("_", "-"),
            condition(code),
            (f"Condition: {code.replace('_', ' ')} (conditions)",),
        )
        for code in ["multiple_sclerosis", "transverse_myelitis", "seizures", "stroke"]
    ],
    ("neurology_referral", "migraine", condition("migraine"), ()),
]


def suggestion_reasons(answers: dict[str, object], code: str) -> tuple[str, ...]:
    doc = document(answers)
    suggestions = {s.code: s for s in suggest_tests(doc, evaluate_triage(doc))}
    return suggestions[code].reasons if code in suggestions else ()


@pytest.mark.parametrize(
    ("code", "answers", "reasons"),
    [
        pytest.param(code, answers, reasons, id=f"{code}-{case}")
        for code, case, answers, reasons in SUGGESTION_CASES
    ],
)
def test_test_is_suggested_with_exactly_its_reasons_or_not_at_all(code, answers, reasons):
    assert suggestion_reasons(answers, code) == reasons


def test_every_suggestion_has_cases_where_it_holds_and_where_it_does_not():
    suggested = {code for code, _, _, reasons in SUGGESTION_CASES if reasons}
    not_suggested = {code for code, _, _, reasons in SUGGESTION_CASES if not reasons}

    assert suggested == not_suggested == set(SPEC_TESTS)


def test_every_trigger_of_every_rule_holds_in_some_case():
    held = set()
    for code, _, answers, _ in SUGGESTION_CASES:
        doc = document(answers)
        triage = evaluate_triage(doc)
        rule = next(rule for rule in SUGGESTION_RULES if rule.code == code)
        held |= {(code, i) for i, trigger in enumerate(rule.triggers) if trigger.test(doc, triage)}

    every_trigger = {(rule.code, i) for rule in SUGGESTION_RULES for i in range(len(rule.triggers))}
    assert every_trigger - held == set()


@pytest.mark.parametrize("name", PROTON_PUMP_INHIBITORS + H2_BLOCKERS)
def test_each_acid_reducer_suggests_vitamin_b12_whatever_its_case(name):
    answers = medication(f"{name.upper()} 20 mg")

    assert suggestion_reasons(answers, "vitamin_b12") == (
        f"Medication '{name.upper()} 20 mg' contains {name} (medications.1.name)",
    )


def test_reasons_list_every_trigger_that_held_in_table_order():
    answers = {
        **DISTAL,
        **PERSISTENT,
        "lifestyle": {"diet": "vegan", "alcohol_drinks_per_week": 20},
        "medications": [{"name": "metformin"}, {"name": "Omeprazole"}, {"name": "Famotidine"}],
        "conditions": ["vitamin_deficiency", "weight_loss_surgery"],
    }

    assert suggestion_reasons(answers, "vitamin_b12") == (
        "Diet: vegan (lifestyle.diet)",
        "Alcohol: 20 drinks a week (lifestyle.alcohol_drinks_per_week)",
        "Medication 'metformin' contains metformin (medications.0.name)",
        "Medication 'Omeprazole' contains omeprazole (medications.1.name)",
        "Medication 'Famotidine' contains famotidine (medications.2.name)",
        "Condition: vitamin deficiency, weight loss surgery (conditions)",
        DISTAL_REASON,
        PERSISTENT_REASON,
    )


def test_the_benign_positional_pattern_gets_no_tests():
    doc = document()

    assert suggest_tests(doc, evaluate_triage(doc)) == ()


def test_the_table_follows_the_spec_codes_and_order():
    assert [rule.code for rule in SUGGESTION_RULES] == SPEC_TESTS


def test_only_the_aan_screening_labs_are_first_line_and_say_so():
    first_line = {rule.code: rule.note for rule in SUGGESTION_RULES if rule.first_line}

    assert first_line == {
        "vitamin_b12": AAN_NOTE,
        "glucose_hba1c": AAN_NOTE,
        "serum_protein_electrophoresis": AAN_NOTE,
    }


def test_suggestions_come_in_table_order_with_name_first_line_and_note():
    doc = document({**DISTAL, "symptoms.duration_days": 30})

    suggestions = suggest_tests(doc, evaluate_triage(doc))

    assert [(s.code, s.name, s.first_line, s.note) for s in suggestions] == [
        ("vitamin_b12", "Vitamin B12 (with methylmalonic acid)", True, AAN_NOTE),
        ("glucose_hba1c", "Fasting glucose and HbA1c", True, AAN_NOTE),
        ("thyroid_function", "Thyroid function (TSH, free T4)", False, ""),
        (
            "serum_protein_electrophoresis",
            "Serum protein electrophoresis with immunofixation",
            True,
            AAN_NOTE,
        ),
        ("nerve_conduction_study", "Nerve conduction study and EMG", False, ""),
    ]
