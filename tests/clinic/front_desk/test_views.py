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
from tests.builders import benign_data_2026_11, with_answers
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory, PatientFactory
from tests.intake.formdata import as_the_forms_ask, flags_through_the_forms, reask_data, step_data
from triage.models import ReaskedAnswer, TriageAssessment

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


def submit_confirming_what_is_asked_again(client, intake: Intake):
    """Submit from the review page, answering every question it asks again as before ("no":
    the vignette's own answer), so the vignette's triage is unchanged."""
    intake.refresh_from_db()
    asked_again = client.get(reverse("intake:review", args=[intake.pk])).context["reasks"]
    data = reask_data(asked_again.fields, answer=False, revision=intake.revision)
    return client.post(reverse("intake:submit", args=[intake.pk]), data)


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

    response = submit_confirming_what_is_asked_again(desk, intake)

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
    assert reverse("intake:resume", args=[intake.pk]) in page.content.decode()
    # Resumed at the first step not done yet; the symptoms are kept.
    resumed = desk.get(reverse("intake:resume", args=[intake.pk]))
    assert resumed.url == reverse("intake:step", args=[intake.pk, "red-flags"])
    form = desk.get(reverse("intake:step", args=[intake.pk, "symptoms"])).context["bound"].form
    assert form.initial["sides"] == doc["symptoms"]["sides"]
    assert form.initial["duration_days"] == doc["symptoms"]["duration_days"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("severity", "11", "Please give a number no bigger than 10."),
        ("duration_days", "-1", "Please give a number no smaller than 0."),
        ("sides", "", "Please choose one."),
        ("sides", "middle", "Please choose one of the answers shown."),
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
    submit_confirming_what_is_asked_again(desk, intake)
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
    assert "Please keep it to 100 characters (this has 101)." in page.content.decode()
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


# --- the re-ask before submit (clinical-content.md §2, its end) ------------------------------

BLADDER, URINARY = "bladder_bowel_control_loss", "urinary_difficulty"
TYPED = "No bladder problems, <just> tingling"  # both bear on "bladder" (decisions/0016)


def draft_with_words(desk, typed: str = TYPED) -> Intake:
    """A complete draft entered at the desk: every red flag answered no, `typed` described."""
    doc = with_answers(benign_data_2026_11(), {"symptoms.description": typed})
    intake = IntakeFactory(reported_on=dt.date.fromisoformat(doc["reported_on"]))
    fill_every_step(desk, intake, doc)
    intake.refresh_from_db()
    return intake


def review_page(desk, intake: Intake):
    return desk.get(reverse("intake:review", args=[intake.pk]))


def submit_answering(desk, intake: Intake, **answers: bool):
    """Submit from the review page, the questions asked again answered as given (by code)."""
    intake.refresh_from_db()
    data = {"revision": str(intake.revision)}
    for code, answer in answers.items():
        data |= reask_data([code], answer=answer, revision=intake.revision)
    return desk.post(reverse("intake:submit", args=[intake.pk]), data)


def test_words_bearing_on_a_no_are_put_back_before_the_submit_button(desk):
    intake = draft_with_words(desk)

    page = review_page(desk, intake).content.decode()

    for code in (BLADDER, URINARY):
        sentence = (
            "You wrote &quot;No bladder problems, &lt;just&gt; tingling&quot;. Please check your "
            f"answer to: {question(f'red_flags.{code}')}"
        )
        assert sentence in page
        assert page.index(sentence) < page.index("Submit intake")
        radios = re.findall(rf'<input type="radio"[^>]*name="reask-{code}"[^>]*>', page)
        assert len(radios) == 2 and not [radio for radio in radios if "checked" in radio]


def test_submit_is_refused_until_every_question_asked_again_is_answered(desk):
    intake = draft_with_words(desk)

    response = submit_answering(desk, intake, **{BLADDER: False})

    assert response.status_code == 200
    assert response.context["reasks"].errors == {URINARY: ["Please answer yes or no."]}
    page = response.content.decode()
    asked = page[page.index(f'id="div_id_reask-{URINARY}"') : page.index("Submit intake")]
    assert str(question(f"red_flags.{URINARY}")) in asked and "Please answer yes or no." in asked
    assert "Some answers are missing or need checking; see below." in page
    intake.refresh_from_db()
    assert intake.is_draft and intake.bladder_bowel_control_loss is False
    assert not TriageAssessment.objects.exists() and not ReaskedAnswer.objects.exists()
    assert not AuditEvent.objects.filter(action="submit").exists()


def test_yes_when_asked_again_is_an_emergency_at_once_and_both_answers_are_kept(desk, front_desk):
    intake = draft_with_words(desk)

    response = submit_answering(desk, intake, **{BLADDER: True, URINARY: False})

    assert response.url == reverse("intake:submitted", args=[intake.pk])
    intake.refresh_from_db()
    assert intake.status == "submitted"
    assert (intake.bladder_bowel_control_loss, intake.urinary_difficulty) == (True, False)
    assessment = TriageAssessment.objects.get(intake=intake)
    assert assessment.level == "emergency"
    assert {BLADDER, "free_text_red_flag"} <= set(assessment.flags.values_list("code", flat=True))
    assert 'id="emergency-alert"' in desk.get(response.url).content.decode()
    version = IntakeVersion.objects.get(intake=intake)
    assert version.document["red_flags"][BLADDER] is True
    stored = ReaskedAnswer.objects.values_list("path", "words", "question", "answer")
    assert sorted(stored) == [
        ("symptoms.description", f'"{TYPED}"', BLADDER, True),
        ("symptoms.description", f'"{TYPED}"', URINARY, False),
    ]
    assert {(row.answered_by, row.channel) for row in ReaskedAnswer.objects.all()} == {
        (front_desk, "front_desk")
    }
    event = AuditEvent.objects.get(action="update", detail__has_key="reasked")
    assert event.actor == front_desk
    assert event.detail == {
        "answers": [BLADDER],
        "reasked": {BLADDER: {"old": False, "new": True}, URINARY: {"old": False, "new": False}},
    }


def test_no_when_asked_again_submits_the_words_still_flag_and_both_answers_are_kept(desk):
    intake = draft_with_words(desk)

    response = submit_answering(desk, intake, **{BLADDER: False, URINARY: False})

    assert response.url == reverse("intake:submitted", args=[intake.pk])
    intake.refresh_from_db()
    assert intake.status == "submitted" and intake.bladder_bowel_control_loss is False
    assessment = TriageAssessment.objects.get(intake=intake)
    codes = set(assessment.flags.values_list("code", flat=True))
    assert assessment.level == "urgent" and "free_text_red_flag" in codes and BLADDER not in codes
    assert set(ReaskedAnswer.objects.values_list("question", "answer")) == {
        (BLADDER, False),
        (URINARY, False),
    }
    event = AuditEvent.objects.get(action="update", detail__has_key="reasked")
    assert event.detail["answers"] == []
    assert event.detail["reasked"][BLADDER] == {"old": False, "new": False}
    assert "bladder problems" not in str(AuditEvent.objects.values_list("detail", flat=True))


def test_a_no_confirmed_once_is_not_asked_again_until_the_words_change(desk):
    doc = as_the_forms_ask(with_answers(benign_data_2026_11(), {"notes": "No bladder problems"}))
    intake = IntakeFactory(reported_on=dt.date.fromisoformat(doc["reported_on"]))
    for slug in ("red-flags", "history"):  # the symptoms are left for later
        intake.refresh_from_db()
        url = reverse("intake:step", args=[intake.pk, slug])
        desk.post(url, step_data(slug, doc, revision=intake.revision))

    refused = submit_answering(desk, intake, **{BLADDER: False, URINARY: False})

    assert refused.url == reverse("intake:review", args=[intake.pk])  # the symptoms are missing
    intake.refresh_from_db()
    assert intake.is_draft and ReaskedAnswer.objects.count() == 2
    assert review_page(desk, intake).context["reasks"].fields == {}
    changed = with_answers(doc, {"notes": "No bladder problems since Monday"})
    url = reverse("intake:step", args=[intake.pk, "history"])
    desk.post(url, step_data("history", changed, revision=intake.revision))
    assert list(review_page(desk, intake).context["reasks"].fields) == [BLADDER, URINARY]


def test_answers_to_a_page_gone_stale_are_not_stored(desk):
    intake = draft_with_words(desk)
    data = reask_data([BLADDER, URINARY], answer=True, revision=intake.revision - 1)

    response = desk.post(reverse("intake:submit", args=[intake.pk]), data)

    assert response.url == reverse("intake:review", args=[intake.pk])
    intake.refresh_from_db()
    assert intake.is_draft and intake.bladder_bowel_control_loss is False
    assert not ReaskedAnswer.objects.exists()


def test_an_intake_without_words_to_ask_about_submits_as_before(desk):
    intake = draft_with_words(desk, "It tingles when I watch television")
    page = review_page(desk, intake)
    assert page.context["reasks"].fields == {}
    assert "Please check these answers again" not in page.content.decode()
    last_event = AuditEvent.objects.order_by("id").last().pk

    response = desk.post(reverse("intake:submit", args=[intake.pk]))  # no answers posted

    assert response.url == reverse("intake:submitted", args=[intake.pk])
    new_events = AuditEvent.objects.filter(pk__gt=last_event).order_by("id")
    assert list(new_events.values_list("action", flat=True)) == ["submit"]
    assert not ReaskedAnswer.objects.exists()


def test_a_refused_step_lists_every_problem_on_top_linked_to_its_field(desk):
    intake = IntakeFactory()
    response = desk.post(
        reverse("intake:step", args=[intake.pk, "symptoms"]),
        {"revision": intake.revision, "severity": "11", "sides": "middle"},
    )
    page = response.content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert page.index('id="error-summary"') < page.index('name="severity"')
    assert 'href="#id_severity"' in summary and 'href="#id_sides_0"' in summary
    assert "Please give a number no bigger than 10." in summary
