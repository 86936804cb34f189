"""Tests to consider (clinical-content.md §3), as one table.

A test is suggested when any of its triggers holds; its reasons list every
trigger that held, each naming the answers behind it. Suggestions are for a
clinician to consider, never an order. Changing this module changes what
clinicians see: bump triage.rules.RULES_VERSION and record the new fingerprint.
"""

from collections.abc import Callable
from dataclasses import dataclass

from intake.document import IntakeDocument, answer_at
from triage.engine import TriageResult
from triage.rules import distal_symmetric_pattern

AAN_FIRST_LINE_NOTE = "First-line screening for distal symmetric polyneuropathy (AAN 2009, level C)"
ALCOHOL_DRINKS_PER_WEEK_MIN = 14
NERVE_STUDY_MIN_DAYS = 28
# [ext] No imaging for uncomplicated radicular pain in its first 6 weeks.
RADICULAR_IMAGING_MIN_DAYS = 42
PROTON_PUMP_INHIBITORS = (
    "omeprazole",
    "esomeprazole",
    "lansoprazole",
    "pantoprazole",
    "rabeprazole",
    "dexlansoprazole",
)
H2_BLOCKERS = ("famotidine", "cimetidine", "nizatidine", "ranitidine")
VITAMIN_B6_NAMES = ("pyridoxine", "b6")

