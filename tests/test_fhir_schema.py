"""The R4 schema check that every test's FHIR answers pass (tests/conftest.py) does check."""

import pytest

from tests.fhir_schema import r4_problems


def test_it_refuses_what_r4_refuses_and_passes_what_it_allows():
    assert r4_problems({"resourceType": "Patient", "gender": "robot"})
    assert r4_problems({"resourceType": "Patient", "birthDate": "1970-13-01"})
    assert not r4_problems({"resourceType": "Patient", "birthDate": "1970-01-01"})


@pytest.mark.django_db
def test_a_server_answer_r4_refuses_fails_the_test_that_made_it(
    client_for, front_desk, monkeypatch
):
    from clinic.api.fhir import views
    from intake.models import Patient

    patient = Patient.objects.create(given_name="Ada", family_name="R", date_of_birth="1970-01-01")
    monkeypatch.setattr(
        views, "patient_resource", lambda p: {"resourceType": "Patient", "gender": "robot"}
    )
    with pytest.raises(AssertionError, match="not valid R4"):
        client_for(front_desk).get(f"/fhir/Patient/{patient.pk}")


def test_the_invariants_catch_what_r4_forbids():
    from tests.fhir_invariants import broken_invariants

    bad = {
        "resourceType": "Questionnaire",
        "status": "active",
        "item": [
            {"linkId": "a", "type": "display", "required": True},
            {"linkId": "a", "type": "group"},
        ],
    }
    assert set(broken_invariants(bad)) == {"que-1", "que-2", "que-6"}
    wrong_bundle = {"resourceType": "Bundle", "type": "collection", "total": 1}
    assert broken_invariants(wrong_bundle) == ["bdl-1"]
    answered_group = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [{"linkId": "g", "answer": [{"valueBoolean": True}], "item": [{"linkId": "x"}]}],
    }
    assert broken_invariants(answered_group) == ["qrs-1"]
