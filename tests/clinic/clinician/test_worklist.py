import base64
import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from clinic import submission
from clinic.clinician.worklist import Cursor, InvalidCursor, WorklistFilters, worklist_page
from intake.models import Intake
from tests.triage.clinic import listed, listed_names, submit
from triage import services
from triage.models import TriageFlag

pytestmark = pytest.mark.django_db


def names(page) -> list[str]:
    return [row.patient.family_name for row in page.rows]


def test_unacknowledged_emergencies_then_urgent_then_the_rest_oldest_first(front_desk):
    submit("routine", by=front_desk, family="RoutineOld", minutes_ago=90)
    submit("emergency", by=front_desk, family="EmergencyNew", minutes_ago=5)
    submit("urgent", by=front_desk, family="UrgentOld", minutes_ago=60)
    submit("emergency", by=front_desk, family="EmergencyOld", minutes_ago=30)
    submit("routine", by=front_desk, family="RoutineNew", minutes_ago=1)
    assert names(worklist_page(WorklistFilters())) == [
        "EmergencyOld",
        "EmergencyNew",
        "UrgentOld",
        "RoutineOld",
        "RoutineNew",
    ]


def test_an_acknowledged_emergency_leaves_the_top_group(front_desk, clinician):
    old = submit("emergency", by=front_desk, family="Acked", minutes_ago=30)
    submit("emergency", by=front_desk, family="Waiting", minutes_ago=5)
    submit("routine", by=front_desk, family="Routine", minutes_ago=60)
    flag = TriageFlag.objects.get(assessment__intake=old, severity="emergency")
    services.acknowledge_flag(flag=flag, by=clinician, note="Sent to ED")
    # Acknowledged, it joins "the rest", where the older routine intake comes first.
    assert names(worklist_page(WorklistFilters())) == ["Waiting", "Routine", "Acked"]
    flag.refresh_from_db()
    assert (flag.acknowledged_by, flag.acknowledgement_note) == (clinician, "Sent to ED")


