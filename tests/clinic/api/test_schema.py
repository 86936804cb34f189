"""The OpenAPI document is the parser's: schemathesis sends what it describes, and things it
forbids, to the live app, and finds no 5xx and no answer the document does not describe."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import jsonschema_rs
import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.roles import Role
from intake.document import DocumentInvalid, Problem, document_schema, parse_document
from tests.builders import benign_data, with_answers
from tests.factories import UserFactory

SPEC_SCHEMA = Path(__file__).parents[3] / "intake" / "schema" / "intake.schema.json"
# What the parser refuses in a document the schema accepts: its rules across answers and
# dates relative to today (intake.document.parser.BEYOND_THE_SCHEMA), by their messages.
BEYOND_THE_SCHEMA = re.compile(
    "must not be after [0-9-]+|must not be in the future|must give an age of at most .*"
    "|must not be after reported_on|must not be before the date of birth"
    "|must be null or absent when pattern is constant"
    "|must not be true for a date within .* of reported_on"
)
REFUSED = {401, 403}
SCHEMA = schemathesis.openapi.from_dict(
    SchemaGenerator().get_schema(request=None, public=True),
    config=schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}}),
)
SCHEMA.app = get_wsgi_application()


@pytest.fixture(autouse=True)
def connections_kept_open() -> Iterator[None]:
    """As Django's test client does: called as a WSGI app, Django closes the database
    connection after each request (`close_old_connections`), which on PostgreSQL ends the
    test's transaction and every later query of the test."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token(db) -> str:
    return Token.objects.create(user=UserFactory(username="sam", role=Role.CLINICIAN)).key


def refused_only_beyond_the_schema(ctx, response, case) -> bool | None:
    """A document the schema accepts is accepted, or refused only for what it cannot say."""
    if not case.meta.generation.mode.is_positive or response.status_code != 400:
        return None
    messages = [problem["message"] for problem in response.json()["problems"]]
    beyond = [message for message in messages if not BEYOND_THE_SCHEMA.fullmatch(message)]
    assert not beyond, f"refused a document the schema accepts: {beyond}"
    return True


@pytest.mark.django_db
@SCHEMA.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_answers_as_its_openapi_document_says(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[positive_data_acceptance],
        additional_checks=[refused_only_beyond_the_schema],
    )


def answered(method: str, path: str, *, headers: dict, **case) -> int:
    """Call one operation on the app; raises unless the answer is one it documents."""
    operation = SCHEMA[path][method]
    response = SCHEMA.make_case(operation=operation, **case).call(headers=headers)
    operation.validate_response(response)
    return response.status_code


OPERATIONS = [
    ("POST", "/api/v1/evaluate", {"body": {}, "media_type": "application/json"}),
    ("POST", "/api/v1/intakes", {"body": {}, "media_type": "application/json"}),
    (
        "GET",
        "/api/v1/intakes/{intake_id}",
        {"path_parameters": {"intake_id": "6f1c2c3e-8d4b-4f7a-9a51-2b8c0e6d9f10"}},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "case"), OPERATIONS, ids=lambda x: str(x))
def test_every_operation_documents_its_refusals(method, path, case):
    outsider = Token.objects.create(user=UserFactory(username="oscar")).key

    assert answered(method, path, headers={}, **case) in REFUSED
    assert answered(method, path, headers={"Authorization": "Token nope"}, **case) in REFUSED
    assert answered(method, path, headers={"Authorization": f"Token {outsider}"}, **case) == 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN])
def test_each_roles_answers_are_as_documented(role):
    headers = {"Authorization": f"Token {Token.objects.create(user=UserFactory(role=role)).key}"}
    body = with_answers(benign_data(), {"patient.phone": "+1 (555) 010-0199"})
    operation = SCHEMA["/api/v1/intakes"]["POST"]
    created = SCHEMA.make_case(operation=operation, body=body, media_type="application/json")
    response = created.call(headers=headers)
    operation.validate_response(response)
    assert response.status_code == 201

    read = {"intake_id": response.json()["id"]}
    path = "/api/v1/intakes/{intake_id}"
    assert answered("GET", path, headers=headers, path_parameters=read) == 200


def test_every_operation_requires_its_body_and_documents_401_and_403():
    posts = 0
    for operations in SCHEMA.raw_schema["paths"].values():
        for method, operation in operations.items():
            assert {"401", "403"} <= set(operation["responses"])
            if method in {"post", "put", "patch"}:
                posts += 1
                assert operation["requestBody"]["required"] is True, method
    assert posts >= 2  # the intake and the evaluation at least


# --- the document's schema is the parser's --------------------------------------------------


def without(value: object, *names: str) -> object:
    """`value` without the annotations (or other string-valued keywords) named."""
    if isinstance(value, dict):
        return {
            key: without(item, *names)
            for key, item in value.items()
            if not (key in names and isinstance(item, str))
        }
    if isinstance(value, list):
        return [without(item, *names) for item in value]
    return value


def test_the_documents_schema_is_the_specs_with_the_parsers_text_patterns():
    """intake.schema.json is the clinical spec's; the parser adds what it also checks in one
    answer (docs/decisions/0013): no control characters in text, the phone and email forms."""
    spec = json.loads(SPEC_SCHEMA.read_text())
    email = spec["properties"]["patient"]["properties"]["email"]
    assert email.pop("format") == "email"  # the parser's own form replaces RFC 5322's

    annotations = ("$schema", "$id", "title", "description")
    assert without(document_schema(), "pattern", *annotations) == without(spec, *annotations)


# The validator schemathesis uses: ECMA-262 patterns, as JSON Schema means them (Python's
# `$` also matches before a final line break; ECMA-262's does not).
SCHEMA_VALIDATOR = jsonschema_rs.validator_for(document_schema(), validate_formats=True)
TEXT_CASES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "5550100123\n", "a@b.c\n", "Ana\u202e"]),
    st.from_regex(r"\+?(?:[ ().-]{0,2}[0-9]){5,17}[ ().-]{0,2}", fullmatch=True),
    st.from_regex(r"[a-z.+\t\x01\u202e]{1,6}@[a-z\x7f ]{1,6}\.[a-z\u2028]{1,4}", fullmatch=True),
)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(["phone", "email", "given_name", "mrn"]), text=TEXT_CASES)
def test_the_schema_accepts_a_typed_answer_exactly_when_the_parser_does(field, text):
    data = with_answers(benign_data(), {f"patient.{field}": text})
    try:
        parse_document(data)
        accepted = True
    except DocumentInvalid:
        accepted = False
    assert SCHEMA_VALIDATOR.is_valid(data) == accepted


DATES = st.one_of(
    st.dates().map(dt.date.isoformat),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.sampled_from(["0000-01-01", "2024-02-29", "2023-02-29", "2026-1-01", "2026-01-01\n"]),
    st.text(max_size=12),
)
DATE_SCHEMA = jsonschema_rs.validator_for(
    document_schema()["properties"]["reported_on"], validate_formats=True
)


@settings(max_examples=300, deadline=None)
@given(text=DATES)
def test_the_schema_accepts_a_date_exactly_when_the_parser_reads_one(text):
    data = benign_data() | {"reported_on": text}
    try:
        parse_document(data, today=dt.date(9999, 12, 30))
        problems = ()
    except DocumentInvalid as invalid:
        problems = invalid.problems
    unreadable = Problem("reported_on", "must be a date in the form YYYY-MM-DD") in problems
    assert DATE_SCHEMA.is_valid(text) == (not unreadable)
