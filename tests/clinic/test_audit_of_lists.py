"""Lists are audited by who was on them: the worklist, the desk, its search and the
duplicate check each record one event per page naming every patient shown (issue 14, item 8).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from tests.intake.factories import IntakeFactory, PatientFactory
from tests.triage.clinic import submit

pytestmark = pytest.mark.django_db


def page_events(page: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, detail__page=page))


def test_a_worklist_page_names_every_patient_and_intake_it_shows(client_for, clinician, front_desk):
    shown = [submit(level, by=front_desk, family=level) for level in ("emergency", "routine")]
    client = client_for(clinician)
    response = client.get(reverse("triage:worklist"))
    assert response.status_code == 200
    (event,) = page_events("worklist")
    assert event.actor == clinician
    assert sorted(event.detail["patients"]) == sorted(str(i.patient_id) for i in shown)
    assert sorted(event.detail["intakes"]) == sorted(str(i.pk) for i in shown)


def test_a_refresh_that_shows_nothing_new_records_nothing(client_for, clinician, front_desk):
    submit("urgent", by=front_desk)
    client = client_for(clinician)
    first = client.get(reverse("triage:worklist"), headers={"HX-Request": "true"})
    assert len(page_events("worklist")) == 1
    unchanged = client.get(
        reverse("triage:worklist"), headers={"HX-Request": "true", "If-None-Match": first["ETag"]}
    )
    assert unchanged.status_code == 304
    assert len(page_events("worklist")) == 1


def test_the_desk_names_the_patients_of_its_open_drafts_and_of_its_search(client_for, front_desk):
    draft = IntakeFactory()
    found = PatientFactory(family_name="Quintero")
    PatientFactory(family_name="Other")  # not found, not shown
    desk = client_for(front_desk)
    searched = desk.post(reverse("intake:desk-search"), {"q": "Quintero"})
    desk.get(searched["Location"])
    (event,) = page_events("desk")
    assert event.detail["search"] == "patients"
    assert event.detail["patients"] == [str(found.pk), str(draft.patient_id)]
    assert event.detail["intakes"] == [str(draft.pk)]


def test_the_duplicate_check_names_the_look_alikes_it_shows(client_for, front_desk):
    twin = PatientFactory(given_name="Jose", family_name="Quintero")
    data = {
        "given_name": "José",
        "family_name": "Quintero",
        "date_of_birth": twin.date_of_birth.isoformat(),
        "preferred_language": "en",
    }
    response = client_for(front_desk).post(reverse("intake:patient-new"), data)
    assert twin in response.context["duplicates"]
    (event,) = page_events("patient-new")
    assert event.detail == {
        "page": "patient-new",
        "search": "duplicates",
        "patients": [str(twin.pk)],
    }
