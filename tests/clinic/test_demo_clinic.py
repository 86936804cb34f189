"""`make run`'s demo clinic: a newcomer sees intakes of every level, open alerts on the board
and the day's visits; running it again adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from intake.models import Intake, Patient, Visit
from triage.models import Alert

pytestmark = pytest.mark.django_db


def test_the_demo_clinic_has_every_level_open_alerts_and_visits():
    call_command("seed_demo", stdout=None)
    call_command("seed_demo_clinic")

    levels = set(Intake.objects.exclude(status="draft").values_list("triage_level", flat=True))
    assert levels >= {"emergency", "urgent", "routine"}
    open_on_drafts = Alert.objects.open().filter(intake__status="draft")
    assert sorted(open_on_drafts.values_list("channel", flat=True)) == [
        "patient_link",
        "patient_tablet",
    ]
    assert Visit.objects.count() == 4
    assert not Patient.objects.exclude(mrn__startswith="DEMO-").exists()

    call_command("seed_demo_clinic")
    assert Visit.objects.count() == 4 and Patient.objects.count() == 10
