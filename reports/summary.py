"""The pre-visit summary's content: one intake document and its triage, in clinicians' words.

Pure (no database, no templates): the pipeline stores the returned dict in a
JSONField and renders the PDF from it, so it holds only JSON types. Codes stay
beside their words, so the dict can be searched and re-rendered later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from django.utils import translation

from intake.document import (
    IntakeDocument,
    Patient,
    completed_years,
    risk_factors_asked,
)
from intake.evidence import evidence_words
from intake.levels import level_meaning
from intake.questions import OPTION_LABELS
from reports.diagram import known_locations, shaded_regions
from reports.evaluation import suggestion_json
from reports.suggestions import (
    POSITIONAL_STATEMENT,
    Reason,
    Suggestion,
    fits_positional_pressure,
    suggest_tests,
)
from triage.engine import CALL_911_FOR, Flag, TriageResult
from triage.rules import ATTENTION, EMERGENCY, RULES, URGENT

Json = dict[str, Any]

NOTICE = "These are suggestions to support the clinician's judgement, not diagnoses or orders."

# Article: "if your leg numbness and tingling persist or come back frequently, make an
# appointment"; "Call 911 in these situations". The statement itself: reports.suggestions.
COME_BACK_IF = (
    "it persists or comes back often",
    "it spreads, or gets worse",
    "other symptoms come with it (pain, burning, weakness, dizziness, a rash, cramps)",
    "the leg changes colour, shape or temperature",
    "it happens with no apparent reason",
)
# Every emergency flag of the triage table (§2), the same list the desk alert uses.
CALL_911_IF = "Call 911 for: " + "; ".join(CALL_911_FOR) + "."

_NO_ACKNOWLEDGEMENTS: Mapping[str, Mapping[str, str]] = MappingProxyType({})
# Red flags are listed by severity, then in the rule table's order (the spec's order).
_SEVERITY_RANK = {EMERGENCY: 0, URGENT: 1, ATTENTION: 2}
_RULE_RANK = {rule.code: i for i, rule in enumerate(RULES)}

# Sentence grammar for the reason for visit (the option labels are answers, not phrases).
_ONSET_WORDS = {"sudden": "started suddenly", "gradual": "came on gradually"}
_FREQUENCY_WORDS = {
    "several_times_a_day": "several times a day",
    "daily": "about once a day",
    "weekly": "about once a week",
    "monthly_or_less": "once a month or less",
}
_PROGRESSION_WORDS = {
    "getting_better": "getting better",
    "stable": "about the same",
    "getting_worse": "getting worse",
    "spreading_upward": "spreading up the leg",
}
# (unit, days per unit, used from this many days): 120 days reads "4 months", not "17 weeks".
_DURATION_UNITS = (("year", 365, 365), ("month", 30, 60), ("week", 7, 14))


def label(code: str | None) -> str | None:
    """The words for an answer code (None stays None)."""
    return None if code is None else str(OPTION_LABELS.get(code, code))


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'s' * (count != 1)}"


def _and(words: list[str] | tuple[str, ...]) -> str:
    return " and ".join(filter(None, [", ".join(words[:-1]), words[-1]])) if words else ""


def duration_words(days: int) -> str:
    """'for 10 days', 'for 3 weeks', 'for about 4 months', 'since today'."""
    if days == 0:
        return "since today"
    for unit, size, from_days in _DURATION_UNITS:
        if days >= from_days:
            about = "" if days % size == 0 else "about "
            return f"for {about}{_plural(round(days / size), unit)}"
    return f"for {_plural(days, 'day')}"


def reason_for_visit(doc: IntakeDocument) -> str:
    """One sentence from the symptom answers, e.g. 'Numbness or tingling in the left calf
    for 10 days, came on gradually, comes and goes about once a week, getting worse;
    severity 6/10 now.'"""
    s = doc.symptoms
    places = _and(known_locations(s.locations))
    where = f"in the {places} of both legs" if s.sides == "both" else f"in the {s.sides} {places}"
    pattern = "there all the time" if s.pattern == "constant" else "comes and goes"
    if s.pattern != "constant" and s.frequency:
        pattern += f" {_FREQUENCY_WORDS[s.frequency]}"
    positional = " and ".join(
        words
        for held, words in (
            (s.positional, "starts after staying in one position"),
            (s.relieved_by_moving, "goes away on moving"),
        )
        if held
    )
    clauses = [_ONSET_WORDS[s.onset], pattern, positional, _PROGRESSION_WORDS[s.progression]]
    return (
        f"Numbness or tingling {where} {duration_words(s.duration_days)}, "
        f"{', '.join(filter(None, clauses))}; severity {s.severity}/10 now."
    )


