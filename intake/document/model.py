"""The intake document as frozen dataclasses, and its canonical JSON form.

Conventions: lists are tuples; an unanswered optional code, date, number or
yes/no is `None`; unanswered free text is `""` (as in Django's CharField), so
"absent" and "empty" are the same answer. The one answer whose null means
something (`last_changed_days: null`, "it has not changed") is `NOT_ASKED`
when absent.
"""

import datetime as dt
import enum
from dataclasses import asdict, dataclass, field

from intake.document.codes import DEFAULT_LANGUAGE


class NotAsked(enum.Enum):
    """An absent answer whose null is an answer of its own: the question was not asked."""

    NOT_ASKED = "not asked"

    def __repr__(self) -> str:
        return "NOT_ASKED"


NOT_ASKED = NotAsked.NOT_ASKED


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
    # Days since it suddenly changed or clearly got worse; None: it has not.
    last_changed_days: int | NotAsked | None = NOT_ASKED
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
    """Each field is named by its code in `ALL_RED_FLAG_CODES`; None: not asked."""

    head_back_neck_injury: bool
    cannot_move_or_walk: bool
    bladder_bowel_control_loss: bool
    urinary_difficulty: bool | None = None
    saddle_numbness: bool
    confusion: bool
    loss_of_consciousness: bool
    slurred_speech: bool
    vision_problems: bool
    face_arm_weakness: bool
    breathing_swallowing_difficulty: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RiskFactors:
    """Each field is named by its code in `ALL_RISK_FACTOR_CODES`; None: not asked."""

    fever: bool | None = None
    injects_drugs: bool | None = None
    immunosuppressed: bool | None = None
    spinal_procedure_recent: bool | None = None
    blood_thinner: bool | None = None
    cancer_active: bool | None = None


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
    # True: "more than two weeks ago", the forms' answer that stores no date.
    older_than_14_days: bool | None = None
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
    risk_factors: RiskFactors = field(default_factory=RiskFactors)
    medications: tuple[Medication, ...] = ()
    treatments: tuple[str, ...] = ()
    vaccinations: tuple[Vaccination, ...] = ()
    injuries: tuple[Injury, ...] = ()
    conditions: tuple[str, ...] = ()
    exposures: tuple[str, ...] = ()
    lifestyle: Lifestyle | None = None
    notes: str = ""


def completed_years(born: dt.date, on: dt.date) -> int:
    """Age in completed years on a day (§1: the age limit and the rules' ages)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def answer_at(doc: IntakeDocument, path: str) -> object:
    """The answer at a dotted path such as `symptoms.onset` or `injuries.0.date`.

    None inside an absent section or past the end of a list. Rules look answers up by the
    same path they cite as evidence, so the two cannot drift.
    """
    value: object = doc
    for name in path.split("."):
        if value is None:
            return None
        if isinstance(value, tuple):
            index = int(name)
            value = value[index] if index < len(value) else None
        else:
            value = getattr(value, name)
    return value


def document_to_dict(doc: IntakeDocument) -> dict[str, object]:
    """The canonical JSON form: keys in schema order, dates as YYYY-MM-DD.

    Unanswered optional keys (None, NOT_ASKED, empty text, empty lists) are
    omitted rather than written as null: `frequency` is left out when the pattern
    is constant. `last_changed_days: null` is an answer and is written.
    `preferred_language` is always written. `parse_document` reads this form back
    to an equal document.
    """
    return _json_object(asdict(doc))


# Keys whose null is an answer of its own (absent is NOT_ASKED).
_NULL_IS_AN_ANSWER = frozenset({"last_changed_days"})


def _json_object(values: dict[str, object]) -> dict[str, object]:
    return {
        name: json_value
        for name, value in values.items()
        if value is not NOT_ASKED
        and (
            (json_value := _json_value(value)) not in (None, "", [], {})
            or (json_value is None and name in _NULL_IS_AN_ANSWER)
        )
    }


def _json_value(value: object) -> object:
    if isinstance(value, dict):
        return _json_object(value)
    if isinstance(value, tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
