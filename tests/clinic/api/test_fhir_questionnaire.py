"""#18 item 1, the Questionnaire's part: read without signing in, at an https canonical built
from PUBLIC_BASE_URL, with the rules version and its language; in Spanish when asked; found
by id and by `url`; and responses naming it (or its older canonical) are read."""

from __future__ import annotations

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from intake.document import DocumentInvalid
from intake.fhir import LEGACY_QUESTIONNAIRE_URL, document_from_response, questionnaire_url
from tests.clinic.api.test_fhir import COMPLETE, QUESTIONNAIRE_PATH, questionnaire_response
from triage.rules import RULES_VERSION

pytestmark = pytest.mark.django_db

CLINIC = "https://intake.riverside.example"


@pytest.fixture
def at_the_clinic(settings):
    settings.PUBLIC_BASE_URL = CLINIC
    return f"{CLINIC}/fhir/Questionnaire/leg-numbness-intake"


def test_its_canonical_is_https_at_the_clinic_with_the_rules_version(client, at_the_clinic):
    read = Questionnaire.model_validate(client.get(QUESTIONNAIRE_PATH).json())
    assert (read.url, read.version, read.language) == (at_the_clinic, RULES_VERSION, "en")


def test_in_spanish_it_has_spanish_titles(client):
    english = client.get(QUESTIONNAIRE_PATH, HTTP_ACCEPT_LANGUAGE="en").json()
    spanish = client.get(QUESTIONNAIRE_PATH, HTTP_ACCEPT_LANGUAGE="es").json()

    assert spanish["language"] == "es"
    assert spanish["title"].startswith("Adormecimiento u hormigueo")
    assert [item["text"] for item in spanish["item"]] != [item["text"] for item in english["item"]]
    Questionnaire.model_validate(spanish)


@pytest.mark.parametrize("suffix", ["", f"|{RULES_VERSION}"])
def test_it_is_found_by_its_canonical(client, at_the_clinic, suffix):
    found = Bundle.model_validate(
        client.get("/fhir/Questionnaire", {"url": at_the_clinic + suffix}).json()
    )
    assert (found.type, found.total) == ("searchset", 1)
    assert found.entry[0].resource.url == at_the_clinic
    assert found.entry[0].fullUrl.endswith(QUESTIONNAIRE_PATH)


@pytest.mark.parametrize("url", ["https://elsewhere.example/Questionnaire/x", "|2020.1.1"])
def test_another_canonical_or_version_finds_nothing(client, at_the_clinic, url):
    wanted = at_the_clinic + url if url.startswith("|") else url
    found = client.get("/fhir/Questionnaire", {"url": wanted}).json()
    assert (found["total"], found["entry"]) == (0, [])


def test_all_of_them_is_this_one(client):
    assert client.get("/fhir/Questionnaire").json()["total"] == 1


@pytest.mark.parametrize(
    "named",
    [
        lambda: questionnaire_url(),
        lambda: f"{questionnaire_url()}|2026.11.1",  # an older version of it
        lambda: LEGACY_QUESTIONNAIRE_URL,  # the canonical before it resolved
    ],
)
def test_a_response_naming_it_is_read(at_the_clinic, named):
    response = questionnaire_response(COMPLETE) | {"questionnaire": named()}
    assert document_from_response(json.loads(json.dumps(response)))


def test_a_response_to_another_questionnaire_is_refused(at_the_clinic):
    response = questionnaire_response(COMPLETE) | {"questionnaire": "https://elsewhere.example/Q/1"}
    with pytest.raises(DocumentInvalid) as refused:
        document_from_response(response)
    assert refused.value.problems[0].path == "QuestionnaireResponse.questionnaire"


def _items(items: list[dict]):
    for item in items:
        yield item
        yield from _items(item.get("item", []))


def test_the_items_with_a_standard_loinc_term_carry_it():
    from intake.fhir import questionnaire

    coded = {
        item["linkId"]: item["code"][0]
        for item in _items(questionnaire()["item"])
        if "code" in item
    }
    assert {link: code["code"] for link, code in coded.items()} == {
        "patient.date_of_birth": "21112-8",
        "patient.sex": "46098-0",
        "symptoms.severity": "72514-3",
        "lifestyle.smoking": "72166-2",
        "lifestyle.alcohol_drinks_per_week": "44940-5",
    }
    assert {code["system"] for code in coded.values()} == {"http://loinc.org"}


def _extensions(item: dict) -> dict[str, dict]:
    return {ext["url"].rsplit("/", 1)[1]: ext for ext in item.get("extension", [])}


def test_no_group_and_nothing_inside_an_optional_repeating_group_is_required():
    from intake.fhir import questionnaire

    def walk(items, inside_optional):
        for item in items:
            if item["type"] == "group" or inside_optional:
                assert item["required"] is False, item["linkId"]
            optional = inside_optional or (item["type"] == "group" and item["repeats"])
            walk(item.get("item", []), optional)

    walk(questionnaire()["item"], False)


