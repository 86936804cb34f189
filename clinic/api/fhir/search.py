"""FHIR search over intakes and patients: the parameters read, a keyset page, the Bundle.

Only the parameters listed are read; any other (but `_format`) is refused with a 400 naming
it, rather than silently ignored as FHIR's lenient default would, which would answer a
mistyped filter with every patient (docs/decisions/0030). Pages follow the newest first by
(created, id), as the worklist does: the `next` link carries the last row's key, not an
offset, so a page costs the same however deep it is.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.timezone import get_current_timezone, is_naive, make_aware

from intake.document import DocumentInvalid, Problem
from intake.fhir import RESPONSE_STATUS, is_this_questionnaire, mrn_system

DEFAULT_COUNT = 20
MAX_COUNT = 100
PAGING = ("_count", "_cursor")
IGNORED = ("_format",)
_PREFIXES = {"eq", "ne", "gt", "lt", "ge", "le"}
_STATUS_OF_RESPONSE = {fhir: ours for ours, fhir in RESPONSE_STATUS.items()}


def refuse(parameter: str, message: str) -> DocumentInvalid:
    return DocumentInvalid((Problem(parameter, message),))


def _identifier(value: str, field: str) -> Q:
    """`system|value` or `value`: only the clinic's MRN system is known."""
    system, bar, code = value.rpartition("|")
    if bar and system and system != mrn_system():
        return Q(pk__in=[])
    return Q(**{field: code or value})


def _reference(value: str, kind: str, field: str) -> Q:
    """`Patient/<id>` or `<id>`."""
    named = value.removeprefix(f"{kind}/")
    try:
        return Q(**{field: uuid.UUID(named)})
    except ValueError:
        return Q(pk__in=[])


def _status(value: str, field: str) -> Q:
    statuses = [_STATUS_OF_RESPONSE.get(code) for code in value.split(",")]
    return Q(**{f"{field}__in": [status for status in statuses if status]})


def _questionnaire(value: str) -> Q:
    """Every intake answers the one Questionnaire (of one version or another)."""
    return Q() if is_this_questionnaire(value) else Q(pk__in=[])


def _instant(text: str, parameter: str) -> tuple[dt.datetime, dt.datetime]:
    """The span a FHIR date or dateTime names: a day (the clinic's), or an instant."""
    try:
        day = parse_date(text) if len(text) == 10 else None
        moment = None if day else parse_datetime(text)
    except ValueError:
        day = moment = None
    if day is not None:
        start = make_aware(dt.datetime.combine(day, dt.time.min), get_current_timezone())
        return start, start + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    if moment is None:
        raise refuse(parameter, "must be a date (2026-12-01) or a dateTime, with a prefix")
    if is_naive(moment):
        moment = make_aware(moment)
    return moment, moment


def _date(value: str, field: str, parameter: str = "authored") -> Q:
    prefix, text = (value[:2], value[2:]) if value[:2] in _PREFIXES else ("eq", value)
    start, end = _instant(text, parameter)
    return {
        "eq": Q(**{f"{field}__gte": start, f"{field}__lte": end}),
        "ne": ~Q(**{f"{field}__gte": start, f"{field}__lte": end}),
        "gt": Q(**{f"{field}__gt": end}),
        "ge": Q(**{f"{field}__gte": start}),
        "lt": Q(**{f"{field}__lt": start}),
        "le": Q(**{f"{field}__lte": end}),
    }[prefix]


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    documentation: str
    condition: Callable[[str], Q]


def _param(name: str, type_: str, documentation: str, read, *args: str) -> Parameter:
    return Parameter(name, type_, documentation, lambda value: read(value, *args))


def _patient(field: str) -> Parameter:
    return _param(
        "patient", "reference", "The patient: `Patient/<id>`.", _reference, "Patient", field
    )


