"""The worklist's query plan on PostgreSQL: an index walk in sort order, never a table scan.

A sequential scan of intake_intake is harmless at a few thousand rows and fatal at a
million (docs/performance.md), so it is caught here, on realistic generated data.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.generate import generate
from clinic.clinician import worklist
from clinic.clinician.worklist import WorklistFilters, worklist_page

pytestmark = pytest.mark.django_db


def main_query_plan(
    cursor: str = "", filters: WorklistFilters | None = None
) -> tuple[str, str | None]:
    """EXPLAIN of the page's first query (the intakes; the others fetch their flags), and
    the cursor of the next page."""
    with CaptureQueriesContext(connection) as queries:
        page = worklist_page(filters or WorklistFilters(), cursor=cursor)
    with connection.cursor() as db:
        db.execute(f"EXPLAIN {queries.captured_queries[0]['sql']}")
        return "\n".join(row[0] for row in db.fetchall()), page.next_cursor


def test_the_default_worklist_query_walks_an_index_not_the_table():
    generate(3000, seed=11, variants=40)  # analyses the tables afterwards
    first, next_cursor = main_query_plan()
    assert "Seq Scan on intake_intake" not in first, first
    assert "intake_worklist_key" in first, first
    later, _ = main_query_plan(next_cursor)  # a later page seeks to its cursor
    assert "Seq Scan on intake_intake" not in later, later
    assert "Index Cond" in later, later


def test_open_flags_only_seeks_to_the_open_alerts_at_the_top_of_the_key():
    """As `open_alert > 0` the index could only filter, and at 1M PostgreSQL walked the
    whole key in parallel to find the few hundred open alerts (240 ms, docs/performance.md).
    Said as the key's own first column, the scan seeks to them and stops after them."""
    generate(3000, seed=13, variants=40)
    plan, _ = main_query_plan(filters=WorklistFilters(open_only=True))
    assert "Index Cond: ((- open_alert) < 0)" in plan, plan
    assert "Seq Scan on intake_intake" not in plan, plan
    rows = worklist_page(WorklistFilters(open_only=True)).rows
    assert rows and all(row.open_alert > 0 for row in rows)


def test_a_date_window_is_read_band_by_band_in_the_same_order_as_one_query(monkeypatch):
    """PostgreSQL 15 has no skip scan: over the whole key it would walk the index from the
    top to reach a week three weeks back. Each alert band is one index range instead."""
    generate(3000, seed=12, variants=40)
    today = timezone.localdate()
    week = WorklistFilters(
        submitted_from=today - dt.timedelta(days=21), submitted_to=today - dt.timedelta(days=15)
    )
    banded = [worklist_page(week)]
    banded.append(worklist_page(week, cursor=banded[0].next_cursor))
    with CaptureQueriesContext(connection) as queries:
        worklist_page(week)
    with connection.cursor() as db:
        db.execute(f"EXPLAIN {queries.captured_queries[0]['sql']}")
        plan = "\n".join(row[0] for row in db.fetchall())

    monkeypatch.setattr(worklist, "_by_alert_band", lambda filters: False)
    single = [worklist_page(week)]
    single.append(worklist_page(week, cursor=single[0].next_cursor))

    assert len(banded[0].rows) == worklist.PAGE_SIZE and banded[0].next_cursor
    for ours, reference in zip(banded, single, strict=True):
        assert [row.pk for row in ours.rows] == [row.pk for row in reference.rows]
        assert ours.next_cursor == reference.next_cursor
    assert plan.count("intake_worklist_key") == 3, plan  # one index range per band
    assert "Seq Scan on intake_intake" not in plan, plan
