"""The desk's patient links: made, sent, revoked. Each new link for an intake revokes the
ones before it; a sent link's messages go through clinic/link_messages.py."""

from __future__ import annotations

import logging

from django.db import transaction

from audit.services import Action, record
from clinic.link_messages import Kind, Status, address_of, write_message
from clinic.patient import access as patient_access
from clinic.tasks import send_link_messages_of
from intake.models import Intake, LinkMessage, PatientLink

logger = logging.getLogger(__name__)


class NoAddress(Exception):
    """The patient has no e-mail address (or phone number) to send the link to."""


@transaction.atomic
def make_link(intake: Intake, *, by, request=None, medium: str = "") -> PatientLink:
    """A new link to this draft, the old ones revoked (their messages not sent). Given a
    `medium`, its invitation is written and the task that sends it is queued for after the
    commit, given the link's id only (the minute's sweep sends it if the broker is down)."""
    if medium and not address_of(intake.patient, medium):
        raise NoAddress
    link, replaced = patient_access.make_link(intake, by=by)
    _cancel_unsent(replaced)
    detail: dict[str, object] = {"link": str(link.pk), "expires_at": link.expires_at.isoformat()}
    if replaced:
        detail["revoked"] = [str(old.pk) for old in replaced]
    if medium:
        write_message(link, Kind.INVITATION, medium)
        detail["sent_by"] = medium
        transaction.on_commit(lambda: _enqueue(link.pk))
    record(Action.LINK, actor=by, obj=intake, request=request, detail=detail)
    return link


def _cancel_unsent(ended: list[PatientLink]) -> None:
    """An ended link's messages not yet sent are not sent."""
    LinkMessage.objects.filter(
        link__in=[link.pk for link in ended], status__in=[Status.PENDING, Status.SENDING]
    ).update(status=Status.CANCELLED)


def _enqueue(link_id) -> None:
    try:
        send_link_messages_of.delay(str(link_id))
    except Exception as error:  # kombu/redis raise many kinds; all mean "not sent now"
        logger.warning(
            "link %s not enqueued (%s); the sweep sends it", link_id, type(error).__name__
        )


@transaction.atomic
def revoke_link(link: PatientLink, *, by, request=None) -> bool:
    """The desk ends a link now; its messages not yet sent are not sent. False if it had
    already ended."""
    if not patient_access.revoke_link(link, by=by):
        return False
    _cancel_unsent([link])
    record(Action.REVOKE, actor=by, obj=link.intake, request=request, detail={"link": str(link.pk)})
    return True
