"""`/audit/export.csv`: the trail for the administrator, filtered, streamed, spreadsheet-safe
and itself audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from audit.export import FORMULA_STARTS, HEADER, safe_cell
from audit.models import AuditEvent
from audit.services import Action, record
from tests.audit.tampering import rewrite
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def url(**filters: str) -> str:
    return reverse("audit:export") + (
        "?" + "&".join(f"{k}={v}" for k, v in filters.items()) if filters else ""
    )


def rows_of(response) -> list[dict[str, str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def recorded_on(day: dt.date, action: str = Action.VIEW, **fields) -> AuditEvent:
    # The database dates each event itself (the chain trigger): back-dated as its owner could.
    event = record(action, **fields)
    rewrite(event.pk, at=timezone.make_aware(dt.datetime.combine(day, dt.time(12))))
    return event


@pytest.fixture
def admin(client_for, admin_user):
    return client_for(admin_user)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=b", "a=b"),
        ("2026-11-27", "2026-11-27"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(value, cell):
    assert safe_cell(value) == cell


def test_the_admin_downloads_the_trail_as_a_streamed_uncached_csv(admin, admin_user, front_desk):
    event = record(Action.VIEW, actor=front_desk, detail={"page": "result"})

    response = admin.get(url())

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    assert "no-store" in response["Cache-Control"]
    rows = rows_of(response)
    assert tuple(rows[0]) == HEADER
    mine = next(row for row in rows if row["actor_label"] == "fran")
    assert mine == {
        HEADER[0]: timezone.localtime(event.at).isoformat(),
        "actor_label": "fran",
        "actor_id": str(front_desk.pk),
        "action": "view",
        "object_type": "",
        "object_id": "",
        "client_address": "",
        "detail": '{"page": "result"}',
    }


def test_a_would_be_formula_in_any_column_comes_out_as_text(admin):
    for label in ('=HYPERLINK("http://x")', "+1", "-1", "@cmd", "\t=1", "\r=1"):
        record(Action.VIEW, actor=UserFactory(username=label))

    rows = rows_of(admin.get(url()))

    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert {row["actor_label"] for row in rows} >= {
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-1",
        "'@cmd",
        "'\t=1",
        "'\r=1",
    }


def test_the_filters_choose_the_rows_by_day_action_and_type(admin, front_desk):
    for day in (dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)):
        recorded_on(day, actor=front_desk, detail={"day": day.isoformat()})
    recorded_on(dt.date(2026, 1, 2), Action.DOWNLOAD, actor=front_desk)
    recorded_on(dt.date(2026, 1, 2), obj=front_desk, actor=front_desk)

    def days(**filters: str) -> list[str]:
        return [row["detail"] for row in rows_of(admin.get(url(**filters)))]

    assert days(**{"from": "2026-01-02", "to": "2026-01-02", "action": "view"}) == [
        '{"day": "2026-01-02"}',
        "{}",
    ]
    assert days(**{"from": "2026-01-03", "to": "2026-01-31"}) == ['{"day": "2026-01-03"}']
    assert days(action="download") == ["{}"]
    assert days(object_type="auth.User") == ["{}"]


@pytest.mark.parametrize(
    "filters", [{"from": "yesterday"}, {"to": "2026-02-30"}, {"action": "drop_table"}]
)
def test_a_malformed_filter_is_refused_and_nothing_is_exported(admin, filters):
    response = admin.get(url(**filters))

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_export_is_audited_with_its_filters_and_is_not_among_its_own_rows(
    admin, admin_user, front_desk
):
    record(Action.VIEW, actor=front_desk)
    record(Action.VIEW, actor=front_desk)

    rows = rows_of(admin.get(url(action="view")))

    export = AuditEvent.objects.get(action=Action.EXPORT)
    assert (export.actor, export.client_address) == (admin_user, "127.0.0.1")
    assert export.detail == {"via": "export", "action": "view", "rows": 2}
    assert len(rows) == 2


@pytest.mark.parametrize("persona", ["front_desk", "clinician", "outsider"])
def test_no_one_else_exports_the_trail(client_for, request, persona):
    response = client_for(request.getfixturevalue(persona)).get(url())

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action=Action.EXPORT).exists()
