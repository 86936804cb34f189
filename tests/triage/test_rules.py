import datetime as dt

import pytest

from tests.builders import DELETE, days_before, document
from triage.engine import evaluate_triage
from triage.rules import (
    RULES,
    acute_within,
    distal_symmetric_pattern,
    free_text_red_flag_matches,
    sudden_within,
    within_days,
)

# Spec §2, in order: the table is a public contract.
SPEC_FLAGS = [
    ("recent_injury", "emergency"),
    ("cannot_move_or_walk", "emergency"),
    ("bladder_bowel_control_loss", "emergency"),
    ("urinary_difficulty", "emergency"),
    ("saddle_numbness", "emergency"),
    ("confusion", "emergency"),
    ("loss_of_consciousness", "emergency"),
    ("slurred_speech", "emergency"),
    ("vision_problems", "emergency"),
    ("face_arm_weakness", "emergency"),
    ("breathing_swallowing_difficulty", "emergency"),
    ("sudden_onset_today", "emergency"),
    ("sudden_weakness", "emergency"),
    ("headache_or_tearing_pain", "emergency"),
    ("limb_ischaemia_signs", "emergency"),
    ("compartment_syndrome_signs", "emergency"),
    ("spinal_infection_signs", "emergency"),
    ("spinal_haematoma_signs", "emergency"),
    ("blood_thinner_bleeding_risk", "emergency"),
    ("cancer_with_back_pain", "emergency"),
    ("ascending_weakness", "emergency"),
    ("ascending_numbness", "emergency"),
    ("foot_infection_signs", "emergency"),
    ("cold_injury", "emergency"),
    ("leg_weakness", "urgent"),
    ("sudden_onset", "urgent"),
    ("leg_appearance_change", "urgent"),
    ("possible_dvt", "urgent"),
    ("foot_wound", "urgent"),
    ("recent_leg_fracture", "urgent"),
    ("bilateral_radicular_pain", "urgent"),
    ("spinal_infection_risk", "urgent"),
    ("past_cancer_with_back_pain", "urgent"),
    ("myelopathy_signs", "urgent"),
    ("nitrous_oxide_exposure", "urgent"),
    ("child_with_back_pain", "urgent"),
    ("spreading_upward", "urgent"),
    ("free_text_red_flag", "urgent"),
    ("persistent_or_frequent", "attention"),
    ("accompanied_by_symptoms", "attention"),
    ("no_apparent_cause", "attention"),
    ("dizziness_rash_cramps", "attention"),
    ("leg_appearance_noted", "attention"),
    ("recent_vaccination", "attention"),
    ("neurotoxic_treatment", "attention"),
    ("injury_date_missing", "attention"),
    ("questions_not_asked", "attention"),
]
RED_FLAGS = [
    "head_back_neck_injury",
    "cannot_move_or_walk",
    "bladder_bowel_control_loss",
    "urinary_difficulty",
    "saddle_numbness",
    "confusion",
    "loss_of_consciousness",
    "slurred_speech",
    "vision_problems",
    "face_arm_weakness",
    "breathing_swallowing_difficulty",
]
INJURY_DATE = ("injuries.0.date",)
NOT_RELIEVED = {"symptoms.relieved_by_moving": False}
NOT_POSITIONAL = {"symptoms.positional": False}
CONSTANT = {"symptoms.pattern": "constant", "symptoms.frequency": None}
SUDDEN = {"symptoms.onset": "sudden"}
BOTH = {"symptoms.sides": "both"}
WORSE = {"symptoms.progression": "getting_worse"}
# The benign document: left calf, gradual, 1 day, positional and relieved by moving, every
# red flag and risk factor answered no, `last_changed_days: null`.


def long_standing(days_changed: int | None = None, **answers: object) -> dict[str, object]:
    """A year of numbness (so only `last_changed_days` can make it acute), with `answers`."""
    return {"symptoms.duration_days": 365, "symptoms.last_changed_days": days_changed, **answers}


def associated(*codes: str) -> dict[str, object]:
    return {"symptoms.associated": list(codes)}


def injury(kind: str, days: int | None, **fields: object) -> dict[str, object]:
    dated = {} if days is None else {"date": days_before(days)}
    return {"injuries": [{"kind": kind, **dated, **fields}]}


def risk(**answers: bool) -> dict[str, object]:
    return {f"risk_factors.{code}": value for code, value in answers.items()}


def leg_changes(*codes: str) -> dict[str, object]:
    return {"symptoms.leg_changes": list(codes)}


def cancer(active: bool | None) -> dict[str, object]:
    return {"conditions": ["cancer"], **({} if active is None else risk(cancer_active=active))}


