"""FHIR R4: the intake Questionnaire, and intakes as QuestionnaireResponses, both ways."""

import dataclasses
import json
import uuid

import pytest
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from audit.models import AuditEvent
from intake.document import (
    RED_FLAG_CODES,
    DocumentInvalid,
    Symptoms,
    codes,
    document_to_dict,
    parse_document,
)
from intake.document.nesting import MAX_DEPTH, TOO_DEEP
from intake.fhir import (
    CODE_SYSTEM,
    QUESTIONNAIRE_URL,
    document_from_response,
    questionnaire,
    questionnaire_response,
)
from intake.models import Intake, Patient
from intake.questions import QUESTIONS
from intake.services import save_patient, start_intake
from tests.builders import VIGNETTES_2026_11, benign_data_2026_11, load_vignette, with_answers
from tests.clinic.api.test_rest_evaluate import JSON_VALUES
from tests.reports.test_evaluate_command import row_counts
from tests.strategies import (
    EXTENSIONS,
    PRIMITIVE_EXTENSION,
    deep_json,
    nested_answers,
    nested_items,
)
from triage.models import ReaskedAnswer

QUESTIONNAIRE_PATH = "/fhir/Questionnaire/leg-numbness-intake"
RESPONSES_PATH = "/fhir/QuestionnaireResponse"
FHIR_JSON = "application/fhir+json"
EMERGENCY = load_vignette(VIGNETTES_2026_11[1])  # bladder loss
REFUSED = {401, 403}
# The Questionnaire asks the questions of rules 2026.11.1: those new in 2026.12.1 come with
# the FHIR import's own change (until then its documents raise questions_not_asked).
NOT_YET_IN_FHIR = {"last_changed_days"}

# Every section and every kind of answer, so the round trip covers what vignettes leave out.
COMPLETE = with_answers(
    benign_data_2026_11(),
    {
        "patient.mrn": "MRN-0042",
        "patient.phone": "+1 (555) 010-0199",
        "patient.email": "ana@example.org",
        "patient.preferred_language": "es",
        "symptoms.associated": ["burning", "leg_weakness"],
        "symptoms.leg_changes": ["color"],
        "symptoms.other_symptoms": ["dizziness", "rash"],
        "symptoms.description": "Tingling in the evening.",
        "medications": [
            {"name": "Metformin", "dose": "500 mg", "kind": "prescription"},
            {"name": "Vitamin B6"},
        ],
        "treatments": ["chemotherapy"],
        "vaccinations": [{"name": "Influenza", "date": "2026-11-01"}, {"name": "Tetanus"}],
        "injuries": [
            {
                "kind": "herniated_disc",
                "date": "2025-03-04",
                "mechanism": "sports",
                "description": "Lifting",
            },
            {"kind": "other"},
        ],
        "conditions": ["diabetes", "cancer"],
        "exposures": ["heavy_metals"],
        "lifestyle": {"alcohol_drinks_per_week": 0, "diet": "vegan", "smoking": "former"},
        "notes": "Prefers mornings.",
    },
)
ROUND_TRIPS = [
    *(pytest.param(load_vignette(path)["document"], id=path.stem) for path in VIGNETTES_2026_11),
    pytest.param(COMPLETE, id="complete"),
]


def link_ids(items: list[dict]) -> dict[str, dict]:
    """Every item by linkId, at any depth."""
    found = {}
    for item in items:
        found[item["linkId"]] = item
        found |= link_ids(item.get("item", []))
    return found


def json_paths(value: object, path: tuple = ()) -> list[tuple]:
    """The path of every value inside a JSON value, itself included (as keys and indexes)."""
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    return [path] + [found for key, child in children for found in json_paths(child, (*path, key))]


def replaced(value: object, path: tuple, new: object) -> object:
    """A copy of `value` with the value at `path` replaced by `new`."""
    if not path:
        return new
    head, *rest = path
    copy = list(value) if isinstance(value, list) else dict(value)
    copy[head] = replaced(value[head], tuple(rest), new)
    return copy


def post_response(client, resource: object, **extra):
    return client.post(RESPONSES_PATH, data=json.dumps(resource), content_type=FHIR_JSON, **extra)


