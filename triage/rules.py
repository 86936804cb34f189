"""The triage rules of clinical-content.md §2, as one table.

Each row's test returns its evidence: the answer paths (or quoted words) that
made it fire; an empty tuple means it does not fire. Any change to this module
or to reports/suggestions.py changes what clinicians see: bump RULES_VERSION
and record the new fingerprint (tests/triage/rules_fingerprints.json).
"""

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from intake.document import IntakeDocument, answer_at

RULES_VERSION = "2026.11.1"

EMERGENCY = "emergency"
URGENT = "urgent"
ATTENTION = "attention"
ROUTINE = "routine"
# Highest first. Attention flags are for discussion and leave the level at routine.
SEVERITIES = (EMERGENCY, URGENT, ATTENTION, ROUTINE)
LEVELS = (EMERGENCY, URGENT, ROUTINE)

RECENT_INJURY_DAYS = 14
RECENT_INJURY_KINDS = ("back_injury", "head_injury", "neck_injury")
RECENT_VACCINATION_DAYS = 42
SUDDEN_ONSET_MAX_DAYS = 7
PERSISTENT_MIN_DAYS = 14
FREQUENT = ("several_times_a_day", "daily", "weekly")
DISTAL_LOCATIONS = ("toes", "foot", "ankle", "shin", "calf")
DISTAL_REQUIRED_LOCATIONS = ("toes", "foot")
FREE_TEXT_RED_FLAG_TERMS = (
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
)
FREE_TEXT_FIELDS = ("symptoms.description", "notes")
QUOTE_CONTEXT = 40  # characters quoted either side of a free-text match

Evidence = Callable[[IntakeDocument], tuple[str, ...]]


def within_days(day: dt.date, reported_on: dt.date, days: int) -> bool:
    """Whether `day` is at most `days` days before reported_on (inclusive).

    A date after reported_on counts as within: a mistyped date must not hide a
    recent injury.
    """
    return (reported_on - day).days <= days


def _dated_within(
    path: str, dates: Iterable[tuple[int, dt.date | None]], reported_on: dt.date, days: int
) -> tuple[str, ...]:
    """Evidence paths of the (index, date) list items dated within `days`.

    An item with no date cannot be placed in time, so it counts (the safer reading:
    the clinician confirms the date) and its evidence says the date is missing.
    """
    return tuple(
        f"{path}.{i}.date" if day is not None else f"{path}.{i}.date (not given)"
        for i, day in dates
        if day is None or within_days(day, reported_on, days)
    )


def recent_injury(doc: IntakeDocument) -> tuple[str, ...]:
    answered = ("red_flags.head_back_neck_injury",) if doc.red_flags.head_back_neck_injury else ()
    dates = (
        (i, injury.date)
        for i, injury in enumerate(doc.injuries)
        if injury.kind in RECENT_INJURY_KINDS
    )
    return answered + _dated_within("injuries", dates, doc.reported_on, RECENT_INJURY_DAYS)


def recent_vaccination(doc: IntakeDocument) -> tuple[str, ...]:
    dates = enumerate(vaccination.date for vaccination in doc.vaccinations)
    return _dated_within("vaccinations", dates, doc.reported_on, RECENT_VACCINATION_DAYS)


def persistent_or_frequent(doc: IntakeDocument) -> tuple[str, ...]:
    symptoms = doc.symptoms
    if symptoms.duration_days < PERSISTENT_MIN_DAYS:
        return ()
    if symptoms.pattern == "constant":
        return ("symptoms.duration_days", "symptoms.pattern")
    if symptoms.frequency in FREQUENT:
        return ("symptoms.duration_days", "symptoms.frequency")
    return ()


def distal_symmetric_pattern(doc: IntakeDocument) -> tuple[str, ...]:
    symptoms = doc.symptoms
    fits = (
        symptoms.sides == "both"
        and symptoms.onset == "gradual"
        and any(location in DISTAL_REQUIRED_LOCATIONS for location in symptoms.locations)
        and all(location in DISTAL_LOCATIONS for location in symptoms.locations)
    )
    return ("symptoms.sides", "symptoms.onset", "symptoms.locations") if fits else ()


def _term_pattern(term: str) -> str:
    # Phones type a curly apostrophe and people double spaces: neither may hide a red flag.
    return r"\s+".join(re.escape(word).replace("'", "['\u2019]") for word in term.split())


_FREE_TEXT_RED_FLAG = re.compile(
    "|".join(_term_pattern(term) for term in FREE_TEXT_RED_FLAG_TERMS), re.IGNORECASE
)


