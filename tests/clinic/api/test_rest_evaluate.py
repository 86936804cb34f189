"""`POST /api/v1/evaluate`: the same JSON as the command, for staff only, writing nothing."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token

from intake.document import parse_document
from intake.document.nesting import MAX_DEPTH, TOO_DEEP
from reports.evaluation import evaluate_document
from tests.builders import VIGNETTES, benign_data, load_vignette, with_answers
from tests.reports.test_evaluate_command import row_counts
from tests.strategies import invalid_documents

URL = "/api/v1/evaluate"
SCHEMA_URL = "/api/v1/schema"
EMERGENCY = load_vignette(VIGNETTES[1])  # bladder loss
REFUSED = {401, 403}

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=25,
)
# Paths into the benign document, to vary one answer at a time with a random value.
SECTIONS = ("patient", "symptoms", "red_flags", "risk_factors")
ANSWER_PATHS = [
    *SECTIONS,
    *(f"{section}.{name}" for section in SECTIONS for name in benign_data()[section]),
    *("reported_on", "medications", "injuries", "lifestyle"),
]


def post(client, body: bytes | str, **extra):
    return client.post(URL, data=body, content_type="application/json", **extra)


def post_json(client, data: object, **extra):
    return post(client, json.dumps(data), **extra)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["clinician", "admin_user"])
def test_each_clinical_role_gets_the_evaluation_and_nothing_is_written(
    client_for, request, persona
):
    client = client_for(request.getfixturevalue(persona))
    before = row_counts()
    response = post_json(client, EMERGENCY["document"])
    assert response.status_code == 200
    assert response.json() == evaluate_document(parse_document(EMERGENCY["document"]))
    assert response.json()["level"] == "emergency"
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", VIGNETTES, ids=lambda path: path.stem)
def test_the_api_answers_the_reference_for_every_vignette(client_for, clinician, path):
    vignette = load_vignette(path)
    body = post_json(client_for(clinician), vignette["document"]).json()
    assert body["level"] == vignette["reference"]["level"]
    assert sorted(flag["code"] for flag in body["flags"]) == sorted(vignette["reference"]["flags"])
    assert sorted(test["code"] for test in body["suggested_tests"]) == sorted(
        vignette["reference"]["suggested_tests"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["front_desk", "outsider", "deactivated"])
def test_a_user_without_a_clinical_role_is_refused_and_nothing_is_written(
    client_for, request, persona
):
    client = client_for(request.getfixturevalue(persona))
    before = row_counts()
    response = post_json(client, EMERGENCY["document"])
    assert response.status_code in REFUSED
    assert "level" not in response.json()
    assert row_counts() == before


@pytest.mark.django_db
def test_a_stranger_is_refused_not_redirected_to_the_login_page(client):
    before = row_counts()
    response = post_json(client, EMERGENCY["document"])
    assert response.status_code in REFUSED
    assert "level" not in response.json()
    assert row_counts() == before


@pytest.mark.django_db
def test_token_authentication_works_without_a_session(client, clinician):
    token = Token.objects.create(user=clinician)
    response = post_json(client, EMERGENCY["document"], HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["level"] == "emergency"


@pytest.mark.django_db
def test_a_token_of_a_user_without_a_role_is_refused(client, outsider):
    token = Token.objects.create(user=outsider)
    before = row_counts()
    response = post_json(client, EMERGENCY["document"], HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403
    assert row_counts() == before


@pytest.mark.django_db
def test_a_bad_token_is_refused(client):
    response = post_json(client, EMERGENCY["document"], HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code in REFUSED


@pytest.mark.django_db
def test_a_bad_document_lists_every_problem_by_path(client_for, clinician):
    bad = with_answers(
        benign_data(), {"symptoms.severity": 11, "red_flags.confusion": "no", "extra": 1}
    )
    before = row_counts()
    response = post_json(client_for(clinician), bad)
    assert response.status_code == 400
    assert response.json() == {
        "problems": [
            {"path": "symptoms.severity", "message": "must be between 0 and 10"},
            {"path": "red_flags.confusion", "message": "must be true or false"},
            {"path": "extra", "message": "is not allowed here"},
        ],
        "emergency_answers": [],  # §4 of 2026.12.1: listed even when there are none
    }
    assert row_counts() == before


@pytest.mark.django_db
def test_a_refused_document_still_reports_its_emergency_answers(client_for, clinician):
    bad = with_answers(
        benign_data(),
        {
            "symptoms.severity": 11,
            "red_flags.bladder_bowel_control_loss": True,
            "red_flags.confusion": 1,  # not the JSON true
            "red_flags.saddle_numbness": "yes",
            "red_flags.numb_down_there": True,  # unknown, still listed
        },
    )

    response = post_json(client_for(clinician), bad)

    assert response.status_code == 400
    assert response.json() == {
        "problems": [
            {"path": "symptoms.severity", "message": "must be between 0 and 10"},
            {"path": "red_flags.saddle_numbness", "message": "must be true or false"},
            {"path": "red_flags.confusion", "message": "must be true or false"},
            {"path": "red_flags.numb_down_there", "message": "is not allowed here"},
        ],
        "emergency_answers": [
            "red_flags.bladder_bowel_control_loss",
            "red_flags.numb_down_there",
        ],
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{not json", {"path": "(document)", "message": "must be valid JSON"}),
        ("[1, 2]", {"path": "(document)", "message": "must be an object"}),
        ('"text"', {"path": "(document)", "message": "must be an object"}),
        ("NaN", {"path": "(document)", "message": "must be valid JSON"}),
        ("[" * 100_000, {"path": ".".join(["0"] * MAX_DEPTH), "message": TOO_DEEP}),
    ],
    ids=["malformed", "list", "string", "nan", "too-deep-to-parse"],
)
def test_a_body_that_is_not_a_json_object_is_a_400_with_problems(
    client_for, clinician, body, problem
):
    response = post(client_for(clinician), body)
    assert response.status_code == 400
    assert response.json() == {"problems": [problem], "emergency_answers": []}


@pytest.mark.django_db
def test_a_key_that_cannot_be_encoded_is_still_answered(client_for, clinician):
    # A lone surrogate is valid JSON but not valid UTF-8; the path echoes it back.
    response = post(client_for(clinician), '{"\\ud800": 1}')
    assert response.status_code == 400
    assert {"path": "\ud800", "message": "is not allowed here"} in response.json()["problems"]


@pytest.mark.django_db
def test_an_empty_body_lists_the_required_sections(client_for, clinician):
    response = post(client_for(clinician), "")
    assert response.status_code == 400
    assert [problem["path"] for problem in response.json()["problems"]] == [
        "patient",
        "symptoms",
        "red_flags",
    ]


@pytest.mark.django_db
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=JSON_VALUES)
def test_any_json_value_is_answered_with_problems_never_a_500(client_for, clinician, value):
    response = post_json(client_for(clinician), value)
    assert response.status_code == 400
    assert response.json()["problems"]


@pytest.mark.django_db
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(ANSWER_PATHS), value=JSON_VALUES)
def test_any_value_for_any_answer_is_evaluated_or_rejected_never_a_500(
    client_for, clinician, path, value
):
    response = post_json(client_for(clinician), with_answers(benign_data(), {path: value}))
    assert response.status_code in {200, 400}
    assert ("level" in response.json()) == (response.status_code == 200)


@pytest.mark.django_db
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=invalid_documents())
def test_a_refused_document_always_lists_its_true_red_flags(client_for, clinician, data):
    response = post_json(client_for(clinician), data)

    red_flags = data.get("red_flags") if isinstance(data, dict) else None
    expected = (
        [f"red_flags.{key}" for key, value in red_flags.items() if value is True]
        if isinstance(red_flags, dict)
        else []
    )
    assert response.status_code == 400
    assert response.json()["problems"]
    assert response.json()["emergency_answers"] == expected


@pytest.mark.django_db
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=200))
def test_garbage_bytes_are_a_400_never_a_500(client_for, clinician, body):
    response = post(client_for(clinician), body)
    assert response.status_code == 400
    assert response.json()["problems"]


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_refused_as_unsupported(client_for, clinician):
    response = client_for(clinician).post(URL, data="a=1", content_type="text/plain")
    assert response.status_code == 415


@pytest.mark.django_db
def test_the_openapi_schema_describes_evaluate_and_intakes(client_for, clinician):
    response = client_for(clinician).get(SCHEMA_URL, {"format": "json"})
    assert response.status_code == 200
    paths = json.loads(response.content)["paths"]
    assert {"/api/v1/evaluate", "/api/v1/intakes", "/api/v1/intakes/{intake_id}"} <= set(paths)
    evaluate = paths["/api/v1/evaluate"]["post"]
    assert set(evaluate["responses"]) == {"200", "400", "401", "403"}
    assert evaluate["requestBody"]["required"] is True
    document = evaluate["requestBody"]["content"]["application/json"]["schema"]
    assert document["required"] == ["patient", "symptoms", "red_flags"]
    yaml = client_for(clinician).get(SCHEMA_URL)
    assert yaml.status_code == 200
    assert b"/api/v1/evaluate:" in yaml.content
    assert b"/api/v1/intakes:" in yaml.content


@pytest.mark.django_db
def test_the_openapi_schema_is_for_staff_only(client, client_for, outsider):
    assert client.get(SCHEMA_URL).status_code in REFUSED
    assert client_for(outsider).get(SCHEMA_URL).status_code == 403
