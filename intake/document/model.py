"""The intake document as frozen dataclasses, and its canonical JSON form.

Conventions: lists are tuples; an unanswered optional code, date or number is
`None`; unanswered free text is `""` (as in Django's CharField), so "absent"
and "empty" are the same answer.
"""

import datetime as dt
from dataclasses import asdict, dataclass

from intake.document.codes import DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True, kw_only=True)
class Patient:
    mrn: str = ""
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: str | None = None
    phone: str = ""
    email: str = ""
    preferred_language: str = DEFAULT_LANGUAGE


@dataclass(frozen=True, slots=True, kw_only=True)
class Symptoms:
    sides: str
    locations: tuple[str, ...]
    onset: str
    duration_days: int
    pattern: str
    frequency: str | None = None
    positional: bool
    relieved_by_moving: bool
    progression: str
    severity: int
    associated: tuple[str, ...] = ()
    leg_changes: tuple[str, ...] = ()
    other_symptoms: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class RedFlags:
    """Each field is named by its code in `RED_FLAG_CODES`."""

    head_back_neck_injury: bool
    cannot_move_or_walk: bool
    bladder_bowel_control_loss: bool
    saddle_numbness: bool
    confusion: bool
    loss_of_consciousness: bool
    slurred_speech: bool
    vision_problems: bool
    face_arm_weakness: bool
    breathing_swallowing_difficulty: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Medication:
    name: str
    dose: str = ""
    kind: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Vaccination:
    name: str
    date: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Injury:
    kind: str
    date: dt.date | None = None
    mechanism: str | None = None
    description: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Lifestyle:
    alcohol_drinks_per_week: int | None = None
    diet: str | None = None
    smoking: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IntakeDocument:
    reported_on: dt.date
    patient: Patient
    symptoms: Symptoms
    red_flags: RedFlags
    medications: tuple[Medication, ...] = ()
    treatments: tuple[str, ...] = ()
    vaccinations: tuple[Vaccination, ...] = ()
    injuries: tuple[Injury, ...] = ()
    conditions: tuple[str, ...] = ()
    exposures: tuple[str, ...] = ()
    lifestyle: Lifestyle | None = None
    notes: str = ""


def answer_at(doc: IntakeDocument, path: str) -> object:
    """The answer at a dotted path such as `symptoms.onset` (None inside an absent section).

    Rules look answers up by the same path they cite as evidence, so the two cannot drift.
    """
    value: object = doc
    for name in path.split("."):
        if value is None:
            return None
        value = getattr(value, name)
    return value


def document_to_dict(doc: IntakeDocument) -> dict[str, object]:
    """The canonical JSON form: keys in schema order, dates as YYYY-MM-DD.

    Unanswered optional keys (None, empty text, empty lists) are omitted rather
    than written as null: `frequency` is left out when the pattern is constant.
    `preferred_language` is always written. `parse_document` reads this form back
    to an equal document.
    """
    return _json_object(asdict(doc))


def _json_object(values: dict[str, object]) -> dict[str, object]:
    json_values = {name: _json_value(value) for name, value in values.items()}
    return {name: value for name, value in json_values.items() if value not in (None, "", [], {})}


def _json_value(value: object) -> object:
    if isinstance(value, dict):
        return _json_object(value)
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
