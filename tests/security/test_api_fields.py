"""Every field of every API and FHIR response, per role: no role gets a field more than its
HTML pages show it (security issue 14, item 2).

The front desk's pages show the answers and the result page (the level, and the flags that
say what to do now); a clinician's and an admin's also show every flag's evidence, the
suggested tests and the pre-visit summary. The expected fields are data, in
`tests/security/access_matrix.py`'s `RESPONSE_FIELDS`.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from intake.fhir import FHIR_JSON, questionnaire_response
from tests.builders import VIGNETTES, VIGNETTES_2026_11, load_vignette
from tests.security.access_matrix import ANSWER_FIELDS, RESPONSE_FIELDS, STAFF
from tests.security.conftest import rolled_back
from tests.urlwalk import all_routes
from triage.fhir import flag_id, risk_assessment_id

pytestmark = pytest.mark.django_db

DOCUMENT = load_vignette(VIGNETTES[1])["document"]  # bladder loss: flags and suggested tests
FHIR_DOCUMENT = load_vignette(VIGNETTES_2026_11[1])["document"]


def field_paths(value: object, prefix: str = "") -> frozenset[str]:
    """Every key path in a JSON value, lists as `[]`: {"a": [{"b": 1}]} → a, a[], a[].b.

    The answers (ANSWER_FIELDS) count as one field each: they are what the staff entered,
    and every staff role sees all of them on the steps and review pages.
    """
    paths: set[str] = set()
    if prefix.rsplit(".", 1)[-1] in ANSWER_FIELDS:
        return frozenset()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            paths |= {path} | field_paths(child, path)
    elif isinstance(value, list):
        for child in value:
            paths |= {f"{prefix}[]"} | field_paths(child, f"{prefix}[]")
    return frozenset(paths)


def responses(clinic, client) -> dict[str, object]:
    """Each API and FHIR route's successful answer, as JSON, to one client."""
    intake = clinic.submitted
    assert clinic.summary.status == "ready"  # so the summary's own fields are there to see
    post = json.dumps(DOCUMENT)
    fhir_post = json.dumps(questionnaire_response(FHIR_DOCUMENT))
    calls = {
        "api:intake": lambda: client.get(reverse("api:intake", args=[intake.pk])),
        "api:intakes": lambda: client.post(
            reverse("api:intakes"), post, content_type="application/json"
        ),
        "api:evaluate": lambda: client.post(
            reverse("api:evaluate"), post, content_type="application/json"
        ),
        "fhir:questionnaire-response": lambda: client.get(
            reverse("fhir:questionnaire-response", args=[intake.pk])
        ),
        "fhir:questionnaire-responses": lambda: client.post(
            reverse("fhir:questionnaire-responses"), fhir_post, content_type=FHIR_JSON
        ),
        "fhir:questionnaire-response-history": lambda: client.get(
            reverse("fhir:questionnaire-response-history", args=[intake.pk])
        ),
        "fhir:questionnaire-response-version": lambda: client.get(
            reverse("fhir:questionnaire-response-version", args=[intake.pk, "1"])
        ),
        "fhir:patients": lambda: client.get(reverse("fhir:patients")),
        "fhir:patient": lambda: client.get(reverse("fhir:patient", args=[intake.patient_id])),
        "fhir:transaction": lambda: client.post(
            reverse("fhir:transaction"),
            json.dumps(
                {
                    "resourceType": "Bundle",
                    "type": "transaction",
                    "entry": [
                        {
                            "request": {"method": "POST", "url": "QuestionnaireResponse"},
                            "resource": questionnaire_response(FHIR_DOCUMENT),
                        }
                    ],
                }
            ),
            content_type=FHIR_JSON,
        ),
        "fhir:risk-assessments": lambda: client.get(reverse("fhir:risk-assessments")),
        "fhir:populate": lambda: client.get(
            reverse("fhir:populate"), {"subject": f"Patient/{intake.patient_id}"}
        ),
        "fhir:extract": lambda: client.post(reverse("fhir:extract", args=[intake.pk])),
        "fhir:risk-assessment": lambda: client.get(
            reverse("fhir:risk-assessment", args=[risk_assessment_id(intake.assessments.first())])
        ),
        "fhir:flags": lambda: client.get(reverse("fhir:flags")),
        "fhir:flag": lambda: client.get(
            reverse("fhir:flag", args=[flag_id(intake.assessments.first().flags.first())])
        ),
    }
    answers = {}
    for name, call in calls.items():
        with rolled_back():
            response = call()
            answers[name] = (response.status_code, response.json())
    return answers


def test_every_api_and_fhir_route_that_answers_patient_data_is_listed():
    """A new API or FHIR read must say, here, what each role gets from it."""
    without_patient_data = {
        "api:schema",
        "fhir:questionnaire",
        "fhir:questionnaires",
        "fhir:metadata",
        "fhir:smart-configuration",
        "fhir:code-system",
        "fhir:value-set",
    }
    routes = {route.name for route in all_routes() if route.name.startswith(("api:", "fhir:"))}
    assert routes - without_patient_data == set(RESPONSE_FIELDS)


@pytest.mark.parametrize("role", STAFF)
def test_each_role_gets_exactly_the_fields_its_pages_show(clinic, client_as, role):
    got = responses(clinic, client_as(role))
    assert set(got) == set(RESPONSE_FIELDS)
    wrong = {}
    for name, (status, body) in got.items():
        want_status, want_fields = RESPONSE_FIELDS[name][role]
        fields = field_paths(body) if status < 400 else frozenset()
        if (status, fields) != (want_status, want_fields):
            wrong[name] = {
                "status": (status, want_status),
                "more": sorted(fields - want_fields),
                "fewer": sorted(want_fields - fields),
            }
    assert not wrong, wrong


def test_the_front_desk_and_a_clinician_read_the_same_answers(clinic, client_as):
    """What both may see is the same, not only the same shape."""
    desk, clinician = (responses(clinic, client_as(role)) for role in ("front_desk", "clinician"))
    assert desk["api:intake"][1]["document"] == clinician["api:intake"][1]["document"]
    assert desk["fhir:questionnaire-response"] == clinician["fhir:questionnaire-response"]
    assert desk["api:intake"][1]["triage"]["flags"] == [
        {key: flag[key] for key in ("code", "severity", "title")}
        for flag in clinician["api:intake"][1]["triage"]["flags"]
        if flag["severity"] == "emergency"
    ]
