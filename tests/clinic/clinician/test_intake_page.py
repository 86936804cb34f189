import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clinic import submission
from intake.answers import apply_document
from intake.levels import level_meaning
from intake.questions import question
from reports.models import PreVisitSummary
from tests.builders import document
from tests.intake.factories import IntakeFactory
from tests.triage.clinic import submit
from triage.models import ClinicianNote, TriageFlag
from triage.services import answer_reasks

pytestmark = pytest.mark.django_db


def test_the_intake_page_shows_answers_flags_evidence_summary_history_and_diagram(
    client_for, clinician, front_desk
):
    intake = submit("emergency", by=front_desk, family="Lopez")
    response = client_for(clinician).get(reverse("triage:intake", args=[intake.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    # The evidence as the question and the answer, never the document's path.
    assert "Loss of bladder or bowel control: Yes" in html
    assert "red_flags." not in html and "symptoms." not in html
    assert "article: Call 911" in html
    assert level_meaning("emergency") in html
    assert str(question("red_flags.bladder_bowel_control_loss")) in html
    assert 'id="summary-panel"' in html and "every 3s" in html  # pending: the panel polls
    assert "Version 1" in html
    assert "<svg" in html and 'role="img"' in html
    assert AuditEvent.objects.filter(action="view", object_id=str(intake.pk)).count() == 1


def test_acknowledging_a_flag_records_who_when_and_the_note(client_for, clinician, front_desk):
    intake = submit("emergency", by=front_desk)
    flag = TriageFlag.objects.get(assessment__intake=intake, severity="emergency")
    response = client_for(clinician).post(
        reverse("triage:acknowledge", args=[intake.pk, flag.pk]), {"note": "Called the patient"}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    intake.refresh_from_db()
    assert flag.acknowledged_by == clinician and flag.acknowledged_at is not None
    assert flag.acknowledgement_note == "Called the patient"
    assert intake.open_alert == 0
    acknowledged = AuditEvent.objects.filter(action="acknowledge", actor=clinician)
    # The flag, and the intake's alert, which no open flag holds any more: once each.
    assert sorted(acknowledged.values_list("object_type", flat=True)) == [
        "triage.Alert",
        "triage.TriageFlag",
    ]


def test_a_flag_of_another_intake_cannot_be_acknowledged_through_this_one(
    client_for, clinician, front_desk
):
    one, other = submit("emergency", by=front_desk), submit("emergency", by=front_desk)
    flag = TriageFlag.objects.get(assessment__intake=other, severity="emergency")
    response = client_for(clinician).post(reverse("triage:acknowledge", args=[one.pk, flag.pk]))
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.acknowledged_at is None


def test_mark_reviewed_and_notes(client_for, clinician, front_desk):
    intake = submit("routine", by=front_desk)
    client = client_for(clinician)
    client.post(reverse("triage:reviewed", args=[intake.pk]))
    client.post(reverse("triage:note", args=[intake.pk]), {"text": "Check B12 history"})
    intake.refresh_from_db()
    assert intake.reviewed_by == clinician
    assert ClinicianNote.objects.get(intake=intake).text == "Check B12 history"
    page = client.get(reverse("triage:intake", args=[intake.pk])).content.decode()
    assert "Check B12 history" in page and "Reviewed by" in page


def test_an_amendment_asks_for_a_new_review(clinician, front_desk):
    from triage.services import mark_reviewed

    intake = submit("routine", by=front_desk)
    mark_reviewed(intake=intake, by=clinician)
    intake.refresh_from_db()
    submission.amend_intake(
        intake=intake,
        by=clinician,
        reason="typo",
        seen_revision=intake.revision,
        answers={"severity": 4},
    )
    intake.refresh_from_db()
    assert intake.reviewed_at is None


@pytest.mark.parametrize("persona", ["front_desk", "outsider"])
def test_the_intake_page_is_for_clinicians_only_and_nothing_changes(
    client_for, request, persona, front_desk
):
    intake = submit("emergency", by=front_desk)
    client = client_for(request.getfixturevalue(persona))
    flag = TriageFlag.objects.get(assessment__intake=intake, severity="emergency")
    assert client.get(reverse("triage:intake", args=[intake.pk])).status_code == 403
    assert client.post(reverse("triage:acknowledge", args=[intake.pk, flag.pk])).status_code == 403
    assert client.post(reverse("triage:reviewed", args=[intake.pk])).status_code == 403
    flag.refresh_from_db()
    intake.refresh_from_db()
    assert flag.acknowledged_at is None and intake.reviewed_at is None


def test_the_trends_page_counts_per_level(client_for, clinician, front_desk):
    submit("emergency", by=front_desk)
    submit("routine", by=front_desk)
    response = client_for(clinician).get(reverse("triage:trends"))
    trends = response.context["trends"]
    assert sum(day.emergency for day in trends.days) == 1
    assert sum(day.routine for day in trends.days) == 1
    assert len(trends.days) == 30


def test_median_time_to_acknowledge_emergencies(clinician, front_desk):
    import datetime as dt

    from django.utils import timezone

    from triage.trends import intake_trends

    for minutes in (10, 20, 60):
        intake = submit("emergency", by=front_desk)
        TriageFlag.objects.filter(assessment__intake=intake).update(
            acknowledged_at=intake.submitted_at + dt.timedelta(minutes=minutes),
            acknowledged_by=clinician,
        )
    trends = intake_trends(timezone.localdate())
    assert trends.median_minutes_to_acknowledge == pytest.approx(20)
    assert trends.acknowledged_emergencies == 3


def test_summary_status_fragment_for_a_failed_summary_offers_retry(
    client_for, clinician, front_desk
):
    intake = submit("routine", by=front_desk)
    PreVisitSummary.objects.filter(intake=intake).update(
        status="failed", failure_reason="The summary could not be built (ValueError)."
    )
    html = (
        client_for(clinician)
        .get(reverse("reports:summary-status", args=[intake.pk]))
        .content.decode()
    )
    assert "could not be built (ValueError)" in html and "Retry" in html


def test_the_history_shows_both_answers_of_a_question_asked_again(
    client_for, clinician, front_desk
):
    doc = document({"symptoms.description": "No bladder trouble"})
    intake = IntakeFactory(reported_on=doc.reported_on)
    apply_document(intake, doc)
    answers = {"bladder_bowel_control_loss": True, "urinary_difficulty": False}
    answer_reasks(intake, answers, by=front_desk, seen_revision=intake.revision)
    submission.submit_intake(intake=intake, by=front_desk)

    html = client_for(clinician).get(reverse("triage:intake", args=[intake.pk])).content.decode()

    history = html[html.index('id="history-heading"') : html.index('id="notes-heading"')]
    assert history.count("Asked again before submission") == 2
    assert "Loss of bladder or bowel control: first No, then Yes" in history
    assert "New difficulty passing urine or less feeling: first No, then No" in history
    assert "<code>symptoms.description</code>: &quot;No bladder trouble&quot;" in history
    assert f"by {front_desk.get_full_name()}" in history
