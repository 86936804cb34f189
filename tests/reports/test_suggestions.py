import pytest

from reports.suggestions import (
    POSITIONAL_STATEMENT,
    SUGGESTION_RULES,
    fits_positional_pressure,
    suggest_tests,
)
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
    "mri_whole_spine",
    "mri_brain_spine",
    "ct_scan",
    "toxicology_screen",
    "lumbar_puncture",
    "vitamin_b6",
    "vascular_studies",
    "venous_ultrasound",
    "neurology_referral",
]
# (name as typed, the §1.1 term it matches)
ACID_REDUCERS = [
    ("omeprazole", "omeprazol*"),
    ("esomeprazole", "esomeprazol*"),
    ("lansoprazole", "lansoprazol*"),
    ("pantoprazole", "pantoprazol*"),
    ("rabeprazole", "rabeprazol*"),
    ("dexlansoprazole", "dexlansoprazol*"),
    ("famotidine", "famotidin*"),
    ("cimetidine", "cimetidin*"),
    ("nizatidine", "nizatidin*"),
    ("ranitidine", "ranitidin*"),
]
AAN_NOTE = "First-line screening for distal symmetric polyneuropathy (AAN 2009, level C)"
GLUCOSE_NOTE = (
    f"{AAN_NOTE}. When glucose and HbA1c are normal, a 2-hour oral glucose tolerance test may "
    "be considered (AAN 2009)"
)
NOT_BENIGN = {"symptoms.positional": False, "symptoms.relieved_by_moving": False}
BOTH = {"symptoms.sides": "both"}
WORSE = {"symptoms.progression": "getting_worse"}
WEAK_BOTH_SUDDEN_7 = {
    **BOTH,
    "symptoms.associated": ["leg_weakness"],
    "symptoms.onset": "sudden",
    "symptoms.duration_days": 7,
}
WEAK_BOTH_SUDDEN_REASON = (
    "Symptom: leg weakness and sides: both and sudden "
    "(symptoms.associated, symptoms.sides, symptoms.onset, symptoms.duration_days)"
)
BLOOD_THINNER = {"risk_factors.blood_thinner": True}

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
        ("Medication 'Metformin 500 mg' matches metformin (metformin*) (medications.1.name)",),
    ),
    ("vitamin_b12", "other-medication", medication("Ibuprofen"), ()),
    (
        "vitamin_b12",
        "proton-pump-inhibitor-brand-first",
        medication("Nexium (esomeprazole)"),
        (
            "Medication 'Nexium (esomeprazole)' matches proton-pump inhibitor (nexium*) "
            "(medications.1.name)",
        ),
    ),
    (
        "vitamin_b12",
        "spanish-proton-pump-inhibitor",
        medication("Omeprazol 20 mg"),
        (
            "Medication 'Omeprazol 20 mg' matches proton-pump inhibitor (omeprazol*) "
            "(medications.1.name)",
        ),
    ),
    (
        "vitamin_b12",
        "h2-blocker",
        medication("Pepcid famotidine 20mg"),
        ("Medication 'Pepcid famotidine 20mg' matches H2 blocker (pepcid*) (medications.1.name)",),
    ),
    ("vitamin_b12", "misspelt-medicine-is-not-guessed", medication("Omeprasol"), ()),
    (
        "vitamin_b12",
        "nitrous-oxide",
        {"exposures": ["nitrous_oxide"]},
        ("Exposure: nitrous oxide (exposures)",),
    ),
    (
        "vitamin_b12",
        "myelopathy",
        {**BOTH, **WORSE, "symptoms.other_symptoms": ["unsteady_or_falling"]},
        (
            "Signs of spinal cord trouble (hands, balance) getting worse "
            "(symptoms.other_symptoms, symptoms.sides, symptoms.progression)",
        ),
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
    ("vitamin_b12", "persistent-radicular", {**PERSISTENT, **RADIATING}, ()),
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
    ("glucose_hba1c", "persistent-radicular", {**PERSISTENT, **RADIATING}, ()),
    ("glucose_hba1c", "other-condition", condition("migraine"), ()),
    (
        "thyroid_function",
        "hypothyroidism",
        condition("hypothyroidism"),
        ("Condition: hypothyroidism (conditions)",),
    ),
    ("thyroid_function", "distal-symmetric", DISTAL, (DISTAL_REASON,)),
    ("thyroid_function", "persistent", PERSISTENT, (PERSISTENT_REASON,)),
    ("thyroid_function", "persistent-radicular", {**PERSISTENT, **RADIATING}, ()),
    (
        "thyroid_function",
        "both-legs-weak-sudden-7-days",
        WEAK_BOTH_SUDDEN_7,
        (WEAK_BOTH_SUDDEN_REASON,),
    ),
    (
        "thyroid_function",
        "both-legs-weak-sudden-8-days",
        {**WEAK_BOTH_SUDDEN_7, "symptoms.duration_days": 8},
        (),
    ),
    (
        "thyroid_function",
        "one-leg-weak-sudden",
        {**WEAK_BOTH_SUDDEN_7, "symptoms.sides": "left"},
        (),
    ),
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
    ("electrolytes", "persistent-is-no-longer-a-trigger", PERSISTENT, ()),
    (
        "electrolytes",
        "both-legs-weak-changed-7-days-ago",
        {
            **BOTH,
            "symptoms.associated": ["leg_weakness"],
            "symptoms.duration_days": 200,
            "symptoms.last_changed_days": 7,
        },
        (
            "Symptom: leg weakness and sides: both and sudden "
            "(symptoms.associated, symptoms.sides, symptoms.last_changed_days)",
        ),
    ),
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
        (
            "Distal symmetric pattern: both legs, gradual onset, toes/foot and numb or tingling "
            "for 28 days (symptoms.sides, symptoms.onset, symptoms.locations, "
            "symptoms.duration_days)",
        ),
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
        ("Condition: diabetes and symptom: burning (conditions, symptoms.associated)",),
    ),
    (
        "nerve_conduction_study",
        "diabetes-touch-sensitivity",
        {**condition("diabetes"), "symptoms.associated": ["itching", "touch_sensitivity"]},
        ("Condition: diabetes and symptom: touch sensitivity (conditions, symptoms.associated)",),
    ),
    ("nerve_conduction_study", "diabetes-only", condition("diabetes"), ()),
    ("nerve_conduction_study", "burning-only", {"symptoms.associated": ["burning"]}, ()),
    ("nerve_conduction_study", "chemotherapy-alone", {"treatments": ["chemotherapy"]}, ()),
    (
        "nerve_conduction_study",
        "leg-weakness-21-days",
        {"symptoms.associated": ["leg_weakness"], "symptoms.duration_days": 21},
        (
            "Symptom: leg weakness and numb or tingling for 21 days "
            "(symptoms.associated, symptoms.duration_days)",
        ),
    ),
    (
        "nerve_conduction_study",
        "leg-weakness-20-days",
        {"symptoms.associated": ["leg_weakness"], "symptoms.duration_days": 20},
        (),
    ),
    (
        "nerve_conduction_study",
        "leg-weakness-changed-21-days-ago-counts-from-the-start",
        {
            "symptoms.associated": ["leg_weakness"],
            "symptoms.duration_days": 3,
            "symptoms.last_changed_days": 21,
        },
        (),
    ),
    (
        "nerve_conduction_study",
        "ascending-weakness",
        {**BOTH, **WORSE, "symptoms.associated": ["leg_weakness"], "symptoms.duration_days": 10},
        (
            "Weakness of both legs getting worse (symptoms.associated, symptoms.sides, "
            "symptoms.progression, symptoms.duration_days)",
        ),
    ),
    (
        "nerve_conduction_study",
        "persistent-28-days",
        {**CONSTANT, "symptoms.duration_days": 28},
        (
            "Persistent or frequent numbness or tingling and numb or tingling for 28 days "
            "(symptoms.duration_days, symptoms.pattern)",
        ),
    ),
    (
        "nerve_conduction_study",
        "persistent-27-days",
        {**CONSTANT, "symptoms.duration_days": 27},
        (),
    ),
    (
        "nerve_conduction_study",
        "persistent-28-days-radicular-too",
        {**CONSTANT, **RADIATING, "symptoms.duration_days": 28},
        (
            "Persistent or frequent numbness or tingling and numb or tingling for 28 days "
            "(symptoms.duration_days, symptoms.pattern)",
        ),
    ),
    (
        "mri_lumbar_spine",
        "saddle-numbness",
        {"red_flags.saddle_numbness": True},
        (
            "Saddle numbness (around the back passage, genitals or between the legs) "
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
        "urinary-difficulty",
        {"red_flags.urinary_difficulty": True},
        ("New difficulty passing urine or reduced sensation (red_flags.urinary_difficulty)",),
    ),
    (
        "mri_lumbar_spine",
        "bilateral-radicular-pain",
        {**BOTH, **RADIATING, "symptoms.duration_days": 10},
        (
            "New or worsening pain down both legs "
            "(symptoms.sides, symptoms.associated, symptoms.duration_days)",
        ),
    ),
    (
        "mri_lumbar_spine",
        "leg-weakness-back-pain",
        {"symptoms.associated": ["back_pain", "leg_weakness"]},
        ("Symptom: leg weakness and symptom: back pain (symptoms.associated)",),
    ),
    ("mri_lumbar_spine", "leg-weakness-only", {"symptoms.associated": ["leg_weakness"]}, ()),
    ("mri_lumbar_spine", "back-pain-only", {"symptoms.associated": ["back_pain"]}, ()),
    (
        "mri_lumbar_spine",
        "cancer-back-pain-images-the-whole-spine-instead",
        {**condition("cancer"), "symptoms.associated": ["back_pain"]},
        (),
    ),
    (
        "mri_lumbar_spine",
        "radiating-42-days",
        {**RADIATING, "symptoms.duration_days": 42},
        (
            "Symptom: back pain radiating down leg and numb or tingling for 42 days "
            "(symptoms.associated, symptoms.duration_days)",
        ),
    ),
    ("mri_lumbar_spine", "radiating-41-days", {**RADIATING, "symptoms.duration_days": 41}, ()),
    (
        "mri_lumbar_spine",
        "radiating-changed-42-days-ago-counts-from-the-start",
        {**RADIATING, "symptoms.duration_days": 10, "symptoms.last_changed_days": 42},
        (),
    ),
    (
        "mri_lumbar_spine",
        "radiating-old-herniated-disc",
        {**RADIATING, "injuries": [{"kind": "other"}, {"kind": "herniated_disc"}]},
        (),
    ),
    (
        "mri_whole_spine",
        "cancer-with-back-pain",
        {**condition("cancer"), "symptoms.associated": ["back_pain"]},
        (
            "Cancer now, with back pain or numbness rising in both legs "
            "(conditions, symptoms.associated)",
        ),
    ),
    (
        "mri_whole_spine",
        "past-cancer-with-back-pain",
        {
            **condition("cancer"),
            "risk_factors.cancer_active": False,
            "symptoms.associated": ["back_pain"],
        },
        (
            "Past cancer with back pain "
            "(conditions, risk_factors.cancer_active, symptoms.associated)",
        ),
    ),
    (
        "mri_whole_spine",
        "spinal-infection-risk",
        {"risk_factors.immunosuppressed": True, "symptoms.associated": ["back_pain"]},
        (
            "Back pain with a risk factor for spinal infection "
            "(symptoms.associated, risk_factors.immunosuppressed)",
        ),
    ),
    (
        "mri_whole_spine",
        "blood-thinner-back-pain-weakness",
        {
            **BLOOD_THINNER,
            "symptoms.associated": ["back_pain", "leg_weakness"],
            "symptoms.duration_days": 30,
        },
        (
            "On a blood thinner with an injury, a sudden change, or back pain and weakness and "
            "symptom: back pain (risk_factors.blood_thinner, symptoms.associated)",
        ),
    ),
    (
        "mri_whole_spine",
        "ascending-numbness",
        {**BOTH, "symptoms.progression": "spreading_upward"},
        (
            "Numbness rising in both legs (symptoms.sides, symptoms.progression, "
            "symptoms.duration_days)",
        ),
    ),
    ("mri_whole_spine", "back-pain-alone", {"symptoms.associated": ["back_pain"]}, ()),
    (
        "mri_brain_spine",
        "multiple-sclerosis-worse",
        {**condition("multiple_sclerosis"), **WORSE},
        (
            "Condition: multiple sclerosis and progression: getting worse "
            "(conditions, symptoms.progression)",
        ),
    ),
    (
        "mri_brain_spine",
        "transverse-myelitis-spreading",
        {**condition("transverse_myelitis"), "symptoms.progression": "spreading_upward"},
        (
            "Condition: transverse myelitis and progression: spreading upward "
            "(conditions, symptoms.progression)",
        ),
    ),
    ("mri_brain_spine", "multiple-sclerosis-stable", condition("multiple_sclerosis"), ()),
    (
        "mri_brain_spine",
        "vision-problems",
        {"red_flags.vision_problems": True},
        ("Vision problems (red_flags.vision_problems)",),
    ),
    (
        "mri_brain_spine",
        "myelopathy",
        {**BOTH, **WORSE, "symptoms.other_symptoms": ["hand_numbness_or_clumsiness"]},
        (
            "Signs of spinal cord trouble (hands, balance) getting worse "
            "(symptoms.other_symptoms, symptoms.sides, symptoms.progression)",
        ),
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
        "lifting-strain",
        {
            "injuries": [
                {"kind": "back_injury", "date": days_before(2), "mechanism": "lifting_or_twisting"}
            ]
        },
        (),
    ),
    ("ct_scan", "undated-childhood-head-injury", {"injuries": [{"kind": "head_injury"}]}, ()),
    (
        "ct_scan",
        "sudden-onset-today",
        {**NOT_BENIGN, "symptoms.onset": "sudden", "symptoms.duration_days": 0},
        (
            "Sudden numbness today or yesterday, not relieved by moving "
            "(symptoms.onset, symptoms.duration_days, symptoms.relieved_by_moving)",
        ),
    ),
    (
        "ct_scan",
        "tearing-pain",
        {"symptoms.other_symptoms": ["tearing_chest_or_back_pain"]},
        ("Sudden severe headache, or tearing chest or back pain (symptoms.other_symptoms)",),
    ),
    (
        "ct_scan",
        "blood-thinner-recent-injury",
        {
            "medications": [{"name": "Sintrom 4 mg"}],
            "injuries": [{"kind": "head_injury", "date": days_before(1), "mechanism": "fall"}],
        },
        (
            "Recent back, head or neck injury (injuries.0.date)",
            "On a blood thinner with an injury, a sudden change, or back pain and weakness and "
            "recent back, head or neck injury (medications.0.name, injuries.0.date)",
        ),
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
        "ascending-weakness",
        {**BOTH, **WORSE, "symptoms.associated": ["leg_weakness"], "symptoms.duration_days": 20},
        (
            "Weakness of both legs getting worse (symptoms.associated, symptoms.sides, "
            "symptoms.progression, symptoms.duration_days)",
        ),
    ),
    (
        "lumbar_puncture",
        "never-on-a-blood-thinner",
        {**BLOOD_THINNER, "symptoms.progression": "spreading_upward"},
        (),
    ),
    (
        "lumbar_puncture",
        "never-when-the-spine-may-be-infected",
        {
            "symptoms.progression": "spreading_upward",
            "symptoms.associated": ["back_pain"],
            "risk_factors.fever": True,
        },
        (),
    ),
    (
        "lumbar_puncture",
        "never-with-cancer-and-back-pain",
        {
            **condition("cancer"),
            "symptoms.progression": "spreading_upward",
            "symptoms.associated": ["back_pain"],
        },
        (),
    ),
    (
        "lumbar_puncture",
        "ms-getting-worse-is-no-longer-a-trigger",
        {**condition("multiple_sclerosis"), **WORSE},
        (),
    ),
    ("lumbar_puncture", "getting-worse-only", {"symptoms.progression": "getting_worse"}, ()),
    (
        "vitamin_b6",
        "b6-supplement",
        {"medications": [{"name": "Vitamin B6 100 mg", "kind": "supplement"}]},
        ("Medication 'Vitamin B6 100 mg' matches vitamin B6 (b6) (medications.0.name)",),
    ),
    (
        "vitamin_b6",
        "b-6",
        {"medications": [{"name": "Vitamin B-6 100 mg", "kind": "supplement"}]},
        ("Medication 'Vitamin B-6 100 mg' matches vitamin B6 (b 6) (medications.0.name)",),
    ),
    (
        "vitamin_b6",
        "pyridoxine",
        medication("PYRIDOXINE"),
        ("Medication 'PYRIDOXINE' matches vitamin B6 (pyridoxin*) (medications.1.name)",),
    ),
    ("vitamin_b6", "b6-in-the-dose-only", {"medications": [{"name": "Complex", "dose": "B6"}]}, ()),
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
    ("vascular_studies", "raynauds-is-no-longer-a-trigger", condition("raynauds"), ()),
    (
        "vascular_studies",
        "pale",
        {"symptoms.leg_changes": ["pale_or_blue", "swollen"]},
        ("Leg change: pale or blue (symptoms.leg_changes)",),
    ),
    (
        "vascular_studies",
        "cold",
        {"symptoms.leg_changes": ["cold"]},
        ("Leg change: cold (symptoms.leg_changes)",),
    ),
    (
        "vascular_studies",
        "diabetic-wound",
        {**condition("diabetes"), "symptoms.leg_changes": ["wound_or_ulcer"]},
        ("Leg change: wound or ulcer and condition: diabetes (symptoms.leg_changes, conditions)",),
    ),
    ("vascular_studies", "wound-no-diabetes", {"symptoms.leg_changes": ["wound_or_ulcer"]}, ()),
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
    (
        "venous_ultrasound",
        "one-leg-swollen",
        {"symptoms.leg_changes": ["swollen"], "symptoms.duration_days": 28},
        (
            "Possible deep vein thrombosis (one leg swollen or red) "
            "(symptoms.sides, symptoms.leg_changes, symptoms.duration_days)",
        ),
    ),
    (
        "venous_ultrasound",
        "both-legs-swollen",
        {**BOTH, "symptoms.leg_changes": ["swollen"]},
        (),
    ),
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
    ("neurology_referral", "persistent-radicular", {**PERSISTENT, **RADIATING}, ()),
    (
        "neurology_referral",
        "sudden-onset",
        {**NOT_BENIGN, "symptoms.onset": "sudden", "symptoms.duration_days": 7},
        ("Sudden onset or change in the last 7 days (symptoms.onset, symptoms.duration_days)",),
    ),
    (
        "neurology_referral",
        "sudden-8-days",
        {**NOT_BENIGN, "symptoms.onset": "sudden", "symptoms.duration_days": 8},
        (),
    ),
    (
        "neurology_referral",
        "sudden-but-benign-positional",
        {"symptoms.onset": "sudden", "symptoms.duration_days": 3},
        (),
    ),
    (
        "neurology_referral",
        "nitrous-oxide",
        {"exposures": ["nitrous_oxide"]},
        ("Nitrous oxide used for fun (exposures)",),
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
    return tuple(map(str, suggestions[code].reasons)) if code in suggestions else ()


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


@pytest.mark.parametrize(("name", "term"), ACID_REDUCERS)
def test_each_acid_reducer_suggests_vitamin_b12_whatever_its_case(name, term):
    answers = medication(f"{name.upper()} 20 mg")
    kind = "H2 blocker" if term.endswith("tidin*") else "proton-pump inhibitor"

    assert suggestion_reasons(answers, "vitamin_b12") == (
        f"Medication '{name.upper()} 20 mg' matches {kind} ({term}) (medications.1.name)",
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
        "Medication 'metformin' matches metformin (metformin*) (medications.0.name)",
        "Medication 'Omeprazole' matches proton-pump inhibitor (omeprazol*) (medications.1.name)",
        "Medication 'Famotidine' matches H2 blocker (famotidin*) (medications.2.name)",
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
        "glucose_hba1c": GLUCOSE_NOTE,
        "serum_protein_electrophoresis": AAN_NOTE,
    }


def test_suggestions_come_in_table_order_with_name_first_line_and_note():
    doc = document({**DISTAL, "symptoms.duration_days": 30})

    suggestions = suggest_tests(doc, evaluate_triage(doc))

    assert [(s.code, s.name, s.first_line, s.note) for s in suggestions] == [
        ("vitamin_b12", "Vitamin B12 (with methylmalonic acid)", True, AAN_NOTE),
        ("glucose_hba1c", "Fasting glucose and HbA1c", True, GLUCOSE_NOTE),
        ("thyroid_function", "Thyroid function (TSH, free T4)", False, ""),
        (
            "serum_protein_electrophoresis",
            "Serum protein electrophoresis with immunofixation",
            True,
            AAN_NOTE,
        ),
        ("nerve_conduction_study", "Nerve conduction study and EMG", False, ""),
    ]


def test_a_reason_carries_the_source_of_the_trigger_that_fired_and_no_other():
    doc = document({"exposures": ["nitrous_oxide"], "lifestyle": {"diet": "vegan"}})
    (b12,) = [s for s in suggest_tests(doc, evaluate_triage(doc)) if s.code == "vitamin_b12"]

    assert [(str(reason), reason.source) for reason in b12.reasons] == [
        ("Diet: vegan (lifestyle.diet)", ""),
        (
            "Exposure: nitrous oxide (exposures)",
            "[ext] nitrous oxide: test with homocysteine; B12 may be normal",
        ),
    ]
    assert b12.note == f"{AAN_NOTE}; [ext] nitrous oxide: test with homocysteine; B12 may be normal"


def test_an_mri_for_bladder_loss_carries_no_caveat_against_imaging():
    doc = document({"red_flags.bladder_bowel_control_loss": True})
    (mri,) = [s for s in suggest_tests(doc, evaluate_triage(doc)) if s.code == "mri_lumbar_spine"]

    assert mri.note == ""


def test_an_mri_for_long_radicular_pain_says_why_six_weeks():
    doc = document({**RADIATING, "symptoms.duration_days": 42})
    (mri,) = [s for s in suggest_tests(doc, evaluate_triage(doc)) if s.code == "mri_lumbar_spine"]

    assert mri.note == (
        "[ext] radicular pain past 6 weeks (no imaging before: ACR 2021; NICE NG59)"
    )


@pytest.mark.parametrize(
    ("answers", "fits"),
    [
        pytest.param({}, True, id="benign-positional"),
        pytest.param({"symptoms.relieved_by_moving": False}, False, id="not-relieved"),
        pytest.param({"symptoms.positional": False}, False, id="not-positional"),
        pytest.param({"symptoms.associated": ["leg_weakness"]}, False, id="an-urgent-flag-fires"),
        pytest.param({"treatments": ["chemotherapy"]}, True, id="an-attention-flag-only"),
        pytest.param(
            {"symptoms.frequency": "weekly", "symptoms.duration_days": 14},
            False,
            id="persistent-or-frequent",
        ),
        pytest.param(
            {"symptoms.frequency": "weekly", "symptoms.duration_days": 13}, True, id="13-days"
        ),
    ],
)
def test_the_positional_reassurance_follows_section_3(answers, fits):
    doc = document(answers)

    assert fits_positional_pressure(doc, evaluate_triage(doc)) is fits


def test_the_positional_reassurance_removes_no_test_and_says_consistent_with():
    doc = document({"conditions": ["diabetes"], "medications": [{"name": "Metformin"}]})
    triage = evaluate_triage(doc)

    assert fits_positional_pressure(doc, triage)
    assert [s.code for s in suggest_tests(doc, triage)] == ["vitamin_b12", "glucose_hba1c"]
    assert POSITIONAL_STATEMENT.startswith("The pattern is consistent with pressure on a nerve")