def test_keyset_pages_cover_every_row_once_in_order(front_desk):
    for minutes in range(7):
        submit("routine", by=front_desk, family=f"P{minutes}", minutes_ago=100 - minutes)
    submit("emergency", by=front_desk, family="E", minutes_ago=1)
    seen, cursor = [], ""
    while True:
        page = worklist_page(WorklistFilters(), cursor=cursor, size=3)
        seen += names(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == ["E", "P0", "P1", "P2", "P3", "P4", "P5", "P6"]


def cursor_of(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


AT = '"2026-12-01T10:00:00+00:00"'
ID = '"6f1c2c3e-8d4b-4f7a-9a51-2b8c0e6d9f10"'
NOT_CURSORS = {
    "infinity": cursor_of(f"[Infinity, {AT}, {ID}]"),
    "nan": cursor_of(f"[NaN, {AT}, {ID}]"),
    "huge-number": cursor_of(f"[1e400, {AT}, {ID}]"),
    "120-digits": cursor_of(f"[{'9' * 120}, {AT}, {ID}]"),
    "not-an-alert-rank": cursor_of(f"[7, {AT}, {ID}]"),
    "true": cursor_of(f"[true, {AT}, {ID}]"),
    "a-fraction": cursor_of(f"[1.5, {AT}, {ID}]"),
    "naive-time": cursor_of(f'[1, "2026-12-01T10:00:00", {ID}]'),
    "no-utc-time": cursor_of(f'[1, "0001-01-01T00:00:00+14:00", {ID}]'),
    "not-a-time": cursor_of(f"[1, 5, {ID}]"),
    "not-a-uuid": cursor_of(f'[1, {AT}, "x"]'),
    "a-number-for-the-uuid": cursor_of(f"[1, {AT}, 5]"),
    "two-fields": cursor_of(f"[1, {AT}]"),
    "an-object": cursor_of('{"a": 1, "b": 2, "c": 3}'),
    "nested": cursor_of("[" * 140 + "]" * 140),
    "not-json": cursor_of("not json"),
    "not-utf8": base64.urlsafe_b64encode(b"\xff\xfe[1]").decode(),
    "not-base64": "not-a-cursor!",
    "not-ascii": "é" * 8,
    "too-long": "A" * 400,
}


@pytest.mark.parametrize("token", NOT_CURSORS.values(), ids=NOT_CURSORS.keys())
def test_a_cursor_the_worklist_did_not_hand_out_is_refused(token):
    with pytest.raises(InvalidCursor):
        Cursor.decode(token)


def test_a_cursor_round_trips_in_utc():
    cursor = Cursor(1, dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC), uuid.uuid4())
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "refresh"])
def test_a_cursor_holding_infinity_is_a_400_naming_after(client_for, clinician, front_desk, htmx):
    submit("routine", by=front_desk, family="Listed")
    before = AuditEvent.objects.count()
    headers = {"HX-Request": "true"} if htmx else {}

    response = client_for(clinician).get(
        reverse("triage:worklist"), {"after": NOT_CURSORS["infinity"]}, headers=headers
    )

    assert response.status_code == 400
    assert response.content.decode().startswith("after: ")
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (WorklistFilters(level="urgent"), ["Urgent"]),
        (WorklistFilters(open_only=True), ["Emergency", "Urgent"]),
        (WorklistFilters(reviewed="yes"), ["Routine"]),
        (WorklistFilters(reviewed="no"), ["Emergency", "Urgent"]),
        (WorklistFilters(summary_status="pending"), ["Emergency", "Urgent", "Routine"]),
        (WorklistFilters(summary_status="ready"), []),
        (WorklistFilters(query="MRN-77"), ["Urgent"]),
        (WorklistFilters(query="mrn-7"), ["Urgent"]),
        (WorklistFilters(query="jose emergency"), ["Emergency"]),
    ],
)
def test_filters_and_search(front_desk, clinician, filters, expected):
    submit("emergency", by=front_desk, given="José", family="Emergency")
    submit("urgent", by=front_desk, family="Urgent", mrn="MRN-77")
    routine = submit("routine", by=front_desk, family="Routine")
    services.mark_reviewed(intake=routine, by=clinician)
    assert names(worklist_page(filters)) == expected


def test_submitted_date_range(front_desk):
    submit("routine", by=front_desk, family="Old", minutes_ago=60 * 24 * 3)
    submit("routine", by=front_desk, family="Today")
    # The filter's days are the clinic's days, not UTC's (they differ for five hours a night).
    recent = timezone.localdate(Intake.objects.get(patient__family_name="Today").submitted_at)
    assert names(worklist_page(WorklistFilters(submitted_from=recent))) == ["Today"]
    assert names(worklist_page(WorklistFilters(submitted_to=recent))) == ["Old", "Today"]


def test_a_late_evening_intake_belongs_to_the_clinics_day(front_desk):
    late = submit("routine", by=front_desk, family="Late")
    day = dt.date(2026, 3, 9)
    evening = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)))
    Intake.objects.filter(pk=late.pk).update(submitted_at=evening)
    assert evening.astimezone(dt.UTC).date() == day + dt.timedelta(days=1)
    on_the_day = WorklistFilters(submitted_from=day, submitted_to=day)
    assert names(worklist_page(on_the_day)) == ["Late"]
    next_day = day + dt.timedelta(days=1)
    assert names(worklist_page(WorklistFilters(submitted_from=next_day))) == []


def test_drafts_never_appear(front_desk):
    from tests.intake.factories import IntakeFactory

    IntakeFactory()
    assert worklist_page(WorklistFilters()).rows == []


@pytest.mark.parametrize("count", [5, 200])
def test_the_worklist_page_runs_a_fixed_number_of_queries(
    client_for, clinician, front_desk, count, django_assert_max_num_queries
):
    for index in range(count):
        submit(("emergency", "urgent", "routine")[index % 3], by=front_desk, family=f"P{index}")
    client = client_for(clinician)
    with django_assert_max_num_queries(13):  # the 13th: what was done about the alerts
        response = client.get(reverse("triage:worklist"))
    assert response.status_code == 200
    assert len(listed(response)) == min(count, 50)


