"""Faults on real PostgreSQL: a restart under a serving app, concurrent amendments, double submits.

Each records what it saw; docs/reliability.md summarises the figures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import close_old_connections

from clinic import submission
from intake import services
from intake.models import Intake, IntakeVersion
from reports.models import PreVisitSummary
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory
from tests.intake.formdata import as_the_forms_ask, step_data
from tests.integration.throwaway import Gunicorn, ThrowawayPostgres
from tests.triage.clinic import submit
from triage.models import TriageAssessment

ROOT = Path(__file__).resolve().parents[2]


def concurrently(*works) -> list[object]:
    """Run each callable in its own thread, all released at once; each result or exception."""
    barrier = threading.Barrier(len(works))
    results: list[object] = [None] * len(works)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = works[index]()
        except Exception as error:  # the outcome under test
            results[index] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_staff_amending_at_once_one_wins_the_other_gets_a_conflict(front_desk, clinician):
    intake = submit("routine", by=front_desk)
    opened_at = intake.revision

    def amend(by, severity):
        return lambda: submission.amend_intake(
            intake=Intake.objects.get(pk=intake.pk),
            by=by,
            reason=f"set {severity}",
            seen_revision=opened_at,
            answers={"severity": severity},
        )

    results = concurrently(amend(front_desk, 5), amend(clinician, 9))
    conflicts = [r for r in results if isinstance(r, services.EditConflict)]
    wins = [r for r in results if isinstance(r, submission.Submission)]
    assert (len(wins), len(conflicts)) == (1, 1), results
    intake.refresh_from_db()
    assert intake.version == 2
    assert IntakeVersion.objects.filter(intake=intake).count() == 2
    assert TriageAssessment.objects.filter(intake=intake).count() == 2
    assert intake.severity in (5, 9)


@pytest.mark.django_db(transaction=True)
def test_a_form_submitted_twice_at_once_is_submitted_once(client_for, front_desk):
    doc = as_the_forms_ask(VIGNETTES["02-bladder-loss"]["document"])
    intake = IntakeFactory(reported_on=doc["reported_on"])
    for slug in ("symptoms", "red-flags", "medications", "injuries", "history"):
        intake.refresh_from_db()
        client_for(front_desk).post(
            f"/intakes/{intake.pk}/{slug}/", step_data(slug, doc, revision=intake.revision)
        )

    def submit_once():
        return submission.submit_intake(intake=Intake.objects.get(pk=intake.pk), by=front_desk)

    results = concurrently(*[submit_once] * 4)
    assert all(isinstance(r, submission.Submission) for r in results), results
    assert sorted(r.repeated for r in results) == [False, True, True, True]
    assert TriageAssessment.objects.filter(intake=intake).count() == 1
    assert PreVisitSummary.objects.filter(intake=intake).count() == 1
    assert IntakeVersion.objects.filter(intake=intake).count() == 1


def test_postgres_restarted_while_the_app_serves_it_recovers_without_a_restart(tmp_path):
    postgres = ThrowawayPostgres()
    postgres.init()
    postgres.start()
    try:
        url = postgres.url("postgres")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
        )
        web = Gunicorn(url, tmp_path / "gunicorn.log")
        try:
            before = [web.get("/healthz")[0] for _ in range(10)]
            postgres.restart()
            time.sleep(0.5)
            after = [web.get("/healthz")[0] for _ in range(20)]
            login = web.get("/login/")[0]
        finally:
            web.stop()
    finally:
        postgres.stop()
    assert before == [200] * 10
    # Persistent connections were cut by the restart; health checks on reuse reconnect.
    assert after == [200] * 20, after
    assert login == 200
