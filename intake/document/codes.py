"""The intake document's answer codes and limits (clinical-content.md §1).

Codes are a public contract shared with the JSON Schema, the REST API, FHIR
`linkId`s and the forms: add to these tuples, never rename. Plain `str` tuples
so Django `TextChoices` and form choices can be built from them.
"""

SEXES = ("female", "male", "other", "unknown")
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"

SIDES = ("left", "right", "both")
LOCATIONS = ("toes", "foot", "ankle", "shin", "calf", "knee", "thigh", "buttock")
ONSETS = ("sudden", "gradual")
PATTERNS = ("constant", "comes_and_goes")
FREQUENCIES = ("several_times_a_day", "daily", "weekly", "monthly_or_less")
PROGRESSIONS = ("getting_better", "stable", "getting_worse", "spreading_upward")
ASSOCIATED = (
    "leg_pain",
    "anxiety",
    "back_pain",
    "back_pain_radiating_down_leg",
    "burning",
    "crawling_under_skin",
    "itching",
    "muscle_spasms",
    "touch_sensitivity",
    "difficulty_sitting_or_standing",
    "leg_weakness",
)
# What the app asks since 2026.12.1, then the codes of older documents: still accepted, and
# read as the more dangerous of what they may mean (clinical-content.md §2).
ASKED_LEG_CHANGES = ("pale_or_blue", "cold", "swollen", "red_or_warm", "wound_or_ulcer")
LEGACY_LEG_CHANGES = ("color", "shape", "temperature")
LEG_CHANGES = ASKED_LEG_CHANGES + LEGACY_LEG_CHANGES
OTHER_SYMPTOMS = (
    "dizziness",
    "rash",
    "muscle_cramps",
    "hand_numbness_or_clumsiness",
    "unsteady_or_falling",
    "sudden_severe_headache",
    "tearing_chest_or_back_pain",
)

# The red flags every document answers, in spec order (the forms list them in this order).
RED_FLAG_CODES = (
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
)
# New in 2026.12.1: optional in a document so older clients keep working; absent = not asked.
OPTIONAL_RED_FLAG_CODES = ("urinary_difficulty",)
# Every red flag in spec order (urinary difficulty follows bladder and bowel control).
ALL_RED_FLAG_CODES = (*RED_FLAG_CODES[:3], *OPTIONAL_RED_FLAG_CODES, *RED_FLAG_CODES[3:])

# New in 2026.12.1, each optional (absent = not asked). The first five are asked of everyone;
# CANCER_ACTIVE only of someone who has had cancer.
RISK_FACTOR_CODES = (
    "fever",
    "injects_drugs",
    "immunosuppressed",
    "spinal_procedure_recent",
    "blood_thinner",
)
CANCER_ACTIVE = "cancer_active"
ALL_RISK_FACTOR_CODES = (*RISK_FACTOR_CODES, CANCER_ACTIVE)


def risk_factors_asked(conditions: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The risk factors asked of a patient with these conditions: cancer_active after cancer."""
    return (*RISK_FACTOR_CODES, *((CANCER_ACTIVE,) if "cancer" in conditions else ()))


MEDICATION_KINDS = ("prescription", "over_the_counter", "supplement")
TREATMENTS = ("chemotherapy", "radiation_therapy")
INJURY_KINDS = (
    "back_injury",
    "head_injury",
    "neck_injury",
    "broken_leg",
    "herniated_disc",
    "pinched_nerve",
    "other",
)
INJURY_MECHANISMS = ("car_accident", "fall", "sports", "work", "lifting_or_twisting", "other")
CONDITIONS = (
    "diabetes",
    "prediabetes",
    "hypothyroidism",
    "multiple_sclerosis",
    "atherosclerosis",
    "peripheral_arterial_disease",
    "heart_disease",
    "migraine",
    "peripheral_neuropathy",
    "raynauds",
    "seizures",
    "stroke",
    "lupus",
    "transverse_myelitis",
    "fibromyalgia",
    "shingles",
    "kidney_disease",
    "cancer",
    "vitamin_deficiency",
    "weight_loss_surgery",
)
EXPOSURES = ("frostbite", "insect_bite", "seafood_toxin", "heavy_metals", "nitrous_oxide")
DIETS = ("omnivore", "vegetarian", "vegan")
SMOKING = ("never", "former", "current")

# Limits from intake.schema.json, shared with the models' max_length.
MRN_MAX_LENGTH = 32
PERSON_NAME_MAX_LENGTH = 100
PHONE_MAX_LENGTH = 32
EMAIL_MAX_LENGTH = 254
ITEM_NAME_MAX_LENGTH = 200
DOSE_MAX_LENGTH = 100
INJURY_DESCRIPTION_MAX_LENGTH = 2000
FREE_TEXT_MAX_LENGTH = 4000
VISIT_REASON_MAX_LENGTH = 200
MAX_MEDICATIONS = 100
MAX_VACCINATIONS = 50
MAX_INJURIES = 50
DURATION_DAYS_MAX = 36500
LAST_CHANGED_DAYS_MAX = 36500
SEVERITY_MAX = 10
ALCOHOL_DRINKS_PER_WEEK_MAX = 200
MAX_AGE_YEARS = 120
# Clients in time zones ahead of the clinic's may report on the clinic's tomorrow.
REPORTED_ON_MAX_DAYS_AHEAD = 1
RECENT_INJURY_DAYS = 14  # `injuries[].older_than_14_days` and the rules' "recent"