def issues(response) -> list[tuple[str, list[str] | None]]:
    """The (diagnostics, expression) of each issue of a validated OperationOutcome."""
    outcome = OperationOutcome.model_validate(response.json())
    return [(issue.diagnostics, issue.expression) for issue in outcome.issue]


@pytest.fixture
def submitted(front_desk) -> Intake:
    desk = Client()  # its own client: the test's `client` stays signed out
    desk.force_login(front_desk)
    response = desk.post("/api/v1/intakes", EMERGENCY["document"], content_type="application/json")
    assert response.status_code == 201
    return Intake.objects.get(pk=response.json()["id"])


# --- the Questionnaire ---------------------------------------------------------------


def test_the_questionnaire_is_valid_fhir():
    Questionnaire.model_validate(questionnaire())


def test_the_questionnaire_asks_every_red_flag_as_a_required_yes_no():
    items = link_ids(questionnaire()["item"])
    for code in RED_FLAG_CODES:
        item = items[f"red_flags.{code}"]
        assert (item["type"], item["required"]) == ("boolean", True)
        assert item["text"] == QUESTIONS[f"red_flags.{code}"]
    assert items["red_flags"]["required"] is True


def test_the_questionnaire_asks_every_symptom_by_its_code():
    items = link_ids(questionnaire()["item"])
    symptom_codes = {field.name for field in dataclasses.fields(Symptoms)} - NOT_YET_IN_FHIR
    assert {f"symptoms.{name}" for name in symptom_codes} <= set(items)
    locations = items["symptoms.locations"]
    assert (locations["type"], locations["repeats"], locations["required"]) == (
        "choice",
        True,
        True,
    )
    assert [option["valueCoding"]["code"] for option in locations["answerOption"]] == list(
        codes.LOCATIONS
    )
    assert locations["answerOption"][0]["valueCoding"] == {
        "system": CODE_SYSTEM,
        "code": "toes",
        "display": "Toes",
    }
    assert items["symptoms.severity"]["type"] == "integer"
    assert items["symptoms.description"]["type"] == "text"


def test_how_often_is_asked_only_when_it_comes_and_goes():
    frequency = link_ids(questionnaire()["item"])["symptoms.frequency"]
    assert frequency["required"] is False
    assert frequency["enableWhen"] == [
        {
            "question": "symptoms.pattern",
            "operator": "=",
            "answerCoding": {
                "system": CODE_SYSTEM,
                "code": "comes_and_goes",
                "display": "It comes and goes",
            },
        }
    ]


def test_repeating_parts_are_repeating_groups():
    items = link_ids(questionnaire()["item"])
    medications = items["medications"]
    assert (medications["type"], medications["repeats"]) == ("group", True)
    assert [item["linkId"] for item in medications["item"]] == [
        "medications.name",
        "medications.dose",
        "medications.kind",
    ]
    assert items["medications.name"]["required"] is True
    assert items["treatments"]["repeats"] is True


def test_every_answer_of_a_complete_document_has_a_question():
    def paths(data: dict, prefix: str = "") -> set[str]:
        found = set()
        for key, value in data.items():
            path = f"{prefix}{key}"
            rows = value if isinstance(value, list) and value and isinstance(value[0], dict) else []
            if isinstance(value, dict):
                found |= {path} | paths(value, f"{path}.")
            elif rows:
                found |= {path}.union(*(paths(row, f"{path}.") for row in rows))
            else:
                found.add(path)
        return found

    assert paths(COMPLETE) <= set(link_ids(questionnaire()["item"]))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["front_desk", "clinician", "admin_user"])
def test_staff_can_fetch_the_questionnaire(client_for, request, persona):
    response = client_for(request.getfixturevalue(persona)).get(QUESTIONNAIRE_PATH)
    assert response.status_code == 200
    assert response["Content-Type"] == FHIR_JSON
    assert Questionnaire.model_validate(response.json()).url == QUESTIONNAIRE_URL


@pytest.mark.django_db
def test_strangers_and_users_without_a_role_cannot_fetch_it(client, client_for, outsider):
    anonymous = client.get(QUESTIONNAIRE_PATH)
    assert anonymous.status_code in REFUSED
    assert issues(anonymous)[0][0]
    assert client_for(outsider).get(QUESTIONNAIRE_PATH).status_code == 403


