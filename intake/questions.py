"""The questionnaire in words: each question and answer option, by its code.

One catalogue serves the front-desk forms, the patient's own pages (translated),
the FHIR Questionnaire and the summary, so a question reads the same everywhere.
The codes come from `intake.document.codes` and never change; only words do.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intake.document import codes

OPTION_LABELS = {
    # patient
    "female": _("Female"), "male": _("Male"), "other": _("Other"),
    "unknown": _("Prefer not to say"),
    "en": "English", "es": "Español",
    # symptoms
    "left": _("Left leg"), "right": _("Right leg"), "both": _("Both legs"),
    "toes": _("Toes"), "foot": _("Foot"), "ankle": _("Ankle"), "shin": _("Shin"),
    "calf": _("Calf"), "knee": _("Knee"), "thigh": _("Thigh"), "buttock": _("Buttock"),
    "sudden": _("Suddenly"), "gradual": _("Gradually"),
    "constant": _("All the time"), "comes_and_goes": _("It comes and goes"),
    "several_times_a_day": _("Several times a day"), "daily": _("About once a day"),
    "weekly": _("About once a week"), "monthly_or_less": _("Once a month or less"),
    "getting_better": _("Getting better"), "stable": _("About the same"),
    "getting_worse": _("Getting worse"), "spreading_upward": _("Spreading up the leg"),
    "leg_pain": _("Leg pain"), "anxiety": _("Anxiety"), "back_pain": _("Back pain"),
    "back_pain_radiating_down_leg": _("Back pain that runs down the leg"),
    "burning": _("Burning"), "crawling_under_skin": _("A crawling feeling under the skin"),
    "itching": _("Itching"), "muscle_spasms": _("Muscle spasms"),
    "touch_sensitivity": _("Sensitivity to touch"),
    "difficulty_sitting_or_standing": _("Difficulty sitting or standing"),
    "leg_weakness": _("Weakness in the leg"),
    "pale_or_blue": _("Paler or bluer than the other leg"),
    "cold": _("Colder than the other leg"), "swollen": _("Swollen"),
    "red_or_warm": _("Red or warm"),
    "wound_or_ulcer": _("An open wound, ulcer or blackened skin on the foot or leg"),
    # legacy codes of documents before 2026.12.1, shown as what was asked then
    "color": _("Colour changed (older question)"), "shape": _("Shape changed (older question)"),
    "temperature": _("Temperature changed (older question)"),
    "dizziness": _("Dizziness"), "rash": _("A rash"), "muscle_cramps": _("Muscle cramps"),
    "hand_numbness_or_clumsiness": _("Numb or clumsy hands (buttons, writing)"),
    "unsteady_or_falling": _("Unsteady on my feet or falling"),
    "sudden_severe_headache": _("A sudden, very severe headache"),
    "tearing_chest_or_back_pain": _("A sudden tearing or ripping pain in the chest or upper back"),
    # medications, treatments
    "prescription": _("Prescription"), "over_the_counter": _("Over the counter"),
    "supplement": _("Supplement or vitamin"),
    "chemotherapy": _("Chemotherapy"), "radiation_therapy": _("Radiation therapy"),
    # injuries
    "back_injury": _("Back injury"), "head_injury": _("Head injury"),
    "neck_injury": _("Neck injury"), "broken_leg": _("Broken leg"),
    "herniated_disc": _("Herniated (slipped) disc"), "pinched_nerve": _("Pinched nerve"),
    "car_accident": _("Car accident"), "fall": _("Fall"), "sports": _("Sports"),
    "work": _("At work"), "lifting_or_twisting": _("Lifting or twisting (no blow or fall)"),
    # history
    "diabetes": _("Diabetes"), "prediabetes": _("Prediabetes"),
    "hypothyroidism": _("Underactive thyroid (hypothyroidism)"),
    "multiple_sclerosis": _("Multiple sclerosis"), "atherosclerosis": _("Atherosclerosis"),
    "peripheral_arterial_disease": _("Peripheral arterial disease"),
    "heart_disease": _("Heart disease"), "migraine": _("Migraine"),
    "peripheral_neuropathy": _("Peripheral neuropathy"), "raynauds": _("Raynaud's"),
    "seizures": _("Seizures"), "stroke": _("Stroke"), "lupus": _("Lupus"),
    "transverse_myelitis": _("Transverse myelitis"), "fibromyalgia": _("Fibromyalgia"),
    "shingles": _("Shingles"), "kidney_disease": _("Kidney disease"), "cancer": _("Cancer"),
    "vitamin_deficiency": _("A vitamin deficiency"),
    "weight_loss_surgery": _("Weight-loss surgery"),
    "frostbite": _("Frostbite"), "insect_bite": _("An insect bite"),
    "seafood_toxin": _("Bad seafood (seafood toxin)"), "heavy_metals": _("Heavy metals"),
    "nitrous_oxide": _("Nitrous oxide (laughing gas, balloons or canisters) used for fun"),
    "omnivore": _("I eat meat and fish"), "vegetarian": _("Vegetarian"), "vegan": _("Vegan"),
    "never": _("Never smoked"), "former": _("Used to smoke"), "current": _("Smoke now"),
}  # fmt: skip

QUESTIONS = {
    "patient.mrn": _("Medical record number"),
    "patient.given_name": _("First name"),
    "patient.family_name": _("Last name"),
    "patient.date_of_birth": _("Date of birth"),
    "patient.sex": _("Sex"),
    "patient.phone": _("Phone"),
    "patient.email": _("Email"),
    "patient.preferred_language": _("Preferred language"),
    "reported_on": _("Date of these answers"),
    "symptoms.sides": _("Which leg is numb or tingling?"),
    "symptoms.locations": _("Where exactly?"),
    "symptoms.onset": _("Did it start suddenly or come on gradually?"),
    "symptoms.duration_days": _("How many days ago did you first notice it? (0 = today)"),
    "symptoms.suddenly_changed": _(
        "Has it suddenly changed or clearly got worse — spread, got weaker, changed colour or "
        "swelled?"
    ),
    "symptoms.last_changed_days": _("If it has: how many days ago did it change? (0 = today)"),
    "symptoms.pattern": _("Is it there all the time, or does it come and go?"),
    "symptoms.frequency": _("If it comes and goes: how often?"),
    "symptoms.positional": _(
        "Does it start after staying in one position for a long time — sitting, standing, lying "
        "or sleeping on it, kneeling, or with your legs crossed?"
    ),
    "symptoms.relieved_by_moving": _("Does it go away once you move around?"),
    "symptoms.progression": _("How has it changed?"),
    "symptoms.severity": _("How bad is it right now? (0 = not at all, 10 = the worst)"),
    "symptoms.associated": _("Do you also have any of these?"),
    "symptoms.leg_changes": _("Has the leg changed?"),
    "symptoms.other_symptoms": _("Have you had any of these?"),
    "symptoms.description": _("In your own words"),
    "red_flags.head_back_neck_injury": _(
        "Recently, have you had a fall, a blow or an accident that hurt your back, head or neck?"
    ),
    "red_flags.cannot_move_or_walk": _(
        "Recently, have you become unable to move your leg, or unable to walk without help, or do "
        "your legs give way?"
    ),
    "red_flags.bladder_bowel_control_loss": _(
        "Recently, have you newly lost control of your bladder or bowels (leaking, or not knowing "
        "you need to go)?"
    ),
    "red_flags.urinary_difficulty": _(
        "Recently, is it newly hard to start passing urine, or do you feel less when you pass "
        "urine or stool?"
    ),
    "red_flags.saddle_numbness": _(
        "Recently, is there new or worse numbness or a different feeling around your back "
        "passage, your genitals or between your legs (for example when you wipe), or a new change "
        "in sexual feeling?"
    ),
    "red_flags.confusion": _("Recently, have you felt confused?"),
    "red_flags.loss_of_consciousness": _("Recently, have you fainted or lost consciousness?"),
    "red_flags.slurred_speech": _("Recently, has your speech been slurred?"),
    "red_flags.vision_problems": _(
        "Recently, have you had new problems with your vision (blurred, double, lost)?"
    ),
    "red_flags.face_arm_weakness": _(
        "Recently, have you had sudden weakness or drooping of your face, or sudden weakness of "
        "an arm?"
    ),
    "red_flags.breathing_swallowing_difficulty": _(
        "Recently, have you newly had trouble breathing or swallowing?"
    ),
    "risk_factors.fever": _(
        "In the last 2 weeks, have you had a temperature of 38 °C (100.4 °F) or more, or "
        "shaking chills?"
    ),
    "risk_factors.injects_drugs": _("In the last 12 months, have you injected drugs?"),
    "risk_factors.immunosuppressed": _(
        "Is your immune system weakened (long-term steroid tablets, transplant medicines, HIV, "
        "chemotherapy in the last 6 months)?"
    ),
    "risk_factors.spinal_procedure_recent": _(
        "In the last 3 months, have you had a spinal injection, an epidural, a lumbar puncture "
        "or spine surgery?"
    ),
    "risk_factors.blood_thinner": _(
        "Do you take a blood thinner (for example warfarin, apixaban, rivaroxaban, dabigatran, "
        "edoxaban or heparin injections)?"
    ),
    "risk_factors.cancer_active": _(
        "If you have had cancer: do you have cancer now — being treated for it, or one that has "
        "spread?"
    ),
    "medications": _("Medicines and supplements you take"),
    "medications.name": _("Name"),
    "medications.dose": _("Dose"),
    "medications.kind": _("Kind"),
    "treatments": _("Have you had any of these treatments?"),
    "vaccinations": _("Vaccinations in the last few months"),
    "vaccinations.name": _("Vaccine"),
    "vaccinations.date": _("Date"),
    "injuries": _("Injuries"),
    "injuries.kind": _("Kind of injury"),
    "injuries.date": _("When"),
    "injuries.older_than_14_days": _("More than two weeks ago"),
    "injuries.mechanism": _("How it happened"),
    "injuries.description": _("What happened"),
    "conditions": _("Have you been told you have any of these conditions?"),
    "exposures": _("Have you been exposed to any of these?"),
    "lifestyle.alcohol_drinks_per_week": _("Alcoholic drinks in a typical week"),
    "lifestyle.diet": _("Diet"),
    "lifestyle.smoking": _("Smoking"),
    "notes": _("Anything else the clinician should know"),
}

# What "recently" means in the red-flag questions (§1: something new, not an old complaint).
RECENTLY_MEANS = _(
    "“Recently” means in the last 14 days, or since the numbness started if that is sooner."
)
# The first choice of "how often": a radio answer can't be cleared once chosen.
FREQUENCY_DOES_NOT_APPLY = _("Does not apply: it is there all the time")

# Shorter words for an answer quoted as a reason ("Loss of bladder or bowel control: Yes"),
# where the question itself is too long to repeat beside every flag.
REASON_LABELS = {
    "symptoms.last_changed_days": _("Suddenly changed or clearly got worse"),
    "red_flags.head_back_neck_injury": _("Recent fall, blow or accident to the back, head or neck"),
    "red_flags.cannot_move_or_walk": _("Unable to move the leg or walk"),
    "red_flags.bladder_bowel_control_loss": _("Loss of bladder or bowel control"),
    "red_flags.urinary_difficulty": _("New difficulty passing urine or less feeling"),
    "red_flags.saddle_numbness": _("Numbness around the back passage or genitals"),
    "red_flags.confusion": _("Confusion"),
    "red_flags.loss_of_consciousness": _("Fainting or loss of consciousness"),
    "red_flags.slurred_speech": _("Slurred speech"),
    "red_flags.vision_problems": _("New vision problems"),
    "red_flags.face_arm_weakness": _("Sudden weakness or drooping of the face or an arm"),
    "red_flags.breathing_swallowing_difficulty": _("Trouble breathing or swallowing"),
    "risk_factors.fever": _("Fever or shaking chills in the last 2 weeks"),
    "risk_factors.injects_drugs": _("Injected drugs in the last 12 months"),
    "risk_factors.immunosuppressed": _("Weakened immune system"),
    "risk_factors.spinal_procedure_recent": _("Spinal injection, epidural or surgery (3 months)"),
    "risk_factors.blood_thinner": _("Takes a blood thinner"),
    "risk_factors.cancer_active": _("Cancer now"),
    "medications.name": _("Medication"),
    "vaccinations.date": _("Vaccination"),
    "injuries.kind": _("Injury"),
    "injuries.date": _("Injury"),
    "injuries.older_than_14_days": _("Injury"),
    "injuries.mechanism": _("Injury"),
    "injuries.description": _("Injury described"),
}


# "None" for an empty list agrees with what is listed: in Spanish "ninguna" for the
# vaccinations, injuries, conditions and exposures (vacunas, lesiones, enfermedades,
# exposiciones), "ninguno" for the rest (medicamentos, tratamientos, síntomas).
_NONE_FEMININE = pgettext_lazy("none of them: a feminine noun in Spanish", "None")
_NONE_MASCULINE = pgettext_lazy("none of them: a masculine noun in Spanish", "None")
_FEMININE_LISTS = {"vaccinations", "injuries", "conditions", "exposures"}


def none_of(path: str) -> str:
    """The word for an empty list at `path` (its first part names the list)."""
    return str(_NONE_FEMININE if path.split(".")[0] in _FEMININE_LISTS else _NONE_MASCULINE)


def choices(option_codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Django choices for a code list, in the spec's order."""
    return [(code, OPTION_LABELS[code]) for code in option_codes]


