"""The worklist's 10-second refresh is a conditional GET: 304 while nothing shown changed.

The server keeps nothing between requests: the page's script sends back the ETag of the
rows it shows, and every change a clinician must see (bulk `update()`s included, which no
signal sees) gives 200 with the new rows at the next refresh.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from clinic import submission
from intake.models import Intake, Patient
from reports.models import PreVisitSummary
from tests.triage.clinic import listed_names, submit
from triage import services

pytestmark = pytest.mark.django_db


def refresh(client, etag: str | None = None):
    headers = {"HX-Request": "true"}
    if etag:
        headers["If-None-Match"] = etag
    return client.get(reverse("triage:worklist"), headers=headers)


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
    submission.amend_intake(
        intake=intake,
        by=by,
        reason="misheard",
        seen_revision=intake.revision,
        answers={"bladder_bowel_control_loss": False},
    )


CHANGES: dict[Callable, Callable[[str], bool]] = {
    an_emergency_arrives: lambda html: "Newcomer" in html,
    a_flag_is_acknowledged: lambda html: "✓" in html,
    the_summary_is_ready: lambda html: "<td>Ready</td>" in html,
    the_name_is_corrected: lambda html: "Corrected" in html and "Waiting" not in html,
    it_is_reviewed: lambda html: "<td>Yes</td>" in html,
    it_is_amended: lambda html: "Loss of bladder" not in html,
}


def test_an_unchanged_page_answers_304_with_nothing_to_swap(client_for, clinician, front_desk):
    submit("urgent", by=front_desk, family="Waiting")
    client = client_for(clinician)
    first = refresh(client)
    assert first.status_code == 200
    assert listed_names(first) == ["Waiting"]

    again = refresh(client, first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def test_the_etag_is_kept_by_the_page_not_the_server(client_for, clinician, front_desk):
    """Another session holding the same ETag gets the same answer: no state per session."""
    submit("urgent", by=front_desk, family="Waiting")
    etag = refresh(client_for(clinician))["ETag"]
    assert refresh(client_for(clinician), etag).status_code == 304
    assert refresh(client_for(clinician), '"something-else"').status_code == 200


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_any_change_shown_gives_200_and_the_new_rows_at_the_next_refresh(
    client_for, clinician, front_desk, change
):
    intake = submit("emergency", by=front_desk, family="Waiting", minutes_ago=5)
    client = client_for(clinician)
    before = refresh(client)
    assert not CHANGES[change](before.content.decode())

    change(intake, clinician)

    after = refresh(client, before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert CHANGES[change](after.content.decode())


def test_the_full_page_is_never_answered_304(client_for, clinician, front_desk):
    submit("urgent", by=front_desk, family="Waiting")
    client = client_for(clinician)
    etag = refresh(client)["ETag"]

    page = client.get(reverse("triage:worklist"), headers={"If-None-Match": etag})

    assert page.status_code == 200
    assert "ETag" not in page
    assert "Waiting" in page.content.decode()
