"""Submission, the emergency alert at the desk, escalation, amendment and role checks."""

import datetime as dt

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clinic import submission
from intake import services
from intake.answers import apply_document, intake_answers
from intake.document import DocumentInvalid, parse_document
from intake.levels import level_meaning
from intake.models import Intake, IntakeVersion
from reports.models import PreVisitSummary
from reports.summary import CALL_911_IF
from tests.builders import DELETE, document
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory
from triage.engine import CALL_911_FOR
from triage.models import TriageAssessment
from triage.rules import RULES
from triage.services import answer_reasks

pytestmark = pytest.mark.django_db


def submitted_intake(name: str, by) -> Intake:
    doc = parse_document(VIGNETTES[name]["document"])
    return submission.create_intake_from_document(doc, by=by, channel="front_desk").intake


@pytest.mark.parametrize("name", sorted(VIGNETTES))
def test_an_intake_round_trips_through_the_database_losslessly(name, front_desk):
    doc = parse_document(VIGNETTES[name]["document"])
    intake = submission.create_intake_from_document(doc, by=front_desk).intake
    assert parse_document(intake_answers(Intake.objects.get(pk=intake.pk))) == doc
    stored = IntakeVersion.objects.get(intake=intake, number=1).document
    assert parse_document(stored) == doc


def test_the_desk_sees_a_full_width_emergency_alert_naming_the_answers(client_for, front_desk):
    intake = submitted_intake("02-bladder-loss", front_desk)
    page = client_for(front_desk).get(reverse("intake:submitted", args=[intake.pk]))
    html = page.content.decode()
    assert 'id="emergency-alert"' in html
    assert "call 911 now" in html.lower()
    assert "Loss of bladder or bowel control: Yes" in html  # the answer in words
    assert "red_flags." not in html
    assert level_meaning("emergency") in html
    assert "I have called 911" in html
    # The "call 911 for" list is the table's emergencies, the summary's list.
    assert "; ".join(CALL_911_FOR) in html
    assert f"Call 911 for: {'; '.join(CALL_911_FOR)}." == CALL_911_IF


def test_the_call_911_list_is_every_emergency_row_of_the_table_and_nothing_else():
    titles = {rule.code: rule.title for rule in RULES}
    for code in ("recent_injury", "urinary_difficulty", "limb_ischaemia_signs", "cold_injury"):
        assert titles[code] in CALL_911_FOR  # the article's and the new rows alike
    for code in ("leg_weakness", "possible_dvt", "questions_not_asked"):
        assert titles[code] not in CALL_911_FOR
    assert len(CALL_911_FOR) == 24  # §2 lists 24 emergency rows


def test_an_urgent_result_shows_a_lesser_notice_and_routine_shows_none(client_for, front_desk):
    client = client_for(front_desk)
    urgent = client.get(
        reverse("intake:submitted", args=[submitted_intake("04-leg-weakness", front_desk).pk])
    ).content.decode()
    routine = client.get(
        reverse("intake:submitted", args=[submitted_intake("10-hypothyroid", front_desk).pk])
    ).content.decode()
    assert 'id="urgent-notice"' in urgent and 'id="emergency-alert"' not in urgent
    assert "Weakness" in urgent
    assert level_meaning("urgent") in urgent
    assert 'id="urgent-notice"' not in routine and 'id="emergency-alert"' not in routine
    assert level_meaning("routine") in routine


def test_the_alert_does_not_depend_on_the_broker(
    client_for, front_desk, django_capture_on_commit_callbacks, caplog, refused_broker
):
    # A broker that refuses connections: the enqueue after commit fails, the submit does not.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        intake = submitted_intake("03-slurred-speech", front_desk)
    assert len(callbacks) == 1
    assert "not enqueued" in caplog.text
    page = client_for(front_desk).get(reverse("intake:submitted", args=[intake.pk]))
    assert 'id="emergency-alert"' in page.content.decode()
    assert PreVisitSummary.objects.get(intake=intake).status == "pending"


