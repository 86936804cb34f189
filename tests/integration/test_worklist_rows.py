"""The worklist's rendered rows are reused only while nothing they show has changed.

On PostgreSQL (where `page_digest` runs) every change a clinician must see redraws the
rows at the next refresh, including changes made by bulk `update()`, which no signal sees.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import caches
from django.urls import reverse

from intake import services as intake_services
from intake.models import Intake, Patient
from reports.models import PreVisitSummary
from tests.triage.clinic import listed_names, submit
from triage import services
from triage.rendered_rows import CACHE

pytestmark = pytest.mark.django_db
ROWS = "triage/_worklist_rows.html"


@pytest.fixture(autouse=True)
def empty_cache():
    caches[CACHE].clear()


def refresh(client):
    """The 10-second refresh, and whether it drew the rows or reused them."""
    response = client.get(reverse("triage:worklist"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    return response, ROWS in [template.name for template in response.templates]


def an_emergency_arrives(intake: Intake, by) -> None:
    submit("emergency", by=by, family="Newcomer")


def a_flag_is_acknowledged(intake: Intake, by) -> None:
    services.acknowledge_flag(flag=intake.assessments.get().flags.first(), by=by)


def the_summary_is_ready(intake: Intake, by) -> None:
    PreVisitSummary.objects.filter(intake=intake).update(status=PreVisitSummary.Status.READY)


def the_name_is_corrected(intake: Intake, by) -> None:
    Patient.objects.filter(pk=intake.patient_id).update(family_name="Corrected")


def it_is_reviewed(intake: Intake, by) -> None:
    services.mark_reviewed(intake=intake, by=by)


def it_is_amended(intake: Intake, by) -> None:
    intake_services.amend_intake(
        intake=intake, by=by, reason="misheard", seen_revision=intake.revision,
        answers={"bladder_bowel_control_loss": False},
    )  # fmt: skip


CHANGES: dict[Callable, Callable[[str], bool]] = {
    an_emergency_arrives: lambda html: "Newcomer" in html,
    a_flag_is_acknowledged: lambda html: "✓" in html,
    the_summary_is_ready: lambda html: "<td>Ready</td>" in html,
    the_name_is_corrected: lambda html: "Corrected" in html and "Waiting" not in html,
    it_is_reviewed: lambda html: "<td>Yes</td>" in html,
    it_is_amended: lambda html: "Loss of bladder" not in html,
}


def test_unchanged_rows_are_drawn_once(client_for, clinician, front_desk):
    submit("urgent", by=front_desk, family="Waiting")
    client = client_for(clinician)
    first, drawn = refresh(client)
    again, drawn_again = refresh(client)
    assert (drawn, drawn_again) == (True, False)
    assert again.content == first.content
    assert listed_names(again) == ["Waiting"]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_any_change_shown_redraws_the_rows_at_the_next_refresh(
    client_for, clinician, front_desk, change
):
    intake = submit("emergency", by=front_desk, family="Waiting", minutes_ago=5)
    client = client_for(clinician)
    before, _ = refresh(client)
    assert not CHANGES[change](before.content.decode())

    change(intake, clinician)

    after, drawn = refresh(client)
    assert drawn
    assert CHANGES[change](after.content.decode())
