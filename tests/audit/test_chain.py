"""The audit trail as a hash chain (audit/chain.py): every event names the one before it and
hashes its own content; the daily check walks the chain, stores its head, and finds an edited
row, a removed row and a trail cut short after a check. On PostgreSQL the database links the
events (migration 0003) and these tests prove it writes what Python computes."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from audit import chain
from audit.models import GENESIS, AuditEvent, ChainCheck
from audit.services import Action, record, record_many
from audit.tasks import verify_chain
from tests.audit.tampering import remove, rewrite
from tests.services import unavailable

pytestmark = pytest.mark.django_db

# Details that the SQL and the Python canonical forms must write alike: keys of different
# lengths (jsonb orders shorter first), escapes, non-ASCII, nesting, numbers of every kind.
DETAILS = {
    "empty": {},
    "codes": {"page": "result", "version": 3, "level": "urgent"},
    "key order": {"bb": 1, "a": 2, "ccc": 3, "ab": 4, "é": 5, "z": 6},
    "escapes": {"q": 'say "hi"\\ \n\t\r\b\f \x01 \x1f / \x7f'},
    "non-ascii": {"name": "Zoë 日本 😀", "ñ": ["á", "ü"]},
    "nested": {"answers": ["age", "onset"], "rows": {"b": [1, {"y": None, "x": True}], "a": []}},
    "numbers": {"n": [0, -7, 2**53, 10**20, 1.5, 0.1, 1e20, 1.5e-07, 1.0, False]},
}


def events_in_order() -> list[AuditEvent]:
    return list(AuditEvent.objects.order_by("id"))


@pytest.fixture
def trail(front_desk) -> list[AuditEvent]:
    """Nine events of all kinds of content, oldest first."""
    for kind, detail in DETAILS.items():
        record(Action.VIEW, actor=front_desk, detail={"kind": kind, **detail})
    record(Action.SIGN_IN_FAILED, actor_label="mallory")
    record(Action.DOWNLOAD, actor=front_desk, obj=front_desk)
    return events_in_order()


def test_each_event_names_the_one_before_it_and_hashes_its_own_content(trail):
    assert trail[0].prev_hash == GENESIS
    assert [e.prev_hash for e in trail[1:]] == [e.hash for e in trail[:-1]]
    # On PostgreSQL the trigger wrote these hashes: Python's canonical form agrees with SQL's.
    assert [e.hash for e in trail] == [chain.event_hash(e) for e in trail]
    assert len({e.hash for e in trail}) == len(trail)
    assert [e.id for e in trail] == sorted(e.id for e in trail)


def test_the_canonical_content_is_pinned():
    """Every stored hash depends on this text: a change here breaks every chain."""
    event = AuditEvent(
        id=42,
        prev_hash="ab" * 32,
        at=dt.datetime(2026, 12, 2, 3, 4, 5, 6, tzinfo=dt.timezone(dt.timedelta(hours=-5))),
        actor_id=7,
        actor_label="fran",
        action=Action.VIEW,
        object_type="intake.Intake",
        object_id="9",
        client_address=None,
        detail={"rows": 50, "page": "worklist", "ok": True},
    )

    assert chain.content_text(event) == (
        f'["{"ab" * 32}", 42, "2026-12-02T08:04:05.000006Z", 7, "fran", "view", '
        '"intake.Intake", "9", null, {"ok": true, "page": "worklist", "rows": 50}]'
    )
    assert (
        chain.event_hash(event)
        == "f66f64e8a627449e66211bea1ff9c1f5e72d456d961568a9017f76711efb5e64"
    )


@pytest.mark.parametrize("address", ["127.0.0.1", "2001:db8::1", "::ffff:10.0.0.1", None])
def test_the_client_address_is_hashed_as_it_reads_back(rf, front_desk, address):
    request = rf.get("/", REMOTE_ADDR=address) if address else None
    event = record(Action.VIEW, actor=front_desk, request=request)

    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.hash == chain.event_hash(stored)


def test_the_recorded_event_carries_what_the_database_stored(front_desk):
    event = record(Action.VIEW, actor=front_desk, detail={"page": "worklist", "rows": 3})

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (event.id, event.at, event.prev_hash, event.hash) == (
        stored.id,
        stored.at,
        stored.prev_hash,
        stored.hash,
    )


def test_events_recorded_together_are_each_linked_and_carry_what_was_stored(front_desk):
    record(Action.VIEW, actor=front_desk)
    record_many(
        Action.ESCALATION_SENT,
        actor_label="escalation",
        events=[(front_desk, {"round": n}) for n in (1, 2, 3)],
    )
    events = list(AuditEvent.objects.order_by("id"))
    assert [event.detail.get("round") for event in events] == [None, 1, 2, 3]
    assert [event.prev_hash for event in events[1:]] == [event.hash for event in events[:-1]]
    assert all(event.hash == chain.event_hash(event) for event in events)
    assert chain.verify() == chain.Verification(4, events[-1].id)


def test_an_intact_chain_verifies_to_its_last_event(trail):
    assert chain.verify(batch=2) == chain.Verification(len(trail), trail[-1].id)


def test_an_empty_trail_verifies():
    assert chain.verify() == chain.Verification(0, None)


# Each as the tables' owner could (triggers set aside): where the walk stops, and the last
# event it verified (indexes into the trail).
EDITS = {
    # The content changed, the hash left: that very event.
    "content": (lambda trail: rewrite(trail[3].id, actor_label="someone else"), 3, 2),
    "time": (lambda trail: rewrite(trail[3].id, at=trail[3].at - dt.timedelta(days=1)), 3, 2),
    "detail": (lambda trail: rewrite(trail[3].id, detail={"kind": "other"}), 3, 2),
    # Content and a hash that matches it: the next event no longer follows it.
    "content and hash": (lambda trail: _rehash(trail, 3, actor_label="someone else"), 4, 3),
    # A row taken out of the middle: the one after it follows a missing event.
    "a middle event": (lambda trail: remove(trail[4].id), 5, 3),
    # The oldest row taken out: the first left does not start the chain.
    "the first event": (lambda trail: remove(trail[0].id), 1, None),
}


def _rehash(trail: list[AuditEvent], index: int, **fields) -> None:
    event = trail[index]
    for name, value in fields.items():
        setattr(event, name, value)
    rewrite(event.id, hash=chain.event_hash(event), **fields)


@pytest.mark.parametrize(("edit", "broken", "verified"), EDITS.values(), ids=EDITS.keys())
def test_an_edited_or_removed_event_breaks_the_chain_there(trail, edit, broken, verified):
    edit(trail)

    result = chain.verify(batch=2)

    assert (result.intact, result.broken_at) == (False, trail[broken].id)
    assert result.verified_to == (None if verified is None else trail[verified].id)


def test_the_last_events_removed_after_a_check_are_found_missing(trail):
    chain.check_and_record()
    remove(trail[-1].id, trail[-2].id)

    result = chain.verify()

    assert (result.broken_at, result.verified_to) == (trail[-1].id, trail[-3].id)
    assert result.problem.startswith("missing: the check of ")
    assert result.problem.endswith(
        f"recorded it as the last event; the trail ends at event {trail[-3].id}"
    )


def test_a_whole_tail_chained_anew_differs_from_the_check(trail, front_desk):
    chain.check_and_record()
    record(Action.VIEW, actor=front_desk)
    # Event 3 changed and every event after it re-hashed: a consistent chain, but not the one
    # the check saw.
    _rehash(trail, 3, actor_label="someone else")
    previous = AuditEvent.objects.get(pk=trail[3].id).hash
    for event in events_in_order()[4:]:
        event.prev_hash = previous
        previous = chain.event_hash(event)
        rewrite(event.id, prev_hash=event.prev_hash, hash=previous)

    result = chain.verify()

    assert result.broken_at == trail[-1].id
    assert result.problem.startswith("differs from the check of ")


def test_the_daily_check_stores_the_head_and_logs_it_with_ids_and_hashes_only(trail, caplog):
    with caplog.at_level(logging.INFO, logger="audit.chain"):
        result, check = chain.check_and_record()

    assert result.intact
    stored = ChainCheck.objects.get()
    assert stored == check
    assert (stored.head_id, stored.head_hash) == (trail[-1].id, trail[-1].hash)
    assert (stored.checked, stored.verified_to, stored.broken_at, stored.problem) == (
        len(trail),
        trail[-1].id,
        None,
        "",
    )
    assert caplog.messages == [
        f"audit chain intact: {len(trail)} events up to event {trail[-1].id}; "
        f"head event {trail[-1].id} sha256 {trail[-1].hash}"
    ]


def test_verify_audit_reports_an_intact_chain(trail, capsys):
    call_command("verify_audit")

    assert capsys.readouterr().out == (
        f"audit chain intact: {len(trail)} events up to event {trail[-1].id}; "
        f"head event {trail[-1].id} sha256 {trail[-1].hash}\n"
    )


def test_verify_audit_fails_at_the_first_broken_link_and_says_so_in_the_log(trail, caplog):
    rewrite(trail[2].id, object_id="999")

    with pytest.raises(CommandError, match=f"^audit chain broken at event {trail[2].id}: its"):
        call_command("verify_audit")

    check = ChainCheck.objects.get()
    assert (check.broken_at, check.verified_to) == (trail[2].id, trail[1].id)
    assert [r.levelname for r in caplog.records if r.name == "audit.chain"] == ["ERROR"]


def test_the_daily_task_checks_the_chain(trail):
    verify_chain.delay()

    assert ChainCheck.objects.get().verified_to == trail[-1].id


@pytest.mark.django_db(transaction=True)
def test_events_written_before_the_chain_are_chained_by_its_migration():
    call_command("migrate", "audit", "0002", verbosity=0)
    try:
        before = MigrationExecutor(connection).loader.project_state(
            ("audit", "0002_append_only_trigger")
        )
        older = before.apps.get_model("audit", "AuditEvent")
        for label in ("a", "b", "c"):
            older.objects.create(actor_label=label, action=Action.VIEW, detail={"n": label})
    finally:
        call_command("migrate", "audit", verbosity=0)

    events = events_in_order()
    assert [e.actor_label for e in events] == ["a", "b", "c"]
    assert chain.verify() == chain.Verification(3, events[-1].id)
    record(Action.VIEW, actor_label="after")  # and the next event follows them
    assert chain.verify() == chain.Verification(4, events_in_order()[-1].id)


def _admin_page(client_for, admin_user) -> str:
    return client_for(admin_user).get(reverse("admin:audit_auditevent_changelist")).content.decode()


def test_the_admin_sees_the_last_check_above_the_trail(client_for, admin_user, trail):
    assert "The audit chain has not been checked yet" in _admin_page(client_for, admin_user)

    _, check = chain.check_and_record()

    assert (
        f"Audit chain verified at {timezone.localtime(check.at):%Y-%m-%d %H:%M} "
        f"up to event {trail[-1].id} ({len(trail)} events)."
    ) in _admin_page(client_for, admin_user)


def test_a_check_is_overdue_after_a_day_and_a_half():
    now = timezone.now()
    assert not chain.check_overdue(None, now)  # never checked: said otherwise
    assert not chain.check_overdue(ChainCheck(at=now - dt.timedelta(hours=30), checked=0), now)
    assert chain.check_overdue(ChainCheck(at=now - dt.timedelta(hours=37), checked=0), now)


def test_the_admin_is_told_when_the_daily_check_stopped(client_for, admin_user, trail, monkeypatch):
    chain.check_and_record()
    assert "audit-chain-overdue" not in _admin_page(client_for, admin_user)
    two_days_on = timezone.now() + dt.timedelta(days=2)
    monkeypatch.setattr("clinic.admin.timezone.now", lambda: two_days_on)
    assert "the daily check has stopped" in _admin_page(client_for, admin_user)


def test_the_admin_sees_where_the_chain_broke(client_for, admin_user, trail):
    rewrite(trail[2].id, object_id="999")
    _, check = chain.check_and_record()

    assert (
        f"Audit chain broken at event {trail[2].id}: its content does not match its hash "
        f"(checked at {timezone.localtime(check.at):%Y-%m-%d %H:%M})."
    ) in _admin_page(client_for, admin_user)


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_writers_in_parallel_transactions_still_make_one_chain():
    """The trigger's advisory lock: writers in parallel never take the same predecessor."""
    if connection.vendor != "postgresql":
        unavailable("the chain trigger is PostgreSQL's: set DATABASE_URL")

    def write(name: str) -> None:
        try:
            for _ in range(25):
                with transaction.atomic():
                    record(Action.VIEW, actor_label=name)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write, args=(f"writer {n}",)) for n in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    result = chain.verify()
    assert (result.intact, result.checked) == (True, 100)