Reasons = Callable[[IntakeDocument, TriageResult], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Trigger:
    when: str  # in words, for the clinician-facing rules document
    test: Reasons


@dataclass(frozen=True, slots=True)
class SuggestionRule:
    code: str
    name: str
    first_line: bool
    note: str
    triggers: tuple[Trigger, ...]


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    name: str
    reasons: tuple[str, ...]
    first_line: bool
    note: str


def _reason(label: str, paths: tuple[str, ...]) -> str:
    return f"{label} ({', '.join(paths)})"


def _words(code: str) -> str:
    return code.replace("_", " ")


def _either(codes: tuple[str, ...]) -> str:
    quoted = [f"`{code}`" for code in codes]
    return " or ".join(filter(None, [", ".join(quoted[:-1]), quoted[-1]]))


# Trigger builders: each trigger's reasons name the answers that made it hold.


def _flagged(when: str, *codes: str) -> Trigger:
    """Triage flags that fired, named by their title and evidence."""
    return Trigger(
        when,
        lambda doc, triage: tuple(
            _reason(flag.title, flag.evidence) for flag in triage.flags if flag.code in codes
        ),
    )


def _chosen(path: str, label: str, when: str, *codes: str) -> Trigger:
    """A one-choice answer (e.g. diet) that is one of `codes`."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[str, ...]:
        answer = answer_at(doc, path)
        held = isinstance(answer, str) and answer in codes
        return (_reason(f"{label}: {_words(str(answer))}", (path,)),) if held else ()

    return Trigger(when, reasons)


def _ticked(path: str, label: str, when: str, *codes: str) -> Trigger:
    """A tick-all-that-apply answer that includes any of `codes`."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[str, ...]:
        answer = answer_at(doc, path)
        ticked = [code for code in answer if code in codes] if isinstance(answer, tuple) else []
        return (_reason(f"{label}: {', '.join(map(_words, ticked))}", (path,)),) if ticked else ()

    return Trigger(f"{when}{_either(codes)}", reasons)


def _condition(*codes: str) -> Trigger:
    return _ticked("conditions", "Condition", "condition ", *codes)


def _symptom(*codes: str) -> Trigger:
    return _ticked("symptoms.associated", "Symptom", "", *codes)


def _at_least(path: str, label: str, minimum: int) -> Trigger:
    """A number answer of at least `minimum`; `label` formats the value."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[str, ...]:
        value = answer_at(doc, path)
        held = isinstance(value, int) and value >= minimum
        return (_reason(label.format(value), (path,)),) if held else ()

    return Trigger(f"`{path.rsplit('.', 1)[-1]} ≥ {minimum}`", reasons)


def _days_at_least(minimum: int) -> Trigger:
    return _at_least("symptoms.duration_days", "Numb or tingling for {} days", minimum)


def _medication_named(when: str, *terms: str) -> Trigger:
    """Medications whose name contains a term (case-insensitive substring)."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[str, ...]:
        found = []
        for i, medication in enumerate(doc.medications):
            # The longest term names the drug: "esomeprazole" also contains "omeprazole".
            term = max((t for t in terms if t in medication.name.casefold()), key=len, default="")
            if term:
                label = f"Medication '{medication.name}' contains {term}"
                found.append(_reason(label, (f"medications.{i}.name",)))
        return tuple(found)

    return Trigger(f"{when} {_either(terms)}", reasons)


def _injury_of_kind(kind: str) -> Trigger:
    return Trigger(
        f"an injury of kind `{kind}`",
        lambda doc, triage: tuple(
            _reason(f"Injury: {_words(kind)}", (f"injuries.{i}.kind",))
            for i, injury in enumerate(doc.injuries)
            if injury.kind == kind
        ),
    )


def _distal_symmetric(doc: IntakeDocument, triage: TriageResult) -> tuple[str, ...]:
    evidence = distal_symmetric_pattern(doc)
    if not evidence:
        return ()
    locations = "/".join(doc.symptoms.locations)
    return (_reason(f"Distal symmetric pattern: both legs, gradual onset, {locations}", evidence),)


def _both(first: Trigger, second: Trigger) -> Trigger:
    """Holds when both hold; one reason naming both ("A (path) and b (path)")."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[str, ...]:
        held = first.test(doc, triage), second.test(doc, triage)
        if not all(held):
            return ()
        head, *rest = sum(held, ())
        return ("".join([head, *(f" and {part[0].lower()}{part[1:]}" for part in rest)]),)

    return Trigger(f"{first.when} with {second.when}", reasons)


DISTAL_SYMMETRIC = Trigger("distal symmetric pattern", _distal_symmetric)
PERSISTENT_OR_FREQUENT = _flagged("persistent or frequent", "persistent_or_frequent")
RADICULAR_PAIN = _symptom("back_pain_radiating_down_leg")
NO_NOTE = ""

SUGGESTION_RULES = (
    SuggestionRule(
        "vitamin_b12",
        "Vitamin B12 (with methylmalonic acid)",
        True,
        AAN_FIRST_LINE_NOTE,
        (
            _chosen(
                "lifestyle.diet", "Diet", "diet `vegan` or `vegetarian`", "vegan", "vegetarian"
            ),
            _at_least(
                "lifestyle.alcohol_drinks_per_week",
                "Alcohol: {} drinks a week",
                ALCOHOL_DRINKS_PER_WEEK_MIN,
            ),
            _medication_named("a medication whose name contains", "metformin"),
            _medication_named(
                "a medication whose name contains a proton-pump inhibitor:",
                *PROTON_PUMP_INHIBITORS,
            ),
            _medication_named("a medication whose name contains an H2 blocker:", *H2_BLOCKERS),
            _condition("vitamin_deficiency", "weight_loss_surgery"),
            DISTAL_SYMMETRIC,
            PERSISTENT_OR_FREQUENT,
        ),
    ),
    SuggestionRule(
        "glucose_hba1c",
        "Fasting glucose and HbA1c",
        True,
        AAN_FIRST_LINE_NOTE,
        (_condition("diabetes", "prediabetes"), DISTAL_SYMMETRIC, PERSISTENT_OR_FREQUENT),
    ),
    SuggestionRule(
        "thyroid_function",
        "Thyroid function (TSH, free T4)",
        False,
        NO_NOTE,
        (_condition("hypothyroidism"), DISTAL_SYMMETRIC, PERSISTENT_OR_FREQUENT),
    ),
    SuggestionRule(
        "electrolytes",
        "Electrolytes (calcium, potassium, sodium)",
        False,
        NO_NOTE,
        (
            _symptom("muscle_spasms"),
            _ticked("symptoms.other_symptoms", "Other symptom", "", "muscle_cramps"),
            _condition("kidney_disease"),
            PERSISTENT_OR_FREQUENT,
        ),
    ),
    SuggestionRule(
        "serum_protein_electrophoresis",
        "Serum protein electrophoresis with immunofixation",
        True,
        AAN_FIRST_LINE_NOTE,
        (DISTAL_SYMMETRIC,),
    ),
    SuggestionRule(
        "nerve_conduction_study",
        "Nerve conduction study and EMG",
        False,
        NO_NOTE,
        (
            _both(DISTAL_SYMMETRIC, _days_at_least(NERVE_STUDY_MIN_DAYS)),
            _condition("peripheral_neuropathy"),
            _both(_condition("diabetes"), _symptom("burning", "touch_sensitivity")),
            _ticked("treatments", "Treatment", "treatment ", "chemotherapy"),
            _symptom("leg_weakness"),
            _both(PERSISTENT_OR_FREQUENT, _days_at_least(NERVE_STUDY_MIN_DAYS)),
        ),
    ),
    SuggestionRule(
        "mri_lumbar_spine",
        "MRI of the lumbar spine",
        False,
        f"[ext] No imaging for uncomplicated radicular pain in its first "
        f"{RADICULAR_IMAGING_MIN_DAYS // 7} weeks; article FAQ: MRI shows a herniated disc",
        (
            _flagged(
                "red flag `saddle_numbness` or `bladder_bowel_control_loss`",
                "saddle_numbness",
                "bladder_bowel_control_loss",
            ),
            _both(_symptom("leg_weakness"), _symptom("back_pain", "back_pain_radiating_down_leg")),
            _flagged("the `cancer_with_back_pain` flag", "cancer_with_back_pain"),
            _both(RADICULAR_PAIN, _days_at_least(RADICULAR_IMAGING_MIN_DAYS)),
            _both(RADICULAR_PAIN, _injury_of_kind("herniated_disc")),
        ),
    ),
    SuggestionRule(
        "mri_brain_spine",
        "MRI of the brain and spinal cord",
        False,
        NO_NOTE,
        (
            _condition("multiple_sclerosis", "transverse_myelitis"),
            _flagged("red flag `vision_problems`", "vision_problems"),
        ),
    ),
    SuggestionRule(
        "ct_scan",
        "CT scan",
        False,
        NO_NOTE,
        (
            _flagged("recent injury", "recent_injury"),
            _flagged(
                "red flag `face_arm_weakness` or `slurred_speech`",
                "face_arm_weakness",
                "slurred_speech",
            ),
        ),
    ),
    SuggestionRule(
        "toxicology_screen",
        "Toxicology screen",
        False,
        NO_NOTE,
        (
            _ticked("exposures", "Exposure", "exposure ", "seafood_toxin", "heavy_metals"),
            _flagged("red flag `confusion`", "confusion"),
        ),
    ),
    SuggestionRule(
        "lumbar_puncture",
        "Lumbar puncture (consider with neurology)",
        False,
        NO_NOTE,
        (
            _chosen(
                "symptoms.progression",
                "Progression",
                "`progression = spreading_upward`",
                "spreading_upward",
            ),
            _both(
                _condition("multiple_sclerosis", "transverse_myelitis"),
                _chosen(
                    "symptoms.progression",
                    "Progression",
                    "`progression = getting_worse`",
                    "getting_worse",
                ),
            ),
        ),
    ),
    SuggestionRule(
        "vitamin_b6",
        "Vitamin B6 level",
        False,
        "article: vitamin toxicity",
        (_medication_named("a medication or supplement whose name contains", *VITAMIN_B6_NAMES),),
    ),
    SuggestionRule(
        "vascular_studies",
        "Ankle-brachial index / arterial Doppler",
        False,
        NO_NOTE,
        (
            _condition("atherosclerosis", "peripheral_arterial_disease", "raynauds"),
            _ticked(
                "symptoms.leg_changes", "Leg change", "`leg_changes` has ", "color", "temperature"
            ),
        ),
    ),
    SuggestionRule(
        "neurology_referral",
        "Neurology referral",
        False,
        NO_NOTE,
        (
            PERSISTENT_OR_FREQUENT,
            _flagged("`sudden_onset` flag", "sudden_onset"),
            _condition("multiple_sclerosis", "transverse_myelitis", "seizures", "stroke"),
        ),
    ),
)


def suggest_tests(doc: IntakeDocument, triage: TriageResult) -> tuple[Suggestion, ...]:
    """The tests to consider, in table order, each with the reasons of every trigger that held."""
    suggestions = []
    for rule in SUGGESTION_RULES:
        reasons = tuple(reason for trigger in rule.triggers for reason in trigger.test(doc, triage))
        if reasons:
            suggestions.append(
                Suggestion(rule.code, rule.name, reasons, rule.first_line, rule.note)
            )
    return tuple(suggestions)