def _quote(text: str, start: int, end: int) -> str:
    """The match with up to QUOTE_CONTEXT characters either side, cut at whole words."""
    left, right = max(0, start - QUOTE_CONTEXT), min(len(text), end + QUOTE_CONTEXT)
    while 0 < left < start and not text[left - 1].isspace():
        left += 1
    while end < right < len(text) and not text[right].isspace():
        right -= 1
    before, after = ("…" if left > 0 else ""), ("…" if right < len(text) else "")
    return f'"{before}{" ".join(text[left:right].split())}{after}"'


def free_text_red_flag_matches(doc: IntakeDocument) -> tuple[str, ...]:
    """Each red-flag term typed in the description or notes, quoted with the words around it."""
    return tuple(
        f"{path}: {_quote(text, match.start(), match.end())}"
        for path in FREE_TEXT_FIELDS
        if isinstance(text := answer_at(doc, path), str)
        for match in _FREE_TEXT_RED_FLAG.finditer(text)
    )


@dataclass(frozen=True, slots=True)
class DerivedTerm:
    name: str
    means: str


DERIVED_TERMS = (
    DerivedTerm(
        "recent injury",
        "`red_flags.head_back_neck_injury`, or an injury of kind "
        f"{' / '.join(f'`{kind}`' for kind in RECENT_INJURY_KINDS)} dated within "
        f"{RECENT_INJURY_DAYS} days (a date after `reported_on` counts as recent)",
    ),
    DerivedTerm(
        "persistent or frequent",
        f"`duration_days ≥ {PERSISTENT_MIN_DAYS}` and (`pattern = constant`, or `frequency` in "
        f"{' '.join(f'`{code}`' for code in FREQUENT)})",
    ),
    DerivedTerm(
        "distal symmetric pattern",
        "`sides = both`, `onset = gradual`, `locations` includes "
        f"{' or '.join(f'`{code}`' for code in DISTAL_REQUIRED_LOCATIONS)}, and every location "
        f"is in {' '.join(f'`{code}`' for code in DISTAL_LOCATIONS)}",
    ),
    DerivedTerm(
        "free-text red-flag term",
        "`description` or `notes` contains (case-insensitive; any spacing; straight or curly "
        f"apostrophe) any of: {', '.join(f'`{term}`' for term in FREE_TEXT_RED_FLAG_TERMS)}",
    ),
)


# Small builders for the table rows below; each returns the evidence paths.


def _is(path: str, *values: object) -> Evidence:
    return lambda doc: (path,) if answer_at(doc, path) in values else ()


def _at_most(path: str, limit: int) -> Evidence:
    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        value = answer_at(doc, path)
        return (path,) if isinstance(value, int) and value <= limit else ()

    return evidence


def _includes(path: str, *codes: str) -> Evidence:
    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        answer = answer_at(doc, path)
        return (path,) if isinstance(answer, tuple) and any(c in answer for c in codes) else ()

    return evidence


def _not_empty(path: str) -> Evidence:
    return lambda doc: (path,) if answer_at(doc, path) else ()


def _empty(path: str) -> Evidence:
    return lambda doc: () if answer_at(doc, path) else (path,)


def _all_of(*parts: Evidence) -> Evidence:
    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        found = [part(doc) for part in parts]
        return sum(found, ()) if all(found) else ()

    return evidence


@dataclass(frozen=True, slots=True)
class FlagRule:
    code: str
    severity: str
    title: str
    source: str
    when: str  # the trigger in words, for the clinician-facing rules document
    test: Evidence


def _red_flag_rule(code: str, title: str, source: str) -> FlagRule:
    """An emergency flag that fires when its red-flag question is answered yes."""
    path = f"red_flags.{code}"
    return FlagRule(
        code,
        EMERGENCY,
        title,
        source,
        f"red flag `{code}` answered yes",
        lambda doc: (path,) if answer_at(doc, path) is True else (),
    )


