"""Statuses both ways: an in-progress response is a draft (checked as a draft is, its
emergency answers raising their alert at once); a later completed one submits it."""

import json

import pytest

from intake.fhir import FHIR_JSON, questionnaire_response
from intake.models import Intake, Patient
from tests.builders import benign_data, with_answers
from triage.models import Alert

pytestmark = pytest.mark.django_db

RESPONSES = "/fhir/QuestionnaireResponse"


def _so_far(**answers: object) -> dict:
    """The patient and the symptoms answered; the rest left for later."""
    whole = with_answers(benign_data(), {"patient.mrn": "MRN-DRAFT", **answers})
    return {key: whole[key] for key in ("reported_on", "patient", "symptoms", "red_flags")}


def _post(client, answers: dict, status: str = "in-progress"):
    body = questionnaire_response(answers, status=status)
    return client.post(RESPONSES, json.dumps(body), content_type=FHIR_JSON)


def _put(client, intake_id, answers: dict, status: str, **headers):
    body = questionnaire_response(answers, resource_id=str(intake_id), status=status)
    return client.put(
        f"{RESPONSES}/{intake_id}", json.dumps(body), content_type=FHIR_JSON, **headers
    )


@pytest.fixture
def desk(client_for, front_desk):
    return client_for(front_desk)


def test_an_in_progress_response_is_a_draft_the_desk_can_resume(desk):
    answers = _so_far()
    del answers["red_flags"]
    response = _post(desk, answers)
    assert response.status_code == 201
    created = response.json()
    assert created["status"] == "in-progress" and created["meta"]["versionId"].startswith("0.")
    intake = Intake.objects.get(pk=created["id"])
    assert intake.is_draft and intake.channel == Intake.Channel.API
    assert (
        intake.patient.mrn == "MRN-DRAFT"
        and intake.severity == benign_data()["symptoms"]["severity"]
    )
    assert desk.get(f"/intakes/{intake.pk}/resume/").status_code == 302


def test_its_emergency_answer_raises_the_alert_at_once(desk):
    response = _post(desk, _so_far(**{"red_flags.bladder_bowel_control_loss": True}))
    assert response.status_code == 201
    alert = Alert.objects.get(intake_id=response.json()["id"])
    assert alert.is_open and alert.level == "emergency"


def test_a_draft_is_checked_as_a_draft_is(desk):
    wrong = _so_far(**{"symptoms.severity": 42})
    refused = _post(desk, wrong)
    assert refused.status_code == 400
    expressions = [issue["expression"][0] for issue in refused.json()["issue"]]
    assert any(expression.startswith("QuestionnaireResponse.item[") for expression in expressions)
    assert not Intake.objects.exists()

    nameless = _so_far()
    del nameless["patient"]["given_name"]
    refused = _post(desk, nameless)
    assert refused.status_code == 400
    assert "a draft names its patient" in json.dumps(refused.json())
    assert not Intake.objects.exists() and not Patient.objects.exists()


def test_more_answers_then_completed_submits_it_with_the_full_checks(desk):
    created = _post(desk, _so_far()).json()
    intake_id = created["id"]
    tag = f'W/"{created["meta"]["versionId"]}"'

    more = _put(
        desk, intake_id, _so_far(**{"symptoms.severity": 6}), "in-progress", HTTP_IF_MATCH=tag
    )
    assert more.status_code == 200 and more["ETag"] != tag
    stale = _put(desk, intake_id, _so_far(), "in-progress", HTTP_IF_MATCH=tag)
    assert stale.status_code == 412
    assert Intake.objects.get(pk=intake_id).severity == 6

    without_red_flags = _so_far()
    del without_red_flags["red_flags"]
    incomplete = _put(desk, intake_id, without_red_flags, "completed")
    assert incomplete.status_code == 400  # the full checks: every warning sign asked
    assert "red_flags" in json.dumps(incomplete.json())
    assert Intake.objects.get(pk=intake_id).is_draft

    whole = with_answers(benign_data(), {"patient.mrn": "MRN-DRAFT"})
    done = _put(desk, intake_id, whole, "completed", HTTP_IF_MATCH=more["ETag"])
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "completed" and done["ETag"] == 'W/"1"'
    intake = Intake.objects.get(pk=intake_id)
    assert (intake.status, intake.version, intake.triage_level) == ("submitted", 1, "routine")


def test_a_submitted_intake_is_not_a_draft_again(desk):
    whole = with_answers(benign_data(), {"patient.mrn": "MRN-DONE"})
    created = _post(desk, whole, status="completed").json()
    refused = _put(desk, created["id"], whole, "in-progress")
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["QuestionnaireResponse.status"]
    assert Intake.objects.get(pk=created["id"]).version == 1


def test_a_draft_naming_another_patient_is_a_conflict(desk):
    created = _post(desk, _so_far()).json()
    other = _so_far(**{"patient.given_name": "Someone", "patient.family_name": "Else"})
    assert _put(desk, created["id"], other, "in-progress").status_code == 409
    assert (
        _put(
            desk,
            created["id"],
            with_answers(
                benign_data(), {"patient.mrn": "MRN-DRAFT", "patient.given_name": "Someone"}
            ),
            "completed",
        ).status_code
        == 409
    )
    assert Intake.objects.get(pk=created["id"]).patient.given_name != "Someone"


SENT = {
    "author": {"reference": "Practitioner/dr-9", "display": "Dr. Nine"},
    "source": {"reference": "RelatedPerson/carer-1"},
    "authored": "2026-12-01T09:30:00+00:00",
    "subject": {"identifier": {"system": "https://ehr.example/mrn", "value": "E-77"}},
}


@pytest.mark.parametrize("status", ["completed", "in-progress"])
def test_author_source_and_authored_are_kept_and_sent_back(desk, status):
    answers = (
        with_answers(benign_data(), {"patient.mrn": "MRN-SENT"})
        if status == "completed"
        else _so_far()
    )
    body = {**questionnaire_response(answers, status=status), **SENT}
    created = desk.post(RESPONSES, json.dumps(body), content_type=FHIR_JSON)
    assert created.status_code == 201, created.content
    read = desk.get(f"{RESPONSES}/{created.json()['id']}").json()
    assert read["author"] == SENT["author"] and read["source"] == SENT["source"]
    assert read["authored"] == SENT["authored"]
    # The subject is the clinic's own patient; what the sender said of it is kept beside.
    intake = Intake.objects.get(pk=read["id"])
    assert read["subject"] == {"reference": f"Patient/{intake.patient_id}"}
    assert intake.sender_context["subject"] == SENT["subject"]


def test_an_amendment_here_is_authored_here(desk, clinician):
    from clinic.submission import amend_intake

    whole = with_answers(benign_data(), {"patient.mrn": "MRN-SENT"})
    body = {**questionnaire_response(whole), **SENT}
    intake = Intake.objects.get(
        pk=desk.post(RESPONSES, json.dumps(body), content_type=FHIR_JSON).json()["id"]
    )
    amend_intake(
        intake=intake,
        by=clinician,
        reason="patient corrected the severity",
        seen_revision=intake.revision,
        answers={"severity": 5},
    )
    read = desk.get(f"{RESPONSES}/{intake.pk}").json()
    assert read["authored"] != SENT["authored"] and read["author"] == SENT["author"]
