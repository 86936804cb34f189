"""Visits: a day's CSV refused whole when unreadable, else each bad row reported by line and
column and each good row kept whole; and one intake per visit, one draft per patient."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from audit.models import AuditEvent
from clinic import visits
from intake import services
from intake.models import Intake, Patient, Visit
from tests.factories import UserFactory
from tests.intake.factories import IntakeFactory, PatientFactory, VisitFactory

pytestmark = pytest.mark.django_db

HEADER = "date,time,given_name,family_name,date_of_birth,reason,mrn,clinician,email,phone\n"


def tomorrow() -> str:
    return (timezone.localdate() + dt.timedelta(days=1)).isoformat()


def csv_of(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode()


def test_a_file_that_is_not_utf8_is_refused_whole(front_desk):
    data = (
        csv_of(f"{tomorrow()},09:00,José,Núñez,1960-01-02,Numb feet,,,,").decode().encode("latin-1")
    )
    with pytest.raises(visits.FileRefused, match="not UTF-8"):
        visits.import_visits(data, by=front_desk)
    assert not Visit.objects.exists() and not Patient.objects.exists()


def test_a_missing_column_is_refused_whole_naming_it(front_desk):
    data = csv_of(
        f"{tomorrow()},09:00,Ann,Lee,Numb", header="date,time,given_name,family_name,reason\n"
    )
    with pytest.raises(visits.FileRefused, match="Line 1: the column date_of_birth is missing"):
        visits.import_visits(data, by=front_desk)
    assert not Visit.objects.exists()


def test_bad_rows_are_reported_by_line_and_column_and_good_rows_kept(front_desk):
    UserFactory(username="casey", role=Role.CLINICIAN)
    PatientFactory(
        mrn="M-1", given_name="Ann", family_name="Lee", date_of_birth=dt.date(1970, 5, 6)
    )
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    data = csv_of(
        f"{tomorrow()},09:00,Ann,Lee,1970-05-06,Numb toes,M-1,casey,,",  # line 2: good
        f"{yesterday},09:00,Bo,Park,1980-01-01,Tingling,,,,",  # line 3: past
        f"{tomorrow()},10:00,Cy,Ng,1990-02-02,Tingling,,nobody,,",  # line 4: clinician
        f"{tomorrow()},11:00,Anne,Leigh,1970-05-06,Tingling,M-1,,,",  # line 5: MRN conflict
        f"{tomorrow()},12:00,Di,Ray,1985-03-03,Numb shin,,,di@example.org,",  # line 6: new
        f"{tomorrow()},25:00,Ed,Oh,1985-03-03,Numb shin,,,not-an-address,",  # line 7: two
    )
    result = visits.import_visits(data, by=front_desk)

    found = {(p.line, p.column) for p in result.problems}
    assert found == {(3, "date"), (4, "clinician"), (5, "mrn"), (7, "time"), (7, "email")}
    assert "is in the past" in str(next(p for p in result.problems if p.line == 3))
    assert len(result.visits) == 2 and Visit.objects.count() == 2
    ann = Patient.objects.get(mrn="M-1")
    assert (ann.given_name, ann.family_name) == ("Ann", "Lee")  # an import never renames
    assert Patient.objects.filter(family_name="Ray", email="di@example.org").exists()
    assert not Patient.objects.filter(family_name__in=["Leigh", "Park", "Ng", "Oh"]).exists()
    assert Visit.objects.get(patient=ann).clinician.username == "casey"
    imported = AuditEvent.objects.get(action="import")
    assert sorted(imported.detail["visits"]) == sorted(str(v.pk) for v in result.visits)


def test_a_row_that_fails_in_the_database_leaves_nothing_half_stored(front_desk, monkeypatch):
    def broken(**kwargs):
        raise services.IdentityConflict(("date_of_birth",))

    monkeypatch.setattr(visits, "add_visit", broken)
    result = visits.import_visits(
        csv_of(f"{tomorrow()},09:00,New,Person,1990-01-01,Numb,,,,"), by=front_desk
    )
    assert result.problems and not Patient.objects.filter(family_name="Person").exists()


def test_a_returning_patient_is_found_by_name_and_birth_date_without_an_mrn(front_desk):
    known = PatientFactory(
        given_name="Maria", family_name="López", date_of_birth=dt.date(1950, 1, 1)
    )
    visits.import_visits(
        csv_of(f"{tomorrow()},09:00,MARIA,Lopez,1950-01-01,Numb,,,,"), by=front_desk
    )
    assert Visit.objects.get().patient == known and Patient.objects.count() == 1


# --- one intake per visit, one draft per patient ----------------------------------------------


def test_starting_twice_resumes_the_draft(front_desk):
    patient = PatientFactory()
    first, resumed_first = services.resume_or_start_intake(patient=patient, by=front_desk)
    again, resumed_again = services.resume_or_start_intake(patient=patient, by=front_desk)
    assert again == first and (resumed_first, resumed_again) == (False, True)
    assert Intake.objects.filter(patient=patient).count() == 1


def test_a_visit_takes_the_patients_open_draft_and_keeps_it(front_desk):
    draft = IntakeFactory()
    visit = VisitFactory(patient=draft.patient)
    intake, resumed = visits.intake_for_visit(visit, by=front_desk)
    assert (intake, resumed) == (draft, True)
    draft.refresh_from_db()
    assert draft.visit == visit
    assert visits.intake_for_visit(visit, by=front_desk) == (draft, True)


def test_a_draft_for_another_visit_stays_its_own(front_desk):
    patient = PatientFactory()
    first_visit, second_visit = VisitFactory(patient=patient), VisitFactory(patient=patient)
    first, _ = visits.intake_for_visit(first_visit, by=front_desk)
    second, resumed = visits.intake_for_visit(second_visit, by=front_desk)
    assert second != first and not resumed and second.visit == second_visit