def test_the_worklist_is_for_clinicians_and_admins_and_is_audited(
    client_for, clinician, admin_user, front_desk, outsider
):
    assert client_for(front_desk).get(reverse("triage:worklist")).status_code == 403
    assert client_for(outsider).get(reverse("triage:worklist")).status_code == 403
    assert client_for(admin_user).get(reverse("triage:worklist")).status_code == 200
    assert client_for(clinician).get(reverse("triage:worklist")).status_code == 200
    assert AuditEvent.objects.filter(action="view", actor=clinician).count() == 1


def test_the_htmx_poll_returns_only_the_rows(client_for, clinician, front_desk):
    submit("emergency", by=front_desk, family="Polled")
    response = client_for(clinician).get(reverse("triage:worklist"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Polled" in html and "<html" not in html


def test_a_name_search_is_kept_in_the_session_and_the_other_filters_in_the_url(
    client_for, clinician, front_desk
):
    submit("emergency", by=front_desk, family="Quintero")
    submit("urgent", by=front_desk, family="Quintero")
    submit("emergency", by=front_desk, family="Other")
    client = client_for(clinician)
    response = client.post(reverse("triage:worklist-search"), {"q": "quintero", "level": "urgent"})
    assert response.status_code == 302
    location = response["Location"]
    assert re.fullmatch(r"/worklist/\?level=urgent&search=[\w-]+", location), location
    page = client.get(location)
    shown = [(intake.patient.family_name, intake.triage_level) for intake in listed(page)]
    assert shown == [("Quintero", "urgent")]
    assert 'value="quintero"' in page.content.decode()  # the form shows what is applied
    # The 10-second refresh asks for the same URL and gets the same search.
    poll = client.get(location, headers={"HX-Request": "true"})
    assert listed_names(poll) == ["Quintero"]
    # The worklist from the navigation bar is never narrowed by an earlier search: it
    # would hide a new emergency.
    assert sorted(listed_names(client.get(reverse("triage:worklist")))) == [
        "Other",
        "Quintero",
        "Quintero",
    ]
    cleared = client.post(reverse("triage:worklist-search"), {"q": "quintero", "clear": "1"})
    assert cleared["Location"] == reverse("triage:worklist")


def test_a_refused_filter_is_named_and_nothing_is_applied(client_for, clinician, front_desk):
    submit("urgent", by=front_desk, family="Quintero")
    submit("routine", by=front_desk, family="Other")
    client = client_for(clinician)
    response = client.post(
        reverse("triage:worklist-search"),
        {"q": "quintero", "submitted_from": "2026-02-30"},
        follow=True,
    )
    assert "Submitted from: Enter a valid date." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("triage:worklist")
    assert listed_names(response) == ["Quintero", "Other"]  # the search was not applied


def test_the_nav_shows_the_count_of_open_emergencies(client_for, clinician, front_desk):
    submit("emergency", by=front_desk)
    submit("emergency", by=front_desk)
    submit("urgent", by=front_desk)
    response = client_for(clinician).get(reverse("triage:emergency-count"))
    assert 'id="emergency-count">2<' in response.content.decode()


def test_a_clinician_lands_on_the_worklist(client_for, clinician):
    response = client_for(clinician).get(reverse("accounts:home"))
    assert response.status_code == 302 and response.url == reverse("triage:worklist")


def test_an_amended_intakes_row_shows_only_its_current_flags(front_desk, clinician):

    intake = submit("emergency", by=front_desk, family="Amended")
    before = worklist_page(WorklistFilters()).rows[0].current_flags
    submission.amend_intake(
        intake=intake,
        by=clinician,
        reason="misheard",
        seen_revision=intake.revision,
        answers={"bladder_bowel_control_loss": False},
    )
    after = worklist_page(WorklistFilters()).rows[0]
    assert "bladder_bowel_control_loss" in [flag.code for flag in before]
    assert "bladder_bowel_control_loss" not in [flag.code for flag in after.current_flags]
    assert after.version == 2
