"""Hypothesis strategies for intake documents as JSON data: valid, broken, and garbage;
JSON nested deeply, and QuestionnaireResponses laden with extensions."""

import datetime as dt
import re
from typing import Any

from hypothesis import strategies as st

from intake.document import codes
from intake.document.nesting import MAX_DEPTH
from intake.fhir import questionnaire_response

PHRASES = (
    "Pins and needles in my calf after long drives.",
    "Since Tuesday I have had trouble controlling my bowels.",
    "I can’t walk to the mailbox any more.",  # noqa: RUF001 - patients type curly apostrophes
    "Felt confused this morning",
    "My vision went blurry",
    "Ayer me desmayé y arrastro el pie",
    "We watched television after the revision",
    "",
)
MEDICATION_NAMES = (
    "Metformin 500 mg",
    "Omeprazole",
    "Nexium (esomeprazole)",
    "Famotidine",
    "Vitamin B6",
    "Vitamin B-6 100 mg",
    "Pyridoxine",
    "Omeprazol 20 mg",
    "Warfarina 5 mg",
    "Eliquis",
    "heparina",
    "Ibuprofen",
    "Lisinopril",
)


def subset(choices: tuple[str, ...], *, min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(choices), min_size=min_size, unique=True)


# What a person can type: any letter, mark, digit, symbol or space (emoji, RTL and
# zero-width characters included), tabs and line breaks; no other control characters, and
# no text-direction controls (the document refuses them: intake.document.parser).
DIRECTION_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TYPED = st.characters(
    exclude_categories=("Cs", "Cc"),
    include_characters="\t\n\r",
    exclude_characters=DIRECTION_CONTROLS,
)


