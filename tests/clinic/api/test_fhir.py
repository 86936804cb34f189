"""FHIR R4: the intake Questionnaire, and intakes as QuestionnaireResponses, both ways."""

import dataclasses
import json
import re
import typing
import uuid

import pytest
from django.test import Client
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from audit.models import AuditEvent
from clinic.submission import create_intake_from_document
from intake.answers import apply_document
from intake.document import (
    ALL_RED_FLAG_CODES,
    ALL_RISK_FACTOR_CODES,
    NOT_ASKED,
    RED_FLAG_CODES,
    RISK_FACTOR_CODES,
    DocumentInvalid,
    IntakeDocument,
    RiskFactors,
    Symptoms,
    codes,
    document_to_dict,
    emergency_answers,
    parse_document,
)
from intake.document.nesting import MAX_DEPTH, TOO_DEEP
from intake.fhir import (
    CODE_SYSTEM,
    SUDDENLY_CHANGED,
    document_from_response,
    questionnaire,
    questionnaire_response,
    questionnaire_url,
    response_emergency_answers,
)
from intake.models import Intake, Patient
from intake.questions import QUESTIONS, RECENTLY_MEANS
from intake.services import save_patient, start_intake
from tests.builders import (
    DELETE,
    VIGNETTES,
    benign_data,
    benign_data_2026_11,
    days_before,
    load_vignette,
    with_answers,
)
from tests.clinic.api.test_rest_evaluate import JSON_VALUES
from tests.factories import bearer_token, integration
from tests.reports.test_evaluate_command import row_counts
from tests.strategies import (
    EXTENSIONS,
    PRIMITIVE_EXTENSION,
    deep_json,
    nested_answers,
    nested_items,
    valid_documents,
)
from triage.engine import evaluate_triage
from triage.models import ReaskedAnswer
from triage.rules import RULES_VERSION
from triage.services import current_assessment

QUESTIONNAIRE_PATH = "/fhir/Questionnaire/leg-numbness-intake"
RESPONSES_PATH = "/fhir/QuestionnaireResponse"
FHIR_JSON = "application/fhir+json"
EMERGENCY = load_vignette(VIGNETTES[1])  # bladder loss
REFUSED = {401, 403}
CHANGED_DAYS = "symptoms.last_changed_days"