def test_staff_confirm_the_escalation_with_who_and_when(client_for, front_desk):
    intake = submitted_intake("09-recent-fall-head", front_desk)
    assessment = TriageAssessment.objects.get(intake=intake)
    client = client_for(front_desk)
    url = reverse("intake:escalated", args=[intake.pk, assessment.pk])
    response = client.post(url, {"kind": "sent_to_ed"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.escalation_confirmed_by == front_desk
    assert assessment.escalation_confirmed_at is not None
    page = client.get(reverse("intake:submitted", args=[intake.pk])).content.decode()
    assert "Escalation confirmed by" in page
    assert AuditEvent.objects.filter(action="escalate").count() == 1
    # the board shows what the desk did, on the intake's open alert
    alert = intake.alerts.get()
    assert list(alert.actions.values_list("kind", "by")) == [("sent_to_ed", front_desk.pk)]
    client.post(url, {"kind": "called_911"})  # a second press records nothing more
    assert alert.actions.count() == 1
    assert AuditEvent.objects.filter(action="escalate").count() == 1


def test_an_escalation_without_saying_what_was_done_is_not_recorded(client_for, front_desk):
    intake = submitted_intake("09-recent-fall-head", front_desk)
    assessment = TriageAssessment.objects.get(intake=intake)
    client = client_for(front_desk)
    response = client.post(reverse("intake:escalated", args=[intake.pk, assessment.pk]))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.escalation_confirmed_at is None
    page = client.get(response.url).content.decode()
    assert "say whether you called 911 or sent the patient" in page


def test_a_routine_result_cannot_be_escalated(client_for, front_desk):
    intake = submitted_intake("10-hypothyroid", front_desk)
    assessment = TriageAssessment.objects.get(intake=intake)
    response = client_for(front_desk).post(
        reverse("intake:escalated", args=[intake.pk, assessment.pk])
    )
    assert response.status_code == 400
    assessment.refresh_from_db()
    assert assessment.escalation_confirmed_at is None


def test_an_amendment_keeps_the_earlier_answers_and_triages_again(client_for, clinician):
    from tests.intake.formdata import as_the_forms_ask, step_data

    doc = as_the_forms_ask(VIGNETTES["01-positional-transient"]["document"])
    intake = submission.create_intake_from_document(parse_document(doc), by=clinician).intake
    client = client_for(clinician)
    changed = {**doc, "red_flags": {**doc["red_flags"], "vision_problems": True}}
    data = step_data("red-flags", changed, revision=intake.revision) | {
        "reason": "Patient recalled"
    }
    response = client.post(reverse("intake:amend", args=[intake.pk, "red-flags"]), data)

    assert response.status_code == 302
    intake.refresh_from_db()
    assert (intake.status, intake.version, intake.triage_level) == ("amended", 2, "emergency")
    first, second = IntakeVersion.objects.filter(intake=intake).order_by("number")
    assert first.document["red_flags"]["vision_problems"] is False
    assert second.changed_paths == ["red_flags.vision_problems"]
    assert (second.reason, second.created_by) == ("Patient recalled", clinician)
    assert list(
        PreVisitSummary.objects.filter(intake=intake).values_list("intake_version", flat=True)
    ) == [2, 1]
    assert AuditEvent.objects.filter(action="amend", object_id=str(intake.pk)).count() == 1


def test_an_amendment_needs_a_reason(client_for, clinician):
    intake = submitted_intake("01-positional-transient", clinician)
    from tests.intake.formdata import step_data

    data = step_data(
        "symptoms", VIGNETTES["01-positional-transient"]["document"], revision=intake.revision
    )
    response = client_for(clinician).post(
        reverse("intake:amend", args=[intake.pk, "symptoms"]), data
    )
    assert response.status_code == 200
    intake.refresh_from_db()
    assert intake.version == 1


def test_two_people_amending_at_once_the_second_gets_a_conflict_and_nothing_is_lost(
    front_desk, clinician
):
    intake = submitted_intake("01-positional-transient", front_desk)
    opened_at = intake.revision
    submission.amend_intake(
        intake=intake,
        by=front_desk,
        reason="first",
        seen_revision=opened_at,
        answers={"severity": 5},
    )
    with pytest.raises(services.EditConflict):
        submission.amend_intake(
            intake=intake,
            by=clinician,
            reason="second",
            seen_revision=opened_at,
            answers={"severity": 9},
        )
    intake.refresh_from_db()
    assert (intake.severity, intake.version) == (5, 2)


def test_an_amendment_that_breaks_the_document_changes_nothing(front_desk):
    intake = submitted_intake("05-diabetic-feet", front_desk)
    with pytest.raises(DocumentInvalid):
        submission.amend_intake(
            intake=intake,
            by=front_desk,
            reason="oops",
            seen_revision=intake.revision,
            answers={"sides": ""},
        )
    intake.refresh_from_db()
    assert (intake.sides, intake.version, intake.status) == ("both", 1, "submitted")
    assert TriageAssessment.objects.filter(intake=intake).count() == 1


@pytest.mark.parametrize("url_name", ["intake:desk", "intake:patient-new"])
def test_a_clinician_and_an_outsider_cannot_use_the_entry_pages(
    client_for, clinician, outsider, url_name
):
    assert client_for(clinician).get(reverse(url_name)).status_code == 403
    assert client_for(outsider).get(reverse(url_name)).status_code == 403


def test_an_outsider_cannot_submit_or_see_an_intake_and_nothing_changes(client_for, outsider):
    from tests.intake.factories import IntakeFactory

    intake = IntakeFactory()
    client = client_for(outsider)
    assert client.post(reverse("intake:submit", args=[intake.pk])).status_code == 403
    assert client.get(reverse("intake:submitted", args=[intake.pk])).status_code == 403
    assert (
        client.post(
            reverse("intake:step", args=[intake.pk, "symptoms"]), {"sides": "left"}
        ).status_code
        == 403
    )
    intake.refresh_from_db()
    assert (intake.status, intake.sides, intake.revision) == ("draft", "", 0)
    assert not AuditEvent.objects.filter(object_id=str(intake.pk)).exclude(action="create").exists()


def test_the_reported_on_date_of_a_vignette_decides_recent_injury(front_desk):
    doc = dict(VIGNETTES["09-recent-fall-head"]["document"])
    # 33 days after the fall; parsed on that day (a reported_on after tomorrow is refused).
    late = parse_document({**doc, "reported_on": "2026-12-20"}, today=dt.date(2026, 12, 20))
    intake = submission.create_intake_from_document(late, by=front_desk).intake
    assert intake.reported_on == dt.date(2026, 12, 20)
    assert intake.triage_level != "emergency"


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(
            {
                "symptoms.last_changed_days": 3,
                "symptoms.leg_changes": ["pale_or_blue", "wound_or_ulcer", "color"],
                "symptoms.other_symptoms": ["unsteady_or_falling"],
                "red_flags.urinary_difficulty": True,
                "risk_factors.cancer_active": False,
                "conditions": ["cancer"],
                "exposures": ["nitrous_oxide"],
                "injuries": [
                    {"kind": "back_injury", "older_than_14_days": True,
                     "mechanism": "lifting_or_twisting"},
                    {"kind": "broken_leg", "date": "2026-11-19", "older_than_14_days": False},
                ],
            },
            id="every-new-answer",
        ),
        pytest.param(
            {"symptoms.last_changed_days": DELETE, "red_flags.urinary_difficulty": DELETE,
             "risk_factors": DELETE},
            id="none-asked",
        ),
        pytest.param({"risk_factors": {"fever": True}}, id="one-risk-factor-asked"),
    ],
)  # fmt: skip
def test_the_new_answers_round_trip_through_the_database(answers, front_desk):
    doc = document(answers)

    intake = submission.create_intake_from_document(doc, by=front_desk).intake

    assert parse_document(intake_answers(Intake.objects.get(pk=intake.pk))) == doc


