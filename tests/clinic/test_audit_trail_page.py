"""The audit trail for people: the administrator's own page, filtered by user, patient
(MRN), action and date, each object named for what it is, one label per actor, the clinic's
time zone stated."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import Action, record
from tests.intake.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


def rows(response) -> list[str]:
    page = response.content.decode()
    return [part.split("</tr>", 1)[0] for part in page.split('<tr data-event="')[1:]]


def test_each_object_is_named_for_what_it_is_and_each_actor_once(admin, front_desk):
    front_desk.first_name, front_desk.last_name = "Fran", "Desk"
    front_desk.save()
    intake = IntakeFactory(patient=PatientFactory(mrn="A-204817"), version=0)
    record(Action.VIEW, actor=front_desk, obj=intake, detail={"page": "step"})
    record(Action.VIEW, actor_label="Patient by link", obj=intake)

    shown = rows(admin.get(reverse("audit:trail")))

    mine = next(row for row in shown if "Fran Desk (fran)" in row)
    assert "Intake of MRN A-204817, version 0" in mine and "(step)" in mine
    assert any("Patient by link" in row and "MRN A-204817" in row for row in shown)
    assert str(intake.pk) not in "".join(shown)  # named, not shown as a UUID


def test_filters_by_user_patient_action_and_date(admin, front_desk, clinician):
    ana = IntakeFactory(patient=PatientFactory(mrn="MRN-ANA"))
    bo = IntakeFactory(patient=PatientFactory(mrn="MRN-BO"))
    record(Action.VIEW, actor=front_desk, obj=ana)
    record(Action.UPDATE, actor=clinician, obj=bo)
    listed = record(Action.VIEW, actor=clinician, detail={"patients": [str(ana.patient_id)]})
    opened = record(Action.VIEW, actor=front_desk, obj=ana)

    def shown(**query) -> set[int]:
        return {int(row.split('"', 1)[0]) for row in rows(admin.get(reverse("audit:trail"), query))}

    by_ana = shown(mrn="MRN-ANA")
    assert listed.pk in by_ana and opened.pk in by_ana
    assert not by_ana & set(
        AuditEvent.objects.filter(object_id=str(bo.pk)).values_list("pk", flat=True)
    )
    assert shown(user="casey", action="update") == set(
        AuditEvent.objects.filter(actor=clinician, action="update").values_list("pk", flat=True)
    )
    # The trail cannot be back-dated (append-only): the days are checked against today.
    today, yesterday = timezone.localdate(), timezone.localdate() - dt.timedelta(days=1)
    assert by_ana <= shown(mrn="MRN-ANA", since=today.isoformat())  # (and its own reads)
    assert shown(mrn="MRN-ANA", until=yesterday.isoformat()) == set()


def test_the_page_states_the_time_zone_and_is_itself_on_record(admin, settings):
    record(Action.VIEW, actor_label="escalation")
    page = admin.get(reverse("audit:trail")).content.decode()
    assert f"Times are the clinic's ({settings.TIME_ZONE})" in page
    assert AuditEvent.objects.filter(action="view", detail__page="audit trail").exists()


@pytest.mark.parametrize("persona", ["front_desk", "clinician"])
def test_only_the_administrator_reads_the_trail(client_for, request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("audit:trail")).status_code == 403
