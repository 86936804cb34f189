"""The triage rules of clinical-content.md §2, as one table.

Each row's test returns its evidence: the answer paths (or quoted words) that
made it fire; an empty tuple means it does not fire. The derived terms of §2
come first, each a small function the rows combine. Any change to this module,
to the word lists of triage/matching.py or to reports/suggestions.py changes what
clinicians see: bump RULES_VERSION and record the new fingerprint
(tests/triage/rules_fingerprints.json).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from intake.document import (
    CANCER_ACTIVE,
    OPTIONAL_RED_FLAG_CODES,
    RECENT_INJURY_DAYS,
    RISK_FACTOR_CODES,
    IntakeDocument,
    NotAsked,
    answer_at,
)
from intake.levels import Level, Severity
from triage.matching import BLOOD_THINNER, FREE_TEXT_LISTS, TERM_LISTS, find_terms, first_term

RULES_VERSION = "2026.12.1"

# Other modules import these names; they are the choices of intake.levels.
EMERGENCY = Severity.EMERGENCY
URGENT = Severity.URGENT
ATTENTION = Severity.ATTENTION
ROUTINE = Severity.ROUTINE
# Highest first. Attention flags are for discussion and leave the level at routine.
SEVERITIES = tuple(Severity)
LEVELS = tuple(Level)

RECENT_INJURY_KINDS = ("back_injury", "head_injury", "neck_injury")
LEG_INJURY_KINDS = ("broken_leg", "other")
UNDATED_INJURY_KINDS = (*RECENT_INJURY_KINDS, "broken_leg")
STRAIN = "lifting_or_twisting"  # a strain without a blow or a fall
RECENT_VACCINATION_DAYS = 42
PERSISTENT_MIN_DAYS = 14
FREQUENT = ("several_times_a_day", "daily", "weekly")
DISTAL_LOCATIONS = ("toes", "foot", "ankle", "shin", "calf")
DISTAL_REQUIRED_LOCATIONS = ("toes", "foot")
BACK_PAIN = ("back_pain", "back_pain_radiating_down_leg")
WORSENING = ("getting_worse", "spreading_upward")
ONE_SIDE = ("left", "right")
# A legacy code counts for every derived term it may mean: read as the more dangerous.
PALE_OR_COLD = ("pale_or_blue", "cold", "color", "temperature")
SWOLLEN_OR_RED = ("swollen", "red_or_warm", "shape", "color", "temperature")
INFECTION_RISK_FACTORS = ("injects_drugs", "immunosuppressed", "spinal_procedure_recent")
CHILD_MAX_AGE_YEARS = 15  # "age < 16"
SEVERE_PAIN = 7
FREE_TEXT_FIELDS = ("symptoms.description", "notes")  # and every injuries[].description
QUOTE_CONTEXT = 40  # characters quoted either side of a free-text match

Evidence = Callable[[IntakeDocument], tuple[str, ...]]


def within_days(day: dt.date, reported_on: dt.date, days: int) -> bool:
    """Whether `day` is at most `days` days before reported_on (inclusive).

    The parser refuses a date after reported_on, so it never reaches a rule.
    """
    return 0 <= (reported_on - day).days <= days


def _paths(*found: tuple[str, ...]) -> tuple[str, ...]:
    """The evidence of every part, each path once, in order."""
    return tuple(dict.fromkeys(path for part in found for path in part))


# Derived terms (§2): each returns its evidence, empty when it does not hold.


def acute_within(days: int) -> Evidence:
    """`duration_days ≤ N`, or `last_changed_days ≤ N` (new on top of old numbness)."""

    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        s = doc.symptoms
        changed = s.last_changed_days
        return _paths(
            ("symptoms.duration_days",) if s.duration_days <= days else (),
            ("symptoms.last_changed_days",) if isinstance(changed, int) and changed <= days else (),
        )

    return evidence


def sudden_within(days: int) -> Evidence:
    """(`onset = sudden` and `duration_days ≤ N`), or `last_changed_days ≤ N`."""

    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        s = doc.symptoms
        changed = s.last_changed_days
        return _paths(
            ("symptoms.onset", "symptoms.duration_days")
            if s.onset == "sudden" and s.duration_days <= days
            else (),
            ("symptoms.last_changed_days",) if isinstance(changed, int) and changed <= days else (),
        )

    return evidence


def benign_positional(doc: IntakeDocument) -> tuple[str, ...]:
    s = doc.symptoms
    return (
        ("symptoms.positional", "symptoms.relieved_by_moving")
        if (s.positional and s.relieved_by_moving)
        else ()
    )


def _injuries(doc: IntakeDocument, kinds: tuple[str, ...], *, strains: bool) -> tuple[str, ...]:
    """Injuries of `kinds` dated within 14 days (lifting strains only when `strains`)."""
    return tuple(
        f"injuries.{i}.date"
        for i, injury in enumerate(doc.injuries)
        if injury.kind in kinds
        and injury.date is not None
        and within_days(injury.date, doc.reported_on, RECENT_INJURY_DAYS)
        and (strains or injury.mechanism != STRAIN)
    )


def recent_injury(doc: IntakeDocument) -> tuple[str, ...]:
    """The red flag, or a back, head or neck injury within 14 days that was not a strain."""
    answered = ("red_flags.head_back_neck_injury",) if doc.red_flags.head_back_neck_injury else ()
    return answered + _injuries(doc, RECENT_INJURY_KINDS, strains=False)


def recent_leg_injury(doc: IntakeDocument) -> tuple[str, ...]:
    return _injuries(doc, LEG_INJURY_KINDS, strains=False)


def recent_leg_fracture(doc: IntakeDocument) -> tuple[str, ...]:
    return _injuries(doc, ("broken_leg",), strains=True)


def on_blood_thinner(doc: IntakeDocument) -> tuple[str, ...]:
    """The risk-factor answer, or a medication named on the blood-thinner list (§1.1)."""
    return _paths(
        ("risk_factors.blood_thinner",) if doc.risk_factors.blood_thinner else (),
        tuple(
            f"medications.{i}.name"
            for i, medication in enumerate(doc.medications)
            if first_term(medication.name, BLOOD_THINNER)
        ),
    )


def infection_risk_factor(doc: IntakeDocument) -> tuple[str, ...]:
    return tuple(
        f"risk_factors.{code}"
        for code in INFECTION_RISK_FACTORS
        if getattr(doc.risk_factors, code) is True
    )


def cancer_now(doc: IntakeDocument) -> tuple[str, ...]:
    """Condition `cancer`, unless "cancer now?" was answered no (not asked counts as yes)."""
    active = doc.risk_factors.cancer_active
    if "cancer" not in doc.conditions or active is False:
        return ()
    return ("conditions", "risk_factors.cancer_active") if active else ("conditions",)


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


def age_years(doc: IntakeDocument) -> int:
    """Completed years on reported_on."""
    born, on = doc.patient.date_of_birth, doc.reported_on
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _quote(text: str, start: int, end: int) -> str:
    """The match with up to QUOTE_CONTEXT characters either side, cut at whole words."""
    left, right = max(0, start - QUOTE_CONTEXT), min(len(text), end + QUOTE_CONTEXT)
    while 0 < left < start and not text[left - 1].isspace():
        left += 1
    while end < right < len(text) and not text[right].isspace():
        right -= 1
    before, after = ("…" if left > 0 else ""), ("…" if right < len(text) else "")
    return f'"{before}{" ".join(text[left:right].split())}{after}"'


def free_text_paths(doc: IntakeDocument) -> tuple[str, ...]:
    """Every free-text answer's path: the description, the notes, each injury's description."""
    return (*FREE_TEXT_FIELDS, *(f"injuries.{i}.description" for i in range(len(doc.injuries))))


FREE_TEXT_TERMS = tuple(
    dict.fromkeys(term for code in FREE_TEXT_LISTS for term in TERM_LISTS[code].terms)
)


def free_text_red_flag_matches(doc: IntakeDocument) -> tuple[str, ...]:
    """Each red-flag term typed in a free-text answer, quoted with the words around it.

    Field by field (a term never spans two answers), both languages whatever
    `preferred_language` says; matches that overlap are quoted once.
    """
    found = []
    for path in free_text_paths(doc):
        text = answer_at(doc, path)
        if not isinstance(text, str):
            continue
        end = -1
        for match in find_terms(text, FREE_TEXT_TERMS):
            if match.start >= end:  # not inside the previous quote's match
                found.append(f"{path}: {_quote(text, match.start, match.end)}")
            end = max(end, match.end)
    return tuple(found)


def questions_not_asked(doc: IntakeDocument) -> tuple[str, ...]:
    """The 2026.12.1 questions an older document lacks (an absent answer is never "no")."""
    cancer = (CANCER_ACTIVE,) if "cancer" in doc.conditions else ()
    return (
        *(
            f"red_flags.{code}"
            for code in OPTIONAL_RED_FLAG_CODES
            if getattr(doc.red_flags, code) is None
        ),
        *(
            ("symptoms.last_changed_days",)
            if isinstance(doc.symptoms.last_changed_days, NotAsked)
            else ()
        ),
        *(
            f"risk_factors.{code}"
            for code in (*RISK_FACTOR_CODES, *cancer)
            if getattr(doc.risk_factors, code) is None
        ),
    )


def injury_date_missing(doc: IntakeDocument) -> tuple[str, ...]:
    return tuple(
        f"injuries.{i}.date"
        for i, injury in enumerate(doc.injuries)
        if injury.kind in UNDATED_INJURY_KINDS
        and injury.date is None
        and injury.older_than_14_days is not True
    )


def recent_vaccination(doc: IntakeDocument) -> tuple[str, ...]:
    return tuple(
        f"vaccinations.{i}.date"
        for i, vaccination in enumerate(doc.vaccinations)
        if vaccination.date is not None
        and within_days(vaccination.date, doc.reported_on, RECENT_VACCINATION_DAYS)
    )


@dataclass(frozen=True, slots=True)
class DerivedTerm:
    name: str
    means: str


def _codes(codes: tuple[str, ...], joiner: str = " ") -> str:
    return joiner.join(f"`{code}`" for code in codes)


DERIVED_TERMS = (
    DerivedTerm(
        "acute within N days",
        "`duration_days ≤ N`, or `last_changed_days ≤ N` (something new on top of old "
        "numbness counts from when it changed)",
    ),
    DerivedTerm(
        "sudden within N days",
        "(`onset = sudden` and `duration_days ≤ N`), or `last_changed_days ≤ N`",
    ),
    DerivedTerm("benign positional", "`positional` and `relieved_by_moving` are both true"),
    DerivedTerm(
        "recent injury",
        "`red_flags.head_back_neck_injury`, or an injury of kind "
        f"{_codes(RECENT_INJURY_KINDS, ' / ')} dated within {RECENT_INJURY_DAYS} days whose "
        f"mechanism is not `{STRAIN}` (an undated injury is not recent)",
    ),
    DerivedTerm(
        "recent leg injury",
        f"an injury of kind {_codes(LEG_INJURY_KINDS, ' or ')} dated within "
        f"{RECENT_INJURY_DAYS} days whose mechanism is not `{STRAIN}`",
    ),
    DerivedTerm(
        "recent leg fracture",
        f"an injury of kind `broken_leg` dated within {RECENT_INJURY_DAYS} days",
    ),
    DerivedTerm(
        "on a blood thinner",
        "`risk_factors.blood_thinner`, or a medication whose name matches the blood-thinner list",
    ),
    DerivedTerm(
        "infection risk factor",
        " or ".join(f"`risk_factors.{code}`" for code in INFECTION_RISK_FACTORS),
    ),
    DerivedTerm(
        "cancer now",
        f"condition `cancer`, and `risk_factors.{CANCER_ACTIVE}` is not `false` (true, or "
        "not asked)",
    ),
    DerivedTerm("back pain", f"`associated` has {_codes(BACK_PAIN, ' or ')}"),
    DerivedTerm("radicular pattern", "`associated` has `back_pain_radiating_down_leg`"),
    DerivedTerm("worsening", f"`progression` is {_codes(WORSENING, ' or ')}"),
    DerivedTerm(
        "persistent or frequent",
        f"`duration_days ≥ {PERSISTENT_MIN_DAYS}` and (`pattern = constant`, or `frequency` "
        f"in {_codes(FREQUENT)})",
    ),
    DerivedTerm(
        "distal symmetric pattern",
        "`sides = both`, `onset = gradual`, `locations` includes "
        f"{_codes(DISTAL_REQUIRED_LOCATIONS, ' or ')}, and every location is in "
        f"{_codes(DISTAL_LOCATIONS)}",
    ),
    DerivedTerm("pale or cold", f"`leg_changes` has {_codes(PALE_OR_COLD, ' or ')}"),
    DerivedTerm(
        "swollen or red",
        f"`leg_changes` has {_codes(SWOLLEN_OR_RED, ' or ')} (a legacy code counts for both "
        "terms it may mean)",
    ),
    DerivedTerm("age", "completed years on `reported_on`"),
    DerivedTerm(
        "free-text red-flag term",
        "a term of either free-text list (see the word lists) in `symptoms.description`, "
        "`notes` or an `injuries[].description`, whatever the preferred language",
    ),
)


# Small builders for the table rows below; each returns the evidence paths.


def _is(path: str, *values: object) -> Evidence:
    return lambda doc: (path,) if answer_at(doc, path) in values else ()


def _yes(path: str) -> Evidence:
    return lambda doc: (path,) if answer_at(doc, path) is True else ()


def _no(path: str) -> Evidence:
    return lambda doc: (path,) if answer_at(doc, path) is False else ()


def _at_least(path: str, minimum: int) -> Evidence:
    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        value = answer_at(doc, path)
        return (path,) if isinstance(value, int) and value >= minimum else ()

    return evidence


def _at_most(path: str, limit: int) -> Evidence:
    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        value = answer_at(doc, path)
        return (path,) if isinstance(value, int) and value <= limit else ()

    return evidence


def _has(path: str, *codes: str) -> Evidence:
    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        answer = answer_at(doc, path)
        return (path,) if isinstance(answer, tuple) and any(c in answer for c in codes) else ()

    return evidence


def _not_empty(path: str) -> Evidence:
    return lambda doc: (path,) if answer_at(doc, path) else ()


def _empty(path: str) -> Evidence:
    return lambda doc: () if answer_at(doc, path) else (path,)


def _all_of(*parts: Evidence, unless: tuple[Evidence, ...] = ()) -> Evidence:
    """Every part holds, and none of `unless` does."""

    def evidence(doc: IntakeDocument) -> tuple[str, ...]:
        found = [part(doc) for part in parts]
        if not all(found) or any(guard(doc) for guard in unless):
            return ()
        return _paths(*found)

    return evidence


def _any_of(*parts: Evidence) -> Evidence:
    """Any part holds; the evidence of every part that does."""
    return lambda doc: _paths(*(part(doc) for part in parts))


@dataclass(frozen=True, slots=True)
class FlagRule:
    code: str
    severity: Severity
    title: str
    source: str
    when: str  # the trigger in words, for the clinician-facing rules document
    test: Evidence


def _red_flag_rule(code: str, title: str, source: str) -> FlagRule:
    """An emergency flag that fires when its red-flag question is answered yes."""
    return FlagRule(
        code, EMERGENCY, title, source, f"red flag `{code}` answered yes", _yes(f"red_flags.{code}")
    )


_SIDES_BOTH = _is("symptoms.sides", "both")
_ONE_SIDE = _is("symptoms.sides", *ONE_SIDE)
_BACK_PAIN = _has("symptoms.associated", *BACK_PAIN)
_LEG_WEAKNESS = _has("symptoms.associated", "leg_weakness")
_WORSENING = _is("symptoms.progression", *WORSENING)
_NOT_RELIEVED = _no("symptoms.relieved_by_moving")
_PALE_OR_COLD = _has("symptoms.leg_changes", *PALE_OR_COLD)
_SWOLLEN_OR_RED = _has("symptoms.leg_changes", *SWOLLEN_OR_RED)
_WOUND = _has("symptoms.leg_changes", "wound_or_ulcer")
_FEVER = _yes("risk_factors.fever")


def spinal_infection_signs(doc: IntakeDocument) -> tuple[str, ...]:
    """Back pain, with fever and one more sign, or with a risk factor and one more sign."""
    return _all_of(
        _BACK_PAIN,
        _any_of(
            _all_of(
                _FEVER, _any_of(acute_within(28), _WORSENING, _LEG_WEAKNESS, infection_risk_factor)
            ),
            _all_of(infection_risk_factor, _any_of(_WORSENING, _LEG_WEAKNESS, _SIDES_BOTH)),
        ),
    )(doc)


def leg_appearance_change(doc: IntakeDocument) -> tuple[str, ...]:
    return _all_of(_not_empty("symptoms.leg_changes"), _any_of(_ONE_SIDE, acute_within(14)))(doc)


def _child(doc: IntakeDocument) -> tuple[str, ...]:
    return ("patient.date_of_birth",) if age_years(doc) <= CHILD_MAX_AGE_YEARS else ()


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
        "urinary_difficulty",
        "New difficulty passing urine or reduced sensation",
        "[ext] GIRFT suspected cauda equina pathway: new difficulty starting to pass urine or "
        "reduced urinary sensation",
    ),
    _red_flag_rule(
        "saddle_numbness",
        "Saddle numbness (around the back passage, genitals or between the legs)",
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
        "sudden_onset_today",
        EMERGENCY,
        "Sudden numbness today or yesterday, not relieved by moving",
        "[ext] stroke: sudden numbness or weakness of the leg, especially on one side — call "
        "911 (NINDS; BE-FAST)",
        "sudden within 1 day, and `relieved_by_moving` is false",
        _all_of(sudden_within(1), _NOT_RELIEVED),
    ),
    FlagRule(
        "sudden_weakness",
        EMERGENCY,
        "Sudden leg weakness",
        "[ext] persisting stroke symptoms are treated as stroke (NHS TIA pathways); spinal cord "
        "infarct, aortic dissection",
        "`associated` has `leg_weakness`, sudden within 14 days, and `relieved_by_moving` is false",
        _all_of(_LEG_WEAKNESS, sudden_within(14), _NOT_RELIEVED),
    ),
    FlagRule(
        "headache_or_tearing_pain",
        EMERGENCY,
        "Sudden severe headache, or tearing chest or back pain",
        "[ext] stroke and subarachnoid haemorrhage; aortic dissection presenting with leg symptoms",
        "`other_symptoms` has `sudden_severe_headache` or `tearing_chest_or_back_pain`",
        _has("symptoms.other_symptoms", "sudden_severe_headache", "tearing_chest_or_back_pain"),
    ),
    FlagRule(
        "limb_ischaemia_signs",
        EMERGENCY,
        "Signs of a blocked artery in the leg (pale or cold)",
        "[ext] acute limb ischaemia, the 6 Ps: a time-critical vascular emergency, often on "
        "known arterial disease",
        "pale or cold, `pattern = constant`, and (sudden within 14 days, or (`duration_days ≤ "
        "14` and `associated` has `leg_pain` or `leg_weakness`))",
        _all_of(
            _PALE_OR_COLD,
            _is("symptoms.pattern", "constant"),
            _any_of(
                sudden_within(14),
                _all_of(
                    _at_most("symptoms.duration_days", 14),
                    _has("symptoms.associated", "leg_pain", "leg_weakness"),
                ),
            ),
        ),
    ),
    FlagRule(
        "compartment_syndrome_signs",
        EMERGENCY,
        "Signs of compartment syndrome after a leg injury",
        "[ext] BOAST: compartment syndrome — pain out of proportion after a fracture, a crush "
        "or a blow",
        f"recent leg injury, `associated` has `leg_pain`, and (`severity ≥ {SEVERE_PAIN}` or "
        "`progression = getting_worse`)",
        _all_of(
            recent_leg_injury,
            _has("symptoms.associated", "leg_pain"),
            _any_of(
                _at_least("symptoms.severity", SEVERE_PAIN),
                _is("symptoms.progression", "getting_worse"),
            ),
        ),
    ),
    FlagRule(
        "spinal_infection_signs",
        EMERGENCY,
        "Signs of a spinal infection",
        "[ext] spinal epidural abscess: the classic triad is often incomplete; fever in about half",
        "back pain, and either `risk_factors.fever` with (acute within 28 days, or worsening, or "
        "`leg_weakness`, or an infection risk factor), or an infection risk factor with "
        "(worsening, or `leg_weakness`, or `sides = both`)",
        spinal_infection_signs,
    ),
    FlagRule(
        "spinal_haematoma_signs",
        EMERGENCY,
        "Signs of bleeding into the spine",
        "[ext] Association of Anaesthetists / OAA: weakness after a neuraxial block — act "
        "within hours",
        "(`risk_factors.spinal_procedure_recent` or on a blood thinner), acute within 14 days, "
        "and (`associated` has `leg_weakness`, or red flag `cannot_move_or_walk`, "
        "`bladder_bowel_control_loss` or `urinary_difficulty`)",
        _all_of(
            _any_of(_yes("risk_factors.spinal_procedure_recent"), on_blood_thinner),
            acute_within(14),
            _any_of(
                _LEG_WEAKNESS,
                _yes("red_flags.cannot_move_or_walk"),
                _yes("red_flags.bladder_bowel_control_loss"),
                _yes("red_flags.urinary_difficulty"),
            ),
        ),
    ),
    FlagRule(
        "blood_thinner_bleeding_risk",
        EMERGENCY,
        "On a blood thinner with an injury, a sudden change, or back pain and weakness",
        "[ext] NICE NG232 (head injury on anticoagulants); spinal epidural haematoma",
        "on a blood thinner, and (recent injury, or (sudden within 7 days and not benign "
        "positional), or (back pain and `associated` has `leg_weakness`))",
        _all_of(
            on_blood_thinner,
            _any_of(
                recent_injury,
                _all_of(sudden_within(7), unless=(benign_positional,)),
                _all_of(_BACK_PAIN, _LEG_WEAKNESS),
            ),
        ),
    ),
    FlagRule(
        "cancer_with_back_pain",
        EMERGENCY,
        "Cancer now, with back pain or numbness rising in both legs",
        "[ext] NICE NG234: suspected metastatic spinal cord compression with neurological "
        "symptoms — immediate",
        "cancer now, and (back pain, or (`sides = both`, worsening, and not a distal symmetric "
        "pattern))",
        _all_of(
            cancer_now,
            _any_of(
                _BACK_PAIN,
                _all_of(_SIDES_BOTH, _WORSENING, unless=(distal_symmetric_pattern,)),
            ),
        ),
    ),
    FlagRule(
        "ascending_weakness",
        EMERGENCY,
        "Weakness of both legs getting worse",
        "[ext] Guillain-Barré syndrome: progressive weakness of both legs",
        "`associated` has `leg_weakness`, `sides = both`, worsening, and acute within 28 days",
        _all_of(_LEG_WEAKNESS, _SIDES_BOTH, _WORSENING, acute_within(28)),
    ),
    FlagRule(
        "ascending_numbness",
        EMERGENCY,
        "Numbness rising in both legs",
        "[ext] transverse myelitis, spinal cord compression, early Guillain-Barré: image the "
        "spine first",
        "`sides = both`, `progression = spreading_upward`, and acute within 28 days",
        _all_of(_SIDES_BOTH, _is("symptoms.progression", "spreading_upward"), acute_within(28)),
    ),
    FlagRule(
        "foot_infection_signs",
        EMERGENCY,
        "Diabetic foot wound with fever or a pale or cold leg",
        "[ext] NICE NG19: diabetic foot ulcer with fever or limb ischaemia — refer immediately",
        "`leg_changes` has `wound_or_ulcer`, condition `diabetes`, and (`risk_factors.fever` "
        "or pale or cold)",
        _all_of(_WOUND, _has("conditions", "diabetes"), _any_of(_FEVER, _PALE_OR_COLD)),
    ),
    FlagRule(
        "cold_injury",
        EMERGENCY,
        "Frostbite in the last 2 days",
        "[ext] frostbite: rewarming and clot-dissolving treatment work only in the first hours "
        "to a day",
        "exposure `frostbite` and acute within 2 days",
        _all_of(_has("exposures", "frostbite"), acute_within(2)),
    ),
    FlagRule(
        "leg_weakness",
        URGENT,
        "Weakness in the affected leg",
        "article: weakness in the affected leg",
        "`associated` has `leg_weakness`",
        _LEG_WEAKNESS,
    ),
    FlagRule(
        "sudden_onset",
        URGENT,
        "Sudden onset or change in the last 7 days",
        'article FAQ: comes on suddenly → neurologist (a leg that "fell asleep" and wakes on '
        "moving is the article's benign case)",
        "sudden within 7 days, and not benign positional",
        _all_of(sudden_within(7), unless=(benign_positional,)),
    ),
    FlagRule(
        "leg_appearance_change",
        URGENT,
        "Change in the leg's colour, swelling or temperature",
        "article: changes in leg color, shape or temperature",
        "`leg_changes` not empty, and (`sides` is `left` or `right`, or acute within 14 days)",
        leg_appearance_change,
    ),
    FlagRule(
        "possible_dvt",
        URGENT,
        "Possible deep vein thrombosis (one leg swollen or red)",
        "[ext] NICE NG158: suspected deep vein thrombosis — ultrasound within 4 hours",
        "`sides` is `left` or `right`, swollen or red, and acute within 28 days",
        _all_of(_ONE_SIDE, _SWOLLEN_OR_RED, acute_within(28)),
    ),
    FlagRule(
        "foot_wound",
        URGENT,
        "Open wound, ulcer or blackened skin on the foot or leg",
        "[ext] NICE NG19: a foot ulcer needs assessment within a working day",
        "`leg_changes` has `wound_or_ulcer`",
        _WOUND,
    ),
    FlagRule(
        "recent_leg_fracture",
        URGENT,
        f"Leg fracture in the last {RECENT_INJURY_DAYS} days",
        "[ext] BOAST: watch for compartment syndrome after a leg fracture",
        "recent leg fracture",
        recent_leg_fracture,
    ),
    FlagRule(
        "bilateral_radicular_pain",
        URGENT,
        "New or worsening pain down both legs",
        "[ext] cauda equina red flag: new or worsening sciatica in both legs (GIRFT; NICE CKS)",
        "`sides = both`, radicular pattern, and (acute within 14 days or `progression = "
        "getting_worse`)",
        _all_of(
            _SIDES_BOTH,
            _has("symptoms.associated", "back_pain_radiating_down_leg"),
            _any_of(acute_within(14), _is("symptoms.progression", "getting_worse")),
        ),
    ),
    FlagRule(
        "spinal_infection_risk",
        URGENT,
        "Back pain with a risk factor for spinal infection",
        "[ext] spinal epidural abscess risk factors with back pain",
        "back pain, (`risk_factors.fever` or an infection risk factor), and "
        "`spinal_infection_signs` does not fire",
        _all_of(
            _BACK_PAIN, _any_of(_FEVER, infection_risk_factor), unless=(spinal_infection_signs,)
        ),
    ),
    FlagRule(
        "past_cancer_with_back_pain",
        URGENT,
        "Past cancer with back pain",
        "[ext] NICE NG234: back pain suggestive of spinal metastases — MRI within a week",
        f"condition `cancer`, `risk_factors.{CANCER_ACTIVE}` is `false`, and back pain",
        _all_of(_has("conditions", "cancer"), _no(f"risk_factors.{CANCER_ACTIVE}"), _BACK_PAIN),
    ),
    FlagRule(
        "myelopathy_signs",
        URGENT,
        "Signs of spinal cord trouble (hands, balance) getting worse",
        "[ext] degenerative cervical myelopathy, subacute combined degeneration: deteriorating "
        "— urgent referral",
        "`other_symptoms` has `hand_numbness_or_clumsiness` or `unsteady_or_falling`, "
        "`sides = both`, and worsening",
        _all_of(
            _has("symptoms.other_symptoms", "hand_numbness_or_clumsiness", "unsteady_or_falling"),
            _SIDES_BOTH,
            _WORSENING,
        ),
    ),
    FlagRule(
        "nitrous_oxide_exposure",
        URGENT,
        "Nitrous oxide used for fun",
        "[ext] nitrous oxide myeloneuropathy (B12 may be normal)",
        "exposure `nitrous_oxide`",
        _has("exposures", "nitrous_oxide"),
    ),
    FlagRule(
        "child_with_back_pain",
        URGENT,
        "A child with back pain",
        "[ext] back pain in a child is a red flag",
        f"age < {CHILD_MAX_AGE_YEARS + 1} and back pain",
        _all_of(_child, _BACK_PAIN),
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
        "free_text_red_flag",
        URGENT,
        "Red-flag words in the patient's own words",
        "answers typed rather than ticked",
        "a free-text red-flag term appears; the flag quotes the words around each match and "
        "names the field",
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
        "`other_symptoms` has `dizziness`, `rash` or `muscle_cramps`",
        _has("symptoms.other_symptoms", "dizziness", "rash", "muscle_cramps"),
    ),
    FlagRule(
        "leg_appearance_noted",
        ATTENTION,
        "Change in the leg's appearance, to discuss",
        "article: discuss changes in leg color, shape or temperature",
        "`leg_changes` not empty and `leg_appearance_change` does not fire",
        _all_of(_not_empty("symptoms.leg_changes"), unless=(leg_appearance_change,)),
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
    FlagRule(
        "injury_date_missing",
        ATTENTION,
        "Injury without a date",
        "ask when it happened",
        f"an injury of kind {_codes(UNDATED_INJURY_KINDS)} has no date and is not "
        "`older_than_14_days`",
        injury_date_missing,
    ),
    FlagRule(
        "questions_not_asked",
        ATTENTION,
        "Questions not asked",
        "the clinician asks them at the visit",
        "the document lacks `red_flags.urinary_difficulty`, `symptoms.last_changed_days`, any "
        f"of {_codes(tuple(f'risk_factors.{c}' for c in RISK_FACTOR_CODES), ', ')}, or (with "
        f"condition `cancer`) `risk_factors.{CANCER_ACTIVE}`; the evidence names each",
        questions_not_asked,
    ),
)
