"""Writing the audit trail: one function, called by every service that reads or changes PHI."""

from __future__ import annotations

from django.db import models

from audit.models import AuditEvent

Action = AuditEvent.Action


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor=None,
    actor_label: str = "",
    obj: models.Model | None = None,
    request=None,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. `detail` carries codes and ids only, never patient data."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    label = actor_label or (actor.get_username() if actor is not None else "anonymous")
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_label=label,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        client_address=client_address(request),
        detail=detail or {},
    )