# Every section and every kind of answer, so the round trip covers what vignettes leave out.
COMPLETE = with_answers(
    benign_data(),
    {
        "patient.mrn": "MRN-0042",
        "patient.phone": "+1 (555) 010-0199",
        "patient.email": "ana@example.org",
        "patient.preferred_language": "es",
        "symptoms.last_changed_days": 3,
        "symptoms.associated": ["burning", "leg_weakness"],
        "symptoms.leg_changes": ["pale_or_blue", "color"],
        "symptoms.other_symptoms": ["dizziness", "rash", "unsteady_or_falling"],
        "symptoms.description": "Tingling in the evening.",
        "red_flags.urinary_difficulty": True,
        "risk_factors.fever": True,
        "risk_factors.cancer_active": False,
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
            {"kind": "back_injury", "older_than_14_days": True, "mechanism": "lifting_or_twisting"},
            {"kind": "other"},
        ],
        "conditions": ["diabetes", "cancer"],
        "exposures": ["heavy_metals", "nitrous_oxide"],
        "lifestyle": {"alcohol_drinks_per_week": 0, "diet": "vegan", "smoking": "former"},
        "notes": "Prefers mornings.",
    },
)
# The answers new in 2026.12.1, each state of each, on the benign document (every new
# question answered no, `last_changed_days: null`).
NEW_ANSWERS = [
    pytest.param({CHANGED_DAYS: 3}, id="changed-3-days-ago"),
    pytest.param({CHANGED_DAYS: 0}, id="changed-today"),
    pytest.param({}, id="not-changed-and-every-new-question-no"),
    pytest.param({CHANGED_DAYS: DELETE}, id="change-not-asked"),
    pytest.param({"red_flags.urinary_difficulty": True}, id="urinary-difficulty"),
    pytest.param({"red_flags.urinary_difficulty": DELETE}, id="urinary-not-asked"),
    pytest.param({"risk_factors": DELETE}, id="no-risk-factors-asked"),
    pytest.param({"risk_factors": {"fever": True, "blood_thinner": False}}, id="some-asked"),
    pytest.param(
        {"conditions": ["cancer"], "risk_factors.cancer_active": True}, id="cancer-active"
    ),
    pytest.param(
        {
            "injuries": [
                {"kind": "back_injury", "older_than_14_days": True},
                {"kind": "broken_leg", "date": days_before(20), "older_than_14_days": True},
                {"kind": "neck_injury", "date": days_before(3), "older_than_14_days": False},
            ]
        },
        id="injuries-older-than-14-days",
    ),
    pytest.param({"symptoms.leg_changes": list(codes.LEGACY_LEG_CHANGES)}, id="legacy-leg"),
    pytest.param(
        {
            "symptoms.other_symptoms": ["sudden_severe_headache", "tearing_chest_or_back_pain"],
            "injuries": [{"kind": "back_injury", "mechanism": "lifting_or_twisting"}],
            "exposures": ["nitrous_oxide"],
        },
        id="new-option-codes",
    ),
]
ROUND_TRIPS = [
    *(pytest.param(load_vignette(path)["document"], id=path.stem) for path in VIGNETTES),
    pytest.param(COMPLETE, id="complete"),
    *(pytest.param(with_answers(benign_data(), p.values[0]), id=p.id) for p in NEW_ANSWERS),
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


def section_models(model: type = IntakeDocument, prefix: str = "") -> dict[str, type]:
    """Every part of the document that holds answers of its own, by path: `patient`,
    `injuries` (its items), ... read from the dataclasses, so a new section is not missed."""
    found = {prefix: model}
    for name, hint in typing.get_type_hints(model).items():
        inner = [arg for arg in typing.get_args(hint) or (hint,) if dataclasses.is_dataclass(arg)]
        for part in inner:
            found |= section_models(part, f"{prefix}{name}.")
    return found


def document_paths() -> set[str]:
    """The path of every answer and every section of the document, as linkIds name them."""
    return {
        f"{prefix}{field.name}"
        for prefix, model in section_models().items()
        for field in dataclasses.fields(model)
    }


def test_the_questionnaire_asks_every_answer_of_every_section():
    assert document_paths() <= set(link_ids(questionnaire()["item"]))


def test_its_one_item_that_is_no_document_answer_is_the_sudden_change_yes_no():
    # Were `suddenly_changed` ever a document code, its linkId would mean two answers.
    extra = set(link_ids(questionnaire()["item"])) - document_paths()
    assert extra == {SUDDENLY_CHANGED} == {"symptoms.suddenly_changed"}
    assert "suddenly_changed" not in {field.name for field in dataclasses.fields(Symptoms)}


def test_the_questionnaire_asks_every_red_flag_as_a_yes_no_in_spec_order():
    items = link_ids(questionnaire()["item"])
    asked = [item["linkId"] for item in items["red_flags"]["item"]]
    assert asked == [f"red_flags.{code}" for code in ALL_RED_FLAG_CODES]
    assert asked.index("red_flags.urinary_difficulty") == (
        asked.index("red_flags.bladder_bowel_control_loss") + 1
    )
    for code in ALL_RED_FLAG_CODES:
        item = items[f"red_flags.{code}"]
        # Required as in a document: the new question is optional so older clients still work.
        assert (item["type"], item["required"]) == ("boolean", code in RED_FLAG_CODES)
        assert item["text"] == QUESTIONS[f"red_flags.{code}"]
    assert items["red_flags.urinary_difficulty"]["required"] is False
    assert items["red_flags"]["required"] is False  # a group: its answers say what is
    # Every question says "Recently": the group says what that means, as the forms do.
    assert str(RECENTLY_MEANS) in items["red_flags"]["text"]


def test_the_risk_factors_are_optional_yes_nos_cancer_now_asked_only_after_cancer():
    questions = questionnaire()["item"]
    items = link_ids(questions)
    group = items["risk_factors"]
    assert (group["type"], group["required"], group["repeats"]) == ("group", False, False)
    assert [item["linkId"] for item in group["item"]] == [
        f"risk_factors.{code}" for code in ALL_RISK_FACTOR_CODES
    ]
    for item in group["item"]:
        assert (item["type"], item["required"]) == ("boolean", False)
        assert item["text"] == QUESTIONS[item["linkId"]]
        assert ("enableWhen" in item) == (item["linkId"] == "risk_factors.cancer_active")
    assert items["risk_factors.cancer_active"]["enableWhen"] == [
        {
            "question": "conditions",
            "operator": "=",
            "answerCoding": {"system": CODE_SYSTEM, "code": "cancer", "display": "Cancer"},
        }
    ]
    # The answer that enables it is asked first.
    order = [item["linkId"] for item in questions]
    assert order.index("conditions") < order.index("risk_factors")


def test_a_sudden_change_is_a_yes_no_whose_yes_asks_how_many_days_ago():
    items = link_ids(questionnaire()["item"])
    symptoms = [item["linkId"] for item in items["symptoms"]["item"]]
    changed, days = items[SUDDENLY_CHANGED], items[CHANGED_DAYS]
    assert symptoms.index(SUDDENLY_CHANGED) + 1 == symptoms.index(CHANGED_DAYS)
    assert (changed["type"], changed["required"], "enableWhen" in changed) == (
        "boolean",
        False,
        False,
    )
    assert changed["text"].startswith("Has it suddenly changed or clearly got worse")
    # Required only once enabled: a "yes" without the days is refused.
    assert (days["type"], days["required"]) == ("integer", True)
    assert days["enableWhen"] == [
        {"question": SUDDENLY_CHANGED, "operator": "=", "answerBoolean": True}
    ]
    assert days["text"] == str(QUESTIONS["symptoms.last_changed_days"])


def test_the_leg_changes_offered_are_the_asked_codes_not_the_legacy_ones():
    offered = link_ids(questionnaire()["item"])["symptoms.leg_changes"]["answerOption"]
    assert [option["valueCoding"]["code"] for option in offered] == list(codes.ASKED_LEG_CHANGES)


def test_an_injury_may_be_more_than_two_weeks_ago_and_new_option_codes_are_offered():
    items = link_ids(questionnaire()["item"])
    injury = [item["linkId"] for item in items["injuries"]["item"]]
    assert injury.index("injuries.older_than_14_days") == injury.index("injuries.date") + 1
    older = items["injuries.older_than_14_days"]
    assert (older["type"], older["required"]) == ("boolean", False)
    assert older["text"] == QUESTIONS["injuries.older_than_14_days"]

    def offered(link_id: str) -> list[str]:
        return [option["valueCoding"]["code"] for option in items[link_id]["answerOption"]]

    assert offered("injuries.mechanism") == list(codes.INJURY_MECHANISMS)
    assert offered("exposures") == list(codes.EXPOSURES)
    assert offered("symptoms.other_symptoms") == list(codes.OTHER_SYMPTOMS)
    assert {"lifting_or_twisting", "nitrous_oxide", "sudden_severe_headache"} <= {
        *offered("injuries.mechanism"),
        *offered("exposures"),
        *offered("symptoms.other_symptoms"),
    }


def test_symptoms_are_typed_and_coded_with_the_document_codes():
    items = link_ids(questionnaire()["item"])
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
    # Required once there is a medication: the server says so, a renderer could not.
    assert items["medications.name"]["required"] is False
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
    assert Questionnaire.model_validate(response.json()).url == questionnaire_url()


@pytest.mark.django_db
def test_anyone_may_read_it_without_signing_in(client, client_for, outsider):
    for reader in (client, client_for(outsider)):
        response = reader.get(QUESTIONNAIRE_PATH)
        assert response.status_code == 200
        assert Questionnaire.model_validate(response.json()).version == RULES_VERSION


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


@pytest.mark.parametrize(
    ("days", "changed", "days_answer"),
    [
        (3, [{"valueBoolean": True}], [{"valueInteger": 3}]),
        (0, [{"valueBoolean": True}], [{"valueInteger": 0}]),
        (None, [{"valueBoolean": False}], None),
        (DELETE, None, None),
    ],
    ids=["changed", "changed-today", "not-changed", "not-asked"],
)
def test_a_sudden_change_is_sent_as_a_yes_no_then_its_days(days, changed, days_answer):
    resource = questionnaire_response(with_answers(benign_data(), {CHANGED_DAYS: days}))
    items = link_ids(resource["item"])
    assert items.get(SUDDENLY_CHANGED, {}).get("answer") == changed
    assert items.get(CHANGED_DAYS, {}).get("answer") == days_answer


def test_legacy_leg_changes_are_sent_as_stored_with_their_words():
    resource = questionnaire_response(
        with_answers(benign_data(), {"symptoms.leg_changes": ["color", "cold"]})
    )
    assert link_ids(resource["item"])["symptoms.leg_changes"]["answer"] == [
        {
            "valueCoding": {
                "system": CODE_SYSTEM,
                "code": "color",
                "display": "Colour changed (older question)",
            }
        },
        {
            "valueCoding": {
                "system": CODE_SYSTEM,
                "code": "cold",
                "display": "Colder than the other leg",
            }
        },
    ]


# fhir.resources reads FHIR's string pattern `[ \r\n\t\S]+` with Python's \S, so a text of
# other spaces only (a lone no-break space) is no FHIR string, though a document may hold it.
FHIR_STRING = re.compile(r"[ \r\n\t\S]")


def texts(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    children = (
        value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    )
    return [text for child in children for text in texts(child)]


@settings(max_examples=200, deadline=None)
@given(valid_documents())
def test_any_valid_document_round_trips_through_a_questionnaire_response(data):
    assume(all(FHIR_STRING.search(text) for text in texts(data) if text))
    doc = parse_document(data)
    # As sent (nulls and empty sections included), and in the canonical form stored.
    for answers in (data, document_to_dict(doc)):
        resource = questionnaire_response(answers)
        QuestionnaireResponse.model_validate(resource)
        assert parse_document(document_from_response(resource)) == doc


@settings(max_examples=100, deadline=None)
@given(valid_documents())
def test_a_response_has_the_emergency_answers_of_its_document(data):
    canonical = document_to_dict(parse_document(data))  # in the Questionnaire's order
    assert response_emergency_answers(questionnaire_response(data)) == emergency_answers(canonical)


NEW_LINK_IDS = {
    CHANGED_DAYS,
    "red_flags.urinary_difficulty",
    "risk_factors",
    *(f"risk_factors.{code}" for code in ALL_RISK_FACTOR_CODES),
    "injuries.older_than_14_days",
}
# A response to the Questionnaire of rules 2026.11.1: none of the new items, a past cancer.
OLDER_RESPONSE = questionnaire_response(
    with_answers(benign_data_2026_11(), {"conditions": ["cancer"], "injuries": [{"kind": "other"}]})
)
NOT_ASKED_PATHS = [
    "red_flags.urinary_difficulty",
    CHANGED_DAYS,
    *(f"risk_factors.{code}" for code in (*RISK_FACTOR_CODES, codes.CANCER_ACTIVE)),
]


def test_an_older_response_reads_the_new_questions_as_not_asked():
    assert not NEW_LINK_IDS & set(link_ids(OLDER_RESPONSE["item"]))

    doc = parse_document(document_from_response(OLDER_RESPONSE))

    assert doc.symptoms.last_changed_days is NOT_ASKED
    assert doc.red_flags.urinary_difficulty is None
    assert doc.risk_factors == RiskFactors()
    assert doc.injuries[0].older_than_14_days is None
    assert list(evaluate_triage(doc).flag("questions_not_asked").evidence) == NOT_ASKED_PATHS


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
        questionnaire_url(),
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
@pytest.mark.parametrize("answers", NEW_ANSWERS)
def test_a_stored_intake_reads_back_as_the_document_it_was(
    client_for, clinician, front_desk, answers
):
    doc = parse_document(with_answers(benign_data(), answers))
    intake = create_intake_from_document(doc, by=front_desk).intake

    resource = client_for(clinician).get(f"{RESPONSES_PATH}/{intake.pk}").json()

    QuestionnaireResponse.model_validate(resource)
    assert parse_document(document_from_response(resource)) == doc


@pytest.mark.django_db
def test_a_draft_reads_with_its_new_answers_so_far(client_for, clinician, front_desk):
    patient = save_patient(
        Patient(given_name="Dana", family_name="Draft", date_of_birth="1980-01-02"), by=front_desk
    )
    draft = start_intake(patient=patient, by=front_desk)
    doc = parse_document(COMPLETE)
    apply_document(draft, doc)  # the answers of every step, not submitted

    resource = client_for(clinician).get(f"{RESPONSES_PATH}/{draft.pk}").json()

    assert resource["status"] == "in-progress"
    read = parse_document(document_from_response({**resource, "status": "completed"}))
    assert (read.symptoms, read.red_flags, read.risk_factors, read.injuries) == (
        doc.symptoms,
        doc.red_flags,
        doc.risk_factors,
        doc.injuries,
    )


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


def post_plain_json(client, authorization: str):
    return client.post(
        RESPONSES_PATH,
        data=json.dumps(questionnaire_response(COMPLETE)),
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization,
    )


@pytest.mark.django_db
def test_a_response_may_be_posted_with_a_bearer_token_as_plain_json(client):
    registered = integration("system/QuestionnaireResponse.c")
    response = post_plain_json(client, f"Bearer {bearer_token(client, registered)}")
    assert response.status_code == 201
    submitted_by = Intake.objects.get(pk=response.json()["id"]).submitted_by
    assert submitted_by == registered[0].application.user


@pytest.mark.django_db
def test_the_rest_apis_old_tokens_are_refused_here(client, clinician):
    response = post_plain_json(client, f"Token {Token.objects.create(user=clinician).key}")
    assert response.status_code == 401
    assert not Intake.objects.exists()


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
    assert issues(response) == [
        ("must be between 0 and 10", [where(resource, "symptoms.severity")])
    ]
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
        ("must be answered with valueInteger", [where(resource, "symptoms.severity")]),
        (
            "is not a question in this part of the questionnaire",
            [f"QuestionnaireResponse.item[{len(resource['item']) - 1}]"],
        ),
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
            json.dumps(questionnaire_response(benign_data_2026_11(), status="stopped")),
            [
                (
                    "must be completed, or in-progress for answers so far (saved as a draft)",
                    ["QuestionnaireResponse.status"],
                )
            ],
        ),
    ],
    ids=["malformed", "other-resource", "not-fhir", "stopped"],
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


