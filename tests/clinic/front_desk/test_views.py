"""The front desk enters a whole intake with the Django test client."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clinic import submission
from intake.document import ALL_RED_FLAG_CODES, RISK_FACTOR_CODES, parse_document
from intake.models import Intake, IntakeVersion, Patient
from intake.questions import question
from intake.steps import STEPS
from reports.models import PreVisitSummary
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory, PatientFactory
from tests.intake.formdata import as_the_forms_ask, flags_through_the_forms, step_data
from triage.models import TriageAssessment

pytestmark = pytest.mark.django_db


def fill_every_step(client, intake: Intake, doc: dict) -> None:
    doc = as_the_forms_ask(doc)
    for step in STEPS[1:]:  # the patient exists already
        intake.refresh_from_db()
        url = reverse("intake:step", args=[intake.pk, step.slug])
        response = client.post(url, step_data(step.slug, doc, revision=intake.revision))
        assert response.status_code == 302, (
            step.slug,
            response.context
            and [(f.errors if f else None) for f in [response.context["bound"].form]],
        )


@pytest.fixture
def desk(client_for, front_desk):
    return client_for(front_desk)


def test_a_new_patient_then_every_step_then_submit_gives_the_vignettes_triage(desk, vignette):
    doc = vignette["document"]
    patient = PatientFactory(
        given_name=doc["patient"]["given_name"], family_name=doc["patient"]["family_name"]
    )
    intake = IntakeFactory(patient=patient, reported_on=dt.date.fromisoformat(doc["reported_on"]))
    fill_every_step(desk, intake, doc)

    response = desk.post(reverse("intake:submit", args=[intake.pk]))

    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.status == "submitted" and intake.version == 1
    assessment = TriageAssessment.objects.get(intake=intake)
    assert assessment.level == vignette["reference"]["level"]
    assert sorted(assessment.flags.values_list("code", flat=True)) == flags_through_the_forms(
        vignette["reference"]
    )
    assert PreVisitSummary.objects.get(intake=intake).status == "pending"
    assert AuditEvent.objects.filter(action="submit", object_id=str(intake.pk)).count() == 1


def test_the_draft_survives_a_closed_tab_and_resumes_from_open_drafts(desk, vignette):
    intake = IntakeFactory()
    doc = as_the_forms_ask(vignette["document"])
    desk.post(
        reverse("intake:step", args=[intake.pk, "symptoms"]),
        step_data("symptoms", doc, revision=0),
    )
    # A new session (the tablet crashed): the answers are on the server.
    page = desk.get(reverse("intake:desk"))
    assert reverse("intake:step", args=[intake.pk, "symptoms"]) in page.content.decode()
    form = desk.get(reverse("intake:step", args=[intake.pk, "symptoms"])).context["bound"].form
    assert form.initial["sides"] == doc["symptoms"]["sides"]
    assert form.initial["duration_days"] == doc["symptoms"]["duration_days"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("severity", "11", "less than or equal to 10"),
        ("duration_days", "-1", "greater than or equal to 0"),
        ("sides", "", "Please choose one."),
        ("sides", "middle", "Select a valid choice"),
        ("positional", "", "Please answer yes or no."),
        ("locations", [], "Please tick at least one place."),
        ("frequency", "", "Please say how often it comes back."),
    ],
)
def test_a_symptoms_error_stands_beside_its_field_and_nothing_is_saved(desk, field, value, message):
    intake = IntakeFactory()
    doc = {
        "symptoms": {
            "sides": "left",
            "locations": ["calf"],
            "onset": "gradual",
            "duration_days": 3,
            "pattern": "comes_and_goes",
            "frequency": "daily",
            "positional": True,
            "relieved_by_moving": True,
            "progression": "stable",
            "severity": 3,
        },
        "red_flags": {},
    }
    data = step_data("symptoms", doc, revision=0) | {field: value}
    response = desk.post(reverse("intake:step", args=[intake.pk, "symptoms"]), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["bound"].form.errors[field])
    intake.refresh_from_db()
    assert intake.sides == "" and intake.revision == 0


def test_red_flag_questions_have_no_default_and_each_must_be_answered(desk):
    intake = IntakeFactory()
    page = desk.get(reverse("intake:step", args=[intake.pk, "red-flags"]))
    assert "checked" not in page.content.decode().split("<form")[1]
    answers = step_data("red-flags", {"red_flags": {"confusion": False}}, revision=0)
    response = desk.post(reverse("intake:step", args=[intake.pk, "red-flags"]), answers)
    errors = response.context["bound"].form.errors
    assert set(errors) == {*ALL_RED_FLAG_CODES, *RISK_FACTOR_CODES} - {"confusion"}
    intake.refresh_from_db()
    assert intake.confusion is None


def test_review_lists_what_is_missing_and_submit_saves_nothing_until_complete(desk):
    intake = IntakeFactory()
    review = desk.get(reverse("intake:review", args=[intake.pk]))
    texts = [problem.text for problem in review.context["problems"]]
    assert any(text.startswith("Which leg is numb or tingling?") for text in texts)
    assert any(str(question("red_flags.confusion")) in text for text in texts)

    response = desk.post(reverse("intake:submit", args=[intake.pk]))

    assert response.status_code == 302 and response.url.endswith("/review/")
    intake.refresh_from_db()
    assert intake.status == "draft"
    assert not TriageAssessment.objects.exists() and not PreVisitSummary.objects.exists()


def test_a_draft_without_the_new_questions_is_not_submitted_and_review_says_where_to_ask(desk):
    # A draft whose answers were all given but the questions new in 2026.12.1 (an older
    # draft, or steps skipped): the document would be valid, the forms still ask them.
    doc = as_the_forms_ask(VIGNETTES["05-diabetic-feet"]["document"])
    doc["conditions"] = [*doc.get("conditions", []), "cancer"]
    intake = submission.create_intake_from_document(
        parse_document(doc), by=None, channel="front_desk"
    ).intake
    Intake.objects.filter(pk=intake.pk).update(
        status="draft", version=0, urinary_difficulty=None, fever=None, cancer_active=None,
        suddenly_changed=None,
    )  # fmt: skip

    review = desk.get(reverse("intake:review", args=[intake.pk]))
    problems = review.context["problems"]
    links = {problem.text.removesuffix(" — is required"): problem.url for problem in problems}

    def step(slug: str) -> str:
        return reverse("intake:step", args=[intake.pk, slug])

    assert links == {
        str(question("red_flags.urinary_difficulty")): step("red-flags"),
        str(question("symptoms.suddenly_changed")): step("symptoms"),
        str(question("risk_factors.fever")): step("red-flags"),
        str(question("risk_factors.cancer_active")): step("history"),
    }
    response = desk.post(reverse("intake:submit", args=[intake.pk]))
    assert response.url.endswith("/review/")
    intake.refresh_from_db()
    assert intake.status == "draft"


def test_rows_are_added_and_removed(desk):
    intake = IntakeFactory()
    url = reverse("intake:step", args=[intake.pk, "medications"])
    doc = {"medications": [{"name": "Metformin", "dose": "500 mg", "kind": "prescription"}]}
    response = desk.post(
        url, step_data("medications", doc, revision=0) | {"add_row": "medications"}
    )
    assert response.status_code == 302 and response.url == url
    row = intake.medications.get()
    assert (row.name, row.dose, row.kind) == ("Metformin", "500 mg", "prescription")

    intake.refresh_from_db()
    data = step_data("medications", {}, revision=intake.revision) | {
        "medications-TOTAL_FORMS": "2",
        "medications-INITIAL_FORMS": "1",
        "medications-0-id": str(row.pk),
        "medications-0-name": "Metformin",
        "medications-0-DELETE": "on",
    }
    desk.post(url, data)
    assert not intake.medications.exists()


def test_a_second_submit_of_the_same_intake_changes_nothing(desk, vignette):
    doc = vignette["document"]
    intake = IntakeFactory(reported_on=dt.date.fromisoformat(doc["reported_on"]))
    fill_every_step(desk, intake, doc)
    desk.post(reverse("intake:submit", args=[intake.pk]))
    second = desk.post(reverse("intake:submit", args=[intake.pk]))
    assert second.status_code == 302
    assert TriageAssessment.objects.filter(intake=intake).count() == 1
    assert PreVisitSummary.objects.filter(intake=intake).count() == 1
    assert IntakeVersion.objects.filter(intake=intake).count() == 1
    assert AuditEvent.objects.filter(action="submit").count() == 1


def test_duplicates_are_shown_before_a_new_patient_is_created(desk):
    existing = PatientFactory(
        given_name="José", family_name="García", date_of_birth=dt.date(1960, 1, 2)
    )
    data = {
        "given_name": "Jose",
        "family_name": "garcia",
        "date_of_birth": "1960-01-02",
        "preferred_language": "es",
    }
    response = desk.post(reverse("intake:patient-new"), data)
    assert response.status_code == 200
    assert list(response.context["duplicates"]) == [existing]
    assert Patient.objects.count() == 1

    response = desk.post(reverse("intake:patient-new"), data | {"confirm_new": "yes"})
    assert response.status_code == 302
    assert Patient.objects.count() == 2
    assert Intake.objects.get(patient__given_name="Jose").status == "draft"


def search(desk, term: str):
    return desk.post(reverse("intake:desk-search"), {"q": term}, follow=True)


def test_patient_search_finds_by_name_without_accents_dob_and_mrn_prefix(desk):
    patient = PatientFactory(
        given_name="Zoë", family_name="Ødegård", mrn="MRN-55501", date_of_birth=dt.date(1955, 5, 5)
    )
    PatientFactory(given_name="Other", family_name="Person", mrn="X-1")
    for query in ("zoe", "odegard", "MRN-555", "1955-05-05"):
        assert list(search(desk, query).context["patients"]) == [patient], query


def test_the_search_term_stays_out_of_urls_and_only_the_page_searched_shows_it(desk):
    PatientFactory(given_name="Ines", family_name="Quintero", mrn="MRN-90210")
    response = desk.post(reverse("intake:desk-search"), {"q": "Quintero"})
    assert response.status_code == 302
    desk_url = reverse("intake:desk")
    assert re.fullmatch(rf"{desk_url}\?search=[\w-]+", response["Location"]), response["Location"]
    assert "Quintero" not in response["Location"]
    page = desk.get(response["Location"])  # reloading the searched page searches again
    assert [p.family_name for p in page.context["patients"]] == ["Quintero"]
    assert 'value="Quintero"' in page.content.decode()
    # The desk reached any other way (the navigation bar, a bookmark) is not searched.
    assert desk.get(reverse("intake:desk")).context["patients"] == []
    assert desk.get(reverse("intake:desk"), {"q": "Quintero"}).context["patients"] == []
    # The page's Clear button posts an empty term after the typed one; the last one counts.
    cleared = desk.post(reverse("intake:desk-search"), {"q": ["Quintero", ""]})
    assert cleared["Location"] == reverse("intake:desk")


def test_a_refused_search_names_the_field_and_searches_nothing(desk):
    PatientFactory(family_name="Quintero")
    page = search(desk, "x" * 101)
    assert "Find a patient by name" in page.content.decode()
    assert "at most 100 characters" in page.content.decode()
    assert page.context["patients"] == []


def test_the_search_is_the_users_own(client_for, front_desk, admin_user):
    PatientFactory(family_name="Quintero")
    searched = client_for(front_desk).post(reverse("intake:desk-search"), {"q": "Quintero"})
    # The same link in another user's session finds nothing: the term is not in the URL.
    assert client_for(admin_user).get(searched["Location"]).context["patients"] == []


def test_every_step_offers_to_hand_the_tablet_over_or_send_a_link(desk):
    intake = IntakeFactory()
    html = desk.get(reverse("intake:step", args=[intake.pk, "symptoms"])).content.decode()
    assert reverse("patient:kiosk-start", args=[intake.pk]) in html
    assert reverse("patient:link-new", args=[intake.pk]) in html


def test_saving_a_step_is_audited_by_answer_code_without_the_values(desk, front_desk):
    intake = IntakeFactory()
    doc = {"symptoms": {"sides": "left", "locations": ["calf"], "onset": "gradual",
                        "duration_days": 3, "pattern": "constant", "positional": False,
                        "relieved_by_moving": False, "progression": "stable", "severity": 3,
                        "last_changed_days": None,
                        "description": "Zqx7 private words"}}  # fmt: skip
    desk.post(
        reverse("intake:step", args=[intake.pk, "symptoms"]), step_data("symptoms", doc, revision=0)
    )
    event = AuditEvent.objects.get(action="update", object_id=str(intake.pk))
    assert event.actor == front_desk
    assert "sides" in event.detail["answers"] and "description" in event.detail["answers"]
    assert "Zqx7" not in str(event.detail)