# --- document <-> QuestionnaireResponse --------------------------------------------------


@pytest.mark.parametrize("document", ROUND_TRIPS)
def test_a_document_round_trips_through_a_questionnaire_response(document):
    resource = questionnaire_response(document_to_dict(parse_document(document)))
    QuestionnaireResponse.model_validate(resource)
    assert parse_document(document_from_response(resource)) == parse_document(document)


def test_answers_are_coded_with_the_document_codes():
    resource = questionnaire_response(document_to_dict(parse_document(COMPLETE)))
    items = link_ids(resource["item"])
    assert items["symptoms.sides"]["answer"] == [
        {"valueCoding": {"system": CODE_SYSTEM, "code": "left", "display": "Left leg"}}
    ]
    assert items["red_flags.confusion"]["answer"] == [{"valueBoolean": False}]
    assert [item["linkId"] for item in resource["item"]].count("medications") == 2


# --- GET /fhir/QuestionnaireResponse/{id} ---------------------------------------------------


@pytest.mark.django_db
def test_an_intake_reads_as_a_completed_response_and_is_audited(client_for, clinician, submitted):
    response = client_for(clinician).get(f"{RESPONSES_PATH}/{submitted.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == FHIR_JSON
    resource = response.json()
    parsed = QuestionnaireResponse.model_validate(resource)
    assert (parsed.id, parsed.status, parsed.questionnaire) == (
        str(submitted.pk),
        "completed",
        QUESTIONNAIRE_URL,
    )
    assert parse_document(document_from_response(resource)) == parse_document(EMERGENCY["document"])
    views = AuditEvent.objects.filter(action="view", object_id=str(submitted.pk))
    assert views.count() == 1


@pytest.mark.django_db
def test_a_draft_reads_as_in_progress(client_for, clinician, front_desk):
    patient = save_patient(
        Patient(given_name="Dana", family_name="Draft", date_of_birth="1980-01-02"), by=front_desk
    )
    draft = start_intake(patient=patient, by=front_desk)
    resource = client_for(clinician).get(f"{RESPONSES_PATH}/{draft.pk}").json()
    QuestionnaireResponse.model_validate(resource)
    assert resource["status"] == "in-progress"
    assert link_ids(resource["item"])["patient.family_name"]["answer"] == [{"valueString": "Draft"}]


@pytest.mark.django_db
def test_an_unknown_intake_is_a_404_operation_outcome(client_for, clinician):
    before = row_counts()
    response = client_for(clinician).get(f"{RESPONSES_PATH}/{uuid.uuid4()}")
    assert response.status_code == 404
    assert OperationOutcome.model_validate(response.json()).issue[0].code == "not-found"
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "deactivated"])
def test_a_user_without_a_role_cannot_read_a_response(client_for, request, persona, submitted):
    before = row_counts()
    response = client_for(request.getfixturevalue(persona)).get(f"{RESPONSES_PATH}/{submitted.pk}")
    assert response.status_code in REFUSED
    assert response.json()["resourceType"] == "OperationOutcome"
    assert row_counts() == before


@pytest.mark.django_db
def test_a_stranger_cannot_read_a_response(client, submitted):
    before = row_counts()
    response = client.get(f"{RESPONSES_PATH}/{submitted.pk}")
    assert response.status_code in REFUSED
    assert response.json()["resourceType"] == "OperationOutcome"
    assert row_counts() == before


# --- POST /fhir/QuestionnaireResponse ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["front_desk", "clinician", "admin_user"])
def test_posting_a_response_creates_and_submits_an_intake(client_for, request, persona):
    before = Intake.objects.count()
    resource = questionnaire_response(EMERGENCY["document"])
    response = post_response(client_for(request.getfixturevalue(persona)), resource)
    assert response.status_code == 201
    assert Intake.objects.count() == before + 1
    created = response.json()
    intake = Intake.objects.get(pk=created["id"])
    assert (intake.status, intake.channel, intake.triage_level) == ("submitted", "api", "emergency")
    assert response["Location"].endswith(f"{RESPONSES_PATH}/{intake.pk}")
    assert created["status"] == "completed"
    canonical = document_to_dict(parse_document(EMERGENCY["document"]))
    assert created["item"] == questionnaire_response(canonical)["item"]