def reasons_in_words(doc: IntakeDocument, suggestion: Suggestion) -> list[str]:
    """A suggestion's reasons as people read them: what held, then the answers behind it
    ("Diet: vegan — Diet: Vegan" reads "Diet: Vegan"); `reasons` keeps the paths."""
    return [_reason_in_words(doc, reason) for reason in suggestion.reasons]


def _reason_in_words(doc: IntakeDocument, reason: Reason) -> str:
    answers = "; ".join(dict.fromkeys(evidence_words(doc, item) for item in reason.evidence))
    if not answers or answers.startswith(reason.label.partition(":")[0]):
        return answers or reason.label
    return f"{reason.label} — {answers}"


def _flag(
    doc: IntakeDocument, flag: Flag, acknowledgements: Mapping[str, Mapping[str, str]]
) -> Json:
    acknowledgement = acknowledgements.get(flag.code)
    return {
        "code": flag.code,
        "severity": flag.severity,
        "title": flag.title,
        "evidence": list(flag.evidence),
        "evidence_words": [evidence_words(doc, item) for item in flag.evidence],
        "source": flag.source,
        "acknowledged": acknowledgement is not None,
        "acknowledged_by": acknowledgement.get("by") if acknowledgement else None,
        "acknowledged_at": acknowledgement.get("at") if acknowledgement else None,
    }


def _flags(
    doc: IntakeDocument,
    triage: TriageResult,
    severities: tuple[str, ...],
    acknowledgements: Mapping[str, Mapping[str, str]],
) -> list[Json]:
    # Stored flags may come back in any order; a code from an older rule table goes last.
    chosen = sorted(
        (flag for flag in triage.flags if flag.severity in severities),
        key=lambda flag: (_SEVERITY_RANK[flag.severity], _RULE_RANK.get(flag.code, len(RULES))),
    )
    return [_flag(doc, flag, acknowledgements) for flag in chosen]


def _event(day: dt.date | None, event: str, detail: str = "") -> Json:
    return {"date": day.isoformat() if day else None, "event": event, "detail": detail}


def timeline(doc: IntakeDocument) -> list[Json]:
    """Dated events oldest first, then the undated ones in the order they were given."""
    s = doc.symptoms
    onset_day = doc.reported_on - dt.timedelta(days=s.duration_days)
    dated: list[tuple[dt.date, Json]] = [
        (
            onset_day,
            _event(onset_day, f"Numbness or tingling began ({str(label(s.onset)).lower()})"),
        )
    ]
    if isinstance(s.last_changed_days, int):  # something new on top of the first numbness
        changed_day = doc.reported_on - dt.timedelta(days=s.last_changed_days)
        dated.append((changed_day, _event(changed_day, "Suddenly changed or clearly got worse")))
    undated: list[Json] = []
    for injury in doc.injuries:
        mechanism = f" ({str(label(injury.mechanism)).lower()})" if injury.mechanism else ""
        entry = _event(injury.date, f"{label(injury.kind)}{mechanism}", injury.description)
        if injury.date:
            dated.append((injury.date, entry))
        else:
            if injury.older_than_14_days:
                entry["date"] = "more than two weeks ago"
            undated.append(entry)
    for vaccination in doc.vaccinations:
        entry = _event(vaccination.date, f"Vaccination: {vaccination.name}")
        if vaccination.date:
            dated.append((vaccination.date, entry))
        else:
            undated.append(entry)
    undated += [_event(None, str(label(treatment))) for treatment in doc.treatments]
    # sorted() is stable: the onset stays first among events of the same day.
    return [entry for _, entry in sorted(dated, key=lambda pair: pair[0])] + undated


def health_risks(doc: IntakeDocument) -> list[str]:
    """Each risk factor asked of this patient with its answer ("Takes a blood thinner: No");
    "Not asked" for an older document's (the clinician asks them at the visit)."""
    return [
        evidence_words(doc, f"risk_factors.{code}") for code in risk_factors_asked(doc.conditions)
    ]


def _labels(codes: tuple[str, ...]) -> list[str]:
    return [str(label(code)) for code in codes]