def test_each_answers_limits_are_the_parsers():
    """The bounds a renderer is given are the parser's: one past each is refused."""
    from intake.document import DocumentInvalid, parse_document
    from intake.fhir import questionnaire
    from tests.builders import benign_data, with_answers

    checked = []
    for item in _items(questionnaire()["item"]):
        hints = _extensions(item)
        # The symptoms a benign document answers (the days of a change only follow a change).
        if "maxValue" not in hints or not item["linkId"].startswith("symptoms."):
            continue
        if item["linkId"] == "symptoms.last_changed_days":
            continue
        for past in (hints["maxValue"]["valueInteger"] + 1, hints["minValue"]["valueInteger"] - 1):
            with pytest.raises(DocumentInvalid) as refused:
                parse_document(with_answers(benign_data(), {item["linkId"]: past}))
            assert item["linkId"] in str(refused.value)
        checked.append(item["linkId"])
    assert {"symptoms.severity", "symptoms.duration_days"} <= set(checked)


def test_choices_say_radio_or_check_box_and_text_its_pattern_and_format():
    import re

    from intake.fhir import answer_schema, questionnaire

    for item in _items(questionnaire()["item"]):
        hints = _extensions(item)
        if item["type"] == "choice":
            control = hints["questionnaire-itemControl"]["valueCodeableConcept"]["coding"][0]
            assert control["code"] == ("check-box" if item["repeats"] else "radio-button")
        if item["type"] in ("string", "text"):
            pattern = hints["regex"]["valueString"]
            assert pattern == answer_schema(item["linkId"])["pattern"]
            re.compile(pattern)
        if item["type"] == "date":
            assert hints["entryFormat"]["valueString"] == "YYYY-MM-DD"
    phone = next(i for i in _items(questionnaire()["item"]) if i["linkId"] == "patient.phone")
    assert re.fullmatch(_extensions(phone)["regex"]["valueString"], "+1 (555) 010-0199")
    assert not re.fullmatch(_extensions(phone)["regex"]["valueString"], "call me")
    medications = next(i for i in _items(questionnaire()["item"]) if i["linkId"] == "medications")
    assert _extensions(medications)["questionnaire-maxOccurs"]["valueInteger"] == 100


@pytest.mark.parametrize(
    ("answers", "rule"),
    [
        ({"injuries": [{"kind": "broken_leg", "date": "2026-11-25"}]}, "injuries.date"),
        ({"injuries": [{"kind": "broken_leg", "date": "1950-01-01"}]}, "injuries.date"),
        ({"injuries": [{"kind": "broken_leg", "date": "2026-10-01"}]}, "injuries.date"),
        ({"vaccinations": [{"name": "Flu", "date": "2026-12-25"}]}, "vaccinations.date"),
        ({"vaccinations": [{"name": "Flu", "date": "2025-10-01"}]}, "vaccinations.date"),
        ({"patient.date_of_birth": "2026-11-21"}, "patient.date_of_birth"),
        ({"patient.date_of_birth": "1980-02-29"}, "patient.date_of_birth"),
    ],
    ids=[
        "after-reported",
        "before-birth",
        "injury-ok",
        "vaccine-ahead",
        "vaccine-ok",
        "born-later",
        "born-ok",
    ],
)
def test_the_date_constraints_a_renderer_runs_say_what_the_parser_says(answers, rule):
    """Each targetConstraint's FHIRPath, run on the response as a renderer would, holds exactly
    when the parser accepts the date it is about."""
    from fhirpathpy import evaluate
    from fhirpathpy.models import models

    from intake.document import DocumentInvalid, parse_document
    from intake.fhir import questionnaire, questionnaire_response
    from tests.builders import benign_data, with_answers

    document = benign_data()
    for key in ("injuries", "vaccinations"):
        if key in answers:
            document[key] = answers[key]
    document = with_answers(document, {k: v for k, v in answers.items() if "." in k})
    try:
        parse_document(document)
        accepted = True
    except DocumentInvalid as refused:
        import re

        paths = {re.sub(r"\.[0-9]+", "", problem.path) for problem in refused.problems}
        assert paths == {rule}, refused.problems
        accepted = False

    item = next(i for i in _items(questionnaire()["item"]) if i["linkId"] == rule)
    constraints = [e for e in item["extension"] if e["url"].endswith("/targetConstraint")]
    response = questionnaire_response(document)
    holds = all(
        evaluate(
            response,
            f"QuestionnaireResponse.repeat(item).where(linkId='{rule}').all({expression})",
            {"resource": response},
            models["r4"],
        )
        == [True]
        for expression in (
            next(
                p["valueExpression"]["expression"]
                for p in c["extension"]
                if p["url"] == "expression"
            )
            for c in constraints
        )
    )
    assert constraints and holds == accepted