def with_item(resource: dict, link_id: str, answer: list | None) -> dict:
    """A copy of `resource` whose item `link_id` (at any depth) has `answer`, or is left out
    when `answer` is None."""

    def edit(items: list[dict]) -> list[dict]:
        return [
            {**item, "answer": answer}
            if item["linkId"] == link_id
            else {**item, "item": edit(item["item"])}
            if "item" in item
            else item
            for item in items
            if answer is not None or item["linkId"] != link_id
        ]

    return {**resource, "item": edit(resource["item"])}


def where(resource: dict, path: str) -> str:
    """The FHIRPath, in `resource`, of what the document path names (`injuries.0.kind`): found
    by walking the items, its answer for a question (`.answer[0]`, or the numbered one)."""
    parts, items, at, link_id = path.split("."), resource["item"], "QuestionnaireResponse", ""
    while parts:
        name = parts.pop(0)
        link_id = f"{link_id}.{name}" if link_id else name
        matches = [n for n, item in enumerate(items) if item["linkId"] == link_id]
        group = "item" in items[matches[0]]
        n = matches[int(parts.pop(0)) if group and parts and parts[0].isdigit() else 0]
        at += f".item[{n}]"
        if not group:
            return f"{at}.answer[{int(parts.pop(0)) if parts else 0}]"
        items = items[n]["item"]
    return at