# (flag code, case id, answers changed on the benign document, expected evidence; () = silent)
FLAG_CASES = [
    ("recent_injury", "red-flag-yes", {"red_flags.head_back_neck_injury": True},
     ("red_flags.head_back_neck_injury",)),
    ("recent_injury", "back-injury-14-days", injury("back_injury", 14), INJURY_DATE),
    ("recent_injury", "back-injury-15-days", injury("back_injury", 15), ()),
    ("recent_injury", "head-injury-today", injury("head_injury", 0), INJURY_DATE),
    ("recent_injury", "neck-injury-in-a-fall", injury("neck_injury", 3, mechanism="fall"),
     INJURY_DATE),
    ("recent_injury", "lifting-strain-yesterday",
     injury("back_injury", 1, mechanism="lifting_or_twisting"), ()),
    ("recent_injury", "undated", injury("head_injury", None), ()),
    ("recent_injury", "older-than-14-days", injury("back_injury", None, older_than_14_days=True),
     ()),
    ("recent_injury", "broken-leg-yesterday", injury("broken_leg", 1), ()),
    ("recent_injury", "second-of-two",
     {"injuries": [{"kind": "other", "date": days_before(1)},
                   {"kind": "head_injury", "date": days_before(2)}]},
     ("injuries.1.date",)),
    ("recent_injury", "red-flag-and-dated",
     {"red_flags.head_back_neck_injury": True, **injury("neck_injury", 5)},
     ("red_flags.head_back_neck_injury", "injuries.0.date")),
    *[(code, "yes", {f"red_flags.{code}": True}, (f"red_flags.{code}",)) for code in RED_FLAGS[1:]],
    *[(code, "no", {}, ()) for code in RED_FLAGS[1:]],
    ("urinary_difficulty", "not-asked", {"red_flags.urinary_difficulty": DELETE}, ()),
    ("sudden_onset_today", "today", {**SUDDEN, "symptoms.duration_days": 0, **NOT_RELIEVED},
     ("symptoms.onset", "symptoms.duration_days", "symptoms.relieved_by_moving")),
    ("sudden_onset_today", "1-day", {**SUDDEN, "symptoms.duration_days": 1, **NOT_RELIEVED},
     ("symptoms.onset", "symptoms.duration_days", "symptoms.relieved_by_moving")),
    ("sudden_onset_today", "2-days", {**SUDDEN, "symptoms.duration_days": 2, **NOT_RELIEVED}, ()),
    ("sudden_onset_today", "relieved-by-moving", {**SUDDEN, "symptoms.duration_days": 0}, ()),
    ("sudden_onset_today", "gradual-today", {"symptoms.duration_days": 0, **NOT_RELIEVED}, ()),
    ("sudden_onset_today", "changed-1-day-ago", long_standing(1, **NOT_RELIEVED),
     ("symptoms.last_changed_days", "symptoms.relieved_by_moving")),
    ("sudden_onset_today", "changed-2-days-ago", long_standing(2, **NOT_RELIEVED), ()),
    ("sudden_weakness", "14-days",
     {**associated("leg_weakness"), **SUDDEN, "symptoms.duration_days": 14, **NOT_RELIEVED},
     ("symptoms.associated", "symptoms.onset", "symptoms.duration_days",
      "symptoms.relieved_by_moving")),
    ("sudden_weakness", "15-days",
     {**associated("leg_weakness"), **SUDDEN, "symptoms.duration_days": 15, **NOT_RELIEVED}, ()),
    ("sudden_weakness", "changed-14-days-ago",
     long_standing(14, **associated("leg_weakness"), **NOT_RELIEVED),
     ("symptoms.associated", "symptoms.last_changed_days", "symptoms.relieved_by_moving")),
    ("sudden_weakness", "changed-15-days-ago",
     long_standing(15, **associated("leg_weakness"), **NOT_RELIEVED), ()),
    ("sudden_weakness", "relieved-by-moving",
     {**associated("leg_weakness"), **SUDDEN, "symptoms.duration_days": 3}, ()),
    ("sudden_weakness", "no-weakness", {**SUDDEN, "symptoms.duration_days": 3, **NOT_RELIEVED},
     ()),
    ("headache_or_tearing_pain", "headache",
     {"symptoms.other_symptoms": ["sudden_severe_headache"]}, ("symptoms.other_symptoms",)),
    ("headache_or_tearing_pain", "tearing-pain",
     {"symptoms.other_symptoms": ["rash", "tearing_chest_or_back_pain"]},
     ("symptoms.other_symptoms",)),
    ("headache_or_tearing_pain", "dizziness", {"symptoms.other_symptoms": ["dizziness"]}, ()),
    ("limb_ischaemia_signs", "cold-sudden-14-days",
     {**leg_changes("cold"), **CONSTANT, **SUDDEN, "symptoms.duration_days": 14},
     ("symptoms.leg_changes", "symptoms.pattern", "symptoms.onset", "symptoms.duration_days")),
    ("limb_ischaemia_signs", "cold-sudden-15-days",
     {**leg_changes("cold"), **CONSTANT, **SUDDEN, "symptoms.duration_days": 15}, ()),
    ("limb_ischaemia_signs", "pale-painful-14-days",
     {**leg_changes("pale_or_blue"), **CONSTANT, "symptoms.duration_days": 14,
      **associated("leg_pain")},
     ("symptoms.leg_changes", "symptoms.pattern", "symptoms.duration_days",
      "symptoms.associated")),
    ("limb_ischaemia_signs", "pale-painful-15-days",
     {**leg_changes("pale_or_blue"), **CONSTANT, "symptoms.duration_days": 15,
      **associated("leg_pain")}, ()),
    ("limb_ischaemia_signs", "pale-14-days-painless",
     {**leg_changes("pale_or_blue"), **CONSTANT, "symptoms.duration_days": 14}, ()),
    ("limb_ischaemia_signs", "legacy-temperature-weak",
     {**leg_changes("temperature"), **CONSTANT, **associated("leg_weakness")},
     ("symptoms.leg_changes", "symptoms.pattern", "symptoms.duration_days",
      "symptoms.associated")),
    ("limb_ischaemia_signs", "changed-14-days-ago",
     long_standing(14, **leg_changes("cold"), **CONSTANT),
     ("symptoms.leg_changes", "symptoms.pattern", "symptoms.last_changed_days")),
    ("limb_ischaemia_signs", "comes-and-goes",
     {**leg_changes("cold"), **SUDDEN, "symptoms.duration_days": 2}, ()),
    ("limb_ischaemia_signs", "swollen-not-pale",
     {**leg_changes("swollen"), **CONSTANT, **SUDDEN, "symptoms.duration_days": 2}, ()),
    ("compartment_syndrome_signs", "fracture-severity-7",
     {**injury("broken_leg", 2), **associated("leg_pain"), "symptoms.severity": 7},
     ("injuries.0.date", "symptoms.associated", "symptoms.severity")),
    ("compartment_syndrome_signs", "fracture-severity-6",
     {**injury("broken_leg", 2), **associated("leg_pain"), "symptoms.severity": 6}, ()),
    ("compartment_syndrome_signs", "blow-getting-worse",
     {**injury("other", 14, mechanism="sports"), **associated("leg_pain"), **WORSE},
     ("injuries.0.date", "symptoms.associated", "symptoms.progression")),
    ("compartment_syndrome_signs", "blow-15-days",
     {**injury("other", 15), **associated("leg_pain"), "symptoms.severity": 9}, ()),
    ("compartment_syndrome_signs", "lifting-strain",
     {**injury("other", 2, mechanism="lifting_or_twisting"), **associated("leg_pain"),
      "symptoms.severity": 9}, ()),
    ("compartment_syndrome_signs", "no-pain",
     {**injury("broken_leg", 2), "symptoms.severity": 9}, ()),
    ("spinal_infection_signs", "fever-28-days",
     {**associated("back_pain"), **risk(fever=True), "symptoms.duration_days": 28},
     ("symptoms.associated", "risk_factors.fever", "symptoms.duration_days")),
    ("spinal_infection_signs", "fever-29-days",
     {**associated("back_pain"), **risk(fever=True), "symptoms.duration_days": 29}, ()),
    ("spinal_infection_signs", "fever-changed-28-days-ago",
     long_standing(28, **associated("back_pain"), **risk(fever=True)),
     ("symptoms.associated", "risk_factors.fever", "symptoms.last_changed_days")),
    ("spinal_infection_signs", "fever-getting-worse",
     long_standing(**associated("back_pain"), **risk(fever=True), **WORSE),
     ("symptoms.associated", "risk_factors.fever", "symptoms.progression")),
    ("spinal_infection_signs", "fever-and-injects-drugs",
     long_standing(**associated("back_pain"), **risk(fever=True, injects_drugs=True)),
     ("symptoms.associated", "risk_factors.fever", "risk_factors.injects_drugs")),
    ("spinal_infection_signs", "injects-drugs-both-legs",
     long_standing(**associated("back_pain"), **risk(injects_drugs=True), **BOTH),
     ("symptoms.associated", "risk_factors.injects_drugs", "symptoms.sides")),
    ("spinal_infection_signs", "immunosuppressed-weak",
     long_standing(**associated("back_pain", "leg_weakness"), **risk(immunosuppressed=True)),
     ("symptoms.associated", "risk_factors.immunosuppressed")),
    ("spinal_infection_signs", "immunosuppressed-one-leg-stable",
     long_standing(**associated("back_pain"), **risk(immunosuppressed=True)), ()),
    ("spinal_infection_signs", "fever-no-back-pain", {**risk(fever=True)}, ()),
    ("spinal_haematoma_signs", "epidural-weak-14-days",
     {**risk(spinal_procedure_recent=True), "symptoms.duration_days": 14,
      **associated("leg_weakness")},
     ("risk_factors.spinal_procedure_recent", "symptoms.duration_days", "symptoms.associated")),
    ("spinal_haematoma_signs", "epidural-weak-15-days",
     {**risk(spinal_procedure_recent=True), "symptoms.duration_days": 15,
      **associated("leg_weakness")}, ()),
    ("spinal_haematoma_signs", "warfarina-urinary-difficulty",
     {"medications": [{"name": "Warfarina 5 mg"}], "red_flags.urinary_difficulty": True},
     ("medications.0.name", "symptoms.duration_days", "red_flags.urinary_difficulty")),
    ("spinal_haematoma_signs", "blood-thinner-changed-14-days-ago",
     long_standing(14, **risk(blood_thinner=True), **{"red_flags.cannot_move_or_walk": True}),
     ("risk_factors.blood_thinner", "symptoms.last_changed_days",
      "red_flags.cannot_move_or_walk")),
    ("spinal_haematoma_signs", "blood-thinner-no-weakness", {**risk(blood_thinner=True)}, ()),
    ("blood_thinner_bleeding_risk", "recent-blow",
     {**risk(blood_thinner=True), "red_flags.head_back_neck_injury": True},
     ("risk_factors.blood_thinner", "red_flags.head_back_neck_injury")),
    ("blood_thinner_bleeding_risk", "eliquis-sudden-7-days",
     {"medications": [{"name": "Eliquis"}], **SUDDEN, "symptoms.duration_days": 7,
      **NOT_POSITIONAL},
     ("medications.0.name", "symptoms.onset", "symptoms.duration_days")),
    ("blood_thinner_bleeding_risk", "sudden-8-days",
     {**risk(blood_thinner=True), **SUDDEN, "symptoms.duration_days": 8, **NOT_POSITIONAL}, ()),
    ("blood_thinner_bleeding_risk", "sudden-benign-positional",
     {**risk(blood_thinner=True), **SUDDEN, "symptoms.duration_days": 3}, ()),
    ("blood_thinner_bleeding_risk", "back-pain-and-weakness",
     long_standing(**risk(blood_thinner=True), **associated("back_pain", "leg_weakness")),
     ("risk_factors.blood_thinner", "symptoms.associated")),
    ("blood_thinner_bleeding_risk", "aspirin-is-not-a-blood-thinner-here",
     {"medications": [{"name": "Aspirin 81 mg"}], "red_flags.head_back_neck_injury": True}, ()),
    ("cancer_with_back_pain", "cancer-not-asked-back-pain",
     {**cancer(None), **associated("back_pain")}, ("conditions", "symptoms.associated")),
    ("cancer_with_back_pain", "cancer-now-radiating",
     {**cancer(True), **associated("back_pain_radiating_down_leg")},
     ("conditions", "risk_factors.cancer_active", "symptoms.associated")),
    ("cancer_with_back_pain", "past-cancer", {**cancer(False), **associated("back_pain")}, ()),
    ("cancer_with_back_pain", "both-legs-worse",
     {**cancer(True), **BOTH, **WORSE},
     ("conditions", "risk_factors.cancer_active", "symptoms.sides", "symptoms.progression")),
    ("cancer_with_back_pain", "both-legs-worse-distal-symmetric",
     {**cancer(True), **BOTH, **WORSE, "symptoms.locations": ["toes", "foot"]}, ()),
    ("cancer_with_back_pain", "back-pain-no-cancer", associated("back_pain"), ()),
    ("ascending_weakness", "28-days",
     {**associated("leg_weakness"), **BOTH, **WORSE, "symptoms.duration_days": 28},
     ("symptoms.associated", "symptoms.sides", "symptoms.progression",
      "symptoms.duration_days")),
    ("ascending_weakness", "29-days",
     {**associated("leg_weakness"), **BOTH, **WORSE, "symptoms.duration_days": 29}, ()),
    ("ascending_weakness", "changed-28-days-ago",
     long_standing(28, **associated("leg_weakness"), **BOTH,
                   **{"symptoms.progression": "spreading_upward"}),
     ("symptoms.associated", "symptoms.sides", "symptoms.progression",
      "symptoms.last_changed_days")),
    ("ascending_weakness", "stable", {**associated("leg_weakness"), **BOTH}, ()),
    ("ascending_numbness", "28-days",
     {**BOTH, "symptoms.progression": "spreading_upward", "symptoms.duration_days": 28},
     ("symptoms.sides", "symptoms.progression", "symptoms.duration_days")),
    ("ascending_numbness", "29-days",
     {**BOTH, "symptoms.progression": "spreading_upward", "symptoms.duration_days": 29}, ()),
    ("ascending_numbness", "one-leg", {"symptoms.progression": "spreading_upward"}, ()),
    ("foot_infection_signs", "diabetic-ulcer-fever",
     {**leg_changes("wound_or_ulcer"), "conditions": ["diabetes"], **risk(fever=True)},
     ("symptoms.leg_changes", "conditions", "risk_factors.fever")),
    ("foot_infection_signs", "diabetic-ulcer-cold-foot",
     {**leg_changes("wound_or_ulcer", "cold"), "conditions": ["diabetes"]},
     ("symptoms.leg_changes", "conditions")),
    ("foot_infection_signs", "diabetic-ulcer-only",
     {**leg_changes("wound_or_ulcer"), "conditions": ["diabetes"]}, ()),
    ("foot_infection_signs", "ulcer-fever-no-diabetes",
     {**leg_changes("wound_or_ulcer"), **risk(fever=True)}, ()),
    ("cold_injury", "2-days", {"exposures": ["frostbite"], "symptoms.duration_days": 2},
     ("exposures", "symptoms.duration_days")),
    ("cold_injury", "3-days", {"exposures": ["frostbite"], "symptoms.duration_days": 3}, ()),
    ("cold_injury", "changed-2-days-ago", long_standing(2, exposures=["frostbite"]),
     ("exposures", "symptoms.last_changed_days")),
    ("leg_weakness", "ticked", associated("leg_weakness"), ("symptoms.associated",)),
    ("leg_weakness", "other-symptom-ticked", associated("leg_pain"), ()),
    ("sudden_onset", "7-days", {**SUDDEN, "symptoms.duration_days": 7, **NOT_POSITIONAL},
     ("symptoms.onset", "symptoms.duration_days")),
    ("sudden_onset", "8-days", {**SUDDEN, "symptoms.duration_days": 8, **NOT_POSITIONAL}, ()),
    ("sudden_onset", "benign-positional", {**SUDDEN, "symptoms.duration_days": 2}, ()),
    ("sudden_onset", "positional-not-relieved",
     {**SUDDEN, "symptoms.duration_days": 2, **NOT_RELIEVED},
     ("symptoms.onset", "symptoms.duration_days")),
    ("sudden_onset", "changed-7-days-ago", long_standing(7, **NOT_POSITIONAL),
     ("symptoms.last_changed_days",)),
    ("sudden_onset", "changed-8-days-ago", long_standing(8, **NOT_POSITIONAL), ()),
    ("sudden_onset", "gradual", {"symptoms.duration_days": 2, **NOT_POSITIONAL}, ()),
    ("leg_appearance_change", "one-leg-long-standing", long_standing(**leg_changes("swollen")),
     ("symptoms.leg_changes", "symptoms.sides")),
    ("leg_appearance_change", "both-legs-14-days",
     {**BOTH, **leg_changes("swollen"), "symptoms.duration_days": 14},
     ("symptoms.leg_changes", "symptoms.duration_days")),
    ("leg_appearance_change", "both-legs-15-days",
     {**BOTH, **leg_changes("swollen"), "symptoms.duration_days": 15}, ()),
    ("leg_appearance_change", "none", leg_changes(), ()),
    ("possible_dvt", "swollen-28-days", {**leg_changes("swollen"), "symptoms.duration_days": 28},
     ("symptoms.sides", "symptoms.leg_changes", "symptoms.duration_days")),
    ("possible_dvt", "swollen-29-days", {**leg_changes("swollen"), "symptoms.duration_days": 29},
     ()),
    ("possible_dvt", "red-changed-28-days-ago", long_standing(28, **leg_changes("red_or_warm")),
     ("symptoms.sides", "symptoms.leg_changes", "symptoms.last_changed_days")),
    ("possible_dvt", "legacy-shape", leg_changes("shape"),
     ("symptoms.sides", "symptoms.leg_changes", "symptoms.duration_days")),
    ("possible_dvt", "both-legs-swollen", {**BOTH, **leg_changes("swollen")}, ()),
    ("possible_dvt", "pale-not-swollen", leg_changes("pale_or_blue"), ()),
    ("foot_wound", "ulcer", leg_changes("wound_or_ulcer"), ("symptoms.leg_changes",)),
    ("foot_wound", "swollen", leg_changes("swollen"), ()),
    ("recent_leg_fracture", "14-days", injury("broken_leg", 14), INJURY_DATE),
    ("recent_leg_fracture", "15-days", injury("broken_leg", 15), ()),
    ("recent_leg_fracture", "twisted", injury("broken_leg", 2, mechanism="lifting_or_twisting"),
     INJURY_DATE),
    ("recent_leg_fracture", "other-injury", injury("other", 2), ()),
    ("bilateral_radicular_pain", "14-days",
     {**BOTH, **associated("back_pain_radiating_down_leg"), "symptoms.duration_days": 14},
     ("symptoms.sides", "symptoms.associated", "symptoms.duration_days")),
    ("bilateral_radicular_pain", "15-days",
     {**BOTH, **associated("back_pain_radiating_down_leg"), "symptoms.duration_days": 15}, ()),
    ("bilateral_radicular_pain", "getting-worse",
     long_standing(**BOTH, **associated("back_pain_radiating_down_leg"), **WORSE),
     ("symptoms.sides", "symptoms.associated", "symptoms.progression")),
    ("bilateral_radicular_pain", "one-leg", associated("back_pain_radiating_down_leg"), ()),
    ("spinal_infection_risk", "immunosuppressed-one-leg-stable",
     long_standing(**associated("back_pain"), **risk(immunosuppressed=True)),
     ("symptoms.associated", "risk_factors.immunosuppressed")),
    ("spinal_infection_risk", "fever-29-days",
     {**associated("back_pain"), **risk(fever=True), "symptoms.duration_days": 29},
     ("symptoms.associated", "risk_factors.fever")),
    ("spinal_infection_risk", "signs-fire-instead",
     {**associated("back_pain"), **risk(fever=True), "symptoms.duration_days": 28}, ()),
    ("spinal_infection_risk", "no-back-pain", risk(injects_drugs=True), ()),
    ("past_cancer_with_back_pain", "past-cancer", {**cancer(False), **associated("back_pain")},
     ("conditions", "risk_factors.cancer_active", "symptoms.associated")),
    ("past_cancer_with_back_pain", "cancer-not-asked",
     {**cancer(None), **associated("back_pain")}, ()),
    ("past_cancer_with_back_pain", "cancer-now", {**cancer(True), **associated("back_pain")}, ()),
    ("myelopathy_signs", "clumsy-hands",
     {"symptoms.other_symptoms": ["hand_numbness_or_clumsiness"], **BOTH, **WORSE},
     ("symptoms.other_symptoms", "symptoms.sides", "symptoms.progression")),
    ("myelopathy_signs", "unsteady-spreading",
     {"symptoms.other_symptoms": ["unsteady_or_falling"], **BOTH,
      "symptoms.progression": "spreading_upward"},
     ("symptoms.other_symptoms", "symptoms.sides", "symptoms.progression")),
    ("myelopathy_signs", "stable",
     {"symptoms.other_symptoms": ["unsteady_or_falling"], **BOTH}, ()),
    ("myelopathy_signs", "one-leg",
     {"symptoms.other_symptoms": ["unsteady_or_falling"], **WORSE}, ()),
    ("nitrous_oxide_exposure", "exposed", {"exposures": ["nitrous_oxide"]}, ("exposures",)),
    ("nitrous_oxide_exposure", "other-exposure", {"exposures": ["insect_bite"]}, ()),
    ("child_with_back_pain", "15-the-day-before-turning-16",
     {"patient.date_of_birth": "2010-11-21", **associated("back_pain")},
     ("patient.date_of_birth", "symptoms.associated")),
    ("child_with_back_pain", "16-today",
     {"patient.date_of_birth": "2010-11-20", **associated("back_pain")}, ()),
    ("child_with_back_pain", "child-no-back-pain", {"patient.date_of_birth": "2015-01-01"}, ()),
    ("spreading_upward", "spreading", {"symptoms.progression": "spreading_upward"},
     ("symptoms.progression",)),
    ("spreading_upward", "getting-worse", WORSE, ()),
    ("free_text_red_flag", "description", {"symptoms.description": "I peed myself"},
     ('symptoms.description: "I peed myself"',)),
    ("free_text_red_flag", "notes", {"notes": "Groin feels numb"},
     ('notes: "Groin feels numb"',)),
    ("free_text_red_flag", "injury-description",
     injury("other", 30, description="Perdí el conocimiento"),
     ('injuries.0.description: "Perdí el conocimiento"',)),
    ("free_text_red_flag", "both-fields",
     {"symptoms.description": "blurry", "notes": "She fainted"},
     ('symptoms.description: "blurry"', 'notes: "She fainted"')),
    ("free_text_red_flag", "curly-apostrophe", {"notes": "I can’t walk far"},  # noqa: RUF001
     ('notes: "I can’t walk far"',)),  # noqa: RUF001
    ("free_text_red_flag", "spanish-in-an-english-document",
     {"symptoms.description": "Arrastro el pie"}, ('symptoms.description: "Arrastro el pie"',)),
    ("free_text_red_flag", "a-negation-still-fires", {"notes": "No bladder problems"},
     ('notes: "No bladder problems"',)),
    ("free_text_red_flag", "television-is-not-vision",
     {"symptoms.description": "Numb after television and a revision of my notes"}, ()),
    ("free_text_red_flag", "no-term", {"symptoms.description": "Pins and needles"}, ()),
    ("persistent_or_frequent", "constant-14-days", {**CONSTANT, "symptoms.duration_days": 14},
     ("symptoms.duration_days", "symptoms.pattern")),
    ("persistent_or_frequent", "constant-13-days", {**CONSTANT, "symptoms.duration_days": 13},
     ()),
    ("persistent_or_frequent", "weekly-14-days",
     {"symptoms.frequency": "weekly", "symptoms.duration_days": 14},
     ("symptoms.duration_days", "symptoms.frequency")),
    ("persistent_or_frequent", "daily-13-days",
     {"symptoms.frequency": "daily", "symptoms.duration_days": 13}, ()),
    ("persistent_or_frequent", "monthly", {"symptoms.duration_days": 30}, ()),
    ("persistent_or_frequent", "comes-and-goes-unsaid",
     {"symptoms.frequency": None, "symptoms.duration_days": 30}, ()),
    ("persistent_or_frequent", "a-change-does-not-make-it-persistent",
     {**CONSTANT, "symptoms.duration_days": 13, "symptoms.last_changed_days": 13}, ()),
    ("accompanied_by_symptoms", "itching", associated("itching"), ("symptoms.associated",)),
    ("accompanied_by_symptoms", "none", associated(), ()),
    ("no_apparent_cause", "not-positional-no-injuries", NOT_POSITIONAL,
     ("symptoms.positional", "injuries")),
    ("no_apparent_cause", "old-injury", {**NOT_POSITIONAL, **injury("other", 400)}, ()),
    ("no_apparent_cause", "undated-injury", {**NOT_POSITIONAL, **injury("pinched_nerve", None)},
     ()),
    ("no_apparent_cause", "positional", {}, ()),
    ("dizziness_rash_cramps", "rash", {"symptoms.other_symptoms": ["rash"]},
     ("symptoms.other_symptoms",)),
    ("dizziness_rash_cramps", "only-the-new-codes",
     {"symptoms.other_symptoms": ["unsteady_or_falling", "sudden_severe_headache"]}, ()),
    ("leg_appearance_noted", "both-legs-long-standing",
     long_standing(**BOTH, **leg_changes("swollen")), ("symptoms.leg_changes",)),
    ("leg_appearance_noted", "change-fires-instead", leg_changes("swollen"), ()),
    ("leg_appearance_noted", "none", leg_changes(), ()),
    ("recent_vaccination", "42-days", {"vaccinations": [{"name": "Flu", "date": days_before(42)}]},
     ("vaccinations.0.date",)),
    ("recent_vaccination", "43-days", {"vaccinations": [{"name": "Flu", "date": days_before(43)}]},
     ()),
    ("recent_vaccination", "undated", {"vaccinations": [{"name": "Flu"}]}, ()),
    ("neurotoxic_treatment", "chemotherapy", {"treatments": ["chemotherapy"]}, ("treatments",)),
    ("neurotoxic_treatment", "radiation", {"treatments": ["radiation_therapy"]}, ("treatments",)),
    ("neurotoxic_treatment", "none", {"treatments": []}, ()),
    ("injury_date_missing", "undated-head-injury", injury("head_injury", None), INJURY_DATE),
    ("injury_date_missing", "undated-broken-leg", injury("broken_leg", None), INJURY_DATE),
    ("injury_date_missing", "more-than-two-weeks-ago",
     injury("back_injury", None, older_than_14_days=True), ()),
    ("injury_date_missing", "dated", injury("neck_injury", 100), ()),
    ("injury_date_missing", "undated-disc", injury("herniated_disc", None), ()),
    ("questions_not_asked", "urinary-difficulty",
     {"red_flags.urinary_difficulty": DELETE}, ("red_flags.urinary_difficulty",)),
    ("questions_not_asked", "last-changed-days",
     {"symptoms.last_changed_days": DELETE}, ("symptoms.last_changed_days",)),
    ("questions_not_asked", "risk-factors", {"risk_factors": DELETE},
     ("risk_factors.fever", "risk_factors.injects_drugs", "risk_factors.immunosuppressed",
      "risk_factors.spinal_procedure_recent", "risk_factors.blood_thinner")),
    ("questions_not_asked", "one-risk-factor", {"risk_factors.fever": DELETE},
     ("risk_factors.fever",)),
    ("questions_not_asked", "cancer-active-after-cancer", cancer(None),
     ("risk_factors.cancer_active",)),
    ("questions_not_asked", "cancer-active-answered", cancer(False), ()),
    ("questions_not_asked", "all-asked", {}, ()),
]  # fmt: skip


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


