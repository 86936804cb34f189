"""Discovery: the CapabilityStatement and the SMART configuration, read before any token,
and true: every interaction and search parameter the statement lists is answered."""

import json

import pytest
from django.test import Client
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from accounts.scopes import GRANTABLE_SCOPES
from clinic.api.fhir.discovery import SERVED
from clinic.submission import create_intake_from_document
from intake.document import parse_document
from intake.fhir import (
    FHIR_JSON,
    QUESTIONNAIRE_ID,
    mrn_system,
    questionnaire_response,
    questionnaire_url,
)
from tests.builders import benign_data, with_answers
from tests.factories import UserFactory, bearer_token, integration
from triage.fhir import flag_id, risk_assessment_id

SMART_PATHS = ("/fhir/.well-known/smart-configuration", "/.well-known/smart-configuration")

# A value for each search parameter the statement lists: a new one without a value here
# fails `test_every_search_parameter_listed_is_answered`.
SEARCH_VALUES = {
    ("Questionnaire", "url"): lambda intake: questionnaire_url(),
    ("QuestionnaireResponse", "patient"): lambda intake: f"Patient/{intake.patient_id}",
    ("QuestionnaireResponse", "subject:identifier"): lambda intake: intake.patient.mrn,
    ("QuestionnaireResponse", "status"): lambda intake: "completed",
    ("QuestionnaireResponse", "authored"): lambda intake: f"ge{intake.updated_at.date()}",
    ("QuestionnaireResponse", "questionnaire"): lambda intake: questionnaire_url(),
    ("Patient", "identifier"): lambda intake: f"{mrn_system()}|{intake.patient.mrn}",
    ("RiskAssessment", "basis"): lambda intake: f"QuestionnaireResponse/{intake.pk}",
    ("RiskAssessment", "patient"): lambda intake: f"Patient/{intake.patient_id}",
    ("Flag", "patient"): lambda intake: f"Patient/{intake.patient_id}",
    ("Flag", "status"): lambda intake: "active",
}


def test_the_capability_statement_is_read_without_signing_in_and_is_valid_fhir(client):
    response = client.get("/fhir/metadata")
    assert response.status_code == 200 and response["Content-Type"].startswith(FHIR_JSON)
    statement = response.json()
    CapabilityStatement.model_validate(statement)
    assert statement["fhirVersion"] == "4.0.1" and statement["kind"] == "instance"
    assert set(statement["format"]) == {"json", "application/fhir+json"}


def test_it_names_smart_and_where_the_tokens_are(client):
    security = client.get("/fhir/metadata").json()["rest"][0]["security"]
    assert security["service"][0]["coding"][0]["code"] == "SMART-on-FHIR"
    uris = {item["url"]: item["valueUri"] for item in security["extension"][0]["extension"]}
    assert uris["token"].endswith("/oauth/token") and uris["revoke"].endswith("/oauth/revoke")
    assert uris["token"] == client.get(SMART_PATHS[0]).json()["token_endpoint"]


def test_the_smart_configuration_is_at_the_fhir_base_and_the_root_alike(client):
    first, second = (client.get(path) for path in SMART_PATHS)
    assert first.status_code == second.status_code == 200
    assert first["Content-Type"].startswith("application/json")
    assert first.json() == second.json()
    config = first.json()
    assert config["grant_types_supported"] == ["client_credentials"]
    assert set(config["scopes_supported"]) == set(GRANTABLE_SCOPES)
    assert {"client-confidential-symmetric", "permission-v2"} <= set(config["capabilities"])


@pytest.mark.django_db
def test_the_token_endpoint_it_names_gives_a_token(client):
    registered, secret = integration("system/Patient.rs")
    token_path = "/" + client.get(SMART_PATHS[0]).json()["token_endpoint"].split("/", 3)[3]
    response = client.post(
        token_path,
        {
            "grant_type": "client_credentials",
            "client_id": registered.application.client_id,
            "client_secret": secret,
        },
    )
    assert response.status_code == 200 and response.json()["token_type"] == "Bearer"


