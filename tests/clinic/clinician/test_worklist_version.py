"""The columns the database keeps for the worklist: `worklist_version` steps on every change a
row shows, and `summary_status` is the current version's summary's (migrations intake 0008,
triage 0005, reports 0003). Run on SQLite and on PostgreSQL, whose triggers differ."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clinic import submission
from clinic.clinician.worklist import INTAKE_ROW_FIELDS, PATIENT_ROW_FIELDS
from intake.levels import Level, OpenAlert, SummaryStatus
from intake.models import Intake, Patient
from reports.models import PreVisitSummary
from tests.triage.clinic import submit
from triage import services
from triage.models import TriageFlag

pytestmark = pytest.mark.django_db


def version_of(intake: Intake) -> int:
    return Intake.objects.values_list("worklist_version", flat=True).get(pk=intake.pk)


def status_of(intake: Intake) -> str:
    return Intake.objects.values_list("summary_status", flat=True).get(pk=intake.pk)


def another_value(intake: Intake, name: str) -> object:
    current = getattr(intake, name)
    return {
        "patient_id": lambda: (
            Patient.objects.create(
                given_name="Other", family_name="Person", date_of_birth=dt.date(1960, 1, 1)
            ).pk
        ),
        "status": lambda: Intake.Status.AMENDED,
        "version": lambda: current + 1,
        "open_alert": lambda: OpenAlert.NONE if current else OpenAlert.URGENT,
        "submitted_at": lambda: current - dt.timedelta(minutes=5),
        "triage_level": lambda: Level.ROUTINE if current != Level.ROUTINE else Level.URGENT,
        "reviewed_at": lambda: timezone.now(),
        "reported_on": lambda: current - dt.timedelta(days=1),
        "given_name": lambda: current + "a",
        "family_name": lambda: current + "a",
        "mrn": lambda: "MRN-OTHER",
        "date_of_birth": lambda: current - dt.timedelta(days=1),
    }[name]()


# `summary_status` is the database's own (below); `id` names the row.
SET_BY_THE_APP = [name for name in INTAKE_ROW_FIELDS if name not in ("id", "summary_status")]


@pytest.mark.parametrize("name", SET_BY_THE_APP)
def test_a_change_to_a_listed_field_steps_the_version(front_desk, name):
    intake = submit("urgent", by=front_desk)
    before = version_of(intake)
    Intake.objects.filter(pk=intake.pk).update(**{name: another_value(intake, name)})
    assert version_of(intake) == before + 1


@pytest.mark.parametrize("name", PATIENT_ROW_FIELDS)
def test_a_change_to_the_patients_listed_field_steps_each_of_their_intakes(front_desk, name):
    first = submit("urgent", by=front_desk, family="Same", mrn="MRN-1")
    second = submit("routine", by=front_desk, family="Same", mrn="MRN-1")
    assert first.patient_id == second.patient_id
    before = [version_of(first), version_of(second)]
    patient = first.patient
    Patient.objects.filter(pk=patient.pk).update(**{name: another_value(patient, name)})
    assert [version_of(first), version_of(second)] == [before[0] + 1, before[1] + 1]


def test_what_the_rows_do_not_show_leaves_the_version(front_desk):
    intake = submit("urgent", by=front_desk)
    before = version_of(intake)
    Intake.objects.filter(pk=intake.pk).update(notes="changed", updated_at=timezone.now())
    Patient.objects.filter(pk=intake.patient_id).update(phone="+1 555 0100")
    Intake.objects.get(pk=intake.pk).save()  # every column written, none changed
    assert version_of(intake) == before


def test_an_instance_read_before_a_change_cannot_set_the_version_back(front_desk):
    intake = submit("urgent", by=front_desk)
    stale = Intake.objects.get(pk=intake.pk)
    Intake.objects.filter(pk=intake.pk).update(reviewed_at=timezone.now())
    stepped = version_of(intake)
    stale.notes = "a note, nothing listed"
    stale.save(update_fields=["notes", "worklist_version"])
    assert version_of(intake) == stepped
    Intake.objects.filter(pk=intake.pk).update(worklist_version=1)
    assert version_of(intake) == stepped


def test_a_flag_acknowledged_steps_its_intakes_version(front_desk, clinician):
    intake = submit("emergency", by=front_desk)
    flag = TriageFlag.objects.filter(assessment__intake=intake).first()
    before = version_of(intake)
    services.acknowledge_flag(flag=flag, by=clinician, note="called the patient")
    assert version_of(intake) > before
    stepped = version_of(intake)
    TriageFlag.objects.filter(pk=flag.pk).update(title=flag.title + " (reworded)")
    assert version_of(intake) == stepped + 1


def test_flags_written_step_their_intakes_version(front_desk):
    intake = submit("emergency", by=front_desk)
    assessment = intake.assessments.get()
    before = version_of(intake)
    TriageFlag.objects.bulk_create(
        TriageFlag(assessment=assessment, position=90 + n, code="x", severity="urgent", title="X")
        for n in range(3)
    )
    assert version_of(intake) > before


def test_the_intake_carries_its_current_summarys_status(front_desk, clinician):
    intake = submit("urgent", by=front_desk)
    summary = PreVisitSummary.objects.get(intake=intake, intake_version=intake.version)
    assert status_of(intake) == summary.status
    before = version_of(intake)
    PreVisitSummary.objects.filter(pk=summary.pk).update(status=SummaryStatus.READY)
    assert status_of(intake) == SummaryStatus.READY and version_of(intake) == before + 1
    # An instance read before the summary changed cannot write the old status back.
    intake.save()
    assert status_of(intake) == SummaryStatus.READY

    amended = submission.amend_intake(
        intake=Intake.objects.get(pk=intake.pk),
        by=clinician,
        reason="misheard",
        seen_revision=Intake.objects.get(pk=intake.pk).revision,
        answers={"severity": 3},
    ).intake
    current = PreVisitSummary.objects.get(intake=intake, intake_version=amended.version)
    assert status_of(intake) == current.status == SummaryStatus.PENDING
    # The earlier version's summary is history: its changes are not the intake's.
    PreVisitSummary.objects.filter(pk=summary.pk).update(status=SummaryStatus.FAILED)
    assert status_of(intake) == SummaryStatus.PENDING


def test_a_new_version_without_its_summary_yet_has_no_status(front_desk):
    intake = submit("urgent", by=front_desk)
    Intake.objects.filter(pk=intake.pk).update(version=intake.version + 1)
    assert status_of(intake) == ""
