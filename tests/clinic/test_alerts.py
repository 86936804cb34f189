"""Alerts raised when the answer is saved (issue #15): at the desk, on the tablet, by link,
kept by the submission, withdrawn on record, acknowledged with the flags, on the board."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from audit.models import AuditEvent
from clinic import submission
from clinic.front_desk import views as front_desk_views
from intake.models import Intake
from intake.questions import question, reason_label
from reports import building
from reports.models import PreVisitSummary
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory, PatientFactory
from tests.intake.formdata import as_the_forms_ask, red_flags, step_data
from tests.reports.test_pipeline import pdf_text
from tests.triage.clinic import submit
from triage import alerts as services_alerts
from triage import services
from triage.alerts import open_alerts
from triage.models import Alert, TriageFlag

pytestmark = pytest.mark.django_db

SADDLE = "saddle_numbness"
EMERGENCY = "02-bladder-loss"


@pytest.fixture
def desk(client_for, front_desk):
    return client_for(front_desk)


def save_red_flags(client, intake: Intake, url: str, **yes: bool):
    intake.refresh_from_db()
    return client.post(url, step_data("red-flags", red_flags(**yes), revision=intake.revision))


def desk_step(intake: Intake, slug: str = "red-flags") -> str:
    return reverse("intake:step", args=[intake.pk, slug])


def test_a_yes_saved_at_the_desk_raises_the_alert_at_once_and_says_what_to_do(desk, front_desk):
    intake = IntakeFactory()
    response = save_red_flags(desk, intake, desk_step(intake), **{SADDLE: True})
    assert response.status_code == 302
    alert = Alert.objects.get(intake=intake)
    assert (alert.level, alert.codes, alert.is_open) == ("emergency", [SADDLE], True)
    assert alert.channel == Intake.Channel.FRONT_DESK and alert.raised_by == front_desk
    raised = AuditEvent.objects.get(action="raise")
    assert raised.object_id == str(alert.pk) and raised.detail["codes"] == [SADDLE]
    assert SADDLE not in str(raised.detail.get("intake"))  # ids and codes, no answers' words

    page = desk.get(response.url).content.decode()  # the next step
    assert 'id="draft-alert"' in page and "Emergency: call 911 now" in page
    assert str(reason_label(f"red_flags.{SADDLE}")) in page


def test_answered_back_to_no_the_alert_is_withdrawn_on_record_not_deleted(desk):
    intake = IntakeFactory()
    save_red_flags(desk, intake, desk_step(intake), **{SADDLE: True})
    save_red_flags(desk, intake, desk_step(intake))
    alert = Alert.objects.get(intake=intake)
    assert alert.withdrawn_at is not None and not alert.is_open
    assert AuditEvent.objects.filter(action="withdraw", object_id=str(alert.pk)).count() == 1
    assert 'id="draft-alert"' not in desk.get(desk_step(intake, "medications")).content.decode()
    # Saved "no" again: nothing more to record.
    save_red_flags(desk, intake, desk_step(intake))
    assert AuditEvent.objects.filter(action="withdraw").count() == 1


def test_a_refused_step_still_raises_the_alert_its_yes_calls_for(desk):
    intake = IntakeFactory()
    data = step_data("red-flags", red_flags(**{SADDLE: True}), revision=0)
    del data["confusion"]  # unanswered: the step is refused and nothing saved
    response = desk.post(desk_step(intake), data)
    assert response.status_code == 200 and "confusion" in response.context["bound"].form.errors
    intake.refresh_from_db()
    assert intake.saddle_numbness is None  # the answers are not saved...
    alert = Alert.objects.get(intake=intake)  # ...but the emergency is not thrown away
    assert alert.codes == [SADDLE] and alert.is_open


def test_submitting_keeps_the_same_alert_with_the_whole_tables_flags(desk, front_desk):
    doc = as_the_forms_ask(VIGNETTES[EMERGENCY]["document"])
    patient = doc["patient"]
    intake = IntakeFactory(
        patient=PatientFactory(
            given_name=patient["given_name"],
            family_name=patient["family_name"],
            date_of_birth=patient["date_of_birth"],
        ),
        reported_on=doc["reported_on"],
    )
    save_red_flags(desk, intake, desk_step(intake), bladder_bowel_control_loss=True)
    raised = Alert.objects.get(intake=intake)
    for slug in ("symptoms", "red-flags", "medications", "injuries", "history"):
        intake.refresh_from_db()
        desk.post(desk_step(intake, slug), step_data(slug, doc, revision=intake.revision))
    intake.refresh_from_db()
    submitted = submission.submit_intake(intake=intake, by=front_desk).intake
    assert not submitted.is_draft
    alert = Alert.objects.get(intake=intake)
    assert alert.pk == raised.pk and alert.is_open and alert.level == "emergency"
    flags = TriageFlag.objects.filter(assessment__intake=intake)
    alerting = [f.code for f in flags.order_by("position") if f.severity in ("emergency", "urgent")]
    assert alert.codes == alerting


def test_acknowledging_every_open_flag_acknowledges_the_alert(client_for, clinician, front_desk):
    intake = submit("emergency", by=front_desk)
    alert = Alert.objects.get(intake=intake)
    open_flags = TriageFlag.objects.filter(
        assessment__intake=intake, severity__in=("emergency", "urgent")
    )
    *first, last = list(open_flags)
    for flag in first:
        services.acknowledge_flag(flag=flag, by=clinician)
        alert.refresh_from_db()
        assert alert.is_open  # a flag still waits
    services.acknowledge_flag(flag=last, by=clinician)
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician and not alert.is_open


def test_the_tablet_patient_is_told_in_their_language_and_the_board_names_the_tablet(
    desk, client_for, clinician
):
    intake = IntakeFactory(patient=PatientFactory(preferred_language="es"))
    desk.post(reverse("patient:kiosk-start", args=[intake.pk]))
    response = save_red_flags(
        desk, intake, reverse("patient:kiosk-step", args=["red-flags"]), **{SADDLE: True}
    )
    assert response.status_code == 302
    page = desk.get(response.url).content.decode()
    assert 'id="emergency-alert"' in page
    with translation.override("es"):
        assert str(question(f"red_flags.{SADDLE}")) in page
        assert translation.gettext("Please tell the front desk staff right now") in page

    board = client_for(clinician).get(reverse("intake:alerts")).content.decode()
    assert "the patient on the waiting-room tablet" in board
    assert intake.patient.family_name in board and "not submitted yet" in board
    shown = AuditEvent.objects.filter(detail__page="alerts board").get()
    assert shown.detail["intakes"] == [str(intake.pk)]


def test_a_link_alert_gives_the_phone_to_call_back(client_for, front_desk):
    intake = IntakeFactory(
        patient=PatientFactory(phone="+1 555 0100"), channel=Intake.Channel.PATIENT_LINK
    )
    submission.save_step(intake, by=None, answers={SADDLE: True})
    board = client_for(front_desk).get(reverse("intake:alerts")).content.decode()
    assert "call back on +1 555 0100" in board


def test_the_board_and_its_count_are_for_staff_and_list_nothing_when_nothing_is_open(
    client, client_for, front_desk, clinician
):
    assert client.get(reverse("intake:alerts")).status_code == 302  # signed out: sign in
    for user in (front_desk, clinician):
        staff = client_for(user)
        assert staff.get(reverse("intake:alerts")).content.decode().strip() == ""
        assert staff.get(reverse("intake:alerts-count")).content.decode().strip() == ""
    assert not AuditEvent.objects.filter(detail__page="alerts board").exists()
    intake = IntakeFactory()
    submission.save_step(intake, by=front_desk, answers={SADDLE: True})
    count = client_for(front_desk).get(reverse("intake:alerts-count")).content.decode()
    assert 'id="alerts-count">1<' in count


def test_the_boards_poll_answers_304_until_an_alert_or_its_patient_changes(
    client_for, front_desk, clinician
):
    intake = IntakeFactory()
    submission.save_step(intake, by=front_desk, answers={SADDLE: True})
    board = client_for(clinician)
    url, poll = reverse("intake:alerts"), {"HTTP_HX_REQUEST": "true"}
    first = board.get(url, **poll)
    assert first.status_code == 200 and first.has_header("ETag")
    shown = AuditEvent.objects.filter(detail__page="alerts board").count()

    again = board.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **poll)
    assert again.status_code == 304 and not again.content
    assert AuditEvent.objects.filter(detail__page="alerts board").count() == shown

    intake.patient.family_name = "Corrected"
    intake.patient.save()
    renamed = board.get(url, HTTP_IF_NONE_MATCH=first["ETag"], **poll)
    assert renamed.status_code == 200 and "Corrected" in renamed.content.decode()
    assert AuditEvent.objects.filter(detail__page="alerts board").count() == shown + 1

    submission.save_step(intake, by=front_desk, answers={SADDLE: False})
    cleared = board.get(url, HTTP_IF_NONE_MATCH=renamed["ETag"], **poll)
    assert cleared.status_code == 200 and cleared.content.decode().strip() == ""


def test_a_full_board_still_lists_a_new_emergency_and_counts_what_it_leaves_off(
    client_for, front_desk, monkeypatch
):
    monkeypatch.setattr(front_desk_views, "BOARD_SIZE", 2)
    older = [open_saddle_alert(front_desk) for _ in range(2)]  # the board is full
    urgent = Alert.objects.create(
        intake=IntakeFactory(), level="urgent", codes=["x"], channel="front_desk"
    )
    emergency = open_saddle_alert(front_desk)  # raised last

    board = client_for(front_desk).get(reverse("intake:alerts")).content.decode()
    listed = re.findall(r'data-alert="(\d+)"', board)
    assert listed == [str(alert.pk) for alert in (*older, emergency)]
    assert str(urgent.pk) not in listed
    assert "Open alerts (4)" in board and "1 more urgent alert not listed" in board


def open_saddle_alert(front_desk) -> Alert:
    intake = IntakeFactory()
    submission.save_step(intake, by=front_desk, answers={SADDLE: True})
    return Alert.objects.get(intake=intake)


def test_the_desk_records_what_it_did_and_the_board_shows_who_and_when(desk, front_desk):
    alert = open_saddle_alert(front_desk)
    url = reverse("intake:alert-action", args=[alert.public_id])
    response = desk.post(url, {"kind": "called_911", "note": "Ambulance on its way"})

    assert response.status_code == 302 and response.url == reverse("intake:desk")
    (action,) = alert.actions.all()
    assert (action.kind, action.by) == ("called_911", front_desk)
    assert action.note == "Ambulance on its way"
    event = AuditEvent.objects.get(action="desk_action")
    assert event.object_id == str(alert.pk) and event.detail["kind"] == "called_911"
    assert "Ambulance" not in str(event.detail)  # the note stays in the record, not the trail
    board = desk.get(reverse("intake:alerts")).content.decode()
    at = timezone.localtime(action.at)
    assert f"Called 911 · {front_desk.get_full_name()} at" in board and f"{at:%H:%M}" in board
    assert "Ambulance on its way" in board


def test_a_desk_action_on_an_acknowledged_alert_is_refused_and_not_recorded(
    desk, front_desk, clinician
):
    alert = open_saddle_alert(front_desk)
    services_alerts.acknowledge_alert_on_board(alert.pk, by=clinician)
    url = reverse("intake:alert-action", args=[alert.public_id])
    page = desk.post(url, {"kind": "called_back"}, follow=True).content.decode()
    assert "already acknowledged by a clinician; nothing was recorded" in page
    assert not alert.actions.exists()
    assert not AuditEvent.objects.filter(action="desk_action").exists()


def test_a_bad_note_is_refused_naming_the_field_and_nothing_is_recorded(desk, front_desk):
    alert = open_saddle_alert(front_desk)
    url = reverse("intake:alert-action", args=[alert.public_id])
    page = desk.post(url, {"kind": "called_911", "note": "x" * 501}, follow=True)
    assert "Note (optional)" in page.content.decode()
    page = desk.post(url, {"kind": "flew_away"}, follow=True).content.decode()
    assert "What was done" in page
    assert not alert.actions.exists()


def test_a_clinician_acknowledges_a_drafts_alert_on_the_board_and_escalation_stops(
    client_for, clinician, front_desk
):
    alert = open_saddle_alert(front_desk)
    services_alerts.record_desk_action(alert.pk, "called_911", "", by=front_desk)
    staff = client_for(clinician)
    acknowledge = reverse("intake:alert-acknowledge", args=[alert.public_id])
    response = staff.post(acknowledge)
    assert response.status_code == 302 and response.url == reverse("triage:worklist")
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician and not alert.is_open
    assert not open_alerts().exists()

    board = staff.get(reverse("intake:alerts")).content.decode()
    assert "Acknowledged today (1)" in board and "acknowledged by" in board
    assert "Called 911" in board
    again = staff.post(acknowledge, follow=True)
    assert "already acknowledged" in again.content.decode()
    assert AuditEvent.objects.filter(action="acknowledge", object_id=str(alert.pk)).count() == 1


def test_the_desk_cannot_acknowledge_and_a_clinician_does_not_record_desk_actions(
    desk, client_for, clinician, front_desk
):
    alert = open_saddle_alert(front_desk)
    acknowledge = reverse("intake:alert-acknowledge", args=[alert.public_id])
    assert desk.post(acknowledge).status_code == 403
    staff = client_for(clinician)
    url = reverse("intake:alert-action", args=[alert.public_id])
    assert staff.post(url, {"kind": "called_911"}).status_code == 403


def test_the_pdf_and_the_intake_page_show_the_desks_action_and_the_acknowledgement(
    client_for, front_desk, clinician
):
    intake = submit("emergency", by=front_desk)
    alert = Alert.objects.get(intake=intake)
    services_alerts.record_desk_action(alert.pk, "sent_to_ed", "By ambulance", by=front_desk)
    services_alerts.acknowledge_alert_on_board(alert.pk, by=clinician)
    summary = PreVisitSummary.objects.get(intake=intake)
    building.build_summary(summary.pk)

    text = pdf_text(summary)
    assert "Front desk: Sent to the emergency department" in text and "By ambulance" in text
    # pypdf may split a kerned name ("T urner"): compare without spaces
    acknowledged = f"acknowledged by {clinician.get_full_name()}".replace(" ", "")
    assert acknowledged in text.replace(" ", "")
    # the emergency's own line agrees with the alert's record
    assert "Front desk called 911 / sent the patient" in text
    assert "has not yet confirmed calling 911" not in text
    page = client_for(clinician).get(reverse("triage:intake", args=[intake.pk])).content.decode()
    assert "Sent to the emergency department" in page and "acknowledged by" in page


def test_the_worklist_row_shows_the_desks_action_and_the_acknowledgement_and_refreshes(
    client_for, front_desk, clinician
):
    intake = submit("emergency", by=front_desk)
    alert = Alert.objects.get(intake=intake)
    worklist = client_for(clinician)
    url, poll = reverse("triage:worklist"), {"HTTP_HX_REQUEST": "true"}

    def row(response) -> str:
        html = response.content.decode()
        start = html.index(f'data-intake="{intake.pk}"')
        return html[start : html.index("</tr>", start)]

    before = worklist.get(url, **poll)
    assert "data-alert-step" not in row(before)
    services_alerts.record_desk_action(alert.pk, "called_911", "", by=front_desk)
    acted = worklist.get(url, HTTP_IF_NONE_MATCH=before["ETag"], **poll)
    assert acted.status_code == 200
    assert f"Called 911 · {front_desk.get_full_name()}" in row(acted)

    services_alerts.acknowledge_alert_on_board(alert.pk, by=clinician)
    acknowledged = worklist.get(url, HTTP_IF_NONE_MATCH=acted["ETag"], **poll)
    assert acknowledged.status_code == 200
    steps = row(acknowledged)
    assert f"Alert acknowledged · {clinician.get_full_name()}" in steps
    assert steps.index("Called 911") < steps.index("Alert acknowledged")
    unchanged = worklist.get(url, HTTP_IF_NONE_MATCH=acknowledged["ETag"], **poll)
    assert unchanged.status_code == 304


def test_the_board_names_the_tablet_the_desk_gave_at_hand_off(desk, client_for, clinician):
    intake = IntakeFactory()
    desk.post(reverse("patient:kiosk-start", args=[intake.pk]), {"tablet_name": "tablet 2"})
    kiosk_step = reverse("patient:kiosk-step", args=["red-flags"])
    assert save_red_flags(desk, intake, kiosk_step, **{SADDLE: True}).status_code == 302
    board = client_for(clinician).get(reverse("intake:alerts")).content.decode()
    assert "the patient on the waiting-room tablet “tablet 2”" in board
    event = AuditEvent.objects.get(action="kiosk", object_id=str(intake.pk))
    assert event.detail == {"tablet": "tablet 2"}


def test_a_bad_tablet_name_hands_nothing_over_and_names_the_field(desk):
    intake = IntakeFactory()
    response = desk.post(
        reverse("patient:kiosk-start", args=[intake.pk]), {"tablet_name": "x" * 41}, follow=True
    )
    assert "Tablet name (optional)" in response.content.decode()
    assert not AuditEvent.objects.filter(action="kiosk").exists()
    assert "kiosk_intake" not in desk.session  # still the desk's session: nothing handed over


def test_an_escalation_before_an_amendment_does_not_stand_for_the_amended_emergency(
    front_desk, clinician
):
    intake = submit("emergency", by=front_desk)
    first = Alert.objects.get(intake=intake)
    services_alerts.record_desk_action(first.pk, "called_911", "", by=front_desk)
    services_alerts.acknowledge_alert_on_board(first.pk, by=clinician)
    v1 = intake.assessments.get(intake_version=1)
    assert services_alerts.desk_escalation(v1).by == front_desk

    intake.refresh_from_db()
    submission.amend_intake(
        intake=intake, by=clinician, reason="a new answer", seen_revision=intake.revision,
        answers={SADDLE: True},
    )  # fmt: skip
    v2 = intake.assessments.get(intake_version=2)
    assert v2.level == "emergency" and Alert.objects.open().filter(intake=intake).exists()
    assert services_alerts.desk_escalation(v2) is None  # the desk is asked again


def test_a_confirmation_after_a_clinician_acknowledged_the_alert_is_still_recorded(
    client_for, front_desk, clinician
):
    intake = submit("emergency", by=front_desk)
    alert = Alert.objects.get(intake=intake)
    services_alerts.acknowledge_alert_on_board(alert.pk, by=clinician)
    assessment = intake.assessments.get()
    url = reverse("intake:escalated", args=[intake.pk, assessment.pk])

    assert client_for(front_desk).post(url, {"kind": "called_911"}).status_code == 302
    assessment.refresh_from_db()
    assert assessment.escalation_confirmed_by == front_desk
    assert not alert.actions.exists()  # closed: nothing written on it
