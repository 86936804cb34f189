"""`/api/v1/intakes`: submit an intake document, read an intake back."""

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from audit.models import AuditEvent
from intake.document import document_to_dict, parse_document
from intake.document.nesting import MAX_DEPTH, TOO_DEEP
from intake.models import Intake, IntakeVersion, Patient
from intake.services import save_patient, start_intake
from reports.building import build_summary
from reports.models import PreVisitSummary
from tests.builders import VIGNETTES, benign_data, load_vignette, with_answers
from tests.reports.test_evaluate_command import row_counts
from triage.models import Alert, ReaskedAnswer

URL = "/api/v1/intakes"
EMERGENCY = load_vignette(VIGNETTES[1])  # bladder loss
REFUSED = {401, 403}
FLAG_KEYS = {"code", "severity", "title", "evidence", "source"}


def submit(client, data: object, **extra):
    return client.post(URL, data=json.dumps(data), content_type="application/json", **extra)


def views_of(intake_id) -> int:
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, object_id=str(intake_id)
    ).count()


@pytest.fixture
def submitted(front_desk) -> Intake:
    desk = Client()  # its own client: the test's `client` stays signed out
    desk.force_login(front_desk)
    response = submit(desk, EMERGENCY["document"])
    assert response.status_code == 201
    return Intake.objects.get(pk=response.json()["id"])


@pytest.fixture
def draft(front_desk) -> Intake:
    patient = save_patient(
        Patient(given_name="Dana", family_name="Draft", date_of_birth="1980-01-02"), by=front_desk
    )
    return start_intake(patient=patient, by=front_desk)


# --- POST /api/v1/intakes ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", VIGNETTES, ids=lambda path: path.stem)
def test_submitting_a_vignette_creates_one_intake_triaged_as_the_reference(
    client_for, clinician, path
):
    vignette = load_vignette(path)
    before = Intake.objects.count()
    response = submit(client_for(clinician), vignette["document"])
    assert response.status_code == 201
    body = response.json()
    assert Intake.objects.count() == before + 1
    intake = Intake.objects.get(pk=body["id"])
    assert (intake.status, intake.version, intake.channel) == ("submitted", 1, "api")
    assert body["status"] == "submitted"
    assert body["version"] == 1
    assert body["level"] == vignette["reference"]["level"] == intake.triage_level
    assert sorted(flag["code"] for flag in body["flags"]) == sorted(vignette["reference"]["flags"])
    assert all(set(flag) == FLAG_KEYS for flag in body["flags"])
    assert response["Location"].endswith(f"{URL}/{intake.pk}")
    stored = IntakeVersion.objects.get(intake=intake, number=1).document
    assert stored == document_to_dict(parse_document(vignette["document"]))


@pytest.mark.django_db
def test_a_document_is_never_asked_again_and_its_words_still_flag(client_for, front_desk):
    typed = with_answers(benign_data(), {"symptoms.description": "No bladder problems"})

    response = submit(client_for(front_desk), typed)

    assert response.status_code == 201
    assert "free_text_red_flag" in {flag["code"] for flag in response.json()["flags"]}
    assert Intake.objects.get(pk=response.json()["id"]).bladder_bowel_control_loss is False
    assert not ReaskedAnswer.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["front_desk", "clinician", "admin_user"])
def test_each_staff_role_may_submit(client_for, request, persona):
    response = submit(client_for(request.getfixturevalue(persona)), EMERGENCY["document"])
    assert response.status_code == 201
    assert response.json()["level"] == "emergency"


