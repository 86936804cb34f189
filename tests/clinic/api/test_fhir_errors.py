"""#18 item 5: every 4xx and 5xx under /fhir/ is an OperationOutcome, and only JSON is spoken:
`_format` and Accept are honoured, XML is a 406 (asked for) or a 415 (sent)."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome

from clinic.api.fhir.views import QuestionnaireView
from intake.models import Intake
from tests.clinic.api.test_fhir import FHIR_JSON, QUESTIONNAIRE_PATH, RESPONSES_PATH

pytestmark = pytest.mark.django_db

XML = "application/fhir+xml"


def an_outcome(response, status: int, code: str) -> OperationOutcome:
    assert response.status_code == status
    assert response["Content-Type"].startswith(FHIR_JSON)
    outcome = OperationOutcome.model_validate(response.json())
    assert [issue.code for issue in outcome.issue] == [code]
    return outcome


def test_an_address_with_nothing_at_it_is_a_not_found_outcome(client_for, clinician):
    an_outcome(client_for(clinician).get("/fhir/Observation/123"), 404, "not-found")


def test_a_method_not_offered_is_a_not_supported_outcome(client_for, clinician):
    response = client_for(clinician).delete(QUESTIONNAIRE_PATH)
    an_outcome(response, 405, "not-supported")
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("wanted", ["json", "application/fhir+json", "application/json"])
def test_json_asked_for_by_format_is_served(client_for, clinician, wanted):
    response = client_for(clinician).get(QUESTIONNAIRE_PATH, {"_format": wanted})
    assert response.status_code == 200 and response.json()["resourceType"] == "Questionnaire"


@pytest.mark.parametrize("wanted", ["xml", XML, "text/turtle"])
def test_another_format_asked_for_is_a_406_outcome(client_for, clinician, wanted):
    response = client_for(clinician).get(QUESTIONNAIRE_PATH, {"_format": wanted})
    outcome = an_outcome(response, 406, "not-supported")
    assert "_format=json" in outcome.issue[0].diagnostics


def test_xml_asked_for_by_accept_is_a_406_outcome(client_for, clinician):
    an_outcome(client_for(clinician).get(QUESTIONNAIRE_PATH, HTTP_ACCEPT=XML), 406, "not-supported")


def test_xml_sent_is_a_415_outcome_and_creates_nothing(client_for, front_desk):
    response = client_for(front_desk).post(
        RESPONSES_PATH, data="<QuestionnaireResponse/>", content_type=XML
    )
    an_outcome(response, 415, "not-supported")
    assert not Intake.objects.exists()


def test_a_server_error_is_an_exception_outcome_that_tells_nothing(
    client_for, clinician, monkeypatch, caplog
):
    def fail(self, request):
        raise RuntimeError("internal detail that must not reach the client")

    monkeypatch.setattr(QuestionnaireView, "get", fail)
    client = client_for(clinician)
    client.raise_request_exception = False

    response = client.get(QUESTIONNAIRE_PATH)

    outcome = an_outcome(response, 500, "exception")
    assert "internal detail" not in json.dumps(response.json())
    assert outcome.issue[0].diagnostics == "Internal Server Error"
    assert "internal detail" in caplog.text  # logged for the operators, as any server error


def test_a_refused_csrf_check_is_a_forbidden_outcome(clinician):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    response = client.post(RESPONSES_PATH, data="{}", content_type=FHIR_JSON)
    an_outcome(response, 403, "forbidden")
    assert not Intake.objects.exists()


def test_errors_elsewhere_stay_pages(client_for, clinician):
    response = client_for(clinician).get("/worklist/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
