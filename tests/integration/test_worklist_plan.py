"""The worklist's query plan on PostgreSQL: an index walk in sort order, never a table scan.

A sequential scan of intake_intake is harmless at a few thousand rows and fatal at a
million (docs/performance.md), so it is caught here, on realistic generated data.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.generate import generate
from triage.worklist import WorklistFilters, worklist_page

pytestmark = pytest.mark.django_db


def main_query_plan(cursor: str = "") -> tuple[str, str | None]:
    """EXPLAIN of the page's first query (the intakes; the others fetch their flags), and
    the cursor of the next page."""
    with CaptureQueriesContext(connection) as queries:
        page = worklist_page(WorklistFilters(), cursor=cursor)
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
