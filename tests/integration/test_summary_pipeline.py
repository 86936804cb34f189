"""The summary pipeline with a real Redis and real worker processes: nothing is lost."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from config.celery import app
from intake.models import Intake
from reports.models import PreVisitSummary
from tests.integration.throwaway import ThrowawayRedis, wait_until
from tests.integration.worker import CeleryWorker
from tests.triage.clinic import submit
from triage.models import TriageAssessment

pytestmark = pytest.mark.django_db(transaction=True)


def summary_of(intake: Intake) -> PreVisitSummary:
    return PreVisitSummary.objects.get(intake=intake, intake_version=intake.version)


def wait_for_status(intake: Intake, status: str, timeout: float = 60) -> PreVisitSummary:
    wait_until(
        lambda: summary_of(intake).status == status,
        timeout,
        f"summary of {intake.pk} did not become {status}",
    )
    return summary_of(intake)


def test_submit_then_the_pdf_is_ready_through_redis_and_a_worker(celery_worker, front_desk):
    intake = submit("emergency", by=front_desk)
    summary = wait_for_status(intake, "ready", timeout=60)
    assert summary.attempts == 1
    assert summary.pdf.open("rb").read(5) == b"%PDF-"
    assert "reports.generate_summary" in celery_worker.log()


def test_a_pool_process_killed_mid_task_is_redelivered_and_ends_ready(
    real_services, django_db_setup, tmp_path, front_desk
):
    worker = CeleryWorker(tmp_path / "worker.log", {"SUMMARY_TEST_DELAY_SECONDS": "4"})
    worker.start()
    try:
        intake = submit("routine", by=front_desk)
        wait_until(lambda: summary_of(intake).attempts == 1, 30, "the task did not start")
        worker.kill_pool_process()  # mid-render: the slow-down hook holds it there
        summary = wait_for_status(intake, "ready", timeout=90)
    finally:
        worker.stop()
    assert summary.attempts == 2  # the killed try, then the redelivered one
    assert PreVisitSummary.objects.filter(intake=intake).count() == 1


def test_a_whole_worker_killed_mid_task_loses_nothing_once_a_worker_is_back(
    real_services, django_db_setup, tmp_path, front_desk
):
    first = CeleryWorker(tmp_path / "first.log", {"SUMMARY_TEST_DELAY_SECONDS": "30"})
    first.start()
    intake = submit("urgent", by=front_desk)
    wait_until(lambda: summary_of(intake).attempts == 1, 30, "the task did not start")
    first.kill()  # SIGKILL to the whole process group: the message stays unacknowledged
    assert summary_of(intake).status == "pending"

    second = CeleryWorker(tmp_path / "second.log")
    second.start()
    try:
        # Redis would redeliver after its visibility timeout; the sweeper does it now.
        call_command("resend_pending_summaries", older_than=0)
        summary = wait_for_status(intake, "ready", timeout=60)
    finally:
        second.stop()
    assert PreVisitSummary.objects.filter(intake=intake).count() == 1
    assert summary.attempts == 2


def test_redis_down_at_submit_loses_nothing_and_the_sweeper_sends_it_later(
    real_services, django_db_setup, tmp_path, front_desk, broker_at
):
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    broker_at(redis.url)
    worker = CeleryWorker(tmp_path / "worker.log", {"REDIS_URL": redis.url})
    worker.start()
    try:
        redis.stop()
        intake = submit("emergency", by=front_desk, family="Outage")  # the broker is down

        assert intake.status == "submitted" and intake.triage_level == "emergency"
        assert TriageAssessment.objects.filter(intake=intake).count() == 1
        assert summary_of(intake).status == "pending"

        redis.start()
        wait_until(
            lambda: app.control.ping(destination=[worker.hostname], timeout=0.5),
            60,
            "the worker did not reconnect to Redis",
        )
        call_command("resend_pending_summaries", older_than=0)
        summary = wait_for_status(intake, "ready", timeout=60)
    finally:
        worker.stop()
        redis.stop()
    assert summary.attempts == 1
    assert Intake.objects.filter(patient__family_name="Outage").count() == 1
