"""The audit trail as a hash chain: each event carries the SHA-256 of the one before it and of
its own content, so an edited, removed or inserted row breaks the chain at that row.

On PostgreSQL the database links each event as it is inserted (the trigger in migration
0003), with its own clock and under a lock; elsewhere (SQLite, the embedded default)
`link()` does the same here. Both write the content in one canonical form, `content_text()`,
which the trigger mirrors in SQL. A daily check (`check_and_record()`, also `manage.py
verify_audit`) walks the chain and writes the head to `ChainCheck`, which the application's
database role may only add to through a function that reads the head itself, so a trail
cut short after a check is caught too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.db import connections
from django.db.models import Max
from django.utils import timezone

from audit.models import GENESIS, AuditEvent, ChainCheck

logger = logging.getLogger("audit.chain")
BATCH = 5000  # events read per query while walking the chain


def linked_by_database(using: str = "default") -> bool:
    """True where the trigger links events on insert (PostgreSQL, migration 0003)."""
    return connections[using].vendor == "postgresql"


def _json(value: object) -> str:
    """`value` as PostgreSQL writes a jsonb as text: object keys shorter first, then by bytes;
    ", " and ": " between items; numbers as `numeric` prints them; non-ASCII as is."""
    if isinstance(value, str):
        return _string(value)
    if value is None or isinstance(value, bool):
        return _CONSTANTS[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return "{" + ", ".join(f"{_string(key)}: {_json(value[key])}" for key in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json(item) for item in value) + "]"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")  # numeric has no exponent: 1e+20 → 1000…0
    raise TypeError(f"not JSON: {type(value).__name__}")


# json.dumps(ensure_ascii=False)'s escaping of a string, which is PostgreSQL's escape_json().
_string = json.encoder.encode_basestring
_CONSTANTS = {None: "null", True: "true", False: "false"}


def _instant(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_text(event: AuditEvent) -> str:
    """What an event's hash is taken of. Never change it: every stored hash depends on it.
    `audit_event_hash()` in migration 0003 writes the same text in SQL."""
    return _json(
        [
            event.prev_hash,
            event.id,
            _instant(event.at),
            event.actor_id,
            event.actor_label,
            event.action,
            event.object_type,
            event.object_id,
            event.client_address,
            event.detail,
        ]
    )


def event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(content_text(event).encode("utf-8")).hexdigest()


def link(event: AuditEvent) -> None:
    """Give an unsaved event its id, time and hashes, after the last event. The caller holds
    the write lock until the event is saved (SQLite: inside transaction.atomic())."""
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    event.id = last[0] + 1 if last else 1
    event.prev_hash = last[1] if last else GENESIS
    event.at = timezone.now()
    event.detail = json.loads(json.dumps(event.detail))  # as it will read back: lists, str keys
    event.hash = event_hash(event)


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain: how far it holds, and the first link that does not."""

    checked: int  # events walked
    verified_to: int | None  # the last event whose link holds (None: none does)
    broken_at: int | None = None  # the first event whose link fails
    problem: str = ""  # why, in ids and dates only

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(batch: int = BATCH) -> Verification:
    """Walk every event in id order and return the first broken link: an event that does not
    name the one before it, whose content does not match its hash, or that differs from (or
    is missing where) an earlier check recorded the head."""
    # The checks first: any head they name was in the trail before the walk below starts.
    checks: dict[int, ChainCheck] = {}
    for check in ChainCheck.objects.exclude(head_id=None).order_by("id"):
        checks.setdefault(check.head_id, check)
    pending = sorted(checks)
    end = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
    previous, previous_id, checked = GENESIS, None, 0

    def broken(event_id: int, problem: str) -> Verification:
        return Verification(checked, previous_id, event_id, problem)

    while True:
        events = list(
            AuditEvent.objects.filter(id__gt=previous_id or 0, id__lte=end).order_by("id")[:batch]
        )
        for event in events:
            if pending and pending[0] < event.id:
                return broken(pending[0], _missing(checks[pending[0]], previous_id))
            if event.prev_hash != previous:
                after = f"event {previous_id}" if previous_id else "the start of the chain"
                return broken(event.id, f"does not follow {after}")
            if event_hash(event) != event.hash:
                return broken(event.id, "its content does not match its hash")
            if pending and pending[0] == event.id:
                check = checks[pending.pop(0)]
                if check.head_hash != event.hash:
                    return broken(event.id, f"differs from the check of {_day(check)}")
            previous, previous_id, checked = event.hash, event.id, checked + 1
        if len(events) < batch:
            break
    if pending:
        return broken(pending[0], _missing(checks[pending[0]], previous_id))
    return Verification(checked, previous_id)


def _day(check: ChainCheck) -> str:
    return timezone.localtime(check.at).strftime("%Y-%m-%d %H:%M")


def _missing(check: ChainCheck, last_id: int | None) -> str:
    ends = f"the trail ends at event {last_id}" if last_id else "the trail is empty"
    return f"missing: the check of {_day(check)} recorded it as the last event; {ends}"


def record_check(result: Verification) -> ChainCheck:
    """Store a check: the head as the database sees it now, and `result`."""
    if linked_by_database():
        # A function owned by the migrations' role: it reads the head itself, and it is the
        # only way the application's role can add to audit_chaincheck (migration 0003).
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "SELECT audit_checkpoint(%s, %s, %s, %s)",
                [result.checked, result.verified_to, result.broken_at, result.problem],
            )
            (check_id,) = cursor.fetchone()
        return ChainCheck.objects.get(pk=check_id)
    head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    return ChainCheck.objects.create(
        head_id=head[0] if head else None,
        head_hash=head[1] if head else "",
        checked=result.checked,
        verified_to=result.verified_to,
        broken_at=result.broken_at,
        problem=result.problem,
    )


def check_and_record() -> tuple[Verification, ChainCheck]:
    """The daily job: verify, store the head with the outcome, and log both (ids and hashes
    only), so a copy of the head lives outside the database too."""
    result = verify()
    check = record_check(result)
    head = f"head event {check.head_id} sha256 {check.head_hash or '-'}"
    if result.intact:
        logger.info(
            "audit chain intact: %d events up to event %s; %s",
            result.checked,
            result.verified_to,
            head,
        )
    else:
        logger.error(
            "audit chain broken at event %s (%s); %s", result.broken_at, result.problem, head
        )
    return result, check


def latest_check() -> ChainCheck | None:
    return ChainCheck.objects.order_by("-id").first()


# The chain is checked daily (config/settings.py's beat schedule): a last check older than
# this means beat or the worker stopped, and nobody is watching the trail.
CHECK_OVERDUE_AFTER = dt.timedelta(hours=36)


def check_overdue(check: ChainCheck | None, now: dt.datetime) -> bool:
    return check is not None and now - check.at > CHECK_OVERDUE_AFTER
