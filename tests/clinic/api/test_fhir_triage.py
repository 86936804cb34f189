"""The triage answer in FHIR: a RiskAssessment and Flags with each submission, searchable,
in a transaction Bundle too, coded in the code systems served beside them (#19 item 1)."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.flag import Flag
from fhir.resources.R4B.riskassessment import RiskAssessment

from clinic.submission import withdraw_intake
from intake.fhir import FHIR_JSON, questionnaire_response
from intake.models import Intake
from tests.builders import benign_data, with_answers
from tests.factories import bearer_token, integration
from triage.alerts import acknowledge_alert
from triage.fhir import code_system_url, evidence_extension_url
from triage.models import Alert
from triage.rules import RULES

pytestmark = pytest.mark.django_db

RESPONSES = "/fhir/QuestionnaireResponse"
EMERGENCY = {"patient.mrn": "MRN-T", "red_flags.bladder_bowel_control_loss": True}


def _response(**answers):
    return questionnaire_response(with_answers(benign_data(), answers))


def _transaction(resource) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"request": {"method": "POST", "url": "QuestionnaireResponse"}, "resource": resource}
        ],
    }


@pytest.fixture
def clinical(client_for, clinician):
    return client_for(clinician)


@pytest.fixture
def submitted(clinical):
    response = clinical.post(RESPONSES, json.dumps(_response(**EMERGENCY)), content_type=FHIR_JSON)
    assert response.status_code == 201
    return response


def test_a_submission_links_its_risk_assessment(clinical, submitted):
    link = submitted["Link"]
    assert 'rel="related"' in link and "/fhir/RiskAssessment/" in link
    url = link.split(">")[0].lstrip("<")
    assessment = clinical.get(url).json()
    RiskAssessment.model_validate(assessment)
    intake_id = submitted.json()["id"]
    assert assessment["status"] == "final"
    assert assessment["basis"] == [{"reference": f"QuestionnaireResponse/{intake_id}/_history/1"}]
    coding = assessment["prediction"][0]["qualitativeRisk"]["coding"][0]
    assert coding == {
        "system": code_system_url("triage-severities"),
        "code": "emergency",
        "display": "Emergency",
    }
    patient = Intake.objects.get(pk=intake_id).patient_id
    assert assessment["subject"] == {"reference": f"Patient/{patient}"}
    found = clinical.get("/fhir/RiskAssessment", {"basis": f"QuestionnaireResponse/{intake_id}"})
    assert [e["resource"]["id"] for e in found.json()["entry"]] == [assessment["id"]]


def test_each_flag_is_a_flag_coded_with_its_severity_and_evidence(clinical, submitted):
    intake = Intake.objects.get(pk=submitted.json()["id"])
    found = clinical.get(
        "/fhir/Flag", {"patient": f"Patient/{intake.patient_id}", "status": "active"}
    )
    Bundle.model_validate(found.json())
    flags = [entry["resource"] for entry in found.json()["entry"]]
    stored = intake.assessments.get().flags.all()
    assert {flag["code"]["coding"][0]["code"] for flag in flags} == {f.code for f in stored}
    bladder = next(
        f for f in flags if f["code"]["coding"][0]["code"] == "bladder_bowel_control_loss"
    )
    Flag.model_validate(bladder)
    assert bladder["code"]["coding"][0]["system"] == code_system_url("triage-flags")
    assert {
        "system": code_system_url("triage-severities"),
        "code": "emergency",
        "display": "Emergency",
    } in bladder["category"][0]["coding"]
    evidence = [
        e["valueString"] for e in bladder["extension"] if e["url"] == evidence_extension_url()
    ]
    assert evidence == ["red_flags.bladder_bowel_control_loss"]
    detail = [e for e in bladder["extension"] if e["url"].endswith("/flag-detail")]
    assert detail[0]["valueReference"]["reference"].startswith("RiskAssessment/")


def test_an_amendment_makes_the_old_triage_history(clinical, submitted):
    intake_id = submitted.json()["id"]
    benign = {
        **questionnaire_response(with_answers(benign_data(), {"patient.mrn": "MRN-T"})),
        "id": intake_id,
    }
    assert (
        clinical.put(
            f"{RESPONSES}/{intake_id}", json.dumps(benign), content_type=FHIR_JSON
        ).status_code
        == 200
    )
    intake = Intake.objects.get(pk=intake_id)
    active = clinical.get(
        "/fhir/Flag", {"patient": f"Patient/{intake.patient_id}", "status": "active"}
    ).json()
    assert active.get("entry", []) == []
    inactive = clinical.get("/fhir/Flag", {"status": "inactive"}).json()
    assert inactive["entry"] and all(
        e["resource"]["status"] == "inactive" for e in inactive["entry"]
    )
    first = clinical.get(
        "/fhir/RiskAssessment", {"basis": f"QuestionnaireResponse/{intake_id}/_history/1"}
    ).json()
    assert first["entry"][0]["resource"]["status"] == "amended"


def test_a_withdrawn_intakes_triage_is_entered_in_error(clinical, clinician, submitted):
    intake = Intake.objects.get(pk=submitted.json()["id"])
    acknowledge_alert(intake, by=clinician)
    withdraw_intake(intake=intake, by=clinician, reason="a test")
    flags = clinical.get("/fhir/Flag", {"status": "entered-in-error"}).json()["entry"]
    assert flags and {e["resource"]["status"] for e in flags} == {"entered-in-error"}


def test_the_front_desk_reads_the_level_not_the_flags(client_for, front_desk, submitted):
    desk = client_for(front_desk)
    url = submitted["Link"].split(">")[0].lstrip("<")
    assert desk.get(url).status_code == 200
    assert desk.get("/fhir/Flag").status_code == 403


def test_a_transaction_answers_with_the_response_its_triage_and_its_flags(client):
    token = bearer_token(
        client,
        integration("system/QuestionnaireResponse.c", "system/Flag.rs", "system/RiskAssessment.rs"),
    )
    answer = client.post(
        "/fhir/",
        json.dumps(_transaction(_response(**EMERGENCY))),
        content_type=FHIR_JSON,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 200
    result = answer.json()
    Bundle.model_validate(result)
    assert result["type"] == "transaction-response"
    types = [entry["resource"]["resourceType"] for entry in result["entry"]]
    assert types[:2] == ["QuestionnaireResponse", "RiskAssessment"] and "Flag" in types
    assert all(entry["response"]["status"] == "201 Created" for entry in result["entry"])
    assert result["entry"][0]["response"]["etag"] == 'W/"1"'


def test_a_token_without_the_flag_scope_gets_no_flags_in_the_answer(client):
    token = bearer_token(client, integration("system/QuestionnaireResponse.c"))
    answer = client.post(
        "/fhir/",
        json.dumps(_transaction(_response(**EMERGENCY))),
        content_type=FHIR_JSON,
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    types = [entry["resource"]["resourceType"] for entry in answer.json()["entry"]]
    assert types == ["QuestionnaireResponse", "RiskAssessment"]


def test_a_transaction_it_cannot_do_is_refused_naming_where(clinical):
    wrong_type = {**_transaction(_response()), "type": "batch"}
    refused = clinical.post("/fhir/", json.dumps(wrong_type), content_type=FHIR_JSON)
    assert refused.status_code == 400 and refused.json()["issue"][0]["expression"] == [
        "Bundle.type"
    ]

    bad = _response(**{**EMERGENCY, "symptoms.severity": 42})
    refused = clinical.post("/fhir/", json.dumps(_transaction(bad)), content_type=FHIR_JSON)
    assert refused.status_code == 400
    expressions = [i["expression"][0] for i in refused.json()["issue"] if i.get("expression")]
    assert all(e.startswith("Bundle.entry[0].resource") for e in expressions), expressions
    # Its emergency answer raised its alert all the same.
    assert Alert.objects.filter(level="emergency").exists()
    assert not Intake.objects.exists()


def test_the_code_systems_are_read_without_signing_in(client):
    flags = client.get("/fhir/CodeSystem/triage-flags").json()
    CodeSystem.model_validate(flags)
    assert flags["url"] == code_system_url("triage-flags")
    assert [c["code"] for c in flags["concept"]] == [rule.code for rule in RULES]
    severities = client.get("/fhir/CodeSystem/triage-severities").json()
    assert [c["code"] for c in severities["concept"]] == [
        "emergency",
        "urgent",
        "attention",
        "routine",
    ]
    missing = client.get("/fhir/CodeSystem/nothing")
    assert missing.status_code == 404 and missing.json()["resourceType"] == "OperationOutcome"


def _choice_items(items):
    for item in items:
        if item["type"] == "choice":
            yield item
        yield from _choice_items(item.get("item", []))


def test_every_answer_code_is_in_the_answers_code_system_and_each_questions_value_set(client):
    from fhir.resources.R4B.valueset import ValueSet

    from intake.fhir import CODE_SYSTEM, questionnaire

    answers = client.get("/fhir/CodeSystem/intake-answers").json()
    CodeSystem.model_validate(answers)
    assert answers["url"] == CODE_SYSTEM  # the responses' system since the start: never renamed
    known = {concept["code"] for concept in answers["concept"]}
    for item in _choice_items(questionnaire()["item"]):
        offered = [option["valueCoding"]["code"] for option in item["answerOption"]]
        assert set(offered) <= known, item["linkId"]
        value_set = client.get(
            f"/fhir/ValueSet/{item['linkId'].replace('.', '-').replace('_', '-')}"
        )
        assert value_set.status_code == 200, item["linkId"]
        ValueSet.model_validate(value_set.json())
        listed = [c["code"] for c in value_set.json()["expansion"]["contains"]]
        assert listed == offered
        assert value_set.json()["compose"]["include"][0]["system"] == CODE_SYSTEM


def test_the_triage_code_systems_have_value_sets_and_nothing_else_is_one(client):
    flags = client.get("/fhir/ValueSet/triage-flags").json()
    assert flags["compose"]["include"] == [{"system": code_system_url("triage-flags")}]
    assert client.get("/fhir/ValueSet/nothing").status_code == 404
