"""SDC's $populate (a returning patient's new response, pre-filled as the desk's draft is) and
$extract (the coded answers as Observations)."""

import json

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.parameters import Parameters

from audit.models import AuditEvent
from clinic.submission import create_intake_from_document
from intake.answers import intake_answers
from intake.document import parse_document
from intake.fhir import FHIR_JSON, LOINC, document_from_response
from intake.services import start_intake
from tests.builders import benign_data, with_answers

pytestmark = pytest.mark.django_db

POPULATE = "/fhir/Questionnaire/leg-numbness-intake/$populate"
CARRIED = ("medications", "conditions", "lifestyle")


def _returning(by):
    document = with_answers(benign_data(), {"patient.mrn": "MRN-SDC", "symptoms.severity": 6})
    document |= {
        "medications": [{"name": "Metformin", "dose": "500 mg", "kind": "prescription"}],
        "conditions": ["diabetes"],
        "lifestyle": {"smoking": "current", "alcohol_drinks_per_week": 10},
    }
    return create_intake_from_document(parse_document(document), by=by).intake


@pytest.fixture
def desk(client_for, front_desk):
    return client_for(front_desk)


def _populated(answer) -> dict:
    Parameters.model_validate(answer.json())
    (parameter,) = answer.json()["parameter"]
    assert parameter["name"] == "response"
    return parameter["resource"]


def test_populate_prefills_what_the_desks_draft_carries_and_nothing_else(desk, front_desk):
    last = _returning(front_desk)
    response = _populated(desk.get(POPULATE, {"subject": f"Patient/{last.patient_id}"}))
    assert response["status"] == "in-progress"
    assert response["subject"] == {"reference": f"Patient/{last.patient_id}"}
    answers = document_from_response(response, draft=True)
    assert "symptoms" not in answers and "red_flags" not in answers
    # The same as the desk's new draft for this patient, pre-filled.
    draft = intake_answers(start_intake(patient=last.patient, by=front_desk))
    for section in (*CARRIED, "patient"):
        assert answers[section] == draft[section], section
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("id")
    assert event.object_id == str(last.patient_id) and event.detail["from"] == str(last.pk)


def test_populate_by_parameters_and_a_posted_draft_round_trips(desk, front_desk):
    last = _returning(front_desk)
    parameters = {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "subject", "valueReference": {"reference": f"Patient/{last.patient_id}"}}
        ],
    }
    response = _populated(desk.post(POPULATE, json.dumps(parameters), content_type=FHIR_JSON))
    saved = desk.post("/fhir/QuestionnaireResponse", json.dumps(response), content_type=FHIR_JSON)
    assert saved.status_code == 201 and saved.json()["status"] == "in-progress"


def test_a_new_patient_is_populated_with_who_they_are_only(desk, front_desk):
    from intake.models import Patient

    patient = Patient.objects.create(
        given_name="Ada", family_name="New", date_of_birth="1970-01-01"
    )
    response = _populated(desk.get(POPULATE, {"subject": f"Patient/{patient.pk}"}))
    assert [item["linkId"] for item in response["item"]] == ["patient"]


def test_populate_needs_a_patient_it_can_see(desk):
    refused = desk.get(POPULATE)
    assert refused.status_code == 400 and refused.json()["issue"][0]["expression"] == ["subject"]
    missing = desk.get(POPULATE, {"subject": "Patient/6f1c2c3e-8d4b-4f7a-9a51-2b8c0e6d9f10"})
    assert missing.status_code == 404


def test_extract_gives_the_coded_answers_as_observations(desk, front_desk):
    intake = _returning(front_desk)
    bundle = desk.post(f"/fhir/QuestionnaireResponse/{intake.pk}/$extract").json()
    assert bundle["type"] == "transaction"
    found = {}
    for entry in bundle["entry"]:
        assert entry["request"] == {"method": "POST", "url": "Observation"}
        Observation.model_validate(entry["resource"])
        coding = entry["resource"]["code"]["coding"][0]
        assert coding["system"] == LOINC
        found[coding["code"]] = entry["resource"]
    assert found["72514-3"]["valueInteger"] == 6
    assert found["72166-2"]["valueCodeableConcept"]["coding"][0]["code"] == "current"
    assert found["44940-5"]["valueQuantity"]["value"] == 10
    assert {o["derivedFrom"][0]["reference"] for o in found.values()} == {
        f"QuestionnaireResponse/{intake.pk}"
    }
    assert set(found) == {"72514-3", "72166-2", "44940-5"}
