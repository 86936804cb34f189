"""Read an intake document from JSON-compatible data, or say everything wrong with it.

Every constraint of `intake.schema.json` is checked, plus the spec's rules the
schema cannot express: the date checks of clinical-content.md §1 (`reported_on`
at most a day after the clinic's today; the date of birth, injuries and
vaccinations between birth and `reported_on`; age at most 120), no `frequency`
when the pattern is constant, no "older than 14 days" on an injury dated within
them, a plausible email address and phone number. Problems are collected, never
raised one at a time, so the person at the desk can fix them all in one go.

Each check also says in JSON Schema what it accepts: `document_schema` is the API's
published request body, so the OpenAPI document cannot drift from the parser.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.utils import timezone

from intake.document import codes
from intake.document.model import (
    Injury,
    IntakeDocument,
    Lifestyle,
    Medication,
    Patient,
    RedFlags,
    RiskFactors,
    Symptoms,
    Vaccination,
    completed_years,
)
from intake.document.nesting import MAX_DEPTH, TOO_DEEP, document_path, too_deep

ROOT_PATH = "(document)"

_T = TypeVar("_T")

# Character classes as regex source, which Python and the schema's ECMA-262 patterns read
# alike: each rule is written once, for the parser and for `document_schema`.
# NUL and other control characters (tab and line breaks are fine) and lone surrogates:
# no database stores them as text, and no person types them. A lone surrogate is not a
# character at all (RFC 8259 §8.2), so no schema pattern can name one: only the parser does.
_CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
_SURROGATES = r"\ud800-\udfff"
# Text-direction embeddings, overrides and isolates: invisible, and they redraw what follows
# them ("Metformin 500 mg" shown as "Metformin gm 005", on screen and in the PDF). Names,
# doses and notes never need them; right-to-left scripts display correctly without them.
_DIRECTION_CHARACTERS = r"\u202a-\u202e\u2066-\u2069"
# What Python's \s means for text, spelt out: ECMA-262's \s is a slightly different set.
_SPACE_CHARACTERS = (
    r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
_UNSTORABLE = re.compile(f"[{_CONTROL_CHARACTERS}{_SURROGATES}]")
_DIRECTION_CONTROLS = re.compile(f"[{_DIRECTION_CHARACTERS}]")
_TYPED_TEXT = f"[^{_CONTROL_CHARACTERS}{_DIRECTION_CHARACTERS}]*"
# Years 0001 to 9999, as Python's dates have them: JSON Schema's "date" format also admits 0000.
_YEAR = "(?:[0-9]{3}[1-9]|[0-9]{2}[1-9][0-9]|[0-9][1-9][0-9]{2}|[1-9][0-9]{3})"
_DATE = re.compile(rf"{_YEAR}-[0-9]{{2}}-[0-9]{{2}}")
# One @, something either side, a dot in the domain: catches typos, not deliverability.
_EMAIL_PART = f"[^@{_SPACE_CHARACTERS}{_CONTROL_CHARACTERS}{_DIRECTION_CHARACTERS}]+"
_EMAIL = re.compile(rf"{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}")
# 7-15 digits (E.164 allows 15) with the usual separators, optionally led by +; or nothing.
_PHONE = re.compile(r"(?:\+?(?:[ ().-]*[0-9]){7,15}[ ().-]*)?")


@dataclass(frozen=True, slots=True)
class Problem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class DocumentInvalid(ValueError):
    """The document was rejected; `problems` lists every reason, by answer path."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(problems)  # as the only argument, so the error pickles
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join(map(str, self.problems))


