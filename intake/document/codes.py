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
LEG_CHANGES = ("color", "shape", "temperature")
OTHER_SYMPTOMS = ("dizziness", "rash", "muscle_cramps")

# Spec order: the triage table and the forms list them in this order.
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
INJURY_MECHANISMS = ("car_accident", "fall", "sports", "work", "other")
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
EXPOSURES = ("frostbite", "insect_bite", "seafood_toxin", "heavy_metals")
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
MAX_MEDICATIONS = 100
MAX_VACCINATIONS = 50
MAX_INJURIES = 50
DURATION_DAYS_MAX = 36500
SEVERITY_MAX = 10
ALCOHOL_DRINKS_PER_WEEK_MAX = 200
MAX_AGE_YEARS = 120