@pytest.mark.django_db
def test_a_response_may_be_posted_with_a_token_as_plain_json(client, clinician):
    token = Token.objects.create(user=clinician)
    response = client.post(
        RESPONSES_PATH,
        data=json.dumps(questionnaire_response(COMPLETE)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 201
    assert Intake.objects.get(pk=response.json()["id"]).submitted_by == clinician


@pytest.mark.django_db
def test_a_response_is_never_asked_again_and_its_words_still_flag(client_for, front_desk):
    typed = with_answers(COMPLETE, {"symptoms.description": "No bladder problems"})

    response = post_response(client_for(front_desk), questionnaire_response(typed))

    assert response.status_code == 201
    intake = Intake.objects.get(pk=response.json()["id"])
    flags = intake.assessments.get().flags.values_list("code", flat=True)
    assert "free_text_red_flag" in flags and intake.bladder_bowel_control_loss is False
    assert not ReaskedAnswer.objects.exists()


@pytest.mark.django_db
def test_a_response_with_bad_answers_is_a_400_outcome_by_path_and_creates_nothing(
    client_for, front_desk
):
    resource = questionnaire_response(
        with_answers(benign_data_2026_11(), {"symptoms.severity": 11})
    )
    before = row_counts()
    response = post_response(client_for(front_desk), resource)
    assert response.status_code == 400
    assert issues(response) == [("must be between 0 and 10", ["symptoms.severity"])]
    assert row_counts() == before


@pytest.mark.django_db
def test_items_that_are_not_questions_or_answered_wrongly_are_listed(client_for, front_desk):
    resource = questionnaire_response(benign_data_2026_11())
    resource["item"].append({"linkId": "shoe_size", "answer": [{"valueInteger": 9}]})
    symptoms = next(item for item in resource["item"] if item["linkId"] == "symptoms")
    severity = next(item for item in symptoms["item"] if item["linkId"] == "symptoms.severity")
    severity["answer"] = [{"valueString": "bad"}]
    before = row_counts()
    response = post_response(client_for(front_desk), resource)
    assert response.status_code == 400
    assert issues(response) == [
        ("must be answered with valueInteger", ["symptoms.severity"]),
        ("is not a question in this part of the questionnaire", ["shoe_size"]),
    ]
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{", [("must be valid JSON", None)]),
        ('{"resourceType": "Patient"}', [("must be QuestionnaireResponse", ["resourceType"])]),
        (
            '{"resourceType": "QuestionnaireResponse", "status": "completed", "item": 5}',
            [("Input should be a valid list", ["QuestionnaireResponse.item"])],
        ),
        (
            json.dumps(questionnaire_response(benign_data_2026_11(), completed=False)),
            [("must be completed: only finished answers are submitted", ["status"])],
        ),
    ],
    ids=["malformed", "other-resource", "not-fhir", "in-progress"],
)
def test_input_that_is_not_a_completed_response_is_a_400_outcome(
    client_for, front_desk, body, expected
):
    before = row_counts()
    response = client_for(front_desk).post(RESPONSES_PATH, data=body, content_type=FHIR_JSON)
    assert response.status_code == 400
    assert issues(response) == expected
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "deactivated"])
def test_a_user_without_a_role_cannot_post_and_nothing_changes(client_for, request, persona):
    before = row_counts()
    client = client_for(request.getfixturevalue(persona))
    response = post_response(client, questionnaire_response(EMERGENCY["document"]))
    assert response.status_code in REFUSED
    assert row_counts() == before


@pytest.mark.django_db
def test_a_stranger_cannot_post_and_nothing_changes(client):
    before = row_counts()
    response = post_response(client, questionnaire_response(EMERGENCY["document"]))
    assert response.status_code in REFUSED
    assert response.json()["resourceType"] == "OperationOutcome"
    assert row_counts() == before


