"""`make load`'s report: what it counts as not met, and the section it writes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench import run_load
from bench.run_load import END, START, Outcome

CLEAN = Outcome(
    accepted=71,
    stored=71,
    stored_in_all=71,
    duplicates=0,
    statuses={"ready": 71},
    without_summary=0,
    retried=0,
    pending_at_stop=3,
    drained_after=4.2,
    latency_ms=(71, 516, 1070, 1850),
)
FIGURES = {
    "endpoints": [
        {"name": "POST /api/v1/intakes", "requests": 71, "failures": 0, "median": 36,
         "p95": 130, "p99": 216, "max": 216},
    ],
    "errors": [],
}  # fmt: skip


@pytest.mark.parametrize(
    ("timespan", "expected"), [("2m", 120), ("30s", 30), ("90", 90), ("1m30s", 90)]
)
def test_run_times_are_read_as_locust_writes_them(timespan: str, expected: int) -> None:
    assert run_load.seconds(timespan) == expected


def test_a_malformed_run_time_is_refused() -> None:
    with pytest.raises(ValueError, match="a run time like"):
        run_load.seconds("two minutes")


def test_a_clean_run_meets_everything() -> None:
    assert CLEAN.problems() == []


def test_lost_duplicated_and_unfinished_work_is_not_met() -> None:
    # One of the 71 accepted never stored, another stored twice, one summary unfinished.
    outcome = replace(
        CLEAN, stored=70, stored_in_all=71, duplicates=1, statuses={"ready": 70, "pending": 1}
    )

    assert outcome.problems() == [
        "intakes lost: 1",
        "duplicate intakes: 1",
        "summaries still pending: 1",
    ]


def test_an_intake_stored_without_its_201_is_not_met() -> None:
    assert replace(CLEAN, stored_in_all=72).problems() == ["intakes stored without a 201: 1"]


def test_the_report_replaces_only_its_own_section(tmp_path, monkeypatch) -> None:
    doc = tmp_path / "reliability.md"
    doc.write_text(f"# Reliability\n\nabove\n\n{START}\nold figures\n{END}\n\nbelow\n")
    monkeypatch.setattr(run_load, "DOC", doc)

    run_load.write_report(FIGURES, CLEAN, (1.0, 1.0, 1.0), (2.0, 2.0, 2.0))

    text = doc.read_text()
    assert text.startswith(f"# Reliability\n\nabove\n\n{START}\n")
    assert text.endswith(f"{END}\n\nbelow\n")
    assert "old figures" not in text
    assert "| POST /api/v1/intakes | 71 | 0 | 36 | 130 | 216 | 216 |" in text
    assert "3 summaries pending when the load stopped, all done 4 s later" in text
    assert "median 516 ms, p95 1070 ms, max 1850 ms (n = 71)" in text


def test_the_report_says_when_the_backlog_outlasted_the_wait(tmp_path, monkeypatch) -> None:
    doc = tmp_path / "reliability.md"
    doc.write_text(f"{START}\n{END}\n")
    monkeypatch.setattr(run_load, "DOC", doc)
    unfinished = replace(CLEAN, statuses={"ready": 69, "pending": 2}, drained_after=None)

    run_load.write_report(FIGURES, unfinished, (1.0, 1.0, 1.0), (2.0, 2.0, 2.0))

    assert "**2 still pending 300 s later** (the wait's bound)" in doc.read_text()
