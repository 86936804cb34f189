"""A patient's identity is never changed by an intake (security issue 14, item 1).

An imported document (REST or FHIR) whose MRN names a stored patient with another name
or date of birth is refused with 409, naming the differing fields without echoing the
stored values; contact details sent stay with the intake. Changing a patient is the
front desk's or an admin's action, audited field by field.
"""

import datetime as dt
import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.operationoutcome import OperationOutcome

from audit.models import AuditEvent
from intake.fhir import FHIR_JSON, questionnaire_response
from intake.models import Intake, IntakeVersion, Patient
from intake.services import save_patient, update_patient
from tests.builders import VIGNETTES_2026_11, load_vignette, with_answers
from tests.clinic.api.test_fhir import where
from tests.intake.factories import IntakeFactory
from tests.intake.formdata import step_data
from tests.reports.test_evaluate_command import row_counts
from triage.models import Alert

pytestmark = pytest.mark.django_db

MRN = "MRN-4242"
# Vignette 02 (bladder loss, an emergency), written for the questions FHIR asks today.
EMERGENCY = load_vignette(VIGNETTES_2026_11[1])["document"]
STORED = {"given_name": "Ana", "family_name": "Lopez", "date_of_birth": dt.date(1971, 4, 2)}


@pytest.fixture
def stored(front_desk) -> Patient:
    return save_patient(
        Patient(mrn=MRN, phone="5550100", email="ana@example.org", **STORED), by=front_desk
    )


def document(**patient) -> dict:
    answers = {"patient.mrn": MRN} | {f"patient.{name}": value for name, value in patient.items()}
    return with_answers(EMERGENCY, answers)


def post_rest(client, data: dict):
    return client.post("/api/v1/intakes", json.dumps(data), content_type="application/json")


def post_fhir(client, data: dict):
    resource = json.dumps(questionnaire_response(data))
    return client.post("/fhir/QuestionnaireResponse", resource, content_type=FHIR_JSON)


def identity_of(patient: Patient) -> tuple:
    patient.refresh_from_db()
    return (patient.given_name, patient.family_name, patient.date_of_birth, patient.mrn)


def raised_one_alert(before: dict[str, int]) -> dict[str, int]:
    """Nothing of the document is stored, but its emergency raises an alert, on record, on
    nobody: the MRN names someone else (issue #15, item 5; test_refused_alerts.py)."""
    (alert,) = Alert.objects.all()
    assert alert.subject is None and alert.intake is None
    return {**before, "audit.AuditEvent": before["audit.AuditEvent"] + 1}


@pytest.mark.parametrize(
    ("changed", "paths"),
    [
        ({"family_name": "Impostor"}, ["patient.family_name"]),
        ({"given_name": "Eve", "date_of_birth": "1990-01-01"}, [
            "patient.given_name", "patient.date_of_birth",
        ]),
    ],
)  # fmt: skip
def test_a_rest_document_naming_someone_else_by_mrn_is_a_409_and_changes_nothing(
    client_for, front_desk, stored, changed, paths
):
    before, identity = row_counts(), identity_of(stored)
    response = post_rest(client_for(front_desk), document(**changed, phone="5559999"))
    assert response.status_code == 409
    body = response.json()
    assert [problem["path"] for problem in body["problems"]] == paths
    assert body["emergency_answers"] == ["red_flags.bladder_bowel_control_loss"]
    for stored_value in ("Ana", "Lopez", "1971-04-02", "5550100", "ana@example.org"):
        assert stored_value not in response.content.decode()
    assert row_counts() == raised_one_alert(before)
    assert identity_of(stored) == identity
    assert stored.phone == "5550100"


def test_a_fhir_response_naming_someone_else_by_mrn_is_a_409_outcome(client_for, clinician, stored):
    before, identity = row_counts(), identity_of(stored)
    sent = questionnaire_response(document(date_of_birth="1971-04-03"))
    response = client_for(clinician).post(
        "/fhir/QuestionnaireResponse", json.dumps(sent), content_type=FHIR_JSON
    )
    assert response.status_code == 409
    outcome = OperationOutcome.model_validate(response.json())
    errors = [(i.code, i.expression) for i in outcome.issue if i.severity == "error"]
    assert errors == [("conflict", [where(sent, "patient.date_of_birth")])]
    emergencies = [i.expression for i in outcome.issue if i.severity == "fatal"]
    assert emergencies == [[where(sent, "red_flags.bladder_bowel_control_loss")]]
    assert "1971-04-02" not in response.content.decode()
    assert row_counts() == raised_one_alert(before)
    assert identity_of(stored) == identity


@pytest.mark.parametrize("post", [post_rest, post_fhir], ids=["rest", "fhir"])
def test_the_same_person_is_matched_and_their_record_is_left_as_it_is(
    client_for, front_desk, stored, post
):
    earlier = IntakeFactory(patient=stored)
    # Another system's capitals and a new phone and e-mail: the same Ana López.
    sent = document(given_name="ANA", family_name="LÓPEZ", phone="5559999", email="new@example.org")
    response = post(client_for(front_desk), sent)
    assert response.status_code == 201
    intake = Intake.objects.get(pk=response.json()["id"])
    assert intake.patient_id == stored.pk
    stored.refresh_from_db()
    assert (stored.given_name, stored.family_name) == ("Ana", "Lopez")
    assert (stored.phone, stored.email) == ("5550100", "ana@example.org")
    # The contact details sent go with this intake, in its version.
    version = IntakeVersion.objects.get(intake=intake, number=1).document
    assert (version["patient"]["phone"], version["patient"]["email"]) == (
        "5559999",
        "new@example.org",
    )
    assert earlier.patient.family_name == "Lopez"
    assert not AuditEvent.objects.filter(
        action=AuditEvent.Action.UPDATE, object_type="intake.Patient"
    ).exists()


