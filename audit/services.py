"""Writing the audit trail: one function, called by every service that reads or changes PHI."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction

from audit import chain
from audit.models import AuditEvent

Action = AuditEvent.Action


def client_address(request) -> str | None:
    """The client's address, for the trail and for the sign-in lockout (AXES_CLIENT_IP_CALLABLE).

    One hop is trusted, and only a known one: when REMOTE_ADDR is in TRUSTED_PROXIES (nginx),
    the client is the last X-Forwarded-For entry, which nginx writes itself. From any other
    peer the header is whatever that peer chose to send, so REMOTE_ADDR is the client.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(forwarded))
    except ValueError:  # no header, or not an address: keep what is certain
        return remote


def _is_trusted_proxy(address: str) -> bool:
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in settings.TRUSTED_PROXIES)


def record(
    action: str,
    *,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event, linked into the chain (audit/chain.py). `detail` carries codes
    and ids only, never patient data."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    label = actor_label or (actor.get_username() if actor is not None else "anonymous")
    event = AuditEvent(
        action=action,
        actor=actor,
        actor_label=label,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        client_address=client_address(request),
        detail=detail or {},
    )
    _append([event])
    return event


def record_many(action: str, *, actor_label: str, events: Iterable[tuple[models.Model, dict]]):
    """Append one event per (object, detail) for a task acting on many objects at once (the
    escalation sweep's e-mails): in one INSERT on PostgreSQL, linked row by row as `record`'s."""
    _append(
        [
            AuditEvent(
                action=action,
                actor_label=actor_label,
                object_type=obj._meta.label,
                object_id=str(obj.pk),
                detail=detail,
            )
            for obj, detail in events
        ]
    )


def _append(events: list[AuditEvent]) -> None:
    if chain.linked_by_database():
        # The trigger links each row; Django reads id, at and the hashes back.
        AuditEvent.objects.bulk_create(events)
        return
    # SQLite: the transaction holds the database's write lock from the read of the last
    # event to the insert (transaction_mode IMMEDIATE), so two writers cannot share a link.
    # Inside a caller's transaction no savepoint: a failed audit write fails the caller.
    with transaction.atomic(savepoint=False):
        for event in events:
            chain.link(event)
            event.save(force_insert=True)


def record_shown(
    request, *, page: str, patient_ids: Iterable, intake_ids: Iterable = (), **detail: object
) -> AuditEvent:
    """A page that lists patients (a search, a list, a board): one event naming, by id, every
    patient it showed, so "who saw this patient" is answered for lists as for single reads."""
    return record(
        Action.VIEW,
        request=request,
        detail={
            "page": page,
            **detail,
            "patients": list(dict.fromkeys(str(pk) for pk in patient_ids)),
            **({"intakes": [str(pk) for pk in intake_ids]} if intake_ids else {}),
        },
    )