@pytest.mark.django_db
def test_token_authentication_may_submit(client, clinician):
    token = Token.objects.create(user=clinician)
    response = submit(client, EMERGENCY["document"], HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 201
    assert Intake.objects.get(pk=response.json()["id"]).submitted_by == clinician


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "deactivated"])
def test_a_user_without_a_role_may_not_submit_and_nothing_changes(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    before = row_counts()
    assert submit(client, EMERGENCY["document"]).status_code in REFUSED
    assert row_counts() == before


@pytest.mark.django_db
def test_a_stranger_may_not_submit_and_nothing_changes(client):
    before = row_counts()
    response = submit(client, EMERGENCY["document"])
    assert response.status_code in REFUSED
    assert row_counts() == before


@pytest.mark.django_db
def test_a_bad_document_creates_nothing_and_lists_its_problems(client_for, front_desk):
    bad = with_answers(benign_data(), {"symptoms.locations": [], "patient.date_of_birth": "1800"})
    before = row_counts()
    response = submit(client_for(front_desk), bad)
    assert response.status_code == 400
    assert response.json() == {
        "problems": [
            {"path": "patient.date_of_birth", "message": "must be a date in the form YYYY-MM-DD"},
            {"path": "symptoms.locations", "message": "must list at least 1 item"},
        ],
        "emergency_answers": [],
    }
    assert row_counts() == before


@pytest.mark.django_db
def test_a_bad_document_still_reports_its_emergency_answers(client_for, front_desk):
    bad = with_answers(EMERGENCY["document"], {"symptoms.severity": 11})
    before = row_counts()
    response = submit(client_for(front_desk), bad)
    assert response.status_code == 400
    assert response.json()["emergency_answers"] == ["red_flags.bladder_bowel_control_loss"]
    # Nothing of the document is stored but the alert it raises, and its raise on record
    # (tests/clinic/api/test_refused_alerts.py).
    assert row_counts() == {**before, "audit.AuditEvent": before["audit.AuditEvent"] + 1}
    assert Alert.objects.get().intake is None


@pytest.mark.django_db
def test_malformed_json_creates_nothing(client_for, front_desk):
    before = row_counts()
    response = client_for(front_desk).post(URL, data="{", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "problems": [{"path": "(document)", "message": "must be valid JSON"}],
        "emergency_answers": [],
    }
    assert row_counts() == before


def nested_in(depth: int, innermost: object) -> object:
    """`innermost` in a list in a list..., `depth` lists deep."""
    for _ in range(depth):
        innermost = [innermost]
    return innermost


@pytest.mark.django_db
@pytest.mark.parametrize("url", [URL, "/api/v1/evaluate"])
def test_a_document_nested_past_the_limit_is_a_400_naming_where_and_creates_nothing(
    client_for, clinician, url
):
    # The document and its medications are two levels: the rest are lists in the dose.
    deep = with_answers(benign_data(), {"medications": [{"name": "x", "dose": nested_in(40, 1)}]})
    before = row_counts()

    response = client_for(clinician).post(url, json.dumps(deep), content_type="application/json")

    assert response.status_code == 400
    where = ".".join(["medications", "0", "dose", *["0"] * (MAX_DEPTH - 3)])
    assert response.json()["problems"] == [{"path": where, "message": TOO_DEEP}]
    assert row_counts() == before


@pytest.mark.django_db
def test_json_nested_too_deeply_to_parse_is_a_400_naming_where(client_for, front_desk):
    body = json.dumps(benign_data() | {"notes": "deep"}).replace('"deep"', '{"a": [' * 3000)
    before = row_counts()

    response = client_for(front_desk).post(URL, body, content_type="application/json")

    assert response.status_code == 400
    where = ".".join(["notes", *["a", "0"] * MAX_DEPTH][:MAX_DEPTH])
    assert response.json()["problems"] == [{"path": where, "message": TOO_DEEP}]
    assert row_counts() == before


# --- GET /api/v1/intakes/{id} ------------------------------------------------------------


@pytest.mark.django_db
def test_reading_an_intake_gives_its_document_triage_and_summary_and_is_audited(
    client_for, clinician, submitted
):
    response = client_for(clinician).get(f"{URL}/{submitted.pk}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "status", "version", "channel", "document", "triage", "summary"}
    assert body["id"] == str(submitted.pk)
    assert body["document"] == document_to_dict(parse_document(EMERGENCY["document"]))
    assert body["triage"]["level"] == "emergency"
    assert body["triage"]["rules_version"] == submitted.rules_version
    assert [flag["code"] for flag in body["triage"]["flags"]] == [
        "bladder_bowel_control_loss",
        "questions_not_asked",  # 2026.12.1: vignette 02 predates the new questions
    ]
    assert body["summary"] == {
        "status": "pending",
        "rules_version": "",
        "suggested_tests": [],
        "pdf_url": None,
    }
    assert views_of(submitted.pk) == 1


@pytest.mark.django_db
def test_a_ready_summary_gives_its_suggested_tests_and_pdf_link(client_for, clinician, submitted):
    summary = PreVisitSummary.objects.get(intake=submitted)
    assert build_summary(summary.pk) == "ready"
    summary.refresh_from_db()
    body = client_for(clinician).get(f"{URL}/{submitted.pk}").json()
    assert body["summary"] == {
        "status": "ready",
        "rules_version": "2026.12.1",
        # The §4 contract with the paths; the pages' words stay out of the API.
        "suggested_tests": [
            {key: value for key, value in test.items() if key != "reasons_in_words"}
            for test in summary.content["suggested_tests"]
        ],
        "pdf_url": reverse("reports:summary-pdf", args=[submitted.pk, 1]),
    }
    assert all("(red_flags." in test["reasons"][0] for test in body["summary"]["suggested_tests"])
    codes = [test["code"] for test in body["summary"]["suggested_tests"]]
    assert codes == EMERGENCY["reference"]["suggested_tests"]


@pytest.mark.django_db
def test_a_draft_is_read_with_its_answers_so_far(client_for, clinician, draft):
    body = client_for(clinician).get(f"{URL}/{draft.pk}").json()
    assert body["status"] == "draft"
    assert body["version"] == 0
    assert body["triage"] is None
    assert body["summary"] is None
    assert body["document"]["patient"]["family_name"] == "Draft"
    assert body["document"]["symptoms"] == {}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["front_desk", "clinician", "admin_user"])
def test_each_staff_role_may_read(client_for, request, persona, submitted):
    response = client_for(request.getfixturevalue(persona)).get(f"{URL}/{submitted.pk}")
    assert response.status_code == 200


@pytest.mark.django_db
def test_token_authentication_may_read(client, clinician, submitted):
    token = Token.objects.create(user=clinician)
    response = client.get(f"{URL}/{submitted.pk}", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert views_of(submitted.pk) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "deactivated"])
def test_a_user_without_a_role_may_not_read_and_nothing_changes(
    client_for, request, persona, submitted
):
    client = client_for(request.getfixturevalue(persona))
    before = row_counts()
    response = client.get(f"{URL}/{submitted.pk}")
    assert response.status_code in REFUSED
    assert "document" not in response.json()
    assert row_counts() == before


@pytest.mark.django_db
def test_a_stranger_may_not_read_and_nothing_changes(client, submitted):
    before = row_counts()
    response = client.get(f"{URL}/{submitted.pk}")
    assert response.status_code in REFUSED
    assert "document" not in response.json()
    assert row_counts() == before


@pytest.mark.django_db
def test_an_unknown_intake_is_a_404_and_nothing_is_audited(client_for, clinician):
    before = row_counts()
    assert client_for(clinician).get(f"{URL}/{uuid.uuid4()}").status_code == 404
    assert row_counts() == before


@pytest.mark.django_db
def test_the_paths_are_exact_without_trailing_slashes(client_for, clinician, submitted):
    client = client_for(clinician)
    assert client.post(f"{URL}/", data="{}", content_type="application/json").status_code == 404
    assert client.get(f"{URL}/{submitted.pk}/").status_code == 404
