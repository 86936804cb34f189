"""The clinician's worklist: what to look at first, filtered, searched, paged by keyset.

Order: unacknowledged emergencies, then unacknowledged urgent, then the rest;
oldest first within each group. Pages are cut by a cursor on the sort key
(open_alert, submitted_at, id), so page 200 costs what page 1 does, and no
COUNT(*) runs over the table.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from intake.models import Intake
from intake.services import fold
from reports.models import PreVisitSummary
from triage.models import TriageAssessment, TriageFlag

PAGE_SIZE = 50
LEVELS = ("emergency", "urgent", "routine")


@dataclass(frozen=True)
class WorklistFilters:
    level: str = ""
    reviewed: str = ""  # "yes", "no" or "" for both
    open_only: bool = False  # only intakes with an unacknowledged emergency or urgent flag
    submitted_from: dt.date | None = None
    submitted_to: dt.date | None = None
    summary_status: str = ""
    query: str = ""  # a name, or an MRN (exact or prefix)


@dataclass(frozen=True)
class Cursor:
    open_alert: int
    submitted_at: dt.datetime
    id: uuid.UUID

    def encode(self) -> str:
        raw = json.dumps([self.open_alert, self.submitted_at.isoformat(), str(self.id)])
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Cursor | None:
        """None for a malformed cursor: the list starts again from the top."""
        try:
            padded = token + "=" * (-len(token) % 4)
            open_alert, submitted_at, intake_id = json.loads(base64.urlsafe_b64decode(padded))
            return cls(
                int(open_alert), dt.datetime.fromisoformat(submitted_at), uuid.UUID(intake_id)
            )
        except (ValueError, TypeError):
            return None


@dataclass
class WorklistPage:
    rows: list[Intake]
    next_cursor: str | None
    filters: WorklistFilters = field(default_factory=WorklistFilters)


def current_summary_status() -> Subquery:
    return Subquery(
        PreVisitSummary.objects.filter(
            intake=OuterRef("pk"), intake_version=OuterRef("version")
        ).values("status")[:1]
    )


def _after(cursor: Cursor) -> Q:
    """Rows strictly after the cursor in (open_alert desc, submitted_at asc, id asc) order."""
    return (
        Q(open_alert__lt=cursor.open_alert)
        | Q(open_alert=cursor.open_alert, submitted_at__gt=cursor.submitted_at)
        | Q(open_alert=cursor.open_alert, submitted_at=cursor.submitted_at, id__gt=cursor.id)
    )


def _search(queryset: QuerySet[Intake], query: str) -> QuerySet[Intake]:
    folded = fold(query)
    by_mrn = Q(patient__mrn__istartswith=query.strip())
    by_name = Q(*(Q(patient__search_name__contains=word) for word in folded.split()))
    if connection.vendor == "postgresql" and len(folded) >= 3:
        # Trigram similarity catches misspellings ("Jonh Smith"); pg_trgm is enabled by a migration.
        queryset = queryset.annotate(
            name_similarity=TrigramSimilarity("patient__search_name", folded)
        )
        by_name |= Q(name_similarity__gt=0.3)
    return queryset.filter(by_mrn | by_name)


def worklist_queryset(filters: WorklistFilters) -> QuerySet[Intake]:
    queryset = Intake.objects.exclude(status=Intake.Status.DRAFT)
    if filters.level in LEVELS:
        queryset = queryset.filter(triage_level=filters.level)
    if filters.reviewed == "yes":
        queryset = queryset.filter(reviewed_at__isnull=False)
    elif filters.reviewed == "no":
        queryset = queryset.filter(reviewed_at__isnull=True)
    if filters.open_only:
        queryset = queryset.filter(open_alert__gt=0)
    if filters.submitted_from:
        queryset = queryset.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        queryset = queryset.filter(submitted_at__date__lte=filters.submitted_to)
    if filters.summary_status in PreVisitSummary.Status.values:
        queryset = queryset.filter(
            Exists(
                PreVisitSummary.objects.filter(
                    intake=OuterRef("pk"),
                    intake_version=OuterRef("version"),
                    status=filters.summary_status,
                )
            )
        )
    if filters.query.strip():
        queryset = _search(queryset, filters.query)
    return queryset


def worklist_page(
    filters: WorklistFilters, cursor: str = "", size: int = PAGE_SIZE
) -> WorklistPage:
    """One page of the worklist, in a fixed number of queries whatever the table's size."""
    queryset = worklist_queryset(filters)
    after = Cursor.decode(cursor) if cursor else None
    if after:
        queryset = queryset.filter(_after(after))
    current_flags = Prefetch(
        "assessments",
        queryset=TriageAssessment.objects.prefetch_related(
            Prefetch("flags", queryset=TriageFlag.objects.order_by("position"))
        ),
        to_attr="all_assessments",
    )
    rows = list(
        queryset.select_related("patient")
        .annotate(summary_status=current_summary_status())
        .prefetch_related(current_flags)
        .order_by("-open_alert", "submitted_at", "id")[: size + 1]
    )
    for row in rows:
        row.age = row.patient.age_on(row.reported_on)
        row.current_flags = next(
            (list(a.flags.all()) for a in row.all_assessments if a.intake_version == row.version),
            [],
        )
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = (
        Cursor(rows[-1].open_alert, rows[-1].submitted_at, rows[-1].id).encode() if more else None
    )
    return WorklistPage(rows=rows, next_cursor=next_cursor, filters=filters)


def open_emergency_count() -> int:
    """Intakes with an emergency flag nobody acknowledged: the number in the navigation bar."""
    return Intake.objects.exclude(status=Intake.Status.DRAFT).filter(open_alert=2).count()