def test_overlapping_matches_are_quoted_once():
    doc = document({"notes": "Double vision since Sunday"})  # `double vision` and `vision*`

    assert free_text_red_flag_matches(doc) == ('notes: "Double vision since Sunday"',)


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


# A date after reported_on is refused by the parser (2026.12.1), never read as recent.
@pytest.mark.parametrize(
    ("days_before_report", "within"),
    [(-1, False), (0, True), (14, True), (15, False)],
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


# 2026.12.1: an undated injury is not recent (the red-flag question asks about recency); it
# asks the clinician for the date instead of making an old injury an emergency.
@pytest.mark.parametrize("kind", ["back_injury", "head_injury", "neck_injury"])
def test_an_undated_back_head_or_neck_injury_asks_for_its_date(kind):
    result = evaluate_triage(document(injury(kind, None)))

    assert result.level == "routine"
    assert [flag.code for flag in result.flags] == ["injury_date_missing"]


# Every emergency row of §2, each from a benign document with the fewest answers changed.
EMERGENCY_ANSWERS = {
    "sudden_onset_today": {**SUDDEN, "symptoms.duration_days": 0, **NOT_RELIEVED},
    "sudden_weakness": long_standing(10, **associated("leg_weakness"), **NOT_RELIEVED),
    "headache_or_tearing_pain": {"symptoms.other_symptoms": ["sudden_severe_headache"]},
    "limb_ischaemia_signs": {**leg_changes("cold"), **CONSTANT, **associated("leg_pain")},
    "compartment_syndrome_signs": {
        **injury("broken_leg", 1), **associated("leg_pain"), "symptoms.severity": 8
    },
    "spinal_infection_signs": {**associated("back_pain"), **risk(fever=True)},
    "spinal_haematoma_signs": {**risk(spinal_procedure_recent=True), **associated("leg_weakness")},
    "blood_thinner_bleeding_risk": {"medications": [{"name": "Xarelto 20 mg"}],
                                    "red_flags.head_back_neck_injury": True},
    "cancer_with_back_pain": {**cancer(None), **associated("back_pain")},
    "ascending_weakness": {**associated("leg_weakness"), **BOTH, **WORSE},
    "ascending_numbness": {**BOTH, "symptoms.progression": "spreading_upward"},
    "foot_infection_signs": {**leg_changes("wound_or_ulcer"), "conditions": ["diabetes"],
                             **risk(fever=True)},
    "cold_injury": {"exposures": ["frostbite"]},
}  # fmt: skip


@pytest.mark.parametrize(("code", "answers"), list(EMERGENCY_ANSWERS.items()))
def test_safety_every_emergency_row_makes_the_level_emergency(code, answers):
    result = evaluate_triage(document(answers))

    assert result.flag(code) is not None
    assert result.level == "emergency"


def test_every_emergency_row_is_covered_by_the_safety_tests():
    emergencies = {rule.code for rule in RULES if rule.severity == "emergency"}

    assert emergencies == {"recent_injury", *RED_FLAGS[1:], *EMERGENCY_ANSWERS}


# The windows of §2 for both ways of being recent: the first day, and the last sudden change.
@pytest.mark.parametrize("days", [1, 2, 7, 14, 28])
@pytest.mark.parametrize("field", ["symptoms.duration_days", "symptoms.last_changed_days"])
def test_acute_within_n_days_is_inclusive_for_either_day_count(field, days):
    base = {"symptoms.duration_days": 365, **SUDDEN}

    assert acute_within(days)(document({**base, field: days})) == (field,)
    assert acute_within(days)(document({**base, field: days + 1})) == ()


@pytest.mark.parametrize("days", [1, 7, 14])
def test_sudden_within_n_days_needs_a_sudden_onset_or_a_sudden_change(days):
    started = {**SUDDEN, "symptoms.duration_days": days}
    changed = long_standing(days)

    assert sudden_within(days)(document(started)) == ("symptoms.onset", "symptoms.duration_days")
    assert sudden_within(days)(document({**started, "symptoms.duration_days": days + 1})) == ()
    assert sudden_within(days)(document({**started, "symptoms.onset": "gradual"})) == ()
    assert sudden_within(days)(document(changed)) == ("symptoms.last_changed_days",)
    assert sudden_within(days)(document(long_standing(days + 1))) == ()
    assert sudden_within(days)(document(long_standing(None))) == ()


def test_sudden_within_1_day_covers_today_and_yesterday():
    assert all(
        sudden_within(1)(document({**SUDDEN, "symptoms.duration_days": days})) for days in (0, 1)
    )


@pytest.mark.parametrize("kind", ["back_injury", "head_injury", "neck_injury"])
def test_a_back_head_or_neck_injury_15_days_before_is_not_an_emergency(kind):
    doc = document({"injuries": [{"kind": kind, "date": days_before(15)}]})

    assert evaluate_triage(doc).level == "routine"
