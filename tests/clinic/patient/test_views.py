"""The patient answers on a kiosk tablet or through a one-time link, without an account."""

import datetime as dt
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from clinic.patient import access as patient_access
from intake.forms import YES_NO
from intake.levels import level_meaning
from intake.models import Intake, PatientLink
from intake.questions import OPTION_LABELS, QUESTIONS, question
from intake.steps import STEPS
from tests.builders import with_answers
from tests.factories import TEST_PASSWORD
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory, PatientFactory
from tests.intake.formdata import as_the_forms_ask, reask_data, step_data
from triage.models import ReaskedAnswer, TriageAssessment

pytestmark = pytest.mark.django_db

PATIENT_STEPS = STEPS[1:]
# Names no page text could contain by chance: any hit means patient data leaked.
GIVEN, FAMILY, BORN = "Zebulonia", "Quorndike", dt.date(1961, 7, 23)
EMERGENCY, ROUTINE = "02-bladder-loss", "01-positional-transient"
YES_NO_WORDS = [label for _, label in YES_NO]
# The shared step partial's own words (intake/_step_fields.html): the patient sees them too.
STEP_PARTIAL_LITERALS = {
    "Medicines and supplements",
    "Vaccinations",
    "Injuries",
    "Remove this row",
    "Save and add another",
}


def intake_for(name: str = ROUTINE, **patient) -> Intake:
    doc = VIGNETTES[name]["document"]
    patient = PatientFactory(given_name=GIVEN, family_name=FAMILY, date_of_birth=BORN, **patient)
    return IntakeFactory(patient=patient, reported_on=dt.date.fromisoformat(doc["reported_on"]))


def assert_no_patient_data(response) -> None:
    page = response.content.decode()
    assert GIVEN not in page and FAMILY not in page and BORN.isoformat() not in page


def fill_every_step(client, intake: Intake, doc: dict, step_url) -> None:
    doc = as_the_forms_ask(doc)
    for step in PATIENT_STEPS:
        intake.refresh_from_db()
        response = client.post(
            step_url(step.slug), step_data(step.slug, doc, revision=intake.revision)
        )
        assert response.status_code == 302, step.slug
        assert_no_patient_data(client.get(step_url(step.slug)))


@pytest.fixture
def desk(client_for, front_desk):
    return client_for(front_desk)


# --- kiosk ----------------------------------------------------------------------------------


def start_kiosk(desk, intake: Intake):
    return desk.post(reverse("patient:kiosk-start", args=[intake.pk]))


def kiosk_step(slug: str) -> str:
    return reverse("patient:kiosk-step", args=[slug])


def test_handing_over_the_tablet_signs_the_staff_user_out_and_is_audited(desk, front_desk):
    intake = intake_for()

    response = start_kiosk(desk, intake)

    assert response.status_code == 302 and response.url == kiosk_step("symptoms")
    assert "_auth_user_id" not in desk.session
    event = AuditEvent.objects.get(action="kiosk")
    assert (event.actor, event.object_id) == (front_desk, str(intake.pk))
    page = desk.get(response.url)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]


@pytest.mark.parametrize(
    "path",
    ["/", "/intakes/", "/admin/", "/no-such-page/", "/p/kiosk/done/", "/p/l/some-token/"],
)
def test_the_tablet_reaches_nothing_but_its_intake(desk, path):
    start_kiosk(desk, intake_for())

    for method in (desk.get, desk.post):
        response = method(path)
        assert response.status_code == 302 and response.url == kiosk_step("symptoms"), path


def test_another_intakes_pages_are_unreachable_from_the_tablet(desk):
    start_kiosk(desk, intake_for())
    desk.get(kiosk_step("red-flags"))  # the patient's current page
    other = IntakeFactory()

    for url in (
        reverse("intake:step", args=[other.pk, "symptoms"]),
        reverse("intake:review", args=[other.pk]),
        reverse("patient:kiosk-start", args=[other.pk]),
        reverse("patient:link-new", args=[other.pk]),
    ):
        response = desk.post(url)
        assert response.status_code == 302 and response.url == kiosk_step("red-flags"), url
    assert not PatientLink.objects.exists()
    assert AuditEvent.objects.filter(action="kiosk").count() == 1