# The parameters of each search, as the CapabilityStatement lists them.
RESPONSE_PARAMETERS = (
    _patient("patient_id"),
    _param(
        "subject:identifier",
        "token",
        "The patient's MRN: `<system>|<mrn>` or `<mrn>`.",
        _identifier,
        "patient__mrn",
    ),
    _param(
        "status",
        "token",
        "in-progress, completed, amended or entered-in-error (comma for any of them).",
        _status,
        "status",
    ),
    _param(
        "authored",
        "date",
        "When last changed: a date or dateTime with eq, ge, gt, le, lt or ne; repeat for a range.",
        _date,
        "updated_at",
    ),
    _param("questionnaire", "reference", "The intake Questionnaire's canonical.", _questionnaire),
)
_BASIS = re.compile(r"^(?:QuestionnaireResponse/)?([0-9a-fA-F-]{36})(?:/_history/([0-9]+))?$")


def _basis(value: str) -> Q:
    """`QuestionnaireResponse/<id>`, or one version of it (`…/_history/<n>`)."""
    found = _BASIS.match(value)
    if found is None:
        return Q(pk__in=[])
    try:
        condition = Q(intake_id=uuid.UUID(found.group(1)))
    except ValueError:
        return Q(pk__in=[])
    return condition & Q(intake_version=int(found.group(2))) if found.group(2) else condition


_CURRENT = Q(assessment__intake_version=F("assessment__intake__version"))
_WITHDRAWN = Q(assessment__intake__status="withdrawn")
_FLAG_STATUSES = {
    "active": _CURRENT & ~_WITHDRAWN,
    "inactive": ~_CURRENT & ~_WITHDRAWN,
    "entered-in-error": _WITHDRAWN,
}


def _flag_status(value: str) -> Q:
    condition = Q(pk__in=[])
    for code in value.split(","):
        condition |= _FLAG_STATUSES.get(code, Q(pk__in=[]))
    return condition


RISK_ASSESSMENT_PARAMETERS = (
    _param(
        "basis", "reference", "The QuestionnaireResponse it read (or one version of it).", _basis
    ),
    _patient("intake__patient_id"),
)
FLAG_PARAMETERS = (
    _patient("assessment__intake__patient_id"),
    _param(
        "status", "token", "active, inactive or entered-in-error (comma for any).", _flag_status
    ),
)
QUESTIONNAIRE_PARAMETERS = (
    _param("url", "uri", "Its canonical, optionally `|version`.", _questionnaire),
)
PATIENT_PARAMETERS = (
    _param("identifier", "token", "The MRN: `<system>|<mrn>` or `<mrn>`.", _identifier, "mrn"),
)


def conditions(query, parameters: tuple[Parameter, ...]) -> Q:
    """The filter a query string asks for; repeated parameters all hold (a date range)."""
    known = {parameter.name: parameter for parameter in parameters}
    condition = Q()
    for name in query:
        if name in PAGING or name in IGNORED:
            continue
        if name not in known:
            raise refuse(name, f"is not a search parameter here; these are: {', '.join(known)}")
        for value in query.getlist(name):
            condition &= known[name].condition(value)
    return condition


def count_of(query) -> int:
    text = query.get("_count", str(DEFAULT_COUNT))
    if not text.isdigit() or not 1 <= int(text) <= MAX_COUNT:
        raise refuse("_count", f"must be a whole number from 1 to {MAX_COUNT}")
    return int(text)


def _cursor(text: str) -> tuple[dt.datetime, str]:
    try:
        created, pk = json.loads(base64.urlsafe_b64decode(text.encode()))
        moment = parse_datetime(created)
    except (ValueError, TypeError, binascii.Error):
        moment = None
    if moment is None:
        raise refuse("_cursor", "is not a page of this search: follow the Bundle's next link")
    return moment, pk


def page(rows: QuerySet, query, *, created: str = "created_at") -> tuple[list, str | None]:
    """One page, newest first by `created` (a field, or one across a relation), and the
    cursor of the next (None on the last)."""
    size = count_of(query)
    rows = rows.annotate(listed_at=F(created)).order_by("-listed_at", "-pk")
    if "_cursor" in query:
        at, pk = _cursor(query["_cursor"])
        rows = rows.filter(Q(listed_at__lt=at) | Q(listed_at=at, pk__lt=pk))
    found = list(rows[: size + 1])
    if len(found) <= size:
        return found, None
    last = found[size - 1]
    key = json.dumps([last.listed_at.isoformat(), str(last.pk)])
    return found[:size], base64.urlsafe_b64encode(key.encode()).decode()