def question(path: str) -> str:
    return QUESTIONS[path]


def reason_label(path: str) -> str:
    """The words for an answer quoted as a reason: short where the question is long."""
    return REASON_LABELS.get(path, QUESTIONS[path])


# Every code has words: a new code without a label fails at import, not on a page.
_ALL_CODES = (
    codes.SEXES + codes.LANGUAGES + codes.SIDES + codes.LOCATIONS + codes.ONSETS + codes.PATTERNS
    + codes.FREQUENCIES + codes.PROGRESSIONS + codes.ASSOCIATED + codes.LEG_CHANGES
    + codes.OTHER_SYMPTOMS + codes.MEDICATION_KINDS + codes.TREATMENTS + codes.INJURY_KINDS
    + codes.INJURY_MECHANISMS + codes.CONDITIONS + codes.EXPOSURES + codes.DIETS + codes.SMOKING
)  # fmt: skip
_ALL_YES_NO = tuple(f"red_flags.{code}" for code in codes.ALL_RED_FLAG_CODES) + tuple(
    f"risk_factors.{code}" for code in codes.ALL_RISK_FACTOR_CODES
)
if missing := (set(_ALL_CODES) - set(OPTION_LABELS)) | (set(_ALL_YES_NO) - set(QUESTIONS)):
    raise ImportError(f"codes without words: {sorted(missing)}")