class _Reader:
    """Collects problems while reading; a part with problems reads as None."""

    def __init__(self, reference_date: dt.date | None, *, draft: bool = False) -> None:
        self.problems: list[Problem] = []
        # A draft's answers so far: each checked as it is, none required, none checked
        # against the others yet, and read as plain dicts (no document is made of them).
        self.draft = draft
        # The day ages are counted on; None when reported_on itself is broken.
        self.reference_date = reference_date
        # Read before the injuries and vaccinations (the patient comes first in _DOCUMENT).
        self.date_of_birth: dt.date | None = None

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path or ROOT_PATH, message))

    def read(
        self,
        value: object,
        path: str,
        shape: _Shape[_T],
        defaults: Mapping[str, object] | None = None,
    ) -> _T | None:
        if not isinstance(value, dict):
            self.fail(path, "must be an object")
            return None
        before = len(self.problems)
        answers = dict(defaults or {})
        for field in shape.fields:
            field_path = _join(path, field.name)
            if field.name in value:
                answers[field.name] = field.check(self, value[field.name], field_path)
            elif field.required and not self.draft:
                self.fail(field_path, "is required")
        names = {field.name for field in shape.fields}
        for key in value:
            if key not in names:
                self.fail(_join(path, str(key)), "is not allowed here")
        if self.draft:
            return answers if len(self.problems) == before else None  # type: ignore[return-value]
        if shape.agree is not None:
            shape.agree(self, answers, path)
        return shape.model(**answers) if len(self.problems) == before else None

    def items(
        self, value: object, path: str, *, min_items: int = 0, max_items: int | None = None
    ) -> list[object]:
        """The items of a list answer (none if it is not a list), checking its length."""
        if not isinstance(value, list):
            self.fail(path, "must be a list")
            return []
        if len(value) < min_items:
            self.fail(path, f"must list at least {min_items} item{'s' * (min_items != 1)}")
        if max_items is not None and len(value) > max_items:
            self.fail(path, f"must list at most {max_items} items")
        return value


_Read = Callable[[_Reader, object, str], object]
_JSONSchema = dict[str, object]


@dataclass(frozen=True, slots=True)
class _Check:
    """Reads one answer (recording problems, returning the value read), and says in JSON
    Schema what it accepts, so the published schema is built from the checks themselves."""

    read: _Read
    schema: _JSONSchema

    def __call__(self, reader: _Reader, value: object, path: str) -> object:
        return self.read(reader, value, path)


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    check: _Check
    required: bool = False


# Checks answers of one part against each other (None: an answer that failed its own check).
_Agree = Callable[["_Reader", dict[str, object], str], None]


@dataclass(frozen=True, slots=True)
class _Shape(Generic[_T]):
    model: Callable[..., _T]
    fields: tuple[_Field, ...]
    agree: _Agree | None = None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


# Field checks: each takes (reader, value, path), records problems, returns the value read.


def _text(
    *,
    max_length: int,
    min_length: int = 0,
    form: re.Pattern[str] | None = None,
    invalid: str = "",
) -> _Check:
    """Typed text; with `form`, text that matches it whole."""

    def check(reader: _Reader, value: object, path: str) -> str | None:
        if not isinstance(value, str):
            reader.fail(path, "must be text")
        elif len(value) < min_length:
            reader.fail(path, "must not be empty")
        elif len(value) > max_length:
            reader.fail(path, f"must be at most {max_length} characters")
        elif problem := text_problem(value):
            reader.fail(path, problem)
        elif form is not None and not form.fullmatch(value):
            reader.fail(path, invalid)
        else:
            return value
        return None

    # A form never admits the characters text_problem refuses, so it stands for both.
    pattern = form.pattern if form is not None else _TYPED_TEXT
    schema = {"type": "string", "maxLength": max_length, "pattern": f"^{pattern}$"}
    return _Check(check, schema | ({"minLength": min_length} if min_length else {}))


def is_phone_number(value: str) -> bool:
    """7-15 digits with spaces, dots, dashes, brackets and a leading + (or nothing): §1."""
    return bool(_PHONE.fullmatch(value))


CONTROL_CHARACTERS = "must not contain control characters"
DIRECTION_CONTROLS = "must not contain text-direction control characters"


