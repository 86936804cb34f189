"""The summary pipeline, called as the task calls it (the queue wiring is in tests/integration)."""

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from clinic import submission
from intake import services as intake_services
from reports import building as pipeline
from reports import scheduling
from reports.models import PreVisitSummary
from reports.scheduling import request_summary
from tests.triage.clinic import submit
from triage import alerts
from triage import services as triage_services
from triage.models import TriageFlag

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(front_desk) -> PreVisitSummary:
    return PreVisitSummary.objects.get(intake=submit("emergency", by=front_desk))


def test_building_makes_a_ready_summary_with_its_pdf_and_rules_version(pending):
    assert pipeline.build_summary(pending.pk) == "ready"
    pending.refresh_from_db()
    assert pending.status == "ready" and pending.attempts == 1
    assert pending.rules_version == "2026.12.1"
    assert pending.pdf.name.endswith(f"summary-{pending.intake_id}-v1.pdf")
    assert pending.pdf.open("rb").read(5) == b"%PDF-"
    assert pending.content["red_flags"][0]["code"] == "bladder_bowel_control_loss"
    assert pending.intake.patient.family_name not in pending.pdf.name


def test_running_twice_gives_one_summary_and_one_pdf(pending, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pipeline.build_summary(pending.pk)
    pipeline.build_summary(pending.pk)
    pending.refresh_from_db()
    assert PreVisitSummary.objects.filter(intake=pending.intake).count() == 1
    assert pending.attempts == 1  # the second run saw it ready and did nothing
    assert len(list((tmp_path / "summaries").iterdir())) == 1


def test_a_newer_version_supersedes_an_older_one_that_finishes_late(pending, clinician):
    intake = pending.intake
    submission.amend_intake(
        intake=intake,
        by=clinician,
        reason="fix",
        seen_revision=intake.revision,
        answers={"severity": 7},
    )
    pending.refresh_from_db()
    assert pending.status == "superseded"  # nobody waits for the old one
    newer = PreVisitSummary.objects.get(intake=intake, intake_version=2)
    assert pipeline.build_summary(pending.pk) is None
    assert pipeline.build_summary(newer.pk) == "ready"


def test_a_version_superseded_during_the_render_is_not_stored(pending, clinician):
    intake = pending.intake
    real_render = pipeline.render_summary_pdf

    def amend_meanwhile(content, **options):
        intake.refresh_from_db()
        submission.amend_intake(
            intake=intake,
            by=clinician,
            reason="meanwhile",
            seen_revision=intake.revision,
            answers={"severity": 8},
        )
        return real_render(content, **options)

    with mock.patch.object(pipeline, "render_summary_pdf", amend_meanwhile):
        assert pipeline.build_summary(pending.pk) == "superseded"
    pending.refresh_from_db()
    assert pending.status == "superseded" and not pending.pdf


def acknowledge_and_refresh(summary: PreVisitSummary, clinician) -> None:
    flag = TriageFlag.objects.get(assessment__intake=summary.intake, severity="emergency")
    triage_services.acknowledge_flag(flag=flag, by=clinician)
    scheduling.refresh_summary(summary.intake)


def test_an_acknowledgement_draws_the_pdf_again_with_who_and_when(pending, clinician):
    pipeline.build_summary(pending.pk)
    acknowledge_and_refresh(pending, clinician)
    pending.refresh_from_db()
    assert (pending.status, pending.refreshes) == ("pending", 1)  # never the old file

    assert pipeline.build_summary(pending.pk) == "ready"
    pending.refresh_from_db()
    (flag,) = [f for f in pending.content["red_flags"] if f["severity"] == "emergency"]
    assert flag["acknowledged"] and flag["acknowledged_by"] == clinician.get_full_name()
    text = pdf_text(pending)
    assert "Acknowledged by" in text and "Not yet acknowledged" not in text


def test_a_render_begun_before_the_acknowledgement_is_not_stored(pending, clinician):
    real_render = pipeline.render_summary_pdf

    def acknowledge_meanwhile(content, **options):
        acknowledge_and_refresh(pending, clinician)
        return real_render(content, **options)

    with mock.patch.object(pipeline, "render_summary_pdf", acknowledge_meanwhile):
        assert pipeline.build_summary(pending.pk) == "pending"
    pending.refresh_from_db()
    assert pending.status == "pending" and not pending.pdf
    assert pipeline.build_summary(pending.pk) == "ready"  # the refresh's own task
    pending.refresh_from_db()
    assert any(flag["acknowledged"] for flag in pending.content["red_flags"])


def test_a_refresh_overtaken_by_an_amendment_keeps_the_earlier_versions_pdf(pending, clinician):
    pipeline.build_summary(pending.pk)
    acknowledge_and_refresh(pending, clinician)
    intake = pending.intake
    intake.refresh_from_db()
    submission.amend_intake(
        intake=intake, by=clinician, reason="fix", seen_revision=intake.revision,
        answers={"severity": 7},
    )  # fmt: skip
    pending.refresh_from_db()
    assert pending.status == "ready" and pending.pdf  # version 1 stays readable
    assert pipeline.build_summary(pending.pk) is None
    newer = PreVisitSummary.objects.get(intake=intake, intake_version=2)
    assert pipeline.build_summary(newer.pk) == "ready"


def test_the_desks_911_confirmation_is_on_the_pdf(pending, front_desk):
    pipeline.build_summary(pending.pk)
    assert "has not yet confirmed calling 911" in pdf_text(pending)
    assessment = pending.intake.assessments.get()
    alerts.confirm_escalation(assessment=assessment, kind="called_911", by=front_desk)
    scheduling.refresh_summary(pending.intake)
    pipeline.build_summary(pending.pk)
    pending.refresh_from_db()
    assert pending.content["desk_action"]["by"] == front_desk.get_full_name()
    assert "Front desk called 911" in pdf_text(pending)


def pdf_text(summary: PreVisitSummary) -> str:
    summary.refresh_from_db()
    with summary.pdf.open("rb") as pdf:
        return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)


