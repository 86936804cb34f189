"""A FHIR client nobody on this project wrote (fhirpy) against the live test server: it
discovers, authorises with client credentials, creates, reads, searches and updates."""

import pytest
import requests
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import AuthorizationError, MultipleResourcesFound

from intake.fhir import questionnaire_response
from intake.models import Intake
from tests.builders import benign_data, with_answers
from tests.factories import integration

pytestmark = pytest.mark.django_db(transaction=True)

QR = "system/QuestionnaireResponse"


@pytest.fixture
def fhir_base(live_server, settings) -> str:
    settings.PUBLIC_BASE_URL = live_server.url  # the address the server says it is at
    return f"{live_server.url}/fhir"


def _token(fhir_base: str, scope: str) -> str:
    """Discovery first, as a SMART backend service does: the token endpoint is read from the
    SMART configuration at the FHIR base, then asked with the client's id and secret."""
    config = requests.get(f"{fhir_base}/.well-known/smart-configuration", timeout=10).json()
    assert "client_credentials" in config["grant_types_supported"]
    registered, secret = integration(f"{QR}.cruds", "system/Patient.rs")
    answer = requests.post(
        config["token_endpoint"],
        data={"grant_type": "client_credentials", "scope": scope},
        auth=(registered.application.client_id, secret),
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_a_standard_client_discovers_authorises_creates_reads_searches_and_updates(fhir_base):
    anonymous = SyncFHIRClient(fhir_base)
    statement = anonymous.execute("metadata", method="get")
    assert statement["resourceType"] == "CapabilityStatement"
    served = {resource["type"] for resource in statement["rest"][0]["resource"]}
    assert {"QuestionnaireResponse", "Patient", "Questionnaire"} <= served
    questionnaire = anonymous.get("Questionnaire", "leg-numbness-intake")
    assert questionnaire["resourceType"] == "Questionnaire"
    with pytest.raises(AuthorizationError):  # no token, no patient data
        anonymous.resources("QuestionnaireResponse").fetch()

    token = _token(fhir_base, f"{QR}.cruds system/Patient.rs")
    client = SyncFHIRClient(fhir_base, authorization=f"Bearer {token}")

    document = with_answers(benign_data(), {"patient.mrn": "MRN-FHIRPY"})
    created = client.resource("QuestionnaireResponse", **questionnaire_response(document))
    created.save()
    assert created.id and created["status"] == "completed"
    intake = Intake.objects.get(pk=created.id)
    assert intake.submitted_by.username.startswith("integration-clinic-ehr-")

    read = client.get("QuestionnaireResponse", created.id)
    assert read["meta"]["versionId"] == "1"

    patient = client.resources("Patient").search(identifier="MRN-FHIRPY").first()
    assert patient is not None and patient.id == str(intake.patient_id)
    found = client.resources("QuestionnaireResponse").search(patient=f"Patient/{patient.id}")
    assert [response.id for response in found.fetch_all()] == [created.id]

    # Update with If-Match: the version read; a stale one is refused.
    changed = with_answers(document, {"symptoms.severity": 7})
    body = {**questionnaire_response(changed), "id": created.id}
    guarded = SyncFHIRClient(
        fhir_base, authorization=f"Bearer {token}", extra_headers={"If-Match": 'W/"1"'}
    )
    updated = guarded.resource("QuestionnaireResponse", **body)
    updated.save()
    assert updated["status"] == "amended" and updated["meta"]["versionId"] == "2"
    with pytest.raises(MultipleResourcesFound, match="changed since that version"):
        # fhirpy reads any 412 Precondition Failed as this, its conditional update's error.
        guarded.resource("QuestionnaireResponse", **body).save()
    intake.refresh_from_db()
    assert (intake.version, intake.severity) == (2, 7)


def test_pages_are_followed_by_the_client_to_the_end(fhir_base):
    token = _token(fhir_base, f"{QR}.cs")
    client = SyncFHIRClient(fhir_base, authorization=f"Bearer {token}")
    for number in range(5):
        document = with_answers(benign_data(), {"patient.mrn": f"MRN-PAGE-{number}"})
        client.resource("QuestionnaireResponse", **questionnaire_response(document)).save()
    every = client.resources("QuestionnaireResponse").limit(2).fetch_all()
    assert len(every) == 5 == len({response.id for response in every})
