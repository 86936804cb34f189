"""Tests to consider (clinical-content.md §3), as one table.

A test is suggested when any of its triggers holds; its reasons list every
trigger that held, each naming the answers behind it, and each trigger carries
its own source: the reason shown is the one that fired, never a caveat that
argues against it. Suggestions are for a clinician to consider, never an
order. Changing this module changes what clinicians see: bump
triage.rules.RULES_VERSION and record the new fingerprint.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from intake.document import IntakeDocument, answer_at
from intake.levels import Severity
from triage.engine import TriageResult
from triage.matching import (
    H2_BLOCKER,
    METFORMIN,
    PROTON_PUMP_INHIBITOR,
    TERM_LISTS,
    VITAMIN_B6,
    first_term,
)
from triage.rules import (
    BACK_PAIN,
    benign_positional,
    distal_symmetric_pattern,
    on_blood_thinner,
    persistent_or_frequent,
    sudden_within,
)

AAN_FIRST_LINE_NOTE = "First-line screening for distal symmetric polyneuropathy (AAN 2009, level C)"
GLUCOSE_NOTE = (
    f"{AAN_FIRST_LINE_NOTE}. When glucose and HbA1c are normal, a 2-hour oral glucose "
    "tolerance test may be considered (AAN 2009)"
)
ALCOHOL_DRINKS_PER_WEEK_MIN = 14
NERVE_STUDY_MIN_DAYS = 28
WEAKNESS_EMG_MIN_DAYS = 21  # [ext] signs of nerve damage show on EMG after about three weeks
RADICULAR_IMAGING_MIN_DAYS = 42  # [ext] no imaging for uncomplicated radicular pain: 6 weeks
PERIODIC_PARALYSIS_DAYS = 7
# The flags before which a lumbar puncture must wait: the spine is imaged first.
SPINE_FIRST_FLAGS = (
    "spinal_infection_signs",
    "spinal_infection_risk",
    "spinal_haematoma_signs",
    "cancer_with_back_pain",
    "past_cancer_with_back_pain",
)
POSITIONAL_STATEMENT = (
    "The pattern is consistent with pressure on a nerve from staying in one position for a "
    "long time: numbness that starts after sitting, standing, lying or kneeling in one "
    "position and goes away once moving around. Come back if it persists or comes back "
    "often, spreads or gets worse, or comes with other symptoms."
)

Holds = Callable[[IntakeDocument, TriageResult], tuple["Reason", ...]]


@dataclass(frozen=True, slots=True)
class Reason:
    """One trigger that held: what it saw, the answers behind it, and the trigger's source."""

    label: str
    evidence: tuple[str, ...]
    source: str = ""

    def __str__(self) -> str:
        return f"{self.label} ({', '.join(self.evidence)})"


@dataclass(frozen=True, slots=True)
class Trigger:
    when: str  # in words, for the clinician-facing rules document
    test: Holds
    source: str = ""

    def reasons(self, doc: IntakeDocument, triage: TriageResult) -> tuple[Reason, ...]:
        return tuple(
            Reason(reason.label, reason.evidence, self.source) for reason in self.test(doc, triage)
        )


@dataclass(frozen=True, slots=True)
class SuggestionRule:
    code: str
    name: str
    first_line: bool
    note: str
    triggers: tuple[Trigger, ...]
    # Never suggested while any of these holds, whatever its triggers.
    never: tuple[Trigger, ...] = ()


@dataclass(frozen=True, slots=True)
class Suggestion:
    code: str
    name: str
    reasons: tuple[Reason, ...]
    first_line: bool
    note: str  # the rule's note, then the source of each trigger that fired


def _words(code: str) -> str:
    return code.replace("_", " ")


def _either(codes: tuple[str, ...]) -> str:
    quoted = [f"`{code}`" for code in codes]
    return " or ".join(filter(None, [", ".join(quoted[:-1]), quoted[-1]]))


def _with(trigger: Trigger, source: str) -> Trigger:
    return Trigger(trigger.when, trigger.test, source)


# Trigger builders: each trigger's reasons name the answers that made it hold.


def _flagged(*codes: str) -> Trigger:
    """Triage flags that fired, named by their title and evidence."""
    flags = " or ".join(f"`{code}`" for code in codes)
    return Trigger(
        f"the {flags} flag",
        lambda doc, triage: tuple(
            Reason(flag.title, flag.evidence) for flag in triage.flags if flag.code in codes
        ),
    )