def response_with(answers: dict[str, object]) -> dict:
    """The response of the benign document with the answers at the given paths changed."""
    return questionnaire_response(with_answers(benign_data(), answers))


CHANGED_3_DAYS_AGO = response_with({CHANGED_DAYS: 3})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        (response_with({CHANGED_DAYS: -1}), [("must be between 0 and 36500", [CHANGED_DAYS])]),
        (
            with_item(CHANGED_3_DAYS_AGO, CHANGED_DAYS, [{"valueInteger": "3"}]),
            [("must be a whole number or null", [CHANGED_DAYS])],
        ),
        (
            with_item(CHANGED_3_DAYS_AGO, CHANGED_DAYS, [{"valueInteger": None}]),
            [
                (
                    "must be a whole number (to say it has not changed, answer "
                    "symptoms.suddenly_changed false)",
                    [CHANGED_DAYS],
                )
            ],
        ),
        (
            with_item(CHANGED_3_DAYS_AGO, SUDDENLY_CHANGED, [{"valueBoolean": "yes"}]),
            [("must be true or false", [SUDDENLY_CHANGED])],
        ),
        (
            with_item(CHANGED_3_DAYS_AGO, SUDDENLY_CHANGED, [{"valueInteger": 1}]),
            [("must be answered with valueBoolean", [SUDDENLY_CHANGED])],
        ),
        (
            with_item(CHANGED_3_DAYS_AGO, SUDDENLY_CHANGED, [{"valueBoolean": False}]),
            [("must not be answered when symptoms.suddenly_changed is false", [CHANGED_DAYS])],
        ),
        (
            with_item(CHANGED_3_DAYS_AGO, CHANGED_DAYS, None),
            # Not there to point at: its group, naming it.
            [(f"{CHANGED_DAYS}: is required when symptoms.suddenly_changed is true", ["symptoms"])],
        ),
        (
            response_with({"red_flags.urinary_difficulty": "yes"}),
            [("must be true or false", ["red_flags.urinary_difficulty"])],
        ),
        (
            response_with({"risk_factors.fever": 1}),
            [("must be true or false", ["risk_factors.fever"])],
        ),
        (
            response_with({"conditions": ["cancer"], "risk_factors.cancer_active": "no"}),
            [("must be true or false", ["risk_factors.cancer_active"])],
        ),
        (
            response_with({"injuries": [{"kind": "other", "older_than_14_days": "yes"}]}),
            [("must be true or false", ["injuries.0.older_than_14_days"])],
        ),
        (
            response_with(
                {
                    "injuries": [
                        {"kind": "other", "date": days_before(3), "older_than_14_days": True}
                    ]
                }
            ),
            [
                (
                    "must not be true for a date within 14 days of reported_on",
                    ["injuries.0.older_than_14_days"],
                )
            ],
        ),
        (
            response_with({"symptoms.leg_changes": ["purple"]}),
            [(f"must be one of: {', '.join(codes.LEG_CHANGES)}", ["symptoms.leg_changes.0"])],
        ),
    ],
    ids=[
        "days-negative",
        "days-as-text",
        "days-null",
        "changed-as-text",
        "changed-as-a-number",
        "not-changed-but-days",
        "changed-without-days",
        "urinary-as-text",
        "risk-factor-as-a-number",
        "cancer-active-as-text",
        "older-than-14-days-as-text",
        "older-than-14-days-with-a-recent-date",
        "unknown-leg-change",
    ],
)
def test_a_bad_answer_to_a_new_question_is_a_400_naming_it_and_creates_nothing(
    client_for, front_desk, resource, expected
):
    before = row_counts()

    response = post_response(client_for(front_desk), resource)

    assert response.status_code == 400
    located = [(words, [where(resource, path) for path in paths]) for words, paths in expected]
    assert issues(response) == located
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "read"),
    [
        # Accepted, as the document parser accepts it; the rules ignore it (decisions/0007).
        (
            response_with({"risk_factors.cancer_active": True}),
            {"risk_factors.cancer_active": True},
        ),
        # The document's own path alone: unambiguous, as a client mapping paths sends it.
        (with_item(CHANGED_3_DAYS_AGO, SUDDENLY_CHANGED, None), {CHANGED_DAYS: 3}),
    ],
    ids=["cancer-active-without-cancer", "days-without-the-yes-no"],
)
def test_answers_the_questionnaire_would_not_enable_are_read_as_the_parser_reads_them(
    client_for, front_desk, resource, read
):
    response = post_response(client_for(front_desk), resource)

    assert response.status_code == 201
    stored = parse_document(document_from_response(response.json()))
    assert stored == parse_document(with_answers(benign_data(), read))


