"""The clinician's worklist: what to look at first, filtered, searched, paged by keyset.

Order: unacknowledged emergencies, then unacknowledged urgent, then the rest;
oldest first within each group. Pages are cut by a cursor on the sort key
(open_alert, submitted_at, id), so page 200 costs what page 1 does, and no
COUNT(*) runs over the table.

The sort key is `intake.models.WORKLIST_KEY`, (-open_alert, submitted_at, id), all
ascending, so "after the cursor" is one row comparison that the database seeks to in the
`intake_worklist_key` index (declared with that same key in `Intake.Meta`) instead of
walking every earlier row.

The 10-second refresh is a conditional GET: `rows_etag` fingerprints what the rows show
from the page's own query, projected to each row's id and `worklist_version` (which the
database steps whenever anything a row shows changes), and an unchanged page answers 304.
Nothing is kept between requests.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

from django.db import connection
from django.db.models import (
    BooleanField,
    DateTimeField,
    F,
    Func,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
    Value,
)
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import get_language

from intake.levels import Level, OpenAlert, SummaryStatus
from intake.models import WORKLIST_KEY, Intake, Patient, listed_intakes
from intake.services import fold, name_condition
from triage.models import Alert, AlertAction, TriageAssessment, TriageFlag

PAGE_SIZE = 50
LEVELS = Level.values


@dataclass(frozen=True)
class WorklistFilters:
    level: str = ""
    reviewed: str = ""  # "yes", "no" or "" for both
    open_only: bool = False  # only intakes with an unacknowledged emergency or urgent flag
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    summary_status: str = ""
    query: str = ""  # a name, or an MRN (exact or prefix)


# A cursor handed out is about 100 characters; anything much longer is not one.
CURSOR_MAX_LENGTH = 200


class InvalidCursor(ValueError):
    """An `after` cursor this worklist did not hand out."""


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number in a cursor")


@dataclass(frozen=True)
class Cursor:
    open_alert: int
    submitted_at: dt.datetime
    id: uuid.UUID

    def encode(self) -> str:
        raw = json.dumps([self.open_alert, self.submitted_at.isoformat(), str(self.id)])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        """The cursor `encode` made, checked field by field: the rows after it are found
        with its values, so one the database cannot compare (Infinity, a 400-digit number,
        a naive time) raises InvalidCursor here rather than failing in the query."""
        if len(token) > CURSOR_MAX_LENGTH:
            raise InvalidCursor(token)
        try:
            padded = token + "=" * (-len(token) % 4)
            fields = json.loads(base64.urlsafe_b64decode(padded), parse_constant=_no_constant)
            open_alert, submitted_at, intake_id = fields if isinstance(fields, list) else ()
            if type(open_alert) is not int or open_alert not in OpenAlert.values:
                raise ValueError("open_alert is not an alert rank")
            submitted_at = dt.datetime.fromisoformat(submitted_at)
            if timezone.is_naive(submitted_at):
                raise ValueError("submitted_at has no time zone")
            # In UTC, as the database compares it: year 1 at +14:00 has no UTC time.
            return cls(open_alert, submitted_at.astimezone(dt.UTC), uuid.UUID(intake_id))
        except (ValueError, TypeError, AttributeError, OverflowError):
            raise InvalidCursor(token) from None


@dataclass
class WorklistPage:
    rows: list[Intake]
    next_cursor: str | None
    filters: WorklistFilters = field(default_factory=WorklistFilters)


ORDER = WORKLIST_KEY


def _row(*values: object) -> Func:
    return Func(*values, template="(%(expressions)s)")


def _after(cursor: Cursor) -> Func:
    """Rows strictly after the cursor in the worklist order, as one row comparison."""
    return Func(
        _row(*ORDER),
        _row(
            Value(-cursor.open_alert, output_field=IntegerField()),
            Value(cursor.submitted_at, output_field=DateTimeField()),
            Value(cursor.id, output_field=UUIDField()),
        ),
        template="%(expressions)s",
        arg_joiner=" > ",
        output_field=BooleanField(),
    )


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight in the clinic's time zone: the same days `submitted_at__date` means, as a
    range on the column itself, which an index can serve."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _search(queryset: QuerySet[Intake], query: str, *, look_alikes: bool) -> QuerySet[Intake]:
    """Intakes whose patient's MRN starts with the query or whose name holds every word;
    with `look_alikes`, names holding the words they may be a typo of ("Jonh Smith"):
    intake/name_words.py."""
    folded = fold(query)
    if look_alikes:
        alike = name_condition(folded.split(), prefix="patient__")
        return queryset.none() if alike is None else queryset.filter(alike)
    by_mrn = Q(patient__mrn__istartswith=query.strip())
    by_name = Q(*(Q(patient__search_name__contains=word) for word in folded.split()))
    return queryset.filter(by_mrn | by_name)


def _attempts(filters: WorklistFilters) -> tuple[bool, ...]:
    """The searches to try in turn (`look_alikes` for each), the first page with rows
    winning: names as typed, then names they may be a typo of. Exact matches are never
    buried among look-alikes sorted by urgency, and a name spelt right does not pay for the
    look-alike search."""
    if len(fold(filters.query)) >= 3:
        return (False, True)
    return (False,)


def worklist_queryset(filters: WorklistFilters, *, look_alikes: bool = False) -> QuerySet[Intake]:
    queryset = listed_intakes()
    if filters.level in LEVELS:
        queryset = queryset.filter(triage_level=filters.level)
    if filters.reviewed == "yes":
        queryset = queryset.filter(reviewed_at__isnull=False)
    elif filters.reviewed == "no":
        queryset = queryset.filter(reviewed_at__isnull=True)
    if filters.open_only:
        # Said in the index's own terms (its first column is -open_alert), so the scan seeks
        # to the open alerts and stops after them: as `open_alert > 0`, a filter the index
        # cannot serve, PostgreSQL walked the whole key in parallel (240 ms at 1M).
        queryset = queryset.alias(alert_key=ORDER[0]).filter(alert_key__lt=0)
    if filters.submitted_from:
        queryset = queryset.filter(submitted_at__gte=_start_of(filters.submitted_from))
    if filters.submitted_to:
        next_day = filters.submitted_to + dt.timedelta(days=1)
        queryset = queryset.filter(submitted_at__lt=_start_of(next_day))
    if filters.summary_status in SummaryStatus.values:
        # The intake's copy of its current summary's status, served by its own index.
        queryset = queryset.filter(summary_status=filters.summary_status)
    if filters.query.strip():
        queryset = _search(queryset, filters.query, look_alikes=look_alikes)
    return queryset


# What a worklist row shows (clinic/templatetags/worklist_rows.py) and the cursor needs:
# the intake's and its patient's. A field the rows start showing must be added here (or it
# costs a query per row) and to the columns whose change steps `worklist_version` (intake
# migration 0008), or the refresh would not see it change:
# tests/clinic/clinician/test_worklist_version.py changes each one and expects a step.
INTAKE_ROW_FIELDS = (
    "id", "patient_id", "version", "open_alert", "submitted_at", "triage_level", "reviewed_at",
    "reported_on", "summary_status",
)  # fmt: skip
PATIENT_ROW_FIELDS = ("given_name", "family_name", "mrn", "date_of_birth")


@dataclass(frozen=True, slots=True)
class RowFlag:
    """A flag as a worklist row shows it."""

    code: str
    severity: str
    title: str
    acknowledged_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class RowAlertStep:
    """What was done about an intake's alert, as a worklist row shows it: the desk's latest
    action ("Called 911") or the latest acknowledgement, with who and when."""

    what: str
    by: str
    at: dt.datetime


def _person(first: str | None, last: str | None, username: str | None) -> str:
    return " ".join(part for part in (first, last) if part) or username or "—"


def _alert_steps(intake_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[RowAlertStep]]:
    """Each intake's latest desk action and latest acknowledgement of its alerts, in that
    order: one query (desk actions and acknowledgements as one union), plain tuples."""
    who = ("first_name", "last_name", "username")
    actions = (
        AlertAction.objects.filter(alert__intake_id__in=intake_ids)
        .order_by()  # a union's parts are not ordered
        .annotate(step=F("kind"))  # annotations come last in a union's columns: both end so
        .values_list("alert__intake_id", "at", *(f"by__{name}" for name in who), "step")
    )
    acknowledgements = (
        Alert.objects.filter(intake_id__in=intake_ids, acknowledged_at__isnull=False)
        .order_by()
        .annotate(step=Value(""))
        .values_list(
            "intake_id", "acknowledged_at", *(f"acknowledged_by__{name}" for name in who), "step"
        )
    )
    kinds = dict(AlertAction.Kind.choices)
    latest: dict[tuple[uuid.UUID, bool], RowAlertStep] = {}
    for intake_id, at, first, last, username, kind in actions.union(acknowledgements, all=True):
        key = (intake_id, not kind)  # (the intake, whether an acknowledgement)
        if key not in latest or at > latest[key].at:
            what = str(kinds[kind]) if kind else "Alert acknowledged"
            latest[key] = RowAlertStep(what, _person(first, last, username), at)
    steps: dict[uuid.UUID, list[RowAlertStep]] = defaultdict(list)
    for (intake_id, _), step in sorted(latest.items(), key=lambda item: item[0][1]):
        steps[intake_id].append(step)
    return steps


def current_assessment_id() -> Subquery:
    """The id of the intake's current version's assessment (an amended intake's earlier
    flags are history): one probe of the (intake, intake_version) unique index."""
    return Subquery(
        TriageAssessment.objects.filter(intake=OuterRef("pk"), intake_version=OuterRef("version"))
        .order_by()
        .values("id")[:1]
    )


def _current_flags(assessment_ids: list[int]) -> dict[int, list[RowFlag]]:
    """Each assessment's flags, in order: one query, and plain tuples rather than prefetched
    models (which cost more than the rest of the page's queries)."""
    flags: dict[int, list[RowFlag]] = defaultdict(list)
    for assessment_id, *flag in (
        TriageFlag.objects.filter(assessment_id__in=assessment_ids)
        .order_by("assessment_id", "position")
        .values_list("assessment_id", "code", "severity", "title", "acknowledged_at")
    ):
        flags[assessment_id].append(RowFlag(*flag))
    return flags


def _loaded(model: type[Model], db: str, values: dict[str, object]) -> Model:
    """An instance of `model` holding `values`, as the database returned them; its other
    fields load on first use, as deferred fields do. `Model.from_db` would run `__init__`
    over all of an intake's sixty fields to mark the others deferred: for fifty rows that
    costs more CPU than the page's query (docs/performance.md)."""
    instance = model.__new__(model)
    instance._state = ModelState()
    instance._state.adding = False
    instance._state.db = db
    instance.__dict__.update(values)
    return instance


def _as_rows(queryset: QuerySet[Intake]) -> QuerySet:
    return queryset.values_list(
        *INTAKE_ROW_FIELDS, *(f"patient__{name}" for name in PATIENT_ROW_FIELDS)
    ).annotate(assessment_id=current_assessment_id())


def _intakes(rows: list[tuple], db: str) -> list[Intake]:
    """The page's intakes, each with its patient and its current flags, from `_as_rows`'
    tuples (a date window's also end with the alert band it was read from)."""
    patient_from = len(INTAKE_ROW_FIELDS)
    assessment = patient_from + len(PATIENT_ROW_FIELDS)
    flags = _current_flags([row[assessment] for row in rows])
    alert_steps = _alert_steps([row[0] for row in rows])
    intakes = []
    for row in rows:
        own, patients = row[:patient_from], row[patient_from:assessment]
        intake = _loaded(Intake, db, dict(zip(INTAKE_ROW_FIELDS, own, strict=True)))
        patient = _loaded(Patient, db, dict(zip(PATIENT_ROW_FIELDS, patients, strict=True)))
        patient.id = intake.patient_id
        intake.patient = patient
        intake.current_flags = flags.get(row[assessment], [])
        intake.alert_steps = alert_steps.get(intake.pk, [])
        intakes.append(intake)
    return intakes


def _in_order_after(
    filters: WorklistFilters, cursor: str, *, look_alikes: bool = False
) -> QuerySet[Intake]:
    """The filtered worklist in its order, from just after the cursor (InvalidCursor for
    one it did not hand out)."""
    queryset = worklist_queryset(filters, look_alikes=look_alikes)
    if cursor:
        queryset = queryset.filter(_after(Cursor.decode(cursor)))
    return queryset.order_by(*ORDER)


def _by_alert_band(filters: WorklistFilters) -> bool:
    """Whether to read a date window band by band (see `_page_query`)."""
    dated = filters.submitted_from is not None or filters.submitted_to is not None
    return dated and connection.features.supports_slicing_ordering_in_compound


def _page_query(
    filters: WorklistFilters,
    cursor: str,
    limit: int,
    shown: Callable[[QuerySet[Intake]], QuerySet],
    *,
    look_alikes: bool,
) -> QuerySet:
    """The page's one query: its first `limit` rows in order, projected by `shown`.

    A date window is read as one index range per alert band, merged in the worklist's
    order: over the whole key, PostgreSQL 15 (which has no skip scan) walks
    `intake_worklist_key` from the top to reach a week three weeks back.
    """
    queryset = shown(_in_order_after(filters, cursor, look_alikes=look_alikes))
    if not _by_alert_band(filters):
        return queryset[:limit]
    ranked = queryset.annotate(alert_rank=ORDER[0])  # selected: the union is ordered by it
    bands = [
        ranked.filter(alert_rank=-alert).order_by("submitted_at", "id")[:limit]
        for alert in sorted(OpenAlert, reverse=True)
    ]
    merged = bands[0].union(*bands[1:], all=True)
    return merged.order_by("alert_rank", "submitted_at", "id")[:limit]


def _first_page_with_rows(
    filters: WorklistFilters,
    cursor: str,
    limit: int,
    shown: Callable[[QuerySet[Intake]], QuerySet],
) -> list:
    """The rows of the first search attempt that finds any (names as typed, then alike)."""
    rows: list = []
    for look_alikes in _attempts(filters):
        rows = list(_page_query(filters, cursor, limit, shown, look_alikes=look_alikes))
        if rows:
            break
    return rows


def worklist_page(
    filters: WorklistFilters, cursor: str = "", size: int = PAGE_SIZE
) -> WorklistPage:
    """One page of the worklist, in a fixed number of queries whatever the table's size."""
    rows = _intakes(_first_page_with_rows(filters, cursor, size + 1, _as_rows), Intake.objects.db)
    for row in rows:
        row.age = row.patient.age_on(row.reported_on)
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = (
        Cursor(rows[-1].open_alert, rows[-1].submitted_at, rows[-1].id).encode() if more else None
    )
    return WorklistPage(rows=rows, next_cursor=next_cursor, filters=filters)


def open_emergency_count() -> int:
    """Intakes with an emergency flag nobody acknowledged: the number in the navigation bar."""
    return listed_intakes().filter(open_alert=OpenAlert.EMERGENCY).count()


def rows_etag(
    filters: WorklistFilters, cursor: str = "", size: int = PAGE_SIZE, *, now: dt.datetime
) -> str:
    """A fingerprint of everything `worklist_page` would show, from one query.

    The page's own query (`_page_query`: same filters, order, cursor and search attempts),
    projected to each row's id and `worklist_version`, which the database steps on any change
    a row shows (a flag acknowledged, a summary ready, a name corrected, bulk updates
    included); a row sorting in or out changes the ids. The minute and the language are
    in it too: the rows say "5 minutes ago", in the reader's language, and a patient's age
    changes at midnight.
    """
    rows = _first_page_with_rows(filters, cursor, size + 1, _as_versions)
    return hashlib.sha256(f"{now:%Y%m%d%H%M}|{get_language()}|{rows!r}".encode()).hexdigest()


def _as_versions(queryset: QuerySet[Intake]) -> QuerySet:
    return queryset.values_list("id", "worklist_version")