def test_a_new_patient_is_created_with_the_details_sent(client_for, front_desk):
    response = post_rest(client_for(front_desk), document(phone="5551234"))
    assert response.status_code == 201
    patient = Intake.objects.get(pk=response.json()["id"]).patient
    assert (patient.mrn, patient.family_name, patient.phone) == (MRN, "Lopez", "5551234")


# --- changing a patient: the desk's action, audited field by field --------------------


def test_an_update_audits_each_field_changed_with_old_and_new_values(front_desk, stored):
    update_patient(stored, {"family_name": "López-Ruiz", "phone": "5550100"}, by=front_desk)
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(stored.pk))
    assert event.detail == {
        "fields": ["family_name"],
        "changes": {"family_name": {"old": "Lopez", "new": "López-Ruiz"}},
    }
    stored.refresh_from_db()
    assert stored.search_name == "ana lopez-ruiz"


def test_an_update_that_changes_nothing_writes_nothing(front_desk, stored):
    before = AuditEvent.objects.count()
    update_patient(stored, {"family_name": "Lopez", "mrn": MRN}, by=front_desk)
    assert AuditEvent.objects.count() == before


def test_dates_are_audited_as_iso_dates(front_desk, stored):
    update_patient(stored, {"date_of_birth": dt.date(1971, 4, 3)}, by=front_desk)
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(stored.pk))
    assert event.detail["changes"] == {"date_of_birth": {"old": "1971-04-02", "new": "1971-04-03"}}


def test_the_desks_patient_step_is_audited_field_by_field(client_for, front_desk, stored):
    intake = IntakeFactory(patient=stored)
    same = {k: str(v) for k, v in STORED.items()} | {"phone": "5550100", "email": "ana@example.org"}
    doc = {"patient": same | {"mrn": MRN, "given_name": "Anna"}}
    data = step_data("patient", doc, revision=intake.revision)
    response = client_for(front_desk).post(
        reverse("intake:step", args=[intake.pk, "patient"]), data
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(stored.pk))
    assert event.detail["fields"] == ["given_name"]
    assert event.detail["changes"]["given_name"] == {"old": "Ana", "new": "Anna"}


def test_a_clinician_may_not_amend_a_patients_identity(client_for, clinician, front_desk, stored):
    intake = IntakeFactory(patient=stored, status=Intake.Status.SUBMITTED, version=1)
    url = reverse("intake:amend", args=[intake.pk, "patient"])
    assert client_for(clinician).get(url).status_code == 403
    assert client_for(front_desk).get(url).status_code == 200


def test_an_amendment_keeps_the_contact_details_an_import_sent(client_for, front_desk, stored):
    from clinic.submission import amend_intake

    response = post_rest(client_for(front_desk), document(phone="5559999", email="new@example.org"))
    intake = Intake.objects.get(pk=response.json()["id"])
    amend_intake(
        intake=intake,
        by=front_desk,
        reason="misheard",
        seen_revision=intake.revision,
        answers={"notes": "rechecked"},
    )
    latest = IntakeVersion.objects.get(intake=intake, number=2).document
    assert (latest["patient"]["phone"], latest["patient"]["email"]) == (
        "5559999",
        "new@example.org",
    )
    stored.refresh_from_db()
    assert stored.phone == "5550100"


def test_a_clinicians_post_to_the_identity_step_changes_nothing(client_for, clinician, stored):
    intake = IntakeFactory(patient=stored, status=Intake.Status.SUBMITTED, version=1)
    doc = {"patient": {**{k: str(v) for k, v in STORED.items()}, "given_name": "Eve"}}
    data = step_data("patient", doc, revision=intake.revision) | {"reason": "typo"}
    url = reverse("intake:amend", args=[intake.pk, "patient"])
    assert client_for(clinician).post(url, data).status_code == 403
    assert identity_of(stored)[0] == "Ana"


@pytest.mark.parametrize("same_person", [True, False], ids=["same person", "someone else"])
def test_two_imports_of_one_new_mrn_at_once_never_end_in_a_500(
    client_for, front_desk, stored, monkeypatch, same_person
):
    """This import looked before the other one's patient (`stored`) was committed, found
    nobody, and its insert then met the other's MRN."""
    from clinic import submission

    looked = submission._matching_patient
    looks = []

    def first_too_early(doc):
        looks.append(doc)
        return None if len(looks) == 1 else looked(doc)

    monkeypatch.setattr(submission, "_matching_patient", first_too_early)
    sent = document() if same_person else document(family_name="Impostor")
    response = post_rest(client_for(front_desk), sent)
    assert len(looks) == 2  # it looked again
    assert response.status_code == (201 if same_person else 409)
    assert list(Patient.objects.filter(mrn=MRN)) == [stored]
    assert Intake.objects.filter(patient=stored).count() == (1 if same_person else 0)