def _red_flag(*codes: str) -> Trigger:
    """Red-flag questions answered yes (each fires its own emergency flag)."""
    return Trigger(f"red flag {_either(codes)}", _flagged(*codes).test)


def _chosen(path: str, label: str, *codes: str) -> Trigger:
    """A one-choice answer (e.g. diet) that is one of `codes`."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[Reason, ...]:
        answer = answer_at(doc, path)
        held = isinstance(answer, str) and answer in codes
        return (Reason(f"{label}: {_words(str(answer))}", (path,)),) if held else ()

    name = path.rsplit(".", 1)[-1]
    return Trigger(f"{name} {_either(codes)}", reasons)


def _ticked(path: str, label: str, when: str, *codes: str) -> Trigger:
    """A tick-all-that-apply answer that includes any of `codes`."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[Reason, ...]:
        answer = answer_at(doc, path)
        ticked = [code for code in answer if code in codes] if isinstance(answer, tuple) else []
        return (Reason(f"{label}: {', '.join(map(_words, ticked))}", (path,)),) if ticked else ()

    return Trigger(f"{when}{_either(codes)}", reasons)


def _condition(*codes: str) -> Trigger:
    return _ticked("conditions", "Condition", "condition ", *codes)


def _symptom(*codes: str) -> Trigger:
    return _ticked("symptoms.associated", "Symptom", "", *codes)