def short_text(max_size: int = 60, *, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(TYPED, min_size=min_size, max_size=max_size)


# Days before reported_on, dense near the 14- and 42-day boundaries. Drawn as numbers and
# turned into dates once reported_on is known (kept after the date of birth).
DAYS_BEFORE = st.one_of(st.integers(0, 50), st.integers(0, 4000))
# The latest reported_on drawn: never after the clinic's today (the parser refuses it).
LATEST_REPORTED_ON = dt.date(2026, 11, 30)
# Dense near the windows of §2 and §3 (1, 2, 7, 14, 21, 28, 42 days).
DAY_COUNTS = st.one_of(st.integers(0, 60), st.integers(0, 36500))

PATIENT = st.fixed_dictionaries(
    {
        "given_name": short_text(100, min_size=1),
        "family_name": short_text(100, min_size=1),
    },
    optional={
        "mrn": short_text(32),
        "sex": st.sampled_from(codes.SEXES),
        "phone": st.sampled_from(["+1 (555) 010-0199", "555 0100 123", ""]),
        "email": st.sampled_from(["ana@example.org", "a.lopez+clinic@mail.example.com"]),
        "preferred_language": st.sampled_from(codes.LANGUAGES),
    },
)
SYMPTOMS = st.fixed_dictionaries(
    {
        "sides": st.sampled_from(codes.SIDES),
        "locations": subset(codes.LOCATIONS, min_size=1),
        "onset": st.sampled_from(codes.ONSETS),
        "duration_days": DAY_COUNTS,
        "pattern": st.sampled_from(codes.PATTERNS),
        "positional": st.booleans(),
        "relieved_by_moving": st.booleans(),
        "progression": st.sampled_from(codes.PROGRESSIONS),
        "severity": st.integers(0, 10),
    },
    optional={
        "last_changed_days": st.one_of(st.none(), DAY_COUNTS),
        "frequency": st.one_of(st.none(), st.sampled_from(codes.FREQUENCIES)),
        "associated": subset(codes.ASSOCIATED),
        "leg_changes": subset(codes.LEG_CHANGES),
        "other_symptoms": subset(codes.OTHER_SYMPTOMS),
        "description": st.one_of(st.sampled_from(PHRASES), short_text()),
    },
)
# A fresh dict per draw: invalid_documents() edits what it draws.
_ALL_NO = st.just(dict.fromkeys(codes.ALL_RED_FLAG_CODES, False)).map(dict)
_TEN_NO = st.just(dict.fromkeys(codes.RED_FLAG_CODES, False)).map(dict)  # not asked: urinary
# Mostly all no, so the other rules get exercised too.
RED_FLAGS = st.one_of(
    _ALL_NO,
    _TEN_NO,
    st.fixed_dictionaries(
        {code: st.booleans() for code in codes.RED_FLAG_CODES},
        optional={code: st.booleans() for code in codes.OPTIONAL_RED_FLAG_CODES},
    ),
)
# Each risk factor answered or not asked.
RISK_FACTORS = st.fixed_dictionaries(
    {}, optional={code: st.booleans() for code in codes.ALL_RISK_FACTOR_CODES}
)
MEDICATION = st.fixed_dictionaries(
    {"name": st.one_of(st.sampled_from(MEDICATION_NAMES), short_text(40, min_size=1))},
    optional={"dose": short_text(100), "kind": st.sampled_from(codes.MEDICATION_KINDS)},
)
VACCINATION = st.fixed_dictionaries(
    {"name": st.sampled_from(["Influenza", "COVID-19", "Shingles"])},
    optional={"date": DAYS_BEFORE},
)
INJURY = st.fixed_dictionaries(
    {"kind": st.sampled_from(codes.INJURY_KINDS)},
    optional={
        "date": DAYS_BEFORE,
        "older_than_14_days": st.booleans(),
        "mechanism": st.sampled_from(codes.INJURY_MECHANISMS),
        "description": short_text(),
    },
)
LIFESTYLE = st.fixed_dictionaries(
    {},
    optional={
        "alcohol_drinks_per_week": st.integers(0, 200),
        "diet": st.sampled_from(codes.DIETS),
        "smoking": st.sampled_from(codes.SMOKING),
    },
)
DOCUMENT = st.fixed_dictionaries(
    {
        "reported_on": st.dates(dt.date(2000, 1, 1), LATEST_REPORTED_ON),
        # Age in days: 120 * 365 is under 120 years, leap days or not.
        "patient": st.tuples(PATIENT, st.integers(0, 120 * 365)),
        "symptoms": SYMPTOMS,
        "red_flags": RED_FLAGS,
    },
    optional={
        "risk_factors": RISK_FACTORS,
        "medications": st.lists(MEDICATION, max_size=3),
        "treatments": subset(codes.TREATMENTS),
        "vaccinations": st.lists(VACCINATION, max_size=3),
        "injuries": st.lists(INJURY, max_size=3),
        "conditions": subset(codes.CONDITIONS),
        "exposures": subset(codes.EXPOSURES),
        "lifestyle": LIFESTYLE,
        "notes": st.one_of(st.sampled_from(PHRASES), short_text()),
    },
)


def _dated(reported_on: dt.date, days_before: int) -> str:
    return (reported_on - dt.timedelta(days=days_before)).isoformat()


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A schema-valid intake document that also meets the parser's extra rules."""
    data = draw(DOCUMENT)
    reported_on = data["reported_on"]
    patient, age_days = data["patient"]
    data["reported_on"] = reported_on.isoformat()
    data["patient"] = {**patient, "date_of_birth": _dated(reported_on, age_days)}
    for section in ("vaccinations", "injuries"):
        for item in data.get(section, []):
            if "date" in item:
                days = min(item["date"], age_days)  # not before the date of birth
                item["date"] = _dated(reported_on, days)
                if days <= 14 and item.get("older_than_14_days"):
                    item["older_than_14_days"] = False  # refused with a date within 14 days
    if data["symptoms"]["pattern"] == "constant":
        data["symptoms"].pop("frequency", None)  # refused beside a constant pattern
    return data


def json_values() -> st.SearchStrategy[object]:
    """Any JSON value, nested."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False, allow_infinity=False),  # JSON has neither
        st.text(max_size=10),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
        ),
        max_leaves=20,
    )


def not_a(kind: type | tuple[type, ...]) -> st.SearchStrategy[object]:
    return json_values().filter(lambda value: not isinstance(value, kind))


# Mutations that make a valid document invalid under both the schema and the parser.
REQUIRED = {
    "": ("patient", "symptoms", "red_flags"),
    "patient": ("given_name", "family_name", "date_of_birth"),
    "symptoms": (
        "sides",
        "locations",
        "onset",
        "duration_days",
        "pattern",
        "positional",
        "relieved_by_moving",
        "progression",
        "severity",
    ),
    "red_flags": codes.RED_FLAG_CODES,
}


def _section(data: dict[str, Any], name: str) -> dict[str, Any]:
    return data[name] if name else data


@st.composite
def invalid_documents(draw: st.DrawFn) -> object:
    """A valid document broken in one way the schema forbids."""
    data = draw(valid_documents())
    symptoms = data["symptoms"]
    match draw(st.integers(0, 12)):
        case 0:
            section = draw(st.sampled_from(sorted(REQUIRED)))
            del _section(data, section)[draw(st.sampled_from(REQUIRED[section]))]
        case 1:
            section = draw(st.sampled_from(sorted(REQUIRED)))
            _section(data, section)[f"unknown_{draw(st.integers(0, 9))}"] = draw(json_values())
        case 2:
            data["red_flags"][draw(st.sampled_from(codes.RED_FLAG_CODES))] = draw(not_a(bool))
        case 3:
            field, high = draw(st.sampled_from([("severity", 10), ("duration_days", 36500)]))
            symptoms[field] = draw(st.one_of(st.integers(max_value=-1), st.integers(high + 1)))
        case 4:
            field, allowed = draw(
                st.sampled_from(
                    [
                        ("sides", codes.SIDES),
                        ("onset", codes.ONSETS),
                        ("pattern", codes.PATTERNS),
                        ("progression", codes.PROGRESSIONS),
                    ]
                )
            )
            symptoms[field] = draw(json_values().filter(lambda value: value not in allowed))
        case 5:
            symptoms["locations"].append(draw(st.sampled_from(symptoms["locations"])))
        case 6:
            not_dates = st.one_of(st.text(max_size=12), st.sampled_from(["2026-02-30", "2026-1-1"]))
            data["reported_on"] = draw(not_dates.filter(lambda text: not _is_date(text)))
        case 7:
            data["patient"]["given_name"] = draw(st.sampled_from(["", "x" * 101]))
        case 8:
            data[draw(st.sampled_from(["patient", "symptoms", "red_flags"]))] = draw(not_a(dict))
        case 9:
            symptoms["last_changed_days"] = draw(
                st.one_of(st.integers(max_value=-1), st.integers(36501), st.text(max_size=3))
            )
        case 10:
            code = draw(st.sampled_from(codes.ALL_RISK_FACTOR_CODES))
            data["risk_factors"] = {code: draw(not_a(bool))}
        case 11:
            data["red_flags"]["urinary_difficulty"] = draw(not_a(bool))
        case _:
            data["medications"] = draw(st.lists(not_a(dict), min_size=1, max_size=3))
    return data


def _is_date(text: str) -> bool:
    """YYYY-MM-DD and a real day (written independently of the parser under test)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


# --- JSON nested deeply, and FHIR laden with extensions ------------------------------------


@st.composite
def deep_json(draw: st.DrawFn, max_depth: int = MAX_DEPTH + 8) -> object:
    """A JSON value with one chain of objects and lists down to `max_depth`, siblings along
    the way: on both sides of the nesting limit."""
    value = draw(json_values())
    for _ in range(draw(st.integers(0, max_depth))):
        siblings = draw(st.lists(st.one_of(st.none(), st.text(max_size=3)), max_size=2))
        if draw(st.booleans()):
            at = draw(st.integers(0, len(siblings)))
            value = [*siblings[:at], value, *siblings[at:]]
        else:
            keys = draw(st.lists(st.text(max_size=4), min_size=1, max_size=3, unique=True))
            value = dict(zip(keys[1:], siblings, strict=False)) | {keys[0]: value}
    return value


def nested_items(depth: int) -> dict[str, object]:
    """A FHIR item holding an item holding an item..., `depth` items deep: 2 * depth objects
    and lists in all."""
    item: dict[str, object] = {"linkId": "notes", "answer": []}
    for _ in range(depth - 1):
        item = {"linkId": "notes", "item": [item]}
    return item


def nested_answers(depth: int) -> dict[str, object]:
    """A FHIR answer holding an item whose answer holds an item..., `depth` answers deep."""
    answer: dict[str, object] = {"valueString": "x"}
    for _ in range(depth - 1):
        answer = {"valueString": "x", "item": [{"linkId": "notes", "answer": [answer]}]}
    return answer


_SIMPLE_EXTENSION = st.fixed_dictionaries(
    {"url": st.sampled_from(["urn:example:note", "http://hl7.org/fhir/StructureDefinition/x"])},
    optional={
        "valueString": st.text(max_size=5),
        "valueBoolean": st.booleans(),
        "valueInteger": st.integers(-5, 5),
    },
)
# Extensions inside extensions, as complex extensions are.
EXTENSIONS = st.lists(
    st.recursive(
        _SIMPLE_EXTENSION,
        lambda inner: st.fixed_dictionaries(
            {"url": st.just("urn:example:complex"), "extension": st.lists(inner, max_size=2)}
        ),
        max_leaves=4,
    ),
    min_size=1,
    max_size=2,
)
# What FHIR puts beside (or instead of) a primitive value: `_status`, `_linkId`...
PRIMITIVE_EXTENSION = st.fixed_dictionaries(
    {}, optional={"id": st.text(max_size=4), "extension": EXTENSIONS}
)


def _objects_in(value: object) -> list[dict[str, Any]]:
    found, pending = [], [value]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            found.append(value)
            pending += value.values()
        elif isinstance(value, list):
            pending += value
    return found


@st.composite
def extension_laden_responses(draw: st.DrawFn) -> dict[str, Any]:
    """A QuestionnaireResponse of a valid document, then extended in a few places: extensions
    and modifier extensions, a primitive's `_` twin (its value kept or dropped), items
    under items and answers under answers, some nested past the limit."""
    resource = questionnaire_response(draw(valid_documents()))
    for _ in range(draw(st.integers(1, 5))):
        objects = _objects_in(resource)
        target = objects[draw(st.integers(0, len(objects) - 1))]
        match draw(st.integers(0, 4)):
            case 0:
                target["extension"] = draw(EXTENSIONS)
            case 1:
                target["modifierExtension"] = draw(EXTENSIONS)
            case 2:
                primitives = [key for key, value in target.items() if isinstance(value, str)]
                if primitives:
                    key = draw(st.sampled_from(sorted(primitives)))
                    target[f"_{key}"] = draw(PRIMITIVE_EXTENSION)
                    if draw(st.booleans()):
                        del target[key]
            case 3:
                depth = draw(st.integers(1, 2 * MAX_DEPTH))
                target.setdefault("item", []).append(nested_items(depth))
            case _:
                depth = draw(st.integers(1, MAX_DEPTH))
                target.setdefault("answer", []).append(nested_answers(depth))
    return resource