def text_problem(value: str) -> str | None:
    """What makes typed text unfit to keep or show (CONTROL_CHARACTERS, DIRECTION_CONTROLS),
    or None: shared with the web forms (intake.validators)."""
    if _UNSTORABLE.search(value):
        return CONTROL_CHARACTERS
    if _DIRECTION_CONTROLS.search(value):
        return DIRECTION_CONTROLS
    return None


def _code(allowed: tuple[str, ...], *, nullable: bool = False) -> _Check:
    choices = ", ".join(allowed) + (", or null" if nullable else "")

    def check(reader: _Reader, value: object, path: str) -> str | None:
        if isinstance(value, str) and value in allowed:
            return value
        if not (nullable and value is None):
            reader.fail(path, f"must be one of: {choices}")
        return None

    return _Check(check, {"enum": [*allowed, None] if nullable else list(allowed)})


def _codes(allowed: tuple[str, ...], *, min_items: int = 0) -> _Check:
    """A list of codes, each allowed and none repeated."""
    item_check = _code(allowed)

    def check(reader: _Reader, value: object, path: str) -> tuple[str, ...]:
        items = reader.items(value, path, min_items=min_items)
        read = [item_check(reader, item, _join(path, str(i))) for i, item in enumerate(items)]
        known = [code for code in read if isinstance(code, str)]
        for code in dict.fromkeys(known):  # each repeated code once, in answer order
            if known.count(code) > 1:
                reader.fail(path, f"must not repeat '{code}'")
        return tuple(known)

    schema = {"type": "array", "uniqueItems": True, "items": item_check.schema}
    return _Check(check, schema | ({"minItems": min_items} if min_items else {}))


def _objects(shape: _Shape[_T], *, max_items: int) -> _Check:
    def check(reader: _Reader, value: object, path: str) -> tuple[_T | None, ...]:
        items = reader.items(value, path, max_items=max_items)
        return tuple(reader.read(item, _join(path, str(i)), shape) for i, item in enumerate(items))

    return _Check(check, {"type": "array", "maxItems": max_items, "items": _object_schema(shape)})


def _integer(low: int, high: int, *, nullable: bool = False) -> _Check:
    def check(reader: _Reader, value: object, path: str) -> int | None:
        # JSON has one number type: 5.0 is the integer 5 (as in JSON Schema); true is not 1.
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if nullable and value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            reader.fail(path, "must be a whole number" + " or null" * nullable)
        elif not low <= value <= high:
            reader.fail(path, f"must be between {low} and {high}")
        else:
            return value
        return None

    kind = ["integer", "null"] if nullable else "integer"
    return _Check(check, {"type": kind, "minimum": low, "maximum": high})


def _read_boolean(reader: _Reader, value: object, path: str) -> bool | None:
    if isinstance(value, bool):
        return value
    reader.fail(path, "must be true or false")
    return None


_boolean = _Check(_read_boolean, {"type": "boolean"})
_DATE_SCHEMA = {"type": "string", "format": "date", "pattern": f"^{_DATE.pattern}$"}


