"""Invariants over generated documents (Hypothesis)."""

import json
from pathlib import Path

from hypothesis import given, settings
from jsonschema import Draft202012Validator

from intake.document import (
    ALL_RED_FLAG_CODES,
    RISK_FACTOR_CODES,
    DocumentInvalid,
    document_to_dict,
    emergency_answers,
    parse_document,
)
from intake.fhir import document_from_response
from reports.evaluation import evaluate_document
from reports.suggestions import SUGGESTION_RULES
from tests.strategies import (
    extension_laden_responses,
    invalid_documents,
    json_values,
    valid_documents,
)
from triage.engine import evaluate_triage
from triage.rules import RULES, RULES_VERSION

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "intake" / "schema" / "intake.schema.json").read_text()
)
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
EXAMPLES = settings(max_examples=200, deadline=None)
RANK = {"routine": 0, "attention": 0, "urgent": 1, "emergency": 2}
FLAG_ORDER = [rule.code for rule in RULES]
TEST_ORDER = [rule.code for rule in SUGGESTION_RULES]


@EXAMPLES
@given(valid_documents())
def test_valid_documents_pass_the_schema_parse_and_round_trip(data):
    assert VALIDATOR.is_valid(data)
    doc = parse_document(data)
    assert parse_document(document_to_dict(doc)) == doc


@EXAMPLES
@given(valid_documents())
def test_level_is_the_highest_flag_severity_with_attention_as_routine(data):
    result = evaluate_triage(parse_document(data))

    highest = max((RANK[flag.severity] for flag in result.flags), default=0)
    assert RANK[result.level] == highest
    assert result.level in ("routine", "urgent", "emergency")


@EXAMPLES
@given(valid_documents())
def test_any_red_flag_answered_yes_is_an_emergency(data):
    doc = parse_document(data)

    if any(data["red_flags"].get(code) for code in ALL_RED_FLAG_CODES):
        assert evaluate_triage(doc).level == "emergency"


@EXAMPLES
@given(valid_documents())
def test_every_emergency_flag_makes_the_level_emergency_and_only_they_do(data):
    result = evaluate_triage(parse_document(data))

    emergencies = [flag for flag in result.flags if flag.severity == "emergency"]
    assert (result.level == "emergency") == bool(emergencies)


@EXAMPLES
@given(valid_documents())
def test_questions_not_asked_names_exactly_the_missing_new_questions(data):
    cancer = ["cancer_active"] if "cancer" in data.get("conditions", []) else []
    asked = data.get("risk_factors", {})
    missing = [
        *(
            ["red_flags.urinary_difficulty"]
            if "urinary_difficulty" not in data["red_flags"]
            else []
        ),
        *(["symptoms.last_changed_days"] if "last_changed_days" not in data["symptoms"] else []),
        *(f"risk_factors.{code}" for code in (*RISK_FACTOR_CODES, *cancer) if code not in asked),
    ]

    flag = evaluate_triage(parse_document(data)).flag("questions_not_asked")

    assert (list(flag.evidence) if flag else []) == missing


@EXAMPLES
@given(invalid_documents())
def test_a_refused_document_keeps_every_true_red_flag(data):
    red_flags = data.get("red_flags") if isinstance(data, dict) else None
    expected = (
        tuple(f"red_flags.{key}" for key, value in red_flags.items() if value is True)
        if isinstance(red_flags, dict)
        else ()
    )

    assert emergency_answers(data) == expected


@EXAMPLES
@given(valid_documents())
def test_evaluation_is_deterministic_json_and_has_the_contract_shape(data):
    result = evaluate_document(parse_document(data))

    assert evaluate_document(parse_document(data)) == result
    assert json.loads(json.dumps(result)) == result
    assert result.keys() == {"level", "flags", "suggested_tests", "rules_version"}
    assert result["rules_version"] == RULES_VERSION
    flag_codes = [flag["code"] for flag in result["flags"]]
    assert flag_codes == sorted(flag_codes, key=FLAG_ORDER.index)
    for flag in result["flags"]:
        assert flag.keys() == {"code", "severity", "title", "evidence", "source"}
        assert flag["evidence"] and all(isinstance(item, str) for item in flag["evidence"])
    test_codes = [test["code"] for test in result["suggested_tests"]]
    assert test_codes == sorted(test_codes, key=TEST_ORDER.index)
    for test in result["suggested_tests"]:
        assert test.keys() == {"code", "name", "reasons", "first_line", "note"}
        assert test["reasons"] and all(isinstance(item, str) for item in test["reasons"])
        assert isinstance(test["first_line"], bool)


@EXAMPLES
@given(invalid_documents())
def test_broken_documents_are_rejected_by_path_like_the_schema_rejects_them(data):
    try:
        parse_document(data)
    except DocumentInvalid as invalid:
        assert invalid.problems
        assert all(problem.path and problem.message for problem in invalid.problems)
    else:
        raise AssertionError("a broken document was accepted")
    assert not VALIDATOR.is_valid(data)


@EXAMPLES
@given(json_values())
def test_any_json_value_is_a_document_or_document_invalid_never_a_crash(data):
    try:
        parse_document(data)
    except DocumentInvalid as invalid:
        assert invalid.problems


@EXAMPLES
@given(valid_documents(), json_values())
def test_garbage_in_any_section_is_document_invalid_or_accepted_never_a_crash(data, garbage):
    for section in ("patient", "symptoms", "red_flags", "lifestyle", "medications", "notes"):
        try:
            parse_document({**data, section: garbage})
        except DocumentInvalid as invalid:
            assert invalid.problems


@EXAMPLES
@given(extension_laden_responses())
def test_a_response_laden_with_extensions_or_nested_is_a_document_or_refused_by_path(resource):
    try:
        parse_document(document_from_response(resource))
    except DocumentInvalid as invalid:
        assert invalid.problems
        assert all(problem.path and problem.message for problem in invalid.problems)