def summary_patient(patient: Patient, on: dt.date) -> Json:
    """The summary's `patient` object, aged as on `on`. Its labels are in the active
    language: build_summary_content makes them English."""
    return {
        "name": f"{patient.given_name} {patient.family_name}",
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "age": completed_years(patient.date_of_birth, on),
        "sex": label(patient.sex),
        "mrn": patient.mrn,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "preferred_language": label(patient.preferred_language),
    }


def build_summary_content(
    doc: IntakeDocument,
    triage: TriageResult,
    *,
    acknowledgements: Mapping[str, Mapping[str, str]] = _NO_ACKNOWLEDGEMENTS,
    desk_action: Mapping[str, str] | None = None,
    alerts: Sequence[Mapping[str, Any]] = (),
    submitted_at: dt.datetime | None = None,
    since_last_visit: Mapping[str, Any] | None = None,
    severity_trend: Sequence[tuple[str, int]] = (),
    entry: Mapping[str, str] | None = None,
) -> Json:
    """The summary as a JSON-serialisable dict (see the module docstring).

    `acknowledgements` maps an acknowledged flag's code to {"by": name, "at": ISO datetime};
    `desk_action` is the desk's confirmation that it called 911 or sent the patient to the
    emergency department, {"by", "at"} as well, or None. `alerts` are the intake's alerts
    with what the desk did about each and who acknowledged it (reports.building.alerts_of).
    `entry` names the clinic and how the answers came in: {"clinic", "entered"}.
    """
    # The sentences around the labels are English: keep the labels English too, even when
    # built inside a request whose user chose Spanish (tasks run eagerly in the default setup).
    with translation.override("en"):
        content = _content(doc, triage, acknowledgements, submitted_at)
    return content | {
        "desk_action": dict(desk_action) if desk_action else None,
        "alerts": [dict(alert) for alert in alerts],
        "since_last_visit": dict(since_last_visit) if since_last_visit else None,
        "severity_trend": [[day, severity] for day, severity in severity_trend],
        "entry": dict(entry) if entry else None,
    }


def _content(
    doc: IntakeDocument,
    triage: TriageResult,
    acknowledgements: Mapping[str, Mapping[str, str]],
    submitted_at: dt.datetime | None,
) -> Json:
    s = doc.symptoms
    suggestions = suggest_tests(doc, triage)
    red_flags = _flags(doc, triage, (EMERGENCY, URGENT), acknowledgements)
    benign = fits_positional_pressure(doc, triage)
    lifestyle = doc.lifestyle
    return {
        "rules_version": triage.rules_version,
        "level": triage.level,
        "level_meaning": level_meaning(triage.level),
        "reported_on": doc.reported_on.isoformat(),
        "submitted_at": submitted_at.isoformat() if submitted_at else None,
        "patient": summary_patient(doc.patient, doc.reported_on),
        "reason_for_visit": reason_for_visit(doc),
        "red_flags": red_flags,
        "attention": _flags(doc, triage, (ATTENTION,), acknowledgements),
        "associated_symptoms": _labels(s.associated)
        + [f"Leg change: {str(label(code)).lower()}" for code in s.leg_changes]
        + _labels(s.other_symptoms),
        "timeline": timeline(doc),
        "medications": [
            {"name": m.name, "dose": m.dose, "kind": label(m.kind)} for m in doc.medications
        ],
        "conditions": _labels(doc.conditions),
        "health_risks": health_risks(doc),
        "exposures": _labels(doc.exposures),
        "lifestyle": None
        if lifestyle is None
        else {
            "alcohol_drinks_per_week": lifestyle.alcohol_drinks_per_week,
            "diet": label(lifestyle.diet),
            "smoking": label(lifestyle.smoking),
        },
        "description": s.description,
        "notes": doc.notes,
        "suggested_tests": [
            suggestion_json(suggestion) | {"reasons_in_words": reasons_in_words(doc, suggestion)}
            for suggestion in suggestions
        ],
        "positional_benign": {
            "statement": POSITIONAL_STATEMENT,
            "come_back_if": list(COME_BACK_IF),
            "call_911_if": CALL_911_IF,
        }
        if benign
        else None,
        "notice": NOTICE,
        "diagram": {
            "sides": s.sides,
            "locations": list(known_locations(s.locations)),
            "shaded": list(shaded_regions(s.sides, s.locations)),
        },
    }
