"""One chunk of intakes being built: its random stream, clock, ids and rows."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings

from bench.generate.plan import Plan
from bench.generate.rows import TABLES, Record

if TYPE_CHECKING:
    from bench.generate.patients import Person


class Weighted(NamedTuple):
    """Choices with cumulative weights ending at 1: random.choices costs too much a million
    times over."""

    items: Sequence[str]
    cumulative: Sequence[float]


@dataclass
class Stats:
    intakes: int = 0
    patients: int = 0
    seconds: float = 0.0  # everything: variants, rows, indexes, VACUUM/ANALYZE
    rows: dict[str, int] = field(default_factory=dict)  # by table
    levels: dict[str, int] = field(default_factory=dict)  # submitted intakes by current level
    phases: dict[str, float] = field(default_factory=dict)  # seconds

    def add(self, other: Stats) -> None:
        self.intakes += other.intakes
        self.patients += other.patients
        for mine, theirs in ((self.rows, other.rows), (self.levels, other.levels)):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value


class Chunk:
    """The rows of intakes [start, end): deterministic for a given plan, whoever builds it."""

    def __init__(self, plan: Plan, start: int) -> None:
        self.plan, self.mix, self.now = plan, plan.mix, plan.now
        self.rng = random.Random(f"{plan.seed}:{start}")
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.begin = plan.now - dt.timedelta(days=plan.days)
        self.step = dt.timedelta(days=plan.days) / plan.count
        self.rows: dict[type[Record], list[Record]] = {record: [] for record in TABLES}
        self.people: list[Person] = []  # patients of this chunk, who may come back
        self.stats = Stats()
        self.index = 0  # of the intake being built

    def add(self, row: Record) -> None:
        self.rows[type(row)].append(row)

    def ident(self, record: type[Record], n: int) -> int:
        """The id of the intake's `n`th row of this kind."""
        if n >= self.plan.strides[record]:
            raise RuntimeError(f"more {record.__name__}s than planned for one intake")
        return self.plan.first_ids[record] + self.index * self.plan.strides[record] + n

    def later(self, moment: dt.datetime, low: float, high: float) -> dt.datetime:
        """A moment `low`..`high` minutes after `moment`, never in the future."""
        later = moment + dt.timedelta(minutes=self.rng.uniform(low, high))
        return min(later, self.now - dt.timedelta(seconds=1))

    def pick(self, choices: Weighted) -> str:
        return choices.items[bisect.bisect_right(choices.cumulative, self.rng.random())]
