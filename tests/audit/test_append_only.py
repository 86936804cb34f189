"""An audit event, once written, stays as written: not changed or deleted by the application,
and on PostgreSQL not even by SQL (audit/migrations/0002_append_only_trigger.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from audit.models import AuditEvent
from audit.services import Action, record
from tests.services import unavailable


@pytest.mark.django_db
def test_the_application_cannot_change_or_delete_an_event(front_desk):
    event = record(Action.VIEW, actor=front_desk)
    event.action = Action.EXPORT

    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).action == Action.VIEW


@pytest.mark.django_db
def test_a_user_who_left_a_record_cannot_be_deleted(front_desk):
    record(Action.VIEW, actor=front_desk)

    with pytest.raises(ProtectedError):
        front_desk.delete()


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        unavailable("the append-only trigger is PostgreSQL's: set DATABASE_URL")


UPDATE_OR_DELETE = {
    "update": lambda events: events.update(action=Action.EXPORT),
    "delete": lambda events: events.delete(),
    "raw update": lambda events: _raw("UPDATE audit_auditevent SET actor_label = 'x'"),
    "raw delete": lambda events: _raw("DELETE FROM audit_auditevent"),
}


def _raw(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.integration
@pytest.mark.django_db
@pytest.mark.parametrize("change", UPDATE_OR_DELETE.values(), ids=UPDATE_OR_DELETE.keys())
def test_postgresql_refuses_to_update_or_delete_an_event_even_in_sql(
    postgresql, front_desk, change
):
    event = record(Action.VIEW, actor=front_desk)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        change(AuditEvent.objects.filter(pk=event.pk))

    assert AuditEvent.objects.filter(pk=event.pk, action=Action.VIEW).exists()


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_the_trigger_leaves_with_its_migration_and_the_test_flush_still_works(postgresql):
    record(Action.VIEW, actor_label="before")

    call_command("migrate", "audit", "0001", verbosity=0)
    AuditEvent.objects.update(actor_label="changed")  # no trigger: allowed
    call_command("migrate", "audit", verbosity=0)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(actor_label="again")
    # The flush between transactional tests truncates: a row-level trigger does not fire.
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