def _at_least(path: str, label: str, minimum: int) -> Trigger:
    """A number answer of at least `minimum`; `label` formats the value."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[Reason, ...]:
        value = answer_at(doc, path)
        held = isinstance(value, int) and value >= minimum
        return (Reason(label.format(value), (path,)),) if held else ()

    return Trigger(f"`{path.rsplit('.', 1)[-1]} ≥ {minimum}`", reasons)


def _days_at_least(minimum: int) -> Trigger:
    return _at_least("symptoms.duration_days", "Numb or tingling for {} days", minimum)


def _medication_on(list_code: str) -> Trigger:
    """Medications whose name matches a list of §1.1 (the name only, each on its own)."""
    term_list = TERM_LISTS[list_code]

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[Reason, ...]:
        found = []
        for i, medication in enumerate(doc.medications):
            if term := first_term(medication.name, list_code):
                label = f"Medication '{medication.name}' matches {term_list.label} ({term})"
                found.append(Reason(label, (f"medications.{i}.name",)))
        return tuple(found)

    return Trigger(f"a medication matching the {term_list.label} list", reasons)


def _derived(
    when: str, label: str, evidence: Callable[[IntakeDocument], tuple[str, ...]]
) -> Trigger:
    """A derived term of triage.rules, named in words."""
    return Trigger(
        when,
        lambda doc, triage: (Reason(label, found),) if (found := evidence(doc)) else (),
    )


def _both(first: Trigger, second: Trigger) -> Trigger:
    """Holds when both hold; one reason naming both ("A and b") with the answers of both."""

    def reasons(doc: IntakeDocument, triage: TriageResult) -> tuple[Reason, ...]:
        held = first.test(doc, triage), second.test(doc, triage)
        if not all(held):
            return ()
        head, *rest = (reason for part in held for reason in part)
        label = "".join([head.label, *(f" and {r.label[0].lower()}{r.label[1:]}" for r in rest)])
        evidence = dict.fromkeys(
            path for part in held for reason in part for path in reason.evidence
        )
        return (Reason(label, tuple(evidence)),)

    return Trigger(f"{first.when} with {second.when}", reasons)


def _without(trigger: Trigger, absent: Trigger) -> Trigger:
    """Holds when `trigger` holds and `absent` does not."""
    return Trigger(
        f"{trigger.when} without {absent.when}",
        lambda doc, triage: () if absent.test(doc, triage) else trigger.test(doc, triage),
    )


def _distal_symmetric(doc: IntakeDocument, triage: TriageResult) -> tuple[Reason, ...]:
    evidence = distal_symmetric_pattern(doc)
    if not evidence:
        return ()
    locations = "/".join(doc.symptoms.locations)
    return (Reason(f"Distal symmetric pattern: both legs, gradual onset, {locations}", evidence),)


DISTAL_SYMMETRIC = Trigger("distal symmetric pattern", _distal_symmetric)
RADICULAR = Trigger("a radicular pattern", _symptom("back_pain_radiating_down_leg").test)
PERSISTENT_OR_FREQUENT = _derived(
    "persistent or frequent", "Persistent or frequent numbness or tingling", persistent_or_frequent
)
PERSISTENT_NOT_RADICULAR = _without(PERSISTENT_OR_FREQUENT, RADICULAR)
BACK_PAIN_TRIGGER = Trigger("back pain", _symptom(*BACK_PAIN).test)
LEG_WEAKNESS = _symptom("leg_weakness")
WORSENING = _chosen("symptoms.progression", "Progression", "getting_worse", "spreading_upward")
BOTH_LEGS_WEAK_SUDDENLY = Trigger(
    f"`leg_weakness` with `sides = both` and sudden within {PERIODIC_PARALYSIS_DAYS} days",
    _both(
        _both(LEG_WEAKNESS, _chosen("symptoms.sides", "Sides", "both")),
        _derived("", "Sudden", sudden_within(PERIODIC_PARALYSIS_DAYS)),
    ).test,
)
RECENT_INJURY = Trigger("recent injury", _flagged("recent_injury").test)
NO_NOTE = ""

SUGGESTION_RULES = (
    SuggestionRule(
        "vitamin_b12",
        "Vitamin B12 (with methylmalonic acid)",
        True,
        AAN_FIRST_LINE_NOTE,
        (
            _chosen("lifestyle.diet", "Diet", "vegan", "vegetarian"),
            _at_least(
                "lifestyle.alcohol_drinks_per_week",
                "Alcohol: {} drinks a week",
                ALCOHOL_DRINKS_PER_WEEK_MIN,
            ),
            _medication_on(METFORMIN),
            _medication_on(PROTON_PUMP_INHIBITOR),
            _medication_on(H2_BLOCKER),
            _condition("vitamin_deficiency", "weight_loss_surgery"),
            _with(
                _ticked("exposures", "Exposure", "exposure ", "nitrous_oxide"),
                "[ext] nitrous oxide: test with homocysteine; B12 may be normal",
            ),
            _flagged("myelopathy_signs"),
            DISTAL_SYMMETRIC,
            PERSISTENT_NOT_RADICULAR,
        ),
    ),
    SuggestionRule(
        "glucose_hba1c",
        "Fasting glucose and HbA1c",
        True,
        GLUCOSE_NOTE,
        (_condition("diabetes", "prediabetes"), DISTAL_SYMMETRIC, PERSISTENT_NOT_RADICULAR),
    ),
    SuggestionRule(
        "thyroid_function",
        "Thyroid function (TSH, free T4)",
        False,
        NO_NOTE,
        (
            _condition("hypothyroidism"),
            _with(BOTH_LEGS_WEAK_SUDDENLY, "[ext] thyrotoxic periodic paralysis"),
            DISTAL_SYMMETRIC,
            PERSISTENT_NOT_RADICULAR,
        ),
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
            _with(BOTH_LEGS_WEAK_SUDDENLY, "[ext] hypokalaemic periodic paralysis"),
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
            _with(
                _both(LEG_WEAKNESS, _days_at_least(WEAKNESS_EMG_MIN_DAYS)),
                "[ext] signs of nerve damage show on EMG after about three weeks",
            ),
            _both(PERSISTENT_OR_FREQUENT, _days_at_least(NERVE_STUDY_MIN_DAYS)),
            _flagged("ascending_weakness"),
        ),
    ),
    SuggestionRule(
        "mri_lumbar_spine",
        "MRI of the lumbar spine",
        False,
        NO_NOTE,
        (
            _red_flag("saddle_numbness", "bladder_bowel_control_loss", "urinary_difficulty"),
            _flagged("bilateral_radicular_pain"),
            _both(LEG_WEAKNESS, BACK_PAIN_TRIGGER),
            _with(
                _both(RADICULAR, _days_at_least(RADICULAR_IMAGING_MIN_DAYS)),
                f"[ext] radicular pain past {RADICULAR_IMAGING_MIN_DAYS // 7} weeks (no "
                "imaging before: ACR 2021; NICE NG59)",
            ),
        ),
    ),
    SuggestionRule(
        "mri_whole_spine",
        "MRI of the whole spine",
        False,
        NO_NOTE,
        (
            _with(
                _flagged("cancer_with_back_pain", "past_cancer_with_back_pain"),
                "[ext] NICE NG234",
            ),
            _flagged("spinal_infection_signs", "spinal_infection_risk", "spinal_haematoma_signs"),
            _both(_flagged("blood_thinner_bleeding_risk"), BACK_PAIN_TRIGGER),
            _flagged("ascending_numbness"),
        ),
    ),
    SuggestionRule(
        "mri_brain_spine",
        "MRI of the brain and spinal cord",
        False,
        NO_NOTE,
        (
            _both(_condition("multiple_sclerosis", "transverse_myelitis"), WORSENING),
            _red_flag("vision_problems"),
            _flagged("myelopathy_signs"),
        ),
    ),
    SuggestionRule(
        "ct_scan",
        "CT scan",
        False,
        NO_NOTE,
        (
            RECENT_INJURY,
            _red_flag("face_arm_weakness", "slurred_speech"),
            _flagged("sudden_onset_today", "sudden_weakness", "headache_or_tearing_pain"),
            _both(_flagged("blood_thinner_bleeding_risk"), RECENT_INJURY),
        ),
    ),
    SuggestionRule(
        "toxicology_screen",
        "Toxicology screen",
        False,
        NO_NOTE,
        (
            _ticked("exposures", "Exposure", "exposure ", "seafood_toxin", "heavy_metals"),
            _red_flag("confusion"),
        ),
    ),
    SuggestionRule(
        "lumbar_puncture",
        "Lumbar puncture (consider with neurology)",
        False,
        NO_NOTE,
        (
            _chosen("symptoms.progression", "Progression", "spreading_upward"),
            _flagged("ascending_weakness"),
        ),
        never=(
            _derived("on a blood thinner", "On a blood thinner", on_blood_thinner),
            _flagged(*SPINE_FIRST_FLAGS),
        ),
    ),
    SuggestionRule(
        "vitamin_b6",
        "Vitamin B6 level",
        False,
        NO_NOTE,
        (_with(_medication_on(VITAMIN_B6), "article: vitamin toxicity"),),
    ),
    SuggestionRule(
        "vascular_studies",
        "Ankle-brachial index / arterial Doppler",
        False,
        NO_NOTE,
        (
            _condition("atherosclerosis", "peripheral_arterial_disease"),
            _ticked(
                "symptoms.leg_changes",
                "Leg change",
                "pale or cold: `leg_changes` has ",
                "pale_or_blue",
                "cold",
                "color",
                "temperature",
            ),
            _with(
                _both(
                    _ticked("symptoms.leg_changes", "Leg change", "", "wound_or_ulcer"),
                    _condition("diabetes"),
                ),
                "[ext] NICE NG19",
            ),
        ),
    ),
    SuggestionRule(
        "venous_ultrasound",
        "Leg vein ultrasound (venous duplex)",
        False,
        NO_NOTE,
        (_with(_flagged("possible_dvt"), "[ext] NICE NG158"),),
    ),
    SuggestionRule(
        "neurology_referral",
        "Neurology referral",
        False,
        NO_NOTE,
        (
            PERSISTENT_NOT_RADICULAR,
            _flagged(
                "sudden_onset",
                "sudden_weakness",
                "ascending_weakness",
                "ascending_numbness",
                "myelopathy_signs",
                "nitrous_oxide_exposure",
            ),
            _condition("multiple_sclerosis", "transverse_myelitis", "seizures", "stroke"),
        ),
    ),
)


def _note(rule: SuggestionRule, reasons: tuple[Reason, ...]) -> str:
    parts = dict.fromkeys(filter(None, (rule.note, *(reason.source for reason in reasons))))
    return "; ".join(parts)


def suggest_tests(doc: IntakeDocument, triage: TriageResult) -> tuple[Suggestion, ...]:
    """The tests to consider, in table order, each with the reasons of every trigger that held."""
    suggestions = []
    for rule in SUGGESTION_RULES:
        if any(guard.test(doc, triage) for guard in rule.never):
            continue
        reasons = tuple(
            reason for trigger in rule.triggers for reason in trigger.reasons(doc, triage)
        )
        if reasons:
            suggestions.append(
                Suggestion(rule.code, rule.name, reasons, rule.first_line, _note(rule, reasons))
            )
    return tuple(suggestions)


def fits_positional_pressure(doc: IntakeDocument, triage: TriageResult) -> bool:
    """Whether the summary may say the pattern is consistent with positional pressure (§3).

    Benign positional, no urgent or emergency flag, and not persistent or frequent. It
    removes nothing: a test whose trigger holds is still suggested beside it.
    """
    serious = (Severity.EMERGENCY, Severity.URGENT)
    return (
        bool(benign_positional(doc))
        and not any(flag.severity in serious for flag in triage.flags)
        and not persistent_or_frequent(doc)
    )
