"""Changing the audit trail behind the application's back, as its database owner could:
the tests' own way to back-date an event, and the tamper tests' way to edit or cut it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from audit.models import AuditEvent


@contextmanager
def triggers_set_aside() -> Iterator[None]:
    """On PostgreSQL the append-only and chain triggers do not fire inside (the test connection
    is a superuser, as CI's is); SQLite has none."""
    with transaction.atomic():
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def rewrite(event_id: int, **fields) -> None:
    with triggers_set_aside():
        AuditEvent.objects.filter(pk=event_id).update(**fields)


def remove(*event_ids: int) -> None:
    with triggers_set_aside():
        AuditEvent.objects.filter(pk__in=event_ids).delete()
