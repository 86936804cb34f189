"""`generate`: the plan made, chunks built (in parallel on PostgreSQL) and loaded."""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, connections
from django.utils import translation

from bench.generate.bulk import analyse, bulk_load, plain_indexes_set_aside, write_rows
from bench.generate.chunk import Stats
from bench.generate.intakes import build_chunk
from bench.generate.plan import Mix, Plan
from bench.generate.rows import TABLES
from intake import name_words
from intake.models import Patient

# The plan, for forked workers: set by the parent just before it forks.
_PLAN: Plan | None = None


def _make_chunk(bounds: tuple[int, int]) -> Stats:
    if _PLAN is None:
        raise RuntimeError("no plan to build chunks from")
    # The summaries' labels are English, as build_summary_content makes them.
    with translation.override("en"):
        chunk = build_chunk(_PLAN, *bounds)
    write_rows(chunk.rows)
    return chunk.stats


def _run(plan: Plan, chunk: int, processes: int, progress: Callable[[int], None] | None) -> Stats:
    global _PLAN
    _PLAN = plan
    bounds = [(start, min(start + chunk, plan.count)) for start in range(0, plan.count, chunk)]
    stats = Stats()
    # Several processes: while one waits on the server storing its chunk, another builds
    # the next. Only outside a transaction, which forked connections could not share.
    parallel = processes > 1 and len(bounds) > 1 and not connection.in_atomic_block
    with contextlib.ExitStack() as stack:
        if parallel:
            connections.close_all()  # each process opens its own
            workers = stack.enter_context(multiprocessing.get_context("fork").Pool(processes))
            parts = workers.imap_unordered(_make_chunk, bounds)
        else:
            parts = map(_make_chunk, bounds)
        for part in parts:
            stats.add(part)
            if progress:
                progress(stats.intakes)
    _PLAN = None
    with connection.cursor() as cursor:
        models = [TABLES[record] for record in plan.first_ids]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return stats


def generate(
    count: int,
    *,
    seed: int = 2026,
    mix: Mix | None = None,
    variants: int = 600,
    chunk: int = 10_000,
    processes: int | None = None,
    now: dt.datetime | None = None,
    vacuum: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Stats:
    """Add `count` intakes with their patients, versions, rows, triage, flags and summaries.

    On PostgreSQL outside a transaction (the command, not a test) chunks are built by
    `processes` workers (default: two per core) and the plain indexes are rebuilt after
    the load; the tables are then analysed, and also vacuumed when `vacuum`, as autovacuum
    would have been. The data depends on `seed` and `chunk`, not on `processes`.
    """
    if settings.PRODUCTION:
        raise RuntimeError("generate_intakes refuses to run when DJANGO_ENV=production")
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        phases[name] = time.perf_counter() - clock
        clock = time.perf_counter()

    plan = Plan.make(count, seed, mix or Mix(), variants, now or dt.datetime.now(dt.UTC))
    lap("variants")
    bulk = bulk_load()
    tables = TABLES.values()
    with plain_indexes_set_aside(tables, lap) if bulk else contextlib.nullcontext():
        stats = _run(plan, chunk, processes or 2 * (os.cpu_count() or 1), progress)
    if not bulk:
        lap("rows")
    # The name search's table of words, as save_patient keeps it (COPY bypasses it).
    names = Patient.objects.values_list("search_name", flat=True).distinct()
    name_words.remember(names.iterator(chunk_size=50_000))
    lap("name words")
    if connection.vendor == "postgresql":
        analyse(stats.rows, vacuum=vacuum and bulk)
        lap("vacuum and analyse" if vacuum and bulk else "analyse")
    stats.phases = phases
    stats.seconds = sum(phases.values())
    return stats
