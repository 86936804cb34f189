"""An intake entered in error is withdrawn by a clinician: off every list, kept on record,
entered-in-error in FHIR; an open alert is never closed by it."""

import json

import pytest

from audit.models import AuditEvent
from clinic.submission import AlertStillOpen, create_intake_from_document, withdraw_intake
from intake.document import parse_document
from intake.fhir import FHIR_JSON, questionnaire_response
from intake.models import Intake
from intake.prefill import last_submitted
from intake.services import start_intake
from tests.builders import benign_data, with_answers
from triage.alerts import acknowledge_alert

pytestmark = pytest.mark.django_db

BLADDER = {"red_flags.bladder_bowel_control_loss": True}


def _submit(by, **answers):
    document = with_answers(benign_data(), {"patient.mrn": "MRN-W", **answers})
    return create_intake_from_document(parse_document(document), by=by).intake


def test_a_clinician_withdraws_an_intake_it_leaves_the_lists_and_stays_on_record(
    client_for, clinician, front_desk
):
    intake = _submit(front_desk)
    client = client_for(clinician)
    assert str(intake.pk) in client.get("/worklist/").content.decode()

    response = client.post(f"/worklist/intakes/{intake.pk}/withdraw/", {"reason": "wrong patient"})
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == Intake.Status.WITHDRAWN and intake.withdrawn_by == clinician
    assert intake.withdrawn_reason == "wrong patient"
    event = AuditEvent.objects.get(action=AuditEvent.Action.WITHDRAW_INTAKE)
    assert event.object_id == str(intake.pk) and "wrong patient" not in json.dumps(event.detail)

    assert str(intake.pk) not in client.get("/worklist/").content.decode()
    page = client.get(f"/worklist/intakes/{intake.pk}/").content.decode()
    assert 'id="withdrawn"' in page and "wrong patient" in page and "Amend" not in page
    # A returning patient's next intake is not pre-filled from it.
    assert last_submitted(start_intake(patient=intake.patient, by=front_desk)) is None


def test_fhir_sends_it_as_entered_in_error_and_finds_it_so(client_for, clinician, front_desk):
    intake = _submit(front_desk)
    withdraw_intake(intake=intake, by=clinician, reason="a test")
    client = client_for(clinician)
    read = client.get(f"/fhir/QuestionnaireResponse/{intake.pk}").json()
    assert read["status"] == "entered-in-error"
    found = client.get("/fhir/QuestionnaireResponse", {"status": "entered-in-error"}).json()
    assert [entry["resource"]["id"] for entry in found["entry"]] == [str(intake.pk)]
    history = client.get(f"/fhir/QuestionnaireResponse/{intake.pk}/_history").json()
    assert history["entry"][0]["resource"]["status"] == "entered-in-error"
    body = questionnaire_response(with_answers(benign_data(), {"patient.mrn": "MRN-W"}))
    refused = client.put(
        f"/fhir/QuestionnaireResponse/{intake.pk}", json.dumps(body), content_type=FHIR_JSON
    )
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["QuestionnaireResponse.status"]


def test_an_open_alert_is_acknowledged_before_its_intake_is_withdrawn(clinician, front_desk):
    intake = _submit(front_desk, **BLADDER)
    with pytest.raises(AlertStillOpen):
        withdraw_intake(intake=intake, by=clinician, reason="duplicate")
    intake.refresh_from_db()
    assert intake.status == Intake.Status.SUBMITTED
    acknowledge_alert(intake, by=clinician)
    assert withdraw_intake(intake=intake, by=clinician, reason="duplicate").status == "withdrawn"


def test_the_page_says_why_nothing_was_withdrawn(client_for, clinician, front_desk):
    intake = _submit(front_desk, **BLADDER)
    client = client_for(clinician)
    page = client.post(
        f"/worklist/intakes/{intake.pk}/withdraw/", {"reason": "duplicate"}, follow=True
    ).content.decode()
    assert "Acknowledge its open alert first" in page
    page = client.post(f"/worklist/intakes/{intake.pk}/withdraw/", {"reason": ""}, follow=True)
    assert "was not withdrawn" in page.content.decode()
    intake.refresh_from_db()
    assert intake.status == Intake.Status.SUBMITTED


def test_a_draft_or_a_withdrawn_intake_is_not_withdrawn_nor_amended(clinician, front_desk):
    from clinic.submission import amend_intake

    intake = _submit(front_desk)
    draft = start_intake(patient=intake.patient, by=front_desk)
    with pytest.raises(ValueError):
        withdraw_intake(intake=draft, by=clinician, reason="x")
    withdraw_intake(intake=intake, by=clinician, reason="x")
    with pytest.raises(ValueError):
        withdraw_intake(intake=intake, by=clinician, reason="x")
    with pytest.raises(ValueError):
        amend_intake(
            intake=intake, by=clinician, reason="y", seen_revision=None, answers={"severity": 2}
        )