def test_the_forms_submission_waits_for_the_questions_asked_again_and_imports_do_not(
    front_desk,
):
    doc = document({"notes": "No bladder trouble"})
    intake = IntakeFactory(reported_on=doc.reported_on)
    apply_document(intake, doc)

    with pytest.raises(submission.ReasksDue):
        submission.submit_intake(intake=intake, by=front_desk)

    intake.refresh_from_db()
    assert intake.is_draft and not TriageAssessment.objects.exists()
    imported = submission.create_intake_from_document(doc, by=front_desk).intake
    assert imported.status == "submitted" and not imported.reasked_answers.exists()


def test_only_the_questions_still_asked_again_take_their_answers(front_desk):
    doc = document({"notes": "No bladder trouble"})
    intake = IntakeFactory(reported_on=doc.reported_on)
    apply_document(intake, doc)
    answers = {"bladder_bowel_control_loss": False, "urinary_difficulty": True, "confusion": True}

    answer_reasks(intake, answers, by=front_desk, seen_revision=intake.revision)

    intake.refresh_from_db()
    assert (intake.bladder_bowel_control_loss, intake.urinary_difficulty) == (False, True)
    assert intake.confusion is False  # not asked again: an answer to it is not taken
    stored = intake.reasked_answers.values_list("question", "answer")
    assert sorted(stored) == [("bladder_bowel_control_loss", False), ("urinary_difficulty", True)]
    submitted = submission.submit_intake(intake=intake, by=front_desk)
    flags = set(submitted.assessment.flags.values_list("code", flat=True))
    assert {"urinary_difficulty", "free_text_red_flag"} <= flags