@pytest.mark.parametrize("name", [EMERGENCY, ROUTINE, "04-leg-weakness"])
def test_the_patient_completes_the_tablet_and_is_asked_to_hand_it_back(desk, name):
    vignette = VIGNETTES[name]
    intake = intake_for(name)
    start_kiosk(desk, intake)

    fill_every_step(desk, intake, vignette["document"], kiosk_step)
    review = desk.get(kiosk_step("review"))
    assert review.status_code == 200 and not review.context["problems"]
    assert_no_patient_data(review)
    response = desk.post(reverse("patient:kiosk-submit"))

    assert response.status_code == 302 and response.url == reverse("patient:kiosk-done")
    intake.refresh_from_db()
    assert (intake.status, intake.channel) == ("submitted", "patient_tablet")
    assert intake.submitted_by is None
    assert TriageAssessment.objects.get(intake=intake).level == vignette["reference"]["level"]
    submit = AuditEvent.objects.get(action="submit", object_id=str(intake.pk))
    assert (submit.actor, submit.actor_label) == (None, "Patient on a clinic tablet")
    done = desk.get(response.url)
    assert "Please hand the tablet back to the front desk" in done.content.decode()
    assert_no_patient_data(done)


def test_an_emergency_on_the_tablet_tells_the_patient_to_go_to_the_desk_now(desk):
    intake = intake_for(EMERGENCY)
    start_kiosk(desk, intake)
    fill_every_step(desk, intake, VIGNETTES[EMERGENCY]["document"], kiosk_step)

    done = desk.get(desk.post(reverse("patient:kiosk-submit")).url)

    page = done.content.decode()
    assert 'id="emergency-alert"' in page
    assert "Please tell the front desk staff right now" in page
    assert str(question("red_flags.bladder_bowel_control_loss")) in page  # their own question
    assert "Loss of bladder" not in page and "cauda equina" not in page.lower()


@pytest.mark.parametrize(
    ("name", "asked"),
    [
        ("24-urinary-difficulty-one-sided-sciatica-30-days", "red_flags.urinary_difficulty"),
        ("13-limb-ischaemia-pale-cold-on-chemotherapy", "symptoms.leg_changes"),
    ],
)
def test_every_emergency_names_the_patients_own_answers(desk, client, name, asked):
    vignette = VIGNETTES[name]
    assert vignette["reference"]["level"] == "emergency"
    intake = intake_for(name)
    token = token_of(make_link(desk, intake))
    fill_every_step(client, intake, vignette["document"], link_step_url(token))

    page = client.get(client.post(reverse("patient:link-submit", args=[token])).url)

    html = page.content.decode()
    assert 'id="emergency-alert"' in html and str(question(asked)) in html
    assert "One of your other answers" not in html and "red_flags." not in html


def test_an_urgent_result_on_the_tablet_gives_a_lesser_notice(desk):
    intake = intake_for("04-leg-weakness")
    start_kiosk(desk, intake)
    fill_every_step(desk, intake, VIGNETTES["04-leg-weakness"]["document"], kiosk_step)

    page = desk.get(desk.post(reverse("patient:kiosk-submit")).url).content.decode()

    assert 'id="urgent-notice"' in page and 'id="emergency-alert"' not in page


@pytest.mark.parametrize(
    ("language", "words", "hours"),
    [("en", "A clinician will call you today", "Mon-Fri 9-5"), ("es", "hoy", "lun-vie 9-17")],
)
def test_an_urgent_result_by_link_says_what_to_do_with_the_clinics_phone_and_hours(
    desk, client, settings, language, words, hours
):
    settings.CLINIC_PHONE = "(555) 123-4567"
    settings.CLINIC_HOURS = {"en": "Mon-Fri 9-5", "es": "lun-vie 9-17"}
    intake = intake_for("04-leg-weakness", preferred_language=language)
    token = token_of(make_link(desk, intake))
    fill_every_step(client, intake, VIGNETTES["04-leg-weakness"]["document"], link_step_url(token))

    page = client.get(client.post(reverse("patient:link-submit", args=[token])).url)

    html = page.content.decode()
    assert 'id="urgent-notice"' in html and words in html
    assert "(555) 123-4567" in html and hours in html
    assert "urgent care" in html or "atención urgente" in html


