"""A refused document's emergency answers raise an alert all the same (issue #15, item 5):
on the patient it identifies, otherwise on nobody until the desk attaches it."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from intake.fhir import questionnaire_response
from intake.models import Intake, Patient
from intake.services import save_patient
from tests.builders import VIGNETTES, load_vignette, with_answers
from triage.models import Alert

pytestmark = pytest.mark.django_db

EMERGENCY = load_vignette(VIGNETTES[1])["document"]  # bladder loss
BLADDER = "red_flags.bladder_bowel_control_loss"


def post(client, url: str, data: object, content_type: str = "application/json"):
    return client.post(url, data=json.dumps(data), content_type=content_type)


def bad(document: dict, **patient: str) -> dict:
    """The emergency document, made invalid elsewhere, its patient as given."""
    answers = {"symptoms.severity": 11}
    answers.update({f"patient.{key}": value for key, value in patient.items()})
    return with_answers(document, answers)


@pytest.fixture
def dana(front_desk) -> Patient:
    return save_patient(
        Patient(given_name="Dana", family_name="Reyes", date_of_birth="1970-03-04", mrn="MRN-77"),
        by=front_desk,
    )


def dana_says(**more: str) -> dict[str, str]:
    return {"given_name": "Dana", "family_name": "Reyes", "date_of_birth": "1970-03-04", **more}


def test_a_refused_document_naming_a_stored_patient_raises_the_alert_on_them(
    client_for, front_desk, dana
):
    response = post(
        client_for(front_desk), "/api/v1/intakes", bad(EMERGENCY, **dana_says(mrn="MRN-77"))
    )

    assert response.status_code == 400 and response.json()["emergency_answers"] == [BLADDER]
    alert = Alert.objects.get()
    assert (alert.intake, alert.patient, alert.level) == (None, dana, "emergency")
    assert alert.codes == ["bladder_bowel_control_loss"] and alert.channel == Intake.Channel.API
    assert not Intake.objects.exists()  # nothing else of the document is stored
    raised = AuditEvent.objects.get(action="raise")
    assert raised.detail["patient"] == str(dana.pk) and "Reyes" not in str(raised.detail)

    board = client_for(front_desk).get(reverse("intake:alerts")).content.decode()
    assert "Reyes, Dana" in board and "refused document, nothing stored" in board


def test_by_name_and_birth_date_when_no_mrn_is_given(client_for, front_desk, dana):
    post(client_for(front_desk), "/api/v1/intakes", bad(EMERGENCY, **dana_says(mrn="")))
    assert Alert.objects.get().patient == dana


def test_an_identity_conflict_raises_the_alert_on_nobody_showing_what_the_document_says(
    client_for, front_desk, dana
):
    document = with_answers(
        EMERGENCY,
        {
            "patient.mrn": "MRN-77",
            "patient.given_name": "Other",
            "patient.family_name": "Reyes",
            "patient.date_of_birth": "1970-03-04",
        },
    )
    response = post(client_for(front_desk), "/api/v1/intakes", document)

    assert response.status_code == 409
    alert = Alert.objects.get()
    assert alert.subject is None
    assert alert.reported == {**dana_says(given_name="Other", mrn="MRN-77"), "answers": [BLADDER]}
    desk = client_for(front_desk)
    board = desk.get(reverse("intake:alerts")).content.decode()
    assert "Not matched to a patient" in board and "Reyes, Other" in board
    assert f'value="{dana.pk}"' in board  # a likely patient to attach it to

    response = desk.post(
        reverse("intake:alert-attach", args=[alert.public_id]), {"patient": dana.pk}
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.patient == dana and alert.is_open
    assert AuditEvent.objects.filter(action="update", object_id=str(alert.pk)).exists()


def test_sending_the_same_refused_document_again_raises_no_second_alert(client_for, front_desk):
    client = client_for(front_desk)
    document = bad(EMERGENCY, **dana_says(mrn="NEW-1"))
    post(client, "/api/v1/intakes", document)
    post(client, "/api/v1/intakes", document)
    assert Alert.objects.count() == 1


def test_a_refused_document_without_an_emergency_answer_raises_nothing(client_for, front_desk):
    document = with_answers(EMERGENCY, {BLADDER: False, "symptoms.severity": 11})
    assert post(client_for(front_desk), "/api/v1/intakes", document).status_code == 400
    assert not Alert.objects.exists()


def test_evaluating_a_document_stores_nothing_even_an_emergency(client_for, front_desk):
    post(client_for(front_desk), reverse("api:evaluate"), bad(EMERGENCY))
    assert not Alert.objects.exists()


def test_a_refused_fhir_response_raises_the_alert_too(client_for, front_desk, dana):
    resource = questionnaire_response(bad(EMERGENCY, **dana_says(mrn="MRN-77")))
    response = post(
        client_for(front_desk),
        reverse("fhir:questionnaire-responses"),
        resource,
        content_type="application/fhir+json",
    )
    assert response.status_code == 400
    alert = Alert.objects.get()
    assert alert.intake is None and alert.codes == ["bladder_bowel_control_loss"]


def test_an_alert_already_about_a_patient_is_not_attached_again(client_for, front_desk, dana):
    post(client_for(front_desk), "/api/v1/intakes", bad(EMERGENCY, **dana_says(mrn="MRN-77")))
    alert = Alert.objects.get()
    other = save_patient(
        Patient(given_name="Ola", family_name="Other", date_of_birth="1990-01-01"), by=front_desk
    )
    url = reverse("intake:alert-attach", args=[alert.public_id])
    page = client_for(front_desk).post(url, {"patient": other.pk}, follow=True).content.decode()
    assert "already about a patient" in page
    alert.refresh_from_db()
    assert alert.patient == dana
