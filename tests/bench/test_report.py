"""`make bench`'s alert targets: what each one counts as met (docs/performance.md)."""

from __future__ import annotations

from bench import report
from bench.report import BOARD


def sample(median: float, p95: float) -> dict[str, float]:
    return {"n": 10, "median": median, "p95": p95, "p99": p95, "per_second": 0.0}


def results(*, board_1m_p95=30.0, shown_p95=5_400.0, due_p95=700.0, idle_p95=15.0) -> dict:
    return {
        "sizes": [1_000, 1_000_000],
        "worklist": {BOARD: {"1000": sample(20, 25), "1000000": sample(21, board_1m_p95)}},
        "save_to_board": {
            "total": sample(2_600, shown_p95),
            "save": sample(60, 90),
            "poll_seconds": 5.0,
        },
        "sweep": {"alerts": 10_000, "due": sample(650, due_p95), "idle": sample(12, idle_p95)},
    }


def outcome(found: list[report.Target]) -> dict[str, list[bool | None]]:
    by_key: dict[str, list[bool | None]] = {}
    for target in found:
        by_key.setdefault(target.key, []).append(target.passed)
    return by_key


def test_the_alert_targets_are_met_within_their_bounds():
    assert outcome(report._alert_targets(results())) == {
        "board": [True],
        "save-to-board": [True],
        "sweep": [True, True],
    }


def test_each_alert_target_misses_past_its_bound():
    found = report._alert_targets(
        results(board_1m_p95=31.5, shown_p95=6_001, due_p95=1_000, idle_p95=15)
    )
    assert outcome(found) == {"board": [False], "save-to-board": [False], "sweep": [False, True]}


def test_a_results_file_from_before_the_alerts_has_no_alert_targets():
    assert report._alert_targets({"sizes": [1_000]}) == []
