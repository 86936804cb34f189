"""The summary's header says how the answers came in and who entered them."""

import pytest

from intake.models import Intake
from reports.building import entry_of
from tests.factories import UserFactory
from tests.intake.factories import IntakeFactory

pytestmark = pytest.mark.django_db


def test_the_desk_entered_it_by_name(settings):
    settings.CLINIC_NAME = "Riverside Neurology"
    fran = UserFactory(first_name="Fran", last_name="Desk")
    intake = IntakeFactory(channel=Intake.Channel.FRONT_DESK, entered_by=fran)

    assert entry_of(intake) == {
        "clinic": "Riverside Neurology",
        "entered": "at the front desk by Fran Desk",
    }


def test_the_patient_entered_it_and_the_desk_started_it():
    fran = UserFactory(first_name="Fran", last_name="Desk")
    by_link = IntakeFactory(channel=Intake.Channel.PATIENT_LINK, entered_by=fran)
    on_tablet = IntakeFactory(channel=Intake.Channel.PATIENT_TABLET, entered_by=None)

    assert entry_of(by_link)["entered"] == "by the patient through a link (started by Fran Desk)"
    assert entry_of(on_tablet)["entered"] == "by the patient on a clinic tablet"