@pytest.fixture
def as_integration(db):
    """A client holding every scope, and one stored intake."""
    client = Client()
    token = bearer_token(client, integration())
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    desk = UserFactory(username="fran", role="front_desk")
    # With a flag, so that every resource type has one to read and find.
    document = with_answers(
        benign_data(),
        {"patient.mrn": "MRN-20261204", "red_flags.bladder_bowel_control_loss": True},
    )
    intake = create_intake_from_document(parse_document(document), by=desk).intake
    return client, intake


def _instance_id(resource_type: str, intake) -> str:
    assessment = intake.assessments.get()
    return {
        "Questionnaire": QUESTIONNAIRE_ID,
        "Patient": str(intake.patient_id),
        "RiskAssessment": risk_assessment_id(assessment),
        "Flag": flag_id(assessment.flags.first()),
        "CodeSystem": "triage-flags",
        "ValueSet": "symptoms-sides",
    }.get(resource_type, str(intake.pk))


def _interaction(client: Client, resource_type: str, code: str, intake):
    base = f"/fhir/{resource_type}"
    instance = f"{base}/{_instance_id(resource_type, intake)}"
    if code == "read":
        return client.get(instance)
    if code == "vread":
        return client.get(f"{instance}/_history/1")
    if code == "history-instance":
        return client.get(f"{instance}/_history")
    if code == "update":
        current = client.get(instance)
        return client.put(
            instance, current.content, content_type=FHIR_JSON, HTTP_IF_MATCH=current["ETag"]
        )
    if code == "search-type":
        return client.get(base)
    if code == "create":
        body = questionnaire_response(benign_data())
        return client.post(base, json.dumps(body), content_type=FHIR_JSON)
    raise AssertionError(f"no call known for the interaction {code!r}: add one here")


@pytest.mark.parametrize(
    ("resource_type", "code"),
    [(served.type, code) for served in SERVED for code in served.interactions],
)
def test_every_interaction_listed_is_answered(as_integration, resource_type, code):
    client, intake = as_integration
    response = _interaction(client, resource_type, code, intake)
    assert response.status_code in (200, 201), response.content
    assert response.json()["resourceType"] in (resource_type, "Bundle")


@pytest.mark.parametrize(
    ("resource_type", "name"),
    [(served.type, param.name) for served in SERVED for param in served.search],
)
def test_every_search_parameter_listed_is_answered(as_integration, resource_type, name):
    client, intake = as_integration
    value = SEARCH_VALUES[(resource_type, name)](intake)
    bundle = client.get(f"/fhir/{resource_type}", {name: value}).json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    assert len(bundle["entry"]) >= 1


def test_every_system_interaction_listed_is_answered(as_integration):
    client, _intake = as_integration
    transaction = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "request": {"method": "POST", "url": "QuestionnaireResponse"},
                "resource": questionnaire_response(benign_data()),
            }
        ],
    }
    statement = client.get("/fhir/metadata").json()
    assert [i["code"] for i in statement["rest"][0]["interaction"]] == ["transaction"]
    answer = client.post("/fhir/", json.dumps(transaction), content_type=FHIR_JSON)
    assert answer.status_code == 200 and answer.json()["type"] == "transaction-response"


def test_every_resource_listed_has_the_scope_to_reach_it():
    smart = {scope.split("/")[1].split(".")[0] for scope in GRANTABLE_SCOPES if "/" in scope}
    assert {served.type for served in SERVED} <= smart


@pytest.mark.parametrize(
    ("resource_type", "name"),
    [(served.type, name) for served in SERVED for name, _definition in served.operations],
)
def test_every_operation_listed_is_answered(as_integration, resource_type, name):
    client, intake = as_integration
    calls = {
        ("Questionnaire", "populate"): lambda: client.get(
            f"/fhir/Questionnaire/{QUESTIONNAIRE_ID}/$populate",
            {"subject": f"Patient/{intake.patient_id}"},
        ),
        ("QuestionnaireResponse", "extract"): lambda: client.post(
            f"/fhir/QuestionnaireResponse/{intake.pk}/$extract"
        ),
    }
    response = calls[(resource_type, name)]()
    assert response.status_code == 200, response.content
    assert response.json()["resourceType"] in ("Parameters", "Bundle")