BENIGN_RESPONSE = questionnaire_response(benign_data_2026_11())


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Nulls often: FHIR's model lets them through where a value or a list is expected. Deep
# values and extensions too: where one is allowed, where it is not, nested past the limit.
@given(
    path=st.sampled_from(json_paths(BENIGN_RESPONSE)),
    value=st.none() | JSON_VALUES | deep_json() | EXTENSIONS | PRIMITIVE_EXTENSION,
)
def test_any_value_anywhere_in_a_response_is_accepted_or_an_outcome_never_a_500(
    client_for, clinician, path, value
):
    response = post_response(client_for(clinician), replaced(BENIGN_RESPONSE, path, value))
    assert response.status_code in {201, 400}
    if response.status_code == 400:
        assert issues(response)


# --- no 500 from any input: each case once found, refused by path ------------------------


@pytest.mark.django_db
def test_a_status_given_only_as_an_extension_is_a_400_naming_status(client_for, front_desk):
    resource = dict(BENIGN_RESPONSE)
    del resource["status"]
    resource["_status"] = {"extension": [{"url": "urn:example", "valueString": "done"}]}
    before = row_counts()

    response = post_response(client_for(front_desk), resource)

    assert response.status_code == 400
    assert issues(response) == [("is required: only finished answers are submitted", ["status"])]
    assert row_counts() == before


@pytest.mark.django_db
def test_an_item_whose_link_id_is_only_an_extension_is_a_400_naming_it(client_for, front_desk):
    extension_only = {"_linkId": {"extension": [{"url": "urn:example", "valueString": "x"}]}}
    items = [dict(item) for item in BENIGN_RESPONSE["item"]]
    at = next(i for i, item in enumerate(items) if item["linkId"] == "patient")
    items[at]["item"] = [extension_only, *items[at]["item"]]
    resource = {**BENIGN_RESPONSE, "item": [*items, extension_only]}
    before = row_counts()

    response = post_response(client_for(front_desk), resource)

    assert response.status_code == 400
    assert issues(response) == [
        ("is required", [f"QuestionnaireResponse.item[{at}].item[0].linkId"]),
        ("is required", [f"QuestionnaireResponse.item[{len(items)}].linkId"]),
    ]
    assert row_counts() == before


@pytest.mark.django_db
def test_items_nested_120_deep_are_a_400_naming_where_they_pass_the_limit(client_for, front_desk):
    resource = {**BENIGN_RESPONSE, "item": [nested_items(120)]}
    before = row_counts()

    response = post_response(client_for(front_desk), resource)

    assert response.status_code == 400
    # The resource, then a list and an item per level: the limit is passed half as deep.
    where = "QuestionnaireResponse" + ".item[0]" * (MAX_DEPTH // 2)
    assert issues(response) == [(TOO_DEEP, [where])]
    assert row_counts() == before


@pytest.mark.django_db
def test_answers_nested_60_deep_are_a_400_naming_where_they_pass_the_limit(client_for, front_desk):
    resource = {**BENIGN_RESPONSE, "item": [{"linkId": "notes", "answer": [nested_answers(60)]}]}
    before = row_counts()

    response = post_response(client_for(front_desk), resource)

    assert response.status_code == 400
    where = "QuestionnaireResponse" + ".item[0].answer[0]" * (MAX_DEPTH // 4)
    assert issues(response) == [(TOO_DEEP, [where])]
    assert row_counts() == before


@pytest.mark.django_db
def test_json_nested_too_deeply_to_parse_is_a_400_naming_where_it_passes_the_limit(
    client_for, front_desk
):
    deep = '{"linkId": "notes", "item": [' * 5000 + "{}" + "]}" * 5000
    body = json.dumps({**BENIGN_RESPONSE, "item": ["deep"]}).replace('"deep"', deep)
    before = row_counts()

    response = client_for(front_desk).post(RESPONSES_PATH, data=body, content_type=FHIR_JSON)

    assert response.status_code == 400
    where = "QuestionnaireResponse" + ".item[0]" * (MAX_DEPTH // 2)
    assert issues(response) == [(TOO_DEEP, [where])]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("depth", "refused"), [(15, False), (16, True)], ids=["31-deep", "33-deep"]
)
def test_the_limit_is_max_depth_objects_and_lists_the_resource_included(depth, refused):
    resource = {**BENIGN_RESPONSE, "item": [nested_items(depth)]}  # 1 + 2 * depth
    with pytest.raises(DocumentInvalid) as invalid:
        document_from_response(resource)
    assert (TOO_DEEP in str(invalid.value)) == refused