def _iso_date(value: object) -> dt.date | None:
    """A strict YYYY-MM-DD date, or None."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:  # well-formed but not a day, e.g. 2026-02-30
        return None


def _read_date(reader: _Reader, value: object, path: str) -> dt.date | None:
    day = _iso_date(value)
    if day is None:
        reader.fail(path, "must be a date in the form YYYY-MM-DD")
    return day


def _read_birth_date(reader: _Reader, value: object, path: str) -> dt.date | None:
    born = _read_date(reader, value, path)
    on = reader.reference_date
    if born is None or on is None:
        return born
    if born > on:
        reader.fail(path, "must not be in the future")
    elif completed_years(born, on) > codes.MAX_AGE_YEARS:
        reader.fail(path, f"must give an age of at most {codes.MAX_AGE_YEARS} years")
    else:
        reader.date_of_birth = born
    return born


def _read_event_date(reader: _Reader, value: object, path: str) -> dt.date | None:
    """An injury's or vaccination's date: between the date of birth and reported_on.

    Never read as "recent" when it is after reported_on: refused instead (§1).
    """
    day = _read_date(reader, value, path)
    if day is None:
        return None
    if reader.reference_date is not None and day > reader.reference_date:
        reader.fail(path, "must not be after reported_on")
    elif reader.date_of_birth is not None and day < reader.date_of_birth:
        reader.fail(path, "must not be before the date of birth")
    return day


# The dates' bounds depend on today and on other answers, which JSON Schema cannot say.
_date = _Check(_read_date, _DATE_SCHEMA)
_birth_date = _Check(_read_birth_date, _DATE_SCHEMA)
_event_date = _Check(_read_event_date, _DATE_SCHEMA)


def _no_frequency_when_constant(reader: _Reader, answers: dict[str, object], path: str) -> None:
    if answers.get("pattern") == "constant" and answers.get("frequency") is not None:
        reader.fail(_join(path, "frequency"), "must be null or absent when pattern is constant")


def _older_than_14_days_agrees_with_date(
    reader: _Reader, answers: dict[str, object], path: str
) -> None:
    day, on = answers.get("date"), reader.reference_date
    if (
        answers.get("older_than_14_days") is True
        and isinstance(day, dt.date)
        and on is not None
        and (on - day).days <= codes.RECENT_INJURY_DAYS
    ):
        reader.fail(
            _join(path, "older_than_14_days"),
            f"must not be true for a date within {codes.RECENT_INJURY_DAYS} days of reported_on",
        )


def _object_schema(shape: _Shape[Any]) -> _JSONSchema:
    required = [field.name for field in shape.fields if field.required]
    return {
        "type": "object",
        "additionalProperties": False,
        **({"required": required} if required else {}),
        "properties": {field.name: field.check.schema for field in shape.fields},
    }


def _object(shape: _Shape[_T]) -> _Check:
    def check(reader: _Reader, value: object, path: str) -> _T | None:
        return reader.read(value, path, shape)

    return _Check(check, _object_schema(shape))


_PATIENT = _Shape(
    Patient,
    (
        _Field("mrn", _text(max_length=codes.MRN_MAX_LENGTH)),
        _Field("given_name", _text(min_length=1, max_length=codes.PERSON_NAME_MAX_LENGTH), True),
        _Field("family_name", _text(min_length=1, max_length=codes.PERSON_NAME_MAX_LENGTH), True),
        _Field("date_of_birth", _birth_date, True),
        _Field("sex", _code(codes.SEXES)),
        _Field(
            "phone",
            _text(
                max_length=codes.PHONE_MAX_LENGTH,
                form=_PHONE,
                invalid="must be a phone number: 7 to 15 digits, spaces and + ( ) - . only",
            ),
        ),
        _Field(
            "email",
            _text(
                max_length=codes.EMAIL_MAX_LENGTH,
                form=_EMAIL,
                invalid="must be an email address",
            ),
        ),
        _Field("preferred_language", _code(codes.LANGUAGES)),
    ),
)

_SYMPTOMS = _Shape(
    Symptoms,
    (
        _Field("sides", _code(codes.SIDES), True),
        _Field("locations", _codes(codes.LOCATIONS, min_items=1), True),
        _Field("onset", _code(codes.ONSETS), True),
        _Field("duration_days", _integer(0, codes.DURATION_DAYS_MAX), True),
        _Field("last_changed_days", _integer(0, codes.LAST_CHANGED_DAYS_MAX, nullable=True)),
        _Field("pattern", _code(codes.PATTERNS), True),
        _Field("frequency", _code(codes.FREQUENCIES, nullable=True)),
        _Field("positional", _boolean, True),
        _Field("relieved_by_moving", _boolean, True),
        _Field("progression", _code(codes.PROGRESSIONS), True),
        _Field("severity", _integer(0, codes.SEVERITY_MAX), True),
        _Field("associated", _codes(codes.ASSOCIATED)),
        _Field("leg_changes", _codes(codes.LEG_CHANGES)),
        _Field("other_symptoms", _codes(codes.OTHER_SYMPTOMS)),
        _Field("description", _text(max_length=codes.FREE_TEXT_MAX_LENGTH)),
    ),
    _no_frequency_when_constant,
)

_RED_FLAGS = _Shape(
    RedFlags,
    tuple(
        _Field(code, _boolean, code in codes.RED_FLAG_CODES) for code in codes.ALL_RED_FLAG_CODES
    ),
)

_RISK_FACTORS = _Shape(
    RiskFactors, tuple(_Field(code, _boolean) for code in codes.ALL_RISK_FACTOR_CODES)
)

_ITEM_NAME = _text(min_length=1, max_length=codes.ITEM_NAME_MAX_LENGTH)

_MEDICATION = _Shape(
    Medication,
    (
        _Field("name", _ITEM_NAME, True),
        _Field("dose", _text(max_length=codes.DOSE_MAX_LENGTH)),
        _Field("kind", _code(codes.MEDICATION_KINDS)),
    ),
)

_VACCINATION = _Shape(Vaccination, (_Field("name", _ITEM_NAME, True), _Field("date", _event_date)))

_INJURY = _Shape(
    Injury,
    (
        _Field("kind", _code(codes.INJURY_KINDS), True),
        _Field("date", _event_date),
        _Field("older_than_14_days", _boolean),
        _Field("mechanism", _code(codes.INJURY_MECHANISMS)),
        _Field("description", _text(max_length=codes.INJURY_DESCRIPTION_MAX_LENGTH)),
    ),
    _older_than_14_days_agrees_with_date,
)

_LIFESTYLE = _Shape(
    Lifestyle,
    (
        _Field("alcohol_drinks_per_week", _integer(0, codes.ALCOHOL_DRINKS_PER_WEEK_MAX)),
        _Field("diet", _code(codes.DIETS)),
        _Field("smoking", _code(codes.SMOKING)),
    ),
)


def _read_lifestyle(reader: _Reader, value: object, path: str) -> Lifestyle | None:
    # An empty object answers nothing: read it as absent so the canonical form round-trips.
    return None if value == {} else reader.read(value, path, _LIFESTYLE)


_lifestyle = _Check(_read_lifestyle, _object_schema(_LIFESTYLE))

_DOCUMENT = _Shape(
    IntakeDocument,
    (
        _Field("reported_on", _date),
        _Field("patient", _object(_PATIENT), True),
        _Field("symptoms", _object(_SYMPTOMS), True),
        _Field("red_flags", _object(_RED_FLAGS), True),
        _Field("risk_factors", _object(_RISK_FACTORS)),
        _Field("medications", _objects(_MEDICATION, max_items=codes.MAX_MEDICATIONS)),
        _Field("treatments", _codes(codes.TREATMENTS)),
        _Field("vaccinations", _objects(_VACCINATION, max_items=codes.MAX_VACCINATIONS)),
        _Field("injuries", _objects(_INJURY, max_items=codes.MAX_INJURIES)),
        _Field("conditions", _codes(codes.CONDITIONS)),
        _Field("exposures", _codes(codes.EXPOSURES)),
        _Field("lifestyle", _lifestyle),
        _Field("notes", _text(max_length=codes.FREE_TEXT_MAX_LENGTH)),
    ),
)


# The rules of `parse_document` that a JSON Schema cannot state, as the schema says them.
BEYOND_THE_SCHEMA = (
    f"reported_on at most {codes.REPORTED_ON_MAX_DAYS_AHEAD} day after the clinic's today",
    f"the date of birth not after reported_on, and at most {codes.MAX_AGE_YEARS} years before it",
    "injury and vaccination dates between the date of birth and reported_on",
    "no symptoms.frequency when symptoms.pattern is constant",
    "injuries[].older_than_14_days not true for a date within "
    f"{codes.RECENT_INJURY_DAYS} days of reported_on",
    f"objects and lists nested at most {MAX_DEPTH} deep",
)


def document_schema() -> _JSONSchema:
    """The intake document as JSON Schema (2020-12), built from the checks above: what the
    parser accepts, but for BEYOND_THE_SCHEMA. Published as the API's request body."""
    return {
        "title": "Intake document",
        "description": "One visit's intake answers (clinical-content.md §1). Also refused, "
        "by path: " + "; ".join(BEYOND_THE_SCHEMA) + ".",
        **_object_schema(_DOCUMENT),
    }


