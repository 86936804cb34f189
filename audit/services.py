"""Writing the audit trail: one function, called by every service that reads or changes PHI."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import models, transaction

from audit import chain
from audit.models import AuditEvent

Action = AuditEvent.Action


def client_address(request) -> str | None:
    """The client's address, for the trail and for the sign-in lockout (AXES_CLIENT_IP_CALLABLE).

    Behind TRUSTED_PROXY_COUNT proxies, REMOTE_ADDR is the nearest proxy's; each proxy
    appends the address it saw to X-Forwarded-For, so the client is that many entries from
    the right. Entries further left are whatever the client sent, so they are never read.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if not proxies or len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:  # a proxy that writes something else: keep what is certain
        return remote


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
    if chain.linked_by_database():
        event.save(force_insert=True)  # the trigger links it; Django reads id, at, hashes back
        return event
    # SQLite: the transaction holds the database's write lock from the read of the last
    # event to the insert (transaction_mode IMMEDIATE), so two writers cannot share a link.
    # Inside a caller's transaction no savepoint: a failed audit write fails the caller.
    with transaction.atomic(savepoint=False):
        chain.link(event)
        event.save(force_insert=True)
    return event
