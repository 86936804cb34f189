"""Every page that shows patient data leaves an audit record, and so does every change.

Walks the URL resolver: a route must be either in AUDITED (how to call it, and the record
it must leave) or in SHOWS_NO_PATIENT_DATA (and why), so a new URL is covered the day it
is added.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse
from django.utils import timezone

from audit.models import AuditEvent
from intake.fhir import questionnaire_response
from tests.intake.conftest import VIGNETTES
from tests.security.access_matrix import is_admin_site
from tests.security.conftest import Clinic
from tests.urlwalk import Route, all_routes

Action = AuditEvent.Action
INTAKE = "intake.Intake"
DOCUMENT = VIGNETTES["10-hypothyroid"]["document"]


@dataclass(frozen=True)
class Call:
    """How to call a route, as whom, and the audit record it must leave."""

    role: str  # a column of the access matrix
    method: str
    action: str
    object_type: str = INTAKE  # "" for a page about many patients (a list, a search)
    subject: str = "submitted"  # the intake in the URL (tests/security/conftest.py)
    body: Callable[[Clinic], object] | None = None  # form data, or a JSON value for the API
    first: str = ""  # a route to POST to before (the patient submits, then sees the result)
    new: bool = False  # the record names a new intake, not the one in the URL


def _same_patient_again(clinic: Clinic) -> dict[str, str]:
    patient = clinic.draft.patient
    return {
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "preferred_language": "en",
    }


def _note(clinic: Clinic) -> dict[str, str]:
    return {"text": "Called back; booked for Monday."}


def _a_patient(clinic: Clinic) -> dict[str, str]:
    return {"patient": str(clinic.draft.patient_id)}


def _called_911(clinic: Clinic) -> dict[str, str]:
    return {"kind": "called_911", "note": ""}


def _a_day_file(clinic: Clinic) -> dict[str, object]:
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    header = "date,time,given_name,family_name,date_of_birth,reason"
    data = f"{header}\n{tomorrow},09:00,Al,Bo,1960-01-01,Numb\n"
    return {"file": SimpleUploadedFile("day.csv", data.encode())}


def _document(clinic: Clinic) -> dict[str, object]:
    return DOCUMENT


def _fhir_response(clinic: Clinic) -> dict[str, object]:
    return questionnaire_response(DOCUMENT)


AUDITED: dict[str, Call] = {
    # the front desk
    "intake:desk": Call("front_desk", "GET", Action.VIEW, ""),  # the open drafts, by name
    "intake:patient-new": Call("front_desk", "POST", Action.VIEW, "", body=_same_patient_again),
    # A patient without a draft: one with a draft resumes it (the step page is audited).
    "intake:start": Call("front_desk", "POST", Action.CREATE, new=True),
    "intake:day": Call("front_desk", "GET", Action.VIEW, ""),  # the day's patients, by name
    "intake:visits-import": Call("front_desk", "POST", Action.IMPORT, "", body=_a_day_file),
    "intake:visit-new": Call("front_desk", "GET", Action.VIEW, "intake.Patient", subject="draft"),
    "intake:visit": Call("front_desk", "GET", Action.VIEW, "intake.Visit", subject="draft"),
    "intake:visit-send": Call(
        "front_desk", "POST", Action.LINK, subject="draft", body=lambda clinic: {"by": "print"}
    ),
    "intake:link-revoke": Call("front_desk", "POST", Action.REVOKE, subject="draft"),
    "intake:step": Call("front_desk", "GET", Action.VIEW, subject="draft"),
    "intake:review": Call("front_desk", "GET", Action.VIEW, subject="draft"),
    "intake:submit": Call("front_desk", "POST", Action.SUBMIT, subject="draft"),
    "intake:submitted": Call("front_desk", "GET", Action.VIEW),
    "intake:escalated": Call(
        "front_desk", "POST", Action.ESCALATE, "triage.TriageAssessment", body=_called_911
    ),
    "intake:amend": Call("clinician", "GET", Action.VIEW),
    "intake:alerts": Call("front_desk", "GET", Action.VIEW, ""),  # the open alerts, by name
    "intake:alert-action": Call(
        "front_desk", "POST", Action.DESK_ACTION, "triage.Alert", body=_called_911
    ),
    "intake:alert-acknowledge": Call("clinician", "POST", Action.ACKNOWLEDGE, "triage.Alert"),
    "intake:alert-attach": Call(
        "front_desk", "POST", Action.UPDATE, "triage.Alert", subject="refused", body=_a_patient
    ),
    "patient:kiosk-start": Call("front_desk", "POST", Action.KIOSK, subject="draft"),
    "patient:link-new": Call("front_desk", "POST", Action.LINK, subject="draft"),
    # the patient, who has no account
    "patient:kiosk-step": Call("kiosk", "GET", Action.VIEW, subject="draft"),
    "patient:kiosk-submit": Call("kiosk", "POST", Action.SUBMIT, subject="draft"),
    "patient:kiosk-done": Call(
        "kiosk", "GET", Action.VIEW, subject="draft", first="patient:kiosk-submit"
    ),
    "patient:link-start": Call("anonymous", "GET", Action.VIEW, subject="draft"),
    "patient:link-step": Call("anonymous", "GET", Action.VIEW, subject="draft"),
    "patient:link-submit": Call("anonymous", "POST", Action.SUBMIT, subject="draft"),
    "patient:link-done": Call(
        "anonymous", "GET", Action.VIEW, subject="draft", first="patient:link-submit"
    ),
    # the clinician
    "triage:worklist": Call("clinician", "GET", Action.VIEW, ""),
    "triage:intake": Call("clinician", "GET", Action.VIEW),
    "triage:acknowledge": Call("clinician", "POST", Action.ACKNOWLEDGE, "triage.TriageFlag"),
    "triage:reviewed": Call("clinician", "POST", Action.REVIEW),
    # Its emergency alert is acknowledged first: an open alert is never withdrawn with it.
    "triage:withdraw": Call(
        "clinician",
        "POST",
        Action.WITHDRAW_INTAKE,
        body=lambda clinic: {"reason": "a test patient"},
        first="intake:alert-acknowledge",
    ),
    "triage:note": Call(
        "clinician",
        "POST",
        Action.CREATE,
        "triage.ClinicianNote",
        body=_note,
    ),
    "reports:summary-status": Call("clinician", "GET", Action.VIEW, subject="summary"),
    "reports:summary-retry": Call("clinician", "POST", Action.UPDATE, "reports.PreVisitSummary"),
    "reports:summary-pdf": Call("clinician", "GET", Action.DOWNLOAD, subject="summary"),
    # the API and FHIR
    "api:intake": Call("clinician", "GET", Action.VIEW),
    "api:intakes": Call("front_desk", "POST", Action.SUBMIT, body=_document, new=True),
    "fhir:questionnaire-response": Call("clinician", "GET", Action.VIEW),
    "fhir:questionnaire-response-history": Call("clinician", "GET", Action.VIEW),
    "fhir:questionnaire-response-version": Call("clinician", "GET", Action.VIEW),
    "fhir:patients": Call("front_desk", "GET", Action.VIEW, object_type=""),
    "fhir:patient": Call("front_desk", "GET", Action.VIEW, object_type="intake.Patient"),
    "fhir:risk-assessments": Call("front_desk", "GET", Action.VIEW, object_type=""),
    "fhir:risk-assessment": Call("front_desk", "GET", Action.VIEW),
    "fhir:flags": Call("clinician", "GET", Action.VIEW, object_type=""),
    "fhir:flag": Call("clinician", "GET", Action.VIEW),
    "fhir:questionnaire-responses": Call(
        "front_desk",
        "POST",
        Action.SUBMIT,
        new=True,
        body=_fhir_response,
    ),
    "fhir:populate": Call(
        "front_desk",
        "POST",
        Action.VIEW,
        object_type="intake.Patient",
        body=lambda clinic: {
            "resourceType": "Parameters",
            "parameter": [
                {
                    "name": "subject",
                    "valueReference": {"reference": f"Patient/{clinic.submitted.patient_id}"},
                }
            ],
        },
    ),
    "fhir:extract": Call("clinician", "POST", Action.VIEW),
    "fhir:transaction": Call(
        "front_desk",
        "POST",
        Action.SUBMIT,
        new=True,
        body=lambda clinic: {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "request": {"method": "POST", "url": "QuestionnaireResponse"},
                    "resource": _fhir_response(clinic),
                }
            ],
        },
    ),
    # the administrator
    "audit:trail": Call("admin", "GET", Action.VIEW, ""),
    "audit:export": Call("admin", "GET", Action.EXPORT, ""),
}

SHOWS_NO_PATIENT_DATA: dict[str, str] = {
    "healthz": "the database's and the broker's health",
    "desk": "a redirect to the front desk's page",
    "accounts:home": "the tools of the user's role",
    "accounts:login": "the sign-in form",
    "accounts:otp-verify": "the code form",
    "accounts:otp-setup": "the user's own authenticator",
    "accounts:settings": "the user's own settings",
    "accounts:keepalive": "an empty answer",
    "accounts:logout": "signs out",
    "patient:set_language": "sets a cookie",
    "triage:trends": "counts per day and a median, no patient",
    "triage:emergency-count": "one number",
    "intake:alerts-count": "one number",
    "intake:resume": "opens the draft at its first step not complete; the step page is audited",
    "intake:visit-start": "opens the visit's intake; the step page it leads to is audited, and "
    "a new draft records its creation",
    "intake:desk-search": "keeps the search in the session; the desk it leads to is audited",
    "triage:worklist-search": "keeps the filters; the worklist it leads to is audited",
    "api:evaluate": "triages the caller's own document; nothing stored is read or written",
    "api:schema": "the API's description",
    "fhir:questionnaire": "the questions",
    "fhir:questionnaires": "the questions, found by their canonical",
    # Each token issued is on record (tests/accounts/test_integrations.py); neither holds
    # patient data.
    "fhir:metadata": "what the server does",
    "fhir:code-system": "the answers' and the triage's codes",
    "fhir:value-set": "the answers one question offers",
    "fhir:smart-configuration": "where the tokens are",
    "smart-configuration": "where the tokens are",
    "oauth:token": "an integration's access token",
    "oauth:revoke": "an integration revoking its own token",
}

ROUTES = [route for route in all_routes() if not is_admin_site(route.name)]
PATIENT_DATA_APPS = {"intake", "triage", "reports"}


def route_named(name: str) -> Route:
    return next(route for route in all_routes() if route.name == name)


def test_every_route_is_audited_or_shows_no_patient_data():
    names = {route.name for route in ROUTES}
    unknown = names - set(AUDITED) - set(SHOWS_NO_PATIENT_DATA)
    assert not unknown, f"say in tests/security/test_audit.py how {unknown} is audited"
    assert not set(AUDITED) & set(SHOWS_NO_PATIENT_DATA)
    assert set(AUDITED) | set(SHOWS_NO_PATIENT_DATA) <= names


def test_the_admin_site_shows_no_patient_data():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert not registered & PATIENT_DATA_APPS


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(AUDITED))
def test_reading_or_changing_patient_data_leaves_a_record(
    clinic, client_as, front_desk, clinician, admin_user, name
):
    call = AUDITED[name]
    url = clinic.url(route_named(name), subject=call.subject)
    client = client_as(call.role)
    if call.first:
        client.post(clinic.url(route_named(call.first), subject=call.subject))
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    response = _send(client, call, url, clinic)

    assert response.status_code < 400, response.status_code
    events = AuditEvent.objects.filter(pk__gt=since, action=call.action)
    event = events.get(object_type=call.object_type)
    if call.object_type == INTAKE and not call.new:
        intake = clinic.draft if call.subject == "draft" else clinic.submitted
        assert event.object_id == str(intake.pk)
    staff = {"front_desk": front_desk, "clinician": clinician, "admin": admin_user}
    assert event.actor == staff.get(call.role)
    assert event.actor_label and event.client_address == "127.0.0.1" and event.at


def _send(client, call: Call, url: str, clinic: Clinic):
    if call.body is None:
        return client.generic(call.method, url)
    body = call.body(clinic)
    if resolve(url).namespace in {"api", "fhir"}:
        return client.post(url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


@pytest.mark.django_db
def test_the_patient_link_pages_record_the_patient_as_the_reader(clinic, client):
    client.get(reverse("patient:link-step", args=[clinic.token, "symptoms"]))

    event = AuditEvent.objects.get(action=Action.VIEW, object_id=str(clinic.draft.pk))
    assert (event.actor, event.actor_label) == (None, "patient link")
    assert event.detail == {"page": "step", "step": "symptoms"}


@pytest.mark.django_db
def test_a_pending_summary_panel_polled_every_few_seconds_records_nothing(
    clinic, client_for, clinician
):
    url = reverse("reports:summary-status", args=[clinic.submitted.pk])
    events = AuditEvent.objects.count()

    assert client_for(clinician).get(url).status_code == 200
    assert AuditEvent.objects.count() == events