def test_a_routine_result_says_it_is_discussed_at_the_visit(desk, client):
    intake = intake_for(ROUTINE)
    token = token_of(make_link(desk, intake))
    fill_every_step(client, intake, VIGNETTES[ROUTINE]["document"], link_step_url(token))

    page = client.get(client.post(reverse("patient:link-submit", args=[token])).url)

    assert level_meaning("routine", to_patient=True) in page.content.decode()


def test_after_submitting_the_tablet_shows_only_the_hand_back_page(desk):
    intake = intake_for()
    start_kiosk(desk, intake)
    fill_every_step(desk, intake, VIGNETTES[ROUTINE]["document"], kiosk_step)
    desk.post(reverse("patient:kiosk-submit"))

    for url in (kiosk_step("symptoms"), kiosk_step("review"), "/intakes/", "/"):
        response = desk.get(url)
        assert response.status_code == 302 and response.url == reverse("patient:kiosk-done")
    assert desk.post(reverse("patient:kiosk-submit")).url == reverse("patient:kiosk-done")
    assert list(desk.session.keys()) == [patient_access.KIOSK_DONE]


def test_staff_signing_in_on_the_tablet_ends_the_kiosk(desk, front_desk):
    start_kiosk(desk, intake_for())

    signed_in = desk.post(
        reverse("accounts:login"), {"username": front_desk.username, "password": TEST_PASSWORD}
    )

    assert signed_in.status_code == 302
    assert desk.get(reverse("intake:desk")).status_code == 200
    assert patient_access.KIOSK_INTAKE not in desk.session


def test_a_submitted_intake_cannot_be_handed_over(desk):
    intake = IntakeFactory(status="submitted", version=1)

    response = start_kiosk(desk, intake)

    assert response.url == reverse("intake:submitted", args=[intake.pk])
    assert "_auth_user_id" in desk.session and not AuditEvent.objects.filter(action="kiosk")


