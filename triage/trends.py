"""Intakes per day by level, and how fast emergencies are acknowledged: the last 30 days."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from intake.levels import Level, Severity
from intake.models import listed_intakes
from triage.models import TriageFlag

DAYS = 30


@dataclass(frozen=True)
class DayCount:
    day: dt.date
    emergency: int
    urgent: int
    routine: int

    @property
    def total(self) -> int:
        return self.emergency + self.urgent + self.routine


@dataclass(frozen=True)
class Trends:
    days: list[DayCount]
    median_minutes_to_acknowledge: float | None
    acknowledged_emergencies: int

    @property
    def busiest(self) -> int:
        return max((day.total for day in self.days), default=0)


def intake_trends(today: dt.date | None = None) -> Trends:
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=DAYS - 1)
    counts = (
        listed_intakes()
        .filter(submitted_at__date__gte=first)
        .annotate(day=TruncDate("submitted_at"))
        .values("day", "triage_level")
        .annotate(n=Count("id"))
    )
    per_day: dict[tuple[dt.date, str], int] = {
        (c["day"], c["triage_level"]): c["n"] for c in counts
    }
    days = [
        DayCount(
            day=day,
            emergency=per_day.get((day, Level.EMERGENCY), 0),
            urgent=per_day.get((day, Level.URGENT), 0),
            routine=per_day.get((day, Level.ROUTINE), 0),
        )
        for day in (first + dt.timedelta(days=n) for n in range(DAYS))
    ]
    waits = [
        (acknowledged - submitted).total_seconds() / 60
        for acknowledged, submitted in TriageFlag.objects.filter(
            severity=Severity.EMERGENCY,
            acknowledged_at__isnull=False,
            assessment__intake__submitted_at__date__gte=first,
        ).values_list("acknowledged_at", "assessment__intake__submitted_at")
    ]
    return Trends(
        days=days,
        median_minutes_to_acknowledge=statistics.median(waits) if waits else None,
        acknowledged_emergencies=len(waits),
    )


@dataclass(frozen=True)
class Segment:
    y: float
    height: float
    level: str
    count: int


@dataclass(frozen=True)
class Bar:
    x: int
    day: dt.date
    segments: list[Segment]
    labelled: bool


CHART_BASELINE = 200
CHART_HEIGHT = 180
BAR_STEP = 20


def chart_bars(trends: Trends) -> list[Bar]:
    """Stacked bars (emergency at the bottom) scaled to the busiest day, for the SVG chart."""
    scale = CHART_HEIGHT / max(trends.busiest, 1)
    bars = []
    for index, day in enumerate(trends.days):
        top = float(CHART_BASELINE)
        segments = []
        for level in Level.values:
            count = getattr(day, level)
            height = count * scale
            top -= height
            if count:
                segments.append(
                    Segment(y=round(top, 1), height=round(height, 1), level=level, count=count)
                )
        bars.append(
            Bar(x=10 + index * BAR_STEP, day=day.day, segments=segments, labelled=index % 5 == 0)
        )
    return bars
