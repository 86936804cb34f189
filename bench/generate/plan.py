"""The plan every chunk shares: the clinic's mix, its time span, its staff, the id ranges."""

from __future__ import annotations

import datetime as dt
import functools
import random
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models

from accounts.roles import Role, sync_role_groups
from bench.generate.names import Zipf, surnames
from bench.generate.rows import TABLES, FlagRow, InjuryRow, MedicationRow, Record, VaccinationRow
from bench.generate.variants import Variant, variant_pool
from clinic.clinician.worklist import PAGE_SIZE
from intake.levels import Level
from intake.models import Intake
from reports.models import PreVisitSummary

BENCH_USER_PREFIX = "bench-"
LEVELS: tuple[str, ...] = tuple(Level.values)  # highest first


@dataclass(frozen=True)
class Mix:
    """The shape of the generated clinic."""

    emergency: float = 0.03
    urgent: float = 0.12
    # The floors below give the worklist's rarer filters a full page (50 rows, and the one
    # after that says there is a next page) at every size, so `make bench` compares the same
    # page at 1k and at 1M rather than a page of 3 rows with a page of 50.
    active: float = 0.005  # the newest intakes, not reviewed yet
    min_active: int = 2 * (PAGE_SIZE + 1)
    pending: float = 0.05  # of the active set: summary still being rendered
    min_pending: int = PAGE_SIZE + 1
    failed_summary: float = 0.0005
    min_failed: int = PAGE_SIZE + 1
    min_open: int = PAGE_SIZE + 1  # the newest, unreviewed: emergency and urgent in turn
    amended: float = 0.04
    drafts: float = 0.003
    returning: float = 0.15  # an intake by a patient who came before
    no_mrn: float = 0.08
    intakes_per_day: int = 1000  # sets the time span: 1,000,000 intakes ≈ 2.7 years
    min_days: int = 30
    surname_exponent: float = 0.8  # Zipf: the top surname is ~4 % of patients
    surname_count: int = 10_000


def draw_level(rng: random.Random, mix: Mix) -> str:
    """The level an intake is meant to triage at, at the clinic's rates."""
    roll = rng.random()
    if roll < mix.emergency:
        return Level.EMERGENCY
    if roll < mix.emergency + mix.urgent:
        return Level.URGENT
    return Level.ROUTINE


def newest_level(index: int) -> str:
    """The level of one of the newest `min_open` intakes: emergency and urgent in turn, so
    they are open alerts (not reviewed yet) and the emergency filter has a page too."""
    return (Level.EMERGENCY, Level.URGENT)[index % 2]


def amended_level(rng: random.Random, mix: Mix) -> str:
    """The level of an amendment's new version: about the clinic's rates."""
    return rng.choices(LEVELS, (mix.emergency, mix.urgent, 1))[0]


def bench_users() -> tuple[list[int], list[int]]:
    """The staff who entered and reviewed the generated intakes (no usable password)."""
    if not Group.objects.filter(name=Role.CLINICIAN).exists():
        sync_role_groups()
    staff: dict[str, list[int]] = {}
    for role, count in ((Role.FRONT_DESK, 4), (Role.CLINICIAN, 6)):
        staff[role] = []
        for number in range(1, count + 1):
            user, created = get_user_model().objects.get_or_create(
                username=f"{BENCH_USER_PREFIX}{role}-{number}"
            )
            if created:
                user.set_unusable_password()
                user.save()
                user.groups.add(Group.objects.get(name=role))
            staff[role].append(user.pk)
    return staff[Role.FRONT_DESK], staff[Role.CLINICIAN]


@dataclass(frozen=True)
class Plan:
    """What every chunk shares; made once, then inherited by forked worker processes."""

    count: int
    seed: str
    mix: Mix
    now: dt.datetime
    existing: int  # intakes already in the database: MRNs and seeds start after them
    pool: Mapping[str, list[Variant]]  # by level
    surnames: Zipf
    desk: list[int]
    clinicians: list[int]
    # Integer ids are first + intake index * stride + n: unique without coordination.
    first_ids: Mapping[type[Record], int]
    strides: Mapping[type[Record], int]

    @classmethod
    def make(cls, count: int, seed: int, mix: Mix, variants: int, now: dt.datetime) -> Plan:
        existing = Intake.objects.count()
        rng = random.Random(f"{seed}:{existing}")  # a second run into the same database differs
        pool = variant_pool(variants, rng)
        every = [variant for variants in pool.values() for variant in variants]
        most = {
            MedicationRow: max(len(v.medications) for v in every),
            VaccinationRow: max(len(v.vaccinations) for v in every),
            InjuryRow: max(len(v.injuries) for v in every),
            FlagRow: 2 * max(len(v.flags) for v in every),  # two versions at most
        }
        desk, clinicians = bench_users()
        return cls(
            count=count,
            seed=f"{seed}:{existing}",
            mix=mix,
            now=now,
            existing=existing,
            pool=pool,
            surnames=Zipf(surnames(mix.surname_count, rng), mix.surname_exponent),
            desk=desk,
            clinicians=clinicians,
            first_ids={
                record: (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
                for record, model in TABLES.items()
                if isinstance(model._meta.pk, models.AutoField)  # not the UUID-keyed ones
            },
            strides={record: max(1, most.get(record, 2)) for record in TABLES},
        )

    @functools.cached_property
    def days(self) -> int:
        return max(self.mix.min_days, self.count // self.mix.intakes_per_day)

    @functools.cached_property
    def active_from(self) -> int:
        return self.count - max(self.mix.min_active, round(self.count * self.mix.active))

    @functools.cached_property
    def open_from(self) -> int:
        return self.count - min(self.count - self.active_from, self.mix.min_open)

    @functools.cached_property
    def pending_from(self) -> int:
        active = self.count - self.active_from
        return self.count - min(active, max(self.mix.min_pending, round(active * self.mix.pending)))

    @functools.cached_property
    def failed_every(self) -> int:
        """Every so many intakes, the current summary failed: spread evenly over time."""
        every = round(1 / self.mix.failed_summary)
        # Over the intakes before the pending ones, with one to spare for a draft among them.
        return max(1, min(every, self.pending_from // (self.mix.min_failed + 1)))

    def summary_status(self, index: int, *, current: bool) -> str:
        """The summary's status; earlier versions' summaries were ready before amendment."""
        if current and index >= self.pending_from:
            return PreVisitSummary.Status.PENDING
        if current and index % self.failed_every == self.failed_every // 2:
            return PreVisitSummary.Status.FAILED
        return PreVisitSummary.Status.READY