@pytest.mark.django_db
def test_an_older_response_is_accepted_and_its_triage_says_what_was_not_asked(
    client_for, front_desk
):
    response = post_response(client_for(front_desk), OLDER_RESPONSE)

    assert response.status_code == 201
    assessment = current_assessment(Intake.objects.get(pk=response.json()["id"]))
    assert assessment.flags.get(code="questions_not_asked").evidence == NOT_ASKED_PATHS


BLADDER_LOSS = {"red_flags.bladder_bowel_control_loss": True, CHANGED_DAYS: 3}
BLADDER = "red_flags.bladder_bowel_control_loss"


def emergency_issue(resource: dict) -> tuple[str, list[str]]:
    return (f"emergency answer in a refused response: {BLADDER}", [where(resource, BLADDER)])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("resource", "problem"),
    [
        (
            response_with({**BLADDER_LOSS, "symptoms.severity": 11}),
            ("must be between 0 and 10", ["symptoms.severity"]),
        ),
        (
            with_item(response_with(BLADDER_LOSS), SUDDENLY_CHANGED, [{"valueBoolean": False}]),
            ("must not be answered when symptoms.suddenly_changed is false", [CHANGED_DAYS]),
        ),
        (
            with_item(response_with(BLADDER_LOSS), "symptoms.severity", [{"valueInteger": "x"}]),
            None,  # FHIR's model refuses it, at the answer's FHIRPath
        ),
    ],
    ids=["by-the-document", "while-reading-the-response", "by-fhir-structure"],
)
def test_a_response_refused_at_any_stage_still_reports_its_emergency_answers(
    client_for, front_desk, resource, problem
):
    response = post_response(client_for(front_desk), resource)

    assert response.status_code == 400
    found = issues(response)
    assert (len(found), found[-1]) == (2, emergency_issue(resource))
    assert response.json()["issue"][-1]["severity"] == "fatal"  # §4
    if problem is not None:
        words, (path,) = problem
        assert found[0] == (words, [where(resource, path)])
    else:
        assert found[0][1][0].startswith("QuestionnaireResponse.item[")


BENIGN_RESPONSE = questionnaire_response(with_answers(benign_data(), {CHANGED_DAYS: 3}))


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
    assert issues(response) == [
        ("is required: only finished answers are submitted", ["QuestionnaireResponse.status"])
    ]
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