def test_a_failure_ends_failed_with_a_reason_for_staff_then_retry_makes_it_ready(
    pending, django_capture_on_commit_callbacks
):
    with mock.patch.object(pipeline, "render_summary_pdf", side_effect=RuntimeError("boom")):
        assert pipeline.build_summary(pending.pk) == "failed"
    pending.refresh_from_db()
    assert pending.status == "failed"
    assert pending.failure_reason == "The summary could not be built (RuntimeError)."
    assert "Traceback" not in pending.failure_reason and "boom" not in pending.failure_reason

    with django_capture_on_commit_callbacks(execute=True):
        scheduling.retry_summary(pending)  # eager in tests: the task runs on commit
    pending.refresh_from_db()
    assert pending.status == "ready" and pending.failure_reason == ""


def test_attempts_are_capped_so_a_crashing_document_ends_failed(pending):
    PreVisitSummary.objects.filter(pk=pending.pk).update(attempts=pipeline.MAX_ATTEMPTS)
    assert pipeline.build_summary(pending.pk) is None
    pending.refresh_from_db()
    assert pending.status == "failed" and "Gave up after 3 attempts" in pending.failure_reason


def test_the_sweeper_resends_a_summary_whose_enqueue_was_lost(
    pending, django_capture_on_commit_callbacks
):
    # The submit's enqueue never happened (broker down); the row says pending, unsent.
    PreVisitSummary.objects.filter(pk=pending.pk).update(enqueued_at=None)
    call_command("resend_pending_summaries")
    pending.refresh_from_db()
    assert pending.status == "ready"


def test_the_sweeper_leaves_recently_sent_summaries_alone(pending):
    PreVisitSummary.objects.filter(pk=pending.pk).update(enqueued_at=timezone.now())
    with mock.patch("reports.scheduling.enqueue_summary") as enqueue:
        assert scheduling.resend_stale_summaries() == 0
    enqueue.assert_not_called()
    PreVisitSummary.objects.filter(pk=pending.pk).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=5)
    )
    with mock.patch("reports.scheduling.enqueue_summary") as enqueue:
        assert scheduling.resend_stale_summaries() == 1
    enqueue.assert_called_once_with(pending.pk)


def test_the_task_is_enqueued_after_commit_with_the_summary_id_only(
    front_desk, django_capture_on_commit_callbacks
):
    from intake.document import parse_document
    from tests.intake.conftest import VIGNETTES

    doc = parse_document(VIGNETTES["05-diabetic-feet"]["document"])
    with mock.patch("reports.tasks.generate_summary.delay") as delay:
        with django_capture_on_commit_callbacks() as callbacks:
            with pytest.raises(RuntimeError), intake_services.transaction.atomic():
                submission.create_intake_from_document(doc, by=front_desk)
                raise RuntimeError  # rolled back: nothing may be sent
            intake = submission.create_intake_from_document(doc, by=front_desk).intake
            delay.assert_not_called()  # not before the commit
        assert len(callbacks) == 1
        callbacks[0]()
    delay.assert_called_once_with(PreVisitSummary.objects.get(intake=intake).pk)


def test_a_refused_broker_leaves_the_summary_pending_for_the_sweeper(
    front_desk, refused_broker, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        intake = submit("routine", by=front_desk, family="Brokerless")
    summary = PreVisitSummary.objects.get(intake=intake)
    assert summary.status == "pending"
    assert "Brokerless" not in caplog.text  # the log names ids, never the patient


def test_request_summary_twice_for_one_version_keeps_one_row(pending):
    request_summary(pending.intake)
    assert PreVisitSummary.objects.filter(intake=pending.intake).count() == 1


@pytest.mark.parametrize(("page_size", "width_points"), [("letter", 612), ("A4", 595)])
def test_the_pdf_page_size_follows_the_setting(pending, settings, page_size, width_points):
    from pypdf import PdfReader

    settings.SUMMARY_PAGE_SIZE = page_size
    pipeline.build_summary(pending.pk)
    pending.refresh_from_db()
    page = PdfReader(pending.pdf.open("rb")).pages[0]
    assert round(float(page.mediabox.width)) == width_points