def emergency_answers(data: object) -> tuple[str, ...]:
    """The `red_flags` answers that are the JSON `true`, even in a document refused (§4).

    An emergency is never thrown away with a bad document: whatever else is wrong, every
    red-flag key whose value is exactly true is listed, in document order, unknown keys
    included (not `1`, not `"yes"`). A document that is not an object has none.
    """
    red_flags = data.get("red_flags") if isinstance(data, dict) else None
    if not isinstance(red_flags, dict):
        return ()
    return tuple(f"red_flags.{key}" for key, value in red_flags.items() if value is True)


# Who a draft is for: a draft names its patient, whatever else it leaves for later.
DRAFT_IDENTITY = ("given_name", "family_name", "date_of_birth")


def read_draft(data: object, *, today: dt.date | None = None) -> dict[str, object]:
    """A draft's answers so far (an in-progress import), each checked as the document's are
    (types, codes, dates, lengths) but none required except who the patient is; read into
    plain values by section (`{"symptoms": {"severity": 4}}`). Raises `DocumentInvalid`."""
    if (location := too_deep(data)) is not None:
        raise DocumentInvalid((Problem(document_path(location), TOO_DEEP),))
    today = today or timezone.localdate()
    reader = _Reader(today, draft=True)
    answers = reader.read(data, "", _DOCUMENT, defaults={"reported_on": today})
    patient = answers.get("patient") if isinstance(answers, dict) else None
    for name in DRAFT_IDENTITY:
        if not isinstance(data, dict) or name not in (data.get("patient") or {}):
            reader.fail(f"patient.{name}", "is required: a draft names its patient")
    if answers is None or reader.problems or not isinstance(patient, dict):
        raise DocumentInvalid(tuple(reader.problems))
    return answers


def parse_document(data: object, *, today: dt.date | None = None) -> IntakeDocument:
    """Read one intake document (parsed JSON), or raise `DocumentInvalid` listing every problem.

    `reported_on` defaults to `today` (default: today in the clinic's time zone) and may be
    at most REPORTED_ON_MAX_DAYS_AHEAD after it; ages and "within N days" count from it.
    A document nested deeper than MAX_DEPTH is refused at that path alone.
    """
    if (location := too_deep(data)) is not None:
        raise DocumentInvalid((Problem(document_path(location), TOO_DEEP),))
    today = today or timezone.localdate()
    reported_on: dt.date | None = today
    reader = _Reader(None)
    if isinstance(data, dict) and "reported_on" in data:
        reported_on = _iso_date(data["reported_on"])
        latest = today + dt.timedelta(days=codes.REPORTED_ON_MAX_DAYS_AHEAD)
        if reported_on is not None and reported_on > latest:
            reader.fail("reported_on", f"must not be after {latest.isoformat()}")
    reader.reference_date = reported_on
    doc = reader.read(data, "", _DOCUMENT, defaults={"reported_on": today})
    if doc is None or reader.problems:
        raise DocumentInvalid(tuple(reader.problems))
    return doc