RULES = (
    FlagRule(
        "recent_injury",
        EMERGENCY,
        "Recent back, head or neck injury",
        "article: Call 911 — back, head, or neck injury",
        "recent injury",
        recent_injury,
    ),
    _red_flag_rule(
        "cannot_move_or_walk",
        "Unable to move the leg or walk",
        "article: Call 911 — inability to move or walk",
    ),
    _red_flag_rule(
        "bladder_bowel_control_loss",
        "Loss of bladder or bowel control",
        "article: Call 911 — loss of bladder and/or bowel control",
    ),
    _red_flag_rule(
        "saddle_numbness",
        "Saddle numbness (groin, genitals, buttocks or inner thighs)",
        "[ext] cauda equina syndrome",
    ),
    _red_flag_rule("confusion", "Confusion", "article: Call 911 — feeling of confusion"),
    _red_flag_rule(
        "loss_of_consciousness",
        "Fainting or loss of consciousness",
        "article: Call 911 — loss of consciousness",
    ),
    _red_flag_rule("slurred_speech", "Slurred speech", "article: Call 911 — slurred speech"),
    _red_flag_rule("vision_problems", "Vision problems", "article: Call 911 — vision problems"),
    _red_flag_rule(
        "face_arm_weakness",
        "Sudden weakness, numbness or drooping of the face or arm",
        "[ext] stroke warning signs (BE-FAST)",
    ),
    _red_flag_rule(
        "breathing_swallowing_difficulty",
        "Trouble breathing or swallowing",
        "[ext] Guillain-Barré syndrome: respiratory or bulbar weakness",
    ),
    FlagRule(
        "leg_weakness",
        URGENT,
        "Weakness in the affected leg",
        "article: weakness in the affected leg",
        "`associated` has `leg_weakness`",
        _includes("symptoms.associated", "leg_weakness"),
    ),
    FlagRule(
        "sudden_onset",
        URGENT,
        f"Sudden onset in the last {SUDDEN_ONSET_MAX_DAYS} days",
        "article FAQ: comes on suddenly → neurologist",
        f"`onset = sudden` and `duration_days ≤ {SUDDEN_ONSET_MAX_DAYS}`",
        _all_of(
            _is("symptoms.onset", "sudden"),
            _at_most("symptoms.duration_days", SUDDEN_ONSET_MAX_DAYS),
        ),
    ),
    FlagRule(
        "leg_appearance_change",
        URGENT,
        "Change in leg color, shape or temperature",
        "article: changes in leg color, shape or temperature",
        "`leg_changes` not empty",
        _not_empty("symptoms.leg_changes"),
    ),
    FlagRule(
        "spreading_upward",
        URGENT,
        "Numbness spreading upward",
        "[ext] ascending weakness (Guillain-Barré)",
        "`progression = spreading_upward`",
        _is("symptoms.progression", "spreading_upward"),
    ),
    FlagRule(
        "cancer_with_back_pain",
        URGENT,
        "Cancer with back pain",
        "[ext] metastatic spinal cord compression",
        "condition `cancer` and `associated` has `back_pain` or `back_pain_radiating_down_leg`",
        _all_of(
            _includes("conditions", "cancer"),
            _includes("symptoms.associated", "back_pain", "back_pain_radiating_down_leg"),
        ),
    ),
    FlagRule(
        "free_text_red_flag",
        URGENT,
        "Red-flag words in the patient's own description",
        "answers typed rather than ticked",
        "a free-text red-flag term appears; the flag quotes the words around it",
        free_text_red_flag_matches,
    ),
    FlagRule(
        "persistent_or_frequent",
        ATTENTION,
        "Persistent or frequent numbness or tingling",
        "article: lasts a long time or happens frequently",
        "persistent or frequent",
        persistent_or_frequent,
    ),
    FlagRule(
        "accompanied_by_symptoms",
        ATTENTION,
        "Accompanied by other symptoms",
        "article: accompanied by other symptoms",
        "`associated` not empty",
        _not_empty("symptoms.associated"),
    ),
    FlagRule(
        "no_apparent_cause",
        ATTENTION,
        "No apparent cause",
        "article: there is no apparent reason",
        "`positional` false and no injuries",
        _all_of(_is("symptoms.positional", False), _empty("injuries")),
    ),
    FlagRule(
        "dizziness_rash_cramps",
        ATTENTION,
        "Dizziness, rash or muscle cramps",
        "article: dizzy, rash, or muscle cramps",
        "`other_symptoms` not empty",
        _not_empty("symptoms.other_symptoms"),
    ),
    FlagRule(
        "recent_vaccination",
        ATTENTION,
        f"Vaccination in the last {RECENT_VACCINATION_DAYS} days",
        "article: mention any recent vaccinations",
        f"a vaccination dated within {RECENT_VACCINATION_DAYS} days",
        recent_vaccination,
    ),
    FlagRule(
        "neurotoxic_treatment",
        ATTENTION,
        "Chemotherapy or radiation therapy",
        "article: chemotherapy, radiation therapy",
        "`treatments` not empty",
        _not_empty("treatments"),
    ),
)
