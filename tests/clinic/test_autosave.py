"""Each step saves as the person answers it (clinic/autosave.py): what is answered is kept,
each answer given is checked, triage runs, and a stale page never overwrites newer answers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from clinic import submission
from intake import services
from intake.models import Intake, PrefilledStep
from intake.questions import question
from tests.clinic.patient.test_views import (
    ROUTINE,
    fill_every_step,
    intake_for,
    link_step_url,
    make_link,
    token_of,
)
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory
from tests.intake.test_prefill import last_visit
from triage.models import Alert

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client_for, front_desk):
    return client_for(front_desk)


def desk_url(intake: Intake, slug: str) -> str:
    return reverse("intake:step", args=[intake.pk, slug])


def autosave(client, url: str, intake: Intake, revision: int | None = None, **answers):
    intake.refresh_from_db()
    data = {"autosave": "1", "revision": intake.revision if revision is None else revision}
    return client.post(url, {**data, **answers})


def swapped_revision(response) -> int | None:
    found = re.search(r'name="revision" id="revision" value="(\d+)"', response.content.decode())
    return int(found[1]) if found else None


def test_a_half_answered_page_is_kept_and_its_emergency_raised_at_once(desk):
    intake = IntakeFactory()

    response = autosave(desk, desk_url(intake, "red-flags"), intake, saddle_numbness="yes")

    assert response.status_code == 200
    intake.refresh_from_db()
    assert intake.saddle_numbness is True and intake.fever is None  # the rest still unanswered
    assert "Saved at" in response.content.decode()
    assert swapped_revision(response) == intake.revision  # the next save sends this one
    alert = Alert.objects.open().get(intake=intake)
    assert alert.level == "emergency" and 'id="draft-alert"' in response.content.decode()
    # Saved, but not moved on from: the step still reads as the first not complete.
    assert intake.furthest_step is None
    assert AuditEvent.objects.filter(action="update", object_id=str(intake.pk)).exists()


def test_saves_follow_each_other_with_the_revision_each_returns(desk):
    intake = IntakeFactory()
    url = desk_url(intake, "red-flags")
    first = autosave(desk, url, intake, saddle_numbness="yes")

    second = desk.post(
        url, {"autosave": "1", "revision": swapped_revision(first), "saddle_numbness": "no"}
    )

    assert second.status_code == 200
    intake.refresh_from_db()
    assert intake.saddle_numbness is False
    # The answer changed back: its alert is withdrawn, and stays on record.
    alert = Alert.objects.get(intake=intake)
    assert alert.withdrawn_at is not None and not Alert.objects.open().exists()


def test_a_stale_page_saves_nothing_and_says_why(desk):
    intake = IntakeFactory()
    url = desk_url(intake, "red-flags")
    opened_at = intake.revision
    submission.save_step(intake, by=None, answers={"fever": True})  # another tab, meanwhile

    response = autosave(desk, url, intake, revision=opened_at, fever="no")

    assert response.status_code == 409
    assert "Someone else saved this intake" in response.content.decode()
    assert swapped_revision(response) is None  # the page keeps its old revision: refused again
    intake.refresh_from_db()
    assert intake.fever is True


def test_a_bad_answer_saves_nothing_names_the_question_and_keeps_the_emergency(desk):
    intake = IntakeFactory()

    response = autosave(
        desk, desk_url(intake, "red-flags"), intake, saddle_numbness="yes", fever="perhaps"
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert f"Not saved yet. {question('risk_factors.fever')}: Please choose one" in page
    intake.refresh_from_db()
    assert intake.saddle_numbness is None and intake.fever is None  # nothing half-saved
    assert Alert.objects.open().get(intake=intake).level == "emergency"


def test_a_question_not_answered_yet_is_no_error_until_the_person_moves_on(desk):
    intake = IntakeFactory()
    url = desk_url(intake, "symptoms")

    kept = autosave(desk, url, intake, description="Pins and needles in both feet")
    moved_on = desk.post(url, {"revision": intake.revision + 1, "description": "Pins"})

    assert kept.status_code == 200
    intake.refresh_from_db()
    assert intake.description == "Pins and needles in both feet"
    assert moved_on.status_code == 200 and moved_on.context["bound"].errors()  # still asked


def test_a_wrong_number_is_refused_even_as_you_go(desk):
    intake = IntakeFactory()

    response = autosave(desk, desk_url(intake, "symptoms"), intake, severity="11")

    assert response.status_code == 422 and "no bigger than 10" in response.content.decode()
    intake.refresh_from_db()
    assert intake.severity is None


def test_saving_as_you_go_confirms_no_answer_carried_over(desk, front_desk):
    before = last_visit(front_desk)
    draft, _ = services.resume_or_start_intake(patient=before.patient, by=front_desk)

    response = autosave(desk, desk_url(draft, "history"), draft, notes="No change")

    assert response.status_code == 200
    assert PrefilledStep.objects.get(intake=draft, step="history").confirmed_at is None


def test_who_the_patient_is_changes_only_when_sent(desk):
    intake = IntakeFactory()
    family_name = intake.patient.family_name

    response = autosave(desk, desk_url(intake, "patient"), intake, family_name="Someone Else")

    assert response.status_code == 400
    intake.patient.refresh_from_db()
    assert intake.patient.family_name == family_name


def test_the_patient_by_link_saves_as_they_go_in_their_language(desk, client):
    intake = intake_for(preferred_language="es")
    token = token_of(make_link(desk, intake))

    response = autosave(client, link_step_url(token)("red-flags"), intake, fever="yes")

    assert response.status_code == 200 and "Guardado a las" in response.content.decode()
    intake.refresh_from_db()
    assert (intake.fever, intake.channel) == (True, Intake.Channel.PATIENT_LINK)


def test_the_patient_told_their_answers_were_changed_at_the_desk(desk, client):
    intake = intake_for()
    token = token_of(make_link(desk, intake))
    opened_at = intake.revision
    submission.save_step(intake, by=None, answers={"fever": False})

    response = autosave(client, link_step_url(token)("red-flags"), intake, opened_at, fever="yes")

    assert response.status_code == 409 and "front desk" in response.content.decode()
    intake.refresh_from_db()
    assert intake.fever is False


def test_the_tablet_saves_as_the_patient_goes_and_shows_its_emergency(desk):
    intake = intake_for()
    desk.post(reverse("patient:kiosk-start", args=[intake.pk]))

    response = autosave(
        desk, reverse("patient:kiosk-step", args=["red-flags"]), intake, saddle_numbness="yes"
    )

    assert response.status_code == 200
    assert "Please tell the front desk staff right now" in response.content.decode()
    intake.refresh_from_db()
    assert intake.channel == Intake.Channel.PATIENT_TABLET


def test_a_sent_intake_takes_no_more_saves(desk, client):
    intake = intake_for()
    token = token_of(make_link(desk, intake))
    fill_every_step(client, intake, VIGNETTES[ROUTINE]["document"], link_step_url(token))
    client.post(reverse("patient:link-submit", args=[token]))

    response = autosave(client, link_step_url(token)("red-flags"), intake, fever="yes")

    assert response.status_code == 410
    intake.refresh_from_db()
    assert intake.fever is False


def test_the_pages_ask_for_saves_as_you_go(desk):
    intake = IntakeFactory()

    assert "data-autosave" in desk.get(desk_url(intake, "symptoms")).content.decode()
    assert "data-autosave" not in desk.get(desk_url(intake, "patient")).content.decode()
