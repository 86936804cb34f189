"""FHIR search, versions and history: QuestionnaireResponse and Patient."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from audit.models import AuditEvent
from clinic.submission import create_intake_from_document
from intake.document import parse_document
from intake.fhir import FHIR_JSON, mrn_system
from intake.models import Intake, IntakeVersion
from intake.services import start_intake
from tests.builders import benign_data, with_answers
from tests.factories import bearer_token, integration

pytestmark = pytest.mark.django_db

RESPONSES = "/fhir/QuestionnaireResponse"


def _submit(by, *, mrn: str, given: str = "Ana"):
    document = with_answers(benign_data(), {"patient.mrn": mrn, "patient.given_name": given})
    return create_intake_from_document(parse_document(document), by=by).intake


def _ids(bundle: dict) -> list[str]:
    return [entry["resource"]["id"] for entry in bundle.get("entry", [])]


@pytest.fixture
def desk(client_for, front_desk):
    return client_for(front_desk)


@pytest.fixture
def three(front_desk):
    """Two intakes of one patient, one of another, oldest first."""
    first = _submit(front_desk, mrn="MRN-1")
    second = _submit(front_desk, mrn="MRN-1")
    other = _submit(front_desk, mrn="MRN-2", given="Bea")
    return first, second, other


def test_responses_are_found_by_patient_newest_first(desk, three):
    first, second, _other = three
    bundle = desk.get(RESPONSES, {"patient": f"Patient/{first.patient_id}"}).json()
    Bundle.model_validate(bundle)
    assert bundle["type"] == "searchset"
    assert _ids(bundle) == [str(second.pk), str(first.pk)]
    resource = bundle["entry"][0]["resource"]
    assert resource["subject"] == {"reference": f"Patient/{first.patient_id}"}
    assert bundle["entry"][0]["fullUrl"].endswith(f"{RESPONSES}/{second.pk}")


def test_responses_are_found_by_mrn_with_or_without_its_system(desk, three):
    *_, other = three
    for value in ("MRN-2", f"{mrn_system()}|MRN-2"):
        assert _ids(desk.get(RESPONSES, {"subject:identifier": value}).json()) == [str(other.pk)]
    elsewhere = desk.get(RESPONSES, {"subject:identifier": "https://elsewhere.example|MRN-2"})
    assert _ids(elsewhere.json()) == []


def test_responses_are_found_by_status(desk, front_desk, three):
    first, *_ = three
    draft = start_intake(patient=first.patient, by=front_desk)
    in_progress = desk.get(RESPONSES, {"status": "in-progress"}).json()
    assert _ids(in_progress) == [str(draft.pk)]
    assert in_progress["entry"][0]["resource"]["status"] == "in-progress"
    assert len(_ids(desk.get(RESPONSES, {"status": "completed"}).json())) == 3
    assert len(_ids(desk.get(RESPONSES, {"status": "in-progress,completed"}).json())) == 4
    assert _ids(desk.get(RESPONSES, {"status": "amended"}).json()) == []


def test_responses_are_found_by_when_they_last_changed(desk, three):
    first, second, other = three
    long_ago = timezone.now() - dt.timedelta(days=30)
    Intake.objects.filter(pk=first.pk).update(updated_at=long_ago)
    day = timezone.localdate(long_ago)
    on_the_day = desk.get(RESPONSES, {"authored": day.isoformat()}).json()
    assert _ids(on_the_day) == [str(first.pk)]
    since = desk.get(RESPONSES, {"authored": f"gt{day.isoformat()}"}).json()
    assert set(_ids(since)) == {str(second.pk), str(other.pk)}
    # Repeated, both hold: a range.
    window = f"?authored=ge{day - dt.timedelta(days=1)}&authored=lt{day + dt.timedelta(days=1)}"
    assert _ids(desk.get(RESPONSES + window).json()) == [str(first.pk)]


def test_responses_are_found_by_questionnaire(desk, three):
    from intake.fhir import questionnaire_url

    assert len(_ids(desk.get(RESPONSES, {"questionnaire": questionnaire_url()}).json())) == 3
    other = desk.get(RESPONSES, {"questionnaire": "https://elsewhere.example/Questionnaire/x"})
    assert _ids(other.json()) == []


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"patinet": "x"}, "patinet"),
        ({"_count": "0"}, "_count"),
        ({"_count": "1000"}, "_count"),
        ({"authored": "yesterday"}, "authored"),
        ({"_cursor": "not-a-cursor"}, "_cursor"),
    ],
)
def test_a_search_it_cannot_do_is_a_400_naming_the_parameter(desk, three, query, named):
    response = desk.get(RESPONSES, query)
    assert response.status_code == 400 and response["Content-Type"].startswith(FHIR_JSON)
    issue = response.json()["issue"][0]
    assert issue["expression"] == [named] and issue["code"] == "invalid"


def test_pages_follow_next_links_by_key_each_result_once(desk, front_desk):
    made = [_submit(front_desk, mrn=f"MRN-{n}") for n in range(5)]
    seen, url, pages = [], f"{RESPONSES}?_count=2", 0
    while url:
        bundle = desk.get(url).json()
        seen += _ids(bundle)
        pages += 1
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
    assert pages == 3
    assert seen == [str(intake.pk) for intake in reversed(made)]


def test_a_search_reads_in_a_fixed_number_of_queries(
    desk, front_desk, django_assert_max_num_queries
):
    for n in range(12):
        _submit(front_desk, mrn=f"MRN-{n}")
    with django_assert_max_num_queries(12):
        assert len(_ids(desk.get(RESPONSES, {"_count": "10"}).json())) == 10


def test_a_search_is_audited_with_the_ids_it_returned(desk, three):
    first, second, _other = three
    desk.get(RESPONSES, {"patient": f"Patient/{first.patient_id}"})
    event = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).latest("id")
    assert event.detail["page"] == "fhir:questionnaire-responses"
    assert event.detail["intakes"] == [str(second.pk), str(first.pk)]
    assert event.detail["patients"] == [str(first.patient_id)]
    assert "MRN-1" not in json.dumps(event.detail)


# --- Versions, history and If-Match --------------------------------------------------------


def _amended_document(intake) -> dict:
    return with_answers(benign_data(), {"patient.mrn": intake.patient.mrn, "symptoms.severity": 7})


def _put(client, intake, body: dict, **headers):
    return client.put(
        f"{RESPONSES}/{intake.pk}", json.dumps(body), content_type=FHIR_JSON, **headers
    )


def test_a_read_carries_its_version_and_etag(desk, three):
    first, *_ = three
    response = desk.get(f"{RESPONSES}/{first.pk}")
    assert response["ETag"] == 'W/"1"'
    resource = response.json()
    assert resource["meta"]["versionId"] == "1" and resource["status"] == "completed"
    assert resource["meta"]["lastUpdated"] == resource["authored"]


def test_an_update_amends_and_if_match_guards_it(desk, three):
    from intake.fhir import questionnaire_response

    first, *_ = three
    amended = questionnaire_response(_amended_document(first), resource_id=str(first.pk))
    updated = _put(desk, first, amended, HTTP_IF_MATCH='W/"1"')
    assert updated.status_code == 200 and updated["ETag"] == 'W/"2"'
    assert updated.json()["status"] == "amended" and updated.json()["meta"]["versionId"] == "2"
    first.refresh_from_db()
    assert (first.status, first.version, first.severity) == ("amended", 2, 7)

    stale = _put(desk, first, amended, HTTP_IF_MATCH='W/"1"')
    assert stale.status_code == 412 and stale.json()["issue"][0]["code"] == "conflict"
    assert 'W/"2"' in stale.json()["issue"][0]["diagnostics"]
    assert IntakeVersion.objects.filter(intake=first).count() == 2

    malformed = _put(desk, first, amended, HTTP_IF_MATCH="2")
    assert malformed.status_code == 400
    assert malformed.json()["issue"][0]["expression"] == ["If-Match"]


def test_history_lists_every_version_and_each_is_read_by_itself(desk, three):
    from intake.fhir import questionnaire_response

    first, *_ = three
    _put(desk, first, questionnaire_response(_amended_document(first)))
    history = desk.get(f"{RESPONSES}/{first.pk}/_history").json()
    Bundle.model_validate(history)
    assert history["type"] == "history"
    versions = [entry["resource"]["meta"]["versionId"] for entry in history["entry"]]
    assert versions == ["2", "1"]
    original = desk.get(f"{RESPONSES}/{first.pk}/_history/1")
    assert original["ETag"] == 'W/"1"' and original.json()["status"] == "completed"
    severities = [
        item["answer"][0]["valueInteger"]
        for section in original.json()["item"]
        if section["linkId"] == "symptoms"
        for item in section["item"]
        if item["linkId"] == "symptoms.severity"
    ]
    assert severities != [7]
    assert desk.get(f"{RESPONSES}/{first.pk}/_history/3").status_code == 404


def test_an_update_naming_another_patient_or_id_changes_nothing(desk, three):
    from intake.fhir import questionnaire_response

    first, *_ = three
    other_patient = with_answers(_amended_document(first), {"patient.given_name": "Zed"})
    assert _put(desk, first, questionnaire_response(other_patient)).status_code == 409
    other_id = questionnaire_response(_amended_document(first), resource_id=str(three[2].pk))
    refused = _put(desk, first, other_id)
    assert refused.status_code == 400 and refused.json()["issue"][0]["expression"] == [
        "QuestionnaireResponse.id"
    ]
    first.refresh_from_db()
    assert first.version == 1


def test_a_drafts_version_changes_with_each_save(desk, front_desk, three):
    from clinic.submission import save_step

    draft = start_intake(patient=three[0].patient, by=front_desk)
    first = desk.get(f"{RESPONSES}/{draft.pk}")
    assert first.json()["meta"]["versionId"] == f"0.{draft.revision}"
    save_step(draft, by=front_desk, answers={"severity": 3})
    again = desk.get(f"{RESPONSES}/{draft.pk}")
    assert again["ETag"] != first["ETag"] and again.json()["status"] == "in-progress"
    history = desk.get(f"{RESPONSES}/{draft.pk}/_history").json()
    assert [e["resource"]["meta"]["versionId"] for e in history["entry"]] == [
        again.json()["meta"]["versionId"]
    ]


# --- Patient ---------------------------------------------------------------------------------


def test_patients_are_found_by_identifier_and_read(desk, three):
    *_, other = three
    bundle = desk.get("/fhir/Patient", {"identifier": f"{mrn_system()}|MRN-2"}).json()
    Bundle.model_validate(bundle)
    assert _ids(bundle) == [str(other.patient_id)]
    patient = desk.get(f"/fhir/Patient/{other.patient_id}").json()
    assert patient["identifier"] == [{"system": mrn_system(), "value": "MRN-2"}]
    assert patient["name"][0]["given"] == ["Bea"]
    assert "telecom" not in patient
    assert _ids(desk.get("/fhir/Patient", {"identifier": "nobody"}).json()) == []
    events = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW).order_by("id")
    assert [e.detail.get("page") for e in events][-3:] == ["fhir:patients", None, "fhir:patients"]


def test_search_needs_the_search_scope_read_the_read_scope(client, three):
    first, *_ = three
    token = bearer_token(client, integration("system/QuestionnaireResponse.r"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"{RESPONSES}/{first.pk}", **auth).status_code == 200
    refused = client.get(RESPONSES, **auth)
    assert refused.status_code == 403 and "QuestionnaireResponse.s" in refused["WWW-Authenticate"]
    assert client.get("/fhir/Patient", **auth).status_code == 403