def test_kiosk_pages_without_a_kiosk_session_go_to_the_sign_in_page(client):
    for url in (kiosk_step("symptoms"), reverse("patient:kiosk-done")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


# --- link -----------------------------------------------------------------------------------


def make_link(desk, intake: Intake) -> str:
    """The front desk makes a link; the path the patient opens."""
    response = desk.post(reverse("patient:link-new", args=[intake.pk]))
    assert response.status_code == 200
    return urlsplit(response.context["url"]).path


def token_of(link_path: str) -> str:
    return link_path.split("/")[3]


def link_step_url(token: str):
    return lambda slug: reverse("patient:link-step", args=[token, slug])


@pytest.mark.parametrize("persona", ["outsider", "clinician"])
def test_only_the_front_desk_makes_links(client_for, request, persona):
    intake = intake_for()
    response = client_for(request.getfixturevalue(persona)).post(
        reverse("patient:link-new", args=[intake.pk])
    )
    assert response.status_code == 403
    assert not PatientLink.objects.exists() and not AuditEvent.objects.filter(action="link")


def test_a_stranger_cannot_make_a_link(client):
    intake = intake_for()
    response = client.post(reverse("patient:link-new", args=[intake.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert not PatientLink.objects.exists() and not AuditEvent.objects.filter(action="link")


def test_the_front_desk_gets_a_link_a_qr_code_and_its_expiry(desk, front_desk):
    intake = intake_for()
    before = timezone.now()

    response = desk.post(reverse("patient:link-new", args=[intake.pk]))

    link = PatientLink.objects.get()
    assert (link.intake, link.created_by) == (intake, front_desk)
    assert (
        before + dt.timedelta(hours=24)
        <= link.expires_at
        <= timezone.now() + dt.timedelta(hours=24)
    )
    page = response.content.decode()
    assert response.context["url"] in page and "<svg" in page
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="link")
    assert (event.actor, event.object_id, event.detail["link"]) == (
        front_desk,
        str(intake.pk),
        str(link.id),
    )


def test_the_link_carries_no_patient_data(desk):
    intake = intake_for()
    path = make_link(desk, intake)

    for value in (GIVEN, FAMILY, BORN.isoformat(), str(intake.pk), str(intake.patient.pk)):
        assert value.lower() not in path.lower()
    payload = signing.loads(token_of(path), salt=patient_access.LINK_SALT)
    assert payload == {"l": str(PatientLink.objects.get().id)}


def test_the_link_lifetime_follows_the_setting(desk, settings):
    settings.PATIENT_LINK_HOURS = 2
    make_link(desk, intake_for())
    link = PatientLink.objects.get()
    assert link.expires_at - link.created_at < dt.timedelta(hours=2, seconds=5)


@pytest.mark.parametrize("name", [EMERGENCY, ROUTINE])
def test_the_patient_answers_through_the_link_without_an_account(desk, client, name):
    vignette = VIGNETTES[name]
    intake = intake_for(name)
    path = make_link(desk, intake)
    token = token_of(path)

    opened = client.get(path)
    assert opened.status_code == 302 and opened.url == link_step_url(token)("symptoms")
    fill_every_step(client, intake, vignette["document"], link_step_url(token))
    response = client.post(reverse("patient:link-submit", args=[token]))

    assert response.url == reverse("patient:link-done", args=[token])
    intake.refresh_from_db()
    assert (intake.status, intake.channel) == ("submitted", "patient_link")
    assert TriageAssessment.objects.get(intake=intake).level == vignette["reference"]["level"]
    done = client.get(response.url)
    assert done.status_code == 200 and "Your answers have been sent" in done.content.decode()
    assert_no_patient_data(done)
    opened_link = AuditEvent.objects.filter(
        action="view", actor_label="patient link", detail__page="start"
    )
    assert opened_link.count() == 1
    assert AuditEvent.objects.get(action="submit").actor_label == "Patient by link"


def test_an_emergency_by_link_tells_the_patient_to_call_911(desk, client):
    intake = intake_for(EMERGENCY)
    token = token_of(make_link(desk, intake))
    fill_every_step(client, intake, VIGNETTES[EMERGENCY]["document"], link_step_url(token))

    done = client.get(client.post(reverse("patient:link-submit", args=[token])).url)

    page = done.content.decode()
    assert 'id="emergency-alert"' in page
    assert "Call 911 now or go to the nearest emergency department" in page
    assert str(question("red_flags.bladder_bowel_control_loss")) in page


def test_after_submission_the_question_pages_say_the_link_was_used(desk, client):
    intake = intake_for()
    token = token_of(make_link(desk, intake))
    fill_every_step(client, intake, VIGNETTES[ROUTINE]["document"], link_step_url(token))
    client.post(reverse("patient:link-submit", args=[token]))

    for url in (
        reverse("patient:link-start", args=[token]),
        link_step_url(token)("symptoms"),
        link_step_url(token)("review"),
    ):
        response = client.get(url)
        assert response.status_code == 410
        assert "This link has already been used" in response.content.decode()
        assert_no_patient_data(response)
    # A repeated submit (a double tap) lands on the same thank-you page.
    again = client.post(reverse("patient:link-submit", args=[token]))
    assert again.url == reverse("patient:link-done", args=[token])
    assert client.get(again.url).status_code == 200


def test_a_link_for_an_intake_the_desk_submitted_shows_no_thank_you_page(desk, client):
    intake = intake_for()
    token = token_of(make_link(desk, intake))
    Intake.objects.filter(pk=intake.pk).update(
        status="submitted", version=1, submitted_at=timezone.now()
    )

    response = client.get(reverse("patient:link-done", args=[token]))

    assert response.status_code == 410 and "already been used" in response.content.decode()


def flip(token: str, at: int) -> str:
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


def expire_row(token: str) -> str:
    PatientLink.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    return token


def revoke(token: str) -> str:
    PatientLink.objects.update(revoked_at=timezone.now())
    return token


def another_intakes_id(token: str) -> str:
    """A correctly signed token naming something that is not a link: another intake's id."""
    other = IntakeFactory()
    return signing.dumps({"l": str(other.pk)}, salt=patient_access.LINK_SALT, compress=True)


@pytest.mark.parametrize(
    ("spoil", "status", "words"),
    [
        (expire_row, 410, "This link has expired"),
        (revoke, 410, "This link is no longer active"),
        (lambda token: flip(token, len(token) - 1), 404, "This link does not work"),
        (lambda token: flip(token, 3), 404, "This link does not work"),
        (lambda token: token[:-6], 404, "This link does not work"),
        (lambda token: "not-a-token-at-all", 404, "This link does not work"),
        (another_intakes_id, 404, "This link does not work"),
    ],
    ids=["expired", "revoked", "altered-signature", "altered-payload", "cut", "garbage", "other"],
)
def test_a_bad_link_gives_a_clear_page_and_no_patient_data(desk, client, spoil, status, words):
    intake = intake_for()
    token = spoil(token_of(make_link(desk, intake)))

    for url in (
        reverse("patient:link-start", args=[token]),
        link_step_url(token)("symptoms"),
        link_step_url(token)("review"),
        reverse("patient:link-done", args=[token]),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert words in response.content.decode()
        assert response.templates[0].name == "intake/patient/link_problem.html"
        assert_no_patient_data(response)
    submitted = client.post(reverse("patient:link-submit", args=[token]))
    assert submitted.status_code == status
    intake.refresh_from_db()
    assert intake.is_draft and intake.revision == 0


def test_a_signature_older_than_the_longest_link_life_is_expired(client, front_desk, monkeypatch):
    intake = intake_for()
    long_ago = time.time() - patient_access.longest_link_life().total_seconds() - 3600
    link, _ = patient_access.make_link(intake, by=front_desk)
    with monkeypatch.context() as patched:
        patched.setattr(signing.time, "time", lambda: long_ago)
        token = patient_access.token_for(link)
    assert link.expires_at > timezone.now()  # the row alone would still allow it

    response = client.get(link_step_url(token)("symptoms"))

    assert response.status_code == 410 and "This link has expired" in response.content.decode()


def test_a_link_changes_only_its_own_intake(desk, client):
    intake, other = intake_for(), IntakeFactory()
    token = token_of(make_link(desk, intake))
    doc = as_the_forms_ask(VIGNETTES[ROUTINE]["document"])

    client.post(link_step_url(token)("symptoms"), step_data("symptoms", doc, revision=0))

    intake.refresh_from_db()
    other.refresh_from_db()
    assert intake.sides == doc["symptoms"]["sides"] and intake.channel == "patient_link"
    assert (other.sides, other.revision) == ("", 0)


# --- language -------------------------------------------------------------------------------


def test_a_spanish_speaking_patient_sees_spanish_and_can_switch_to_english(desk, client):
    intake = intake_for(preferred_language="es")
    step = link_step_url(token_of(make_link(desk, intake)))("symptoms")

    spanish = client.get(step).content.decode()
    assert "¿Qué pierna" in spanish and 'lang="es"' in spanish and "Paso 1 de 6" in spanish

    switched = client.post(reverse("patient:set_language"), {"language": "en", "next": step})
    assert switched.status_code == 302 and switched.url == step

    english = client.get(step).content.decode()
    assert "Which leg is numb or tingling?" in english and "¿Qué pierna" not in english


def test_the_tablet_speaks_the_new_patients_language_not_the_last_ones(desk):
    client = desk
    client.cookies["django_language"] = "en"  # the previous patient switched to English
    start_kiosk(client, intake_for(preferred_language="es"))

    page = client.get(kiosk_step("symptoms")).content.decode()

    assert "¿Qué pierna" in page


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: set[str] = set()

    def handle_data(self, data: str) -> None:
        self.nodes.add(" ".join(data.split()))


def english_left_on(page: str, english: set[str]) -> set[str]:
    parser = _Text()
    parser.feed(page)
    return parser.nodes & english


def english_only(words) -> set[str]:
    """The words as an English speaker reads them, less those Spanish spells the same."""
    with translation.override("en"):
        english = {str(word) for word in words}
    with translation.override("es"):
        spanish = {str(word) for word in words}
    return english - spanish


def spanish_pages(desk, client) -> dict[str, str]:
    intake = intake_for(preferred_language="es")
    step_url = link_step_url(token_of(make_link(desk, intake)))
    slugs = [step.slug for step in PATIENT_STEPS] + ["review"]
    return {slug: client.get(step_url(slug)).content.decode() for slug in slugs}


def test_the_patients_pages_in_spanish_leave_no_question_or_option_in_english(desk, client):
    words = english_only(
        [
            *QUESTIONS.values(),
            *OPTION_LABELS.values(),
            *(step.title for step in STEPS),
            *YES_NO_WORDS,
            "Save and continue",
            "Back",
            "Not answered",
            "None",
        ]
    )

    for slug, page in spanish_pages(desk, client).items():
        assert english_left_on(page, words) == set(), slug


def test_the_shared_step_partial_speaks_spanish_too(desk, client):
    pages = spanish_pages(desk, client)

    assert english_left_on(pages["medications"] + pages["injuries"], STEP_PARTIAL_LITERALS) == set()


def test_an_incomplete_kiosk_intake_goes_back_to_review_with_links_to_the_patients_pages(desk):
    intake = intake_for()
    start_kiosk(desk, intake)

    response = desk.post(reverse("patient:kiosk-submit"))

    assert response.url == kiosk_step("review")
    intake.refresh_from_db()
    assert intake.is_draft and patient_access.KIOSK_INTAKE in desk.session
    problems = desk.get(response.url).context["problems"]
    assert problems and {problem.url for problem in problems} <= {
        kiosk_step(step.slug) for step in PATIENT_STEPS
    }


# --- the re-ask before submit (clinical-content.md §2, its end) ------------------------------

WALK = "cannot_move_or_walk"
# The re-ask's own words, new with it: Spanish for them is proposed to the owner of
# config/locale, so they read in English on a Spanish page until it is translated.
REASK_WORDS = (
    "You wrote %(words)s. Please check your answer to: %(question)s",
    "Please check these answers again",
)


def words_typed_at_the_link(desk, client, typed: str, **patient):
    """A draft whose patient typed `typed` through their link, every red flag answered no."""
    intake = intake_for(ROUTINE, **patient)
    token = token_of(make_link(desk, intake))
    doc = with_answers(VIGNETTES[ROUTINE]["document"], {"symptoms.description": typed})
    fill_every_step(client, intake, doc, link_step_url(token))
    intake.refresh_from_db()
    return intake, token


def test_a_spanish_speaker_is_asked_again_in_spanish_and_cannot_send_until_they_answer(
    desk, client
):
    intake, token = words_typed_at_the_link(
        desk, client, "No puedo caminar bien desde ayer", preferred_language="es"
    )
    with translation.override("es"):
        question = str(QUESTIONS[f"red_flags.{WALK}"])

    review = client.get(link_step_url(token)("review"))
    page = review.content.decode()
    assert "&quot;No puedo caminar bien desde ayer&quot;" in page and question in page
    assert list(review.context["reasks"].fields) == [WALK]
    assert re.search(rf'for="id_reask-{WALK}_0"[^>]*>\s*Sí\s*<', page)  # its yes, in Spanish
    assert_no_patient_data(review)

    refused = client.post(
        reverse("patient:link-submit", args=[token]), {"revision": str(intake.revision)}
    )

    assert refused.status_code == 200
    page = refused.content.decode()
    asked = page[page.index(f'id="div_id_reask-{WALK}"') : page.index("Enviar mis respuestas")]
    assert question in asked and "Por favor, responda sí o no." in asked
    assert "Faltan algunas respuestas. Por favor, vea abajo." in page
    intake.refresh_from_db()
    assert intake.is_draft and not TriageAssessment.objects.exists()
    assert not ReaskedAnswer.objects.exists()


def test_yes_when_asked_again_by_link_tells_the_patient_to_call_911(desk, client):
    intake, token = words_typed_at_the_link(
        desk, client, "No puedo caminar bien desde ayer", preferred_language="es"
    )
    data = reask_data([WALK], answer=True, revision=intake.revision)

    response = client.post(reverse("patient:link-submit", args=[token]), data)

    assert response.url == reverse("patient:link-done", args=[token])
    intake.refresh_from_db()
    assert intake.status == "submitted" and intake.cannot_move_or_walk is True
    assert TriageAssessment.objects.get(intake=intake).level == "emergency"
    done = client.get(response.url).content.decode()
    assert 'id="emergency-alert"' in done
    assert "Llame al 911 ahora o vaya a la sala de emergencias más cercana" in done
    asked_again = ReaskedAnswer.objects.get()
    assert (asked_again.question, asked_again.answer) == (WALK, True)
    assert (asked_again.answered_by, asked_again.channel) == (None, "patient_link")
    event = AuditEvent.objects.get(action="update", detail__has_key="reasked")
    assert event.actor_label == "Patient by link"
    assert event.detail["reasked"] == {WALK: {"old": False, "new": True}}


def test_no_when_asked_again_on_the_tablet_submits_and_the_words_still_flag(desk):
    intake = intake_for()
    start_kiosk(desk, intake)
    doc = with_answers(VIGNETTES[ROUTINE]["document"], {"notes": "I nearly passed out"})
    fill_every_step(desk, intake, doc, kiosk_step)
    assert list(desk.get(kiosk_step("review")).context["reasks"].fields) == [
        "loss_of_consciousness"
    ]
    intake.refresh_from_db()
    data = reask_data(["loss_of_consciousness"], answer=False, revision=intake.revision)

    response = desk.post(reverse("patient:kiosk-submit"), data)

    assert response.url == reverse("patient:kiosk-done")
    intake.refresh_from_db()
    assert intake.status == "submitted" and intake.loss_of_consciousness is False
    assessment = TriageAssessment.objects.get(intake=intake)
    assert "free_text_red_flag" in set(assessment.flags.values_list("code", flat=True))
    asked_again = ReaskedAnswer.objects.get()
    assert (asked_again.answer, asked_again.channel) == (False, "patient_tablet")


def test_the_re_asks_own_words_are_translated_to_spanish():
    with translation.override("es"):
        untranslated = [words for words in REASK_WORDS if translation.gettext(words) == words]

    assert untranslated == []


def test_the_done_page_opens_only_in_the_browser_that_submitted(desk, client):
    intake = intake_for()
    token = token_of(make_link(desk, intake))
    fill_every_step(client, intake, VIGNETTES[ROUTINE]["document"], link_step_url(token))
    done = client.post(reverse("patient:link-submit", args=[token])).url
    assert client.get(done).status_code == 200

    elsewhere = Client().get(done)

    assert elsewhere.status_code == 410 and "already been used" in elsewhere.content.decode()
    assert_no_patient_data(elsewhere)


def test_a_new_link_revokes_the_old_one(desk, client):
    intake = intake_for()
    old = token_of(make_link(desk, intake))
    new = token_of(make_link(desk, intake))

    response = Client().get(link_step_url(old)("symptoms"))

    assert response.status_code == 410 and "no longer active" in response.content.decode()
    assert Client().get(link_step_url(new)("symptoms")).status_code == 200


def test_opening_the_link_is_recorded_once(desk):
    intake = intake_for()
    token = token_of(make_link(desk, intake))
    patient = Client()
    patient.get(reverse("patient:link-start", args=[token]))
    first = PatientLink.objects.get().opened_at
    patient.get(link_step_url(token)("symptoms"))
    assert first is not None and PatientLink.objects.get().opened_at == first
