"""How a patient reaches their own intake without an account: a signed link or a kiosk tablet.

A link's token is signed and names one `PatientLink` row; the row is the authority on
expiry and revocation, and the intake's status ends the link once it is submitted.
A kiosk is an anonymous session bound to one intake: starting it signs the staff user
out, finishing it leaves only a marker for the "hand the tablet back" page.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import logout
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from clinic import submission
from intake import services
from intake.models import Intake, PatientLink

LINK_SALT = "intake.patient-link"
# The longest life a link may be given; the signature refuses anything older even if the
# row were edited, so a leaked database row alone cannot revive an old token.
MAX_LINK_HOURS = 24 * 14

KIOSK_INTAKE = "kiosk_intake"
KIOSK_PAGE = "kiosk_page"
KIOSK_DONE = "kiosk_done"


class LinkProblem(Exception):
    """A link that cannot be used; each subclass gets its own plain-words page."""


class LinkInvalid(LinkProblem):
    """Altered, truncated or garbage token, or no such link."""


class LinkExpired(LinkProblem):
    pass


class LinkUsed(LinkProblem):
    """The intake was submitted: the link has done its job."""


class LinkRevoked(LinkProblem):
    pass


# --- links ------------------------------------------------------------------------


def make_link(intake: Intake, *, by, hours: int | None = None) -> tuple[PatientLink, str]:
    """A new link to this draft, valid for `hours` (default: PATIENT_LINK_HOURS), and its token.

    The token carries only the link's id: no patient data ends up in a URL or a log.
    """
    hours = settings.PATIENT_LINK_HOURS if hours is None else hours
    if not 1 <= hours <= MAX_LINK_HOURS:
        raise ValueError(f"a link lives 1 to {MAX_LINK_HOURS} hours")
    if not intake.is_draft:
        raise services.NotADraft
    link = PatientLink.objects.create(
        intake=intake, created_by=by, expires_at=timezone.now() + timedelta(hours=hours)
    )
    return link, signing.dumps({"l": str(link.id)}, salt=LINK_SALT, compress=True)


def _signed_link_id(token: str) -> uuid.UUID:
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=timedelta(hours=MAX_LINK_HOURS))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    try:
        return uuid.UUID(payload["l"])
    except (TypeError, KeyError, ValueError):
        raise LinkInvalid from None


def _submitted_through_link(link: PatientLink) -> bool:
    intake = link.intake
    return (
        intake.channel == Intake.Channel.PATIENT_LINK
        and intake.submitted_at is not None
        and link.created_at <= intake.submitted_at <= link.expires_at
    )


def resolve_link(token: str, *, for_done_page: bool = False) -> PatientLink:
    """The link a token names, if it may be used now; else a `LinkProblem` subclass.

    With `for_done_page`, a link whose intake was submitted through a patient link while
    this one was valid still resolves: the thank-you page (and its emergency advice)
    must show after the submission that used the link up.
    """
    link = (
        PatientLink.objects.select_related("intake__patient")
        .filter(pk=_signed_link_id(token))
        .first()
    )
    if link is None:
        raise LinkInvalid
    if link.revoked_at is not None:
        raise LinkRevoked
    if link.expires_at <= timezone.now():
        raise LinkExpired
    if not link.intake.is_draft and not (for_done_page and _submitted_through_link(link)):
        raise LinkUsed
    return link


@transaction.atomic
def submit_by_patient(
    intake: Intake, *, channel: str, request: HttpRequest
) -> submission.Submission:
    """Submit as the patient: the channel says how, so the audit names the patient's channel.

    One transaction: if the answers are incomplete (`DocumentInvalid`), nothing changes.
    """
    intake = services.save_answers(intake, by=None, answers={"channel": channel}, request=request)
    return submission.submit_intake(intake=intake, by=None, request=request)


# --- kiosk --------------------------------------------------------------------------


def start_kiosk(request: HttpRequest, intake: Intake, *, tablet_name: str = "") -> None:
    """Sign the staff user out (a new, empty session) and bind the tablet to this intake;
    `tablet_name` is what the desk calls this tablet, for the alerts raised on it."""
    logout(request)
    request.session[KIOSK_INTAKE] = str(intake.pk)
    if tablet_name:
        request.session[submission.TABLET_SESSION_KEY] = tablet_name


def kiosk_mode(request: HttpRequest) -> str | None:
    """'filling' while the patient answers, 'done' on the hand-back page, else None."""
    if KIOSK_DONE in request.session:
        return "done"
    if KIOSK_INTAKE in request.session:
        return "filling"
    return None


def _intake_in_session(request: HttpRequest, key: str) -> Intake | None:
    intake_id = request.session.get(key)
    if not intake_id:
        return None
    return Intake.objects.select_related("patient").filter(pk=intake_id).first()


def kiosk_intake(request: HttpRequest) -> Intake | None:
    """The intake this tablet is bound to while the patient answers."""
    return _intake_in_session(request, KIOSK_INTAKE)


def finished_kiosk_intake(request: HttpRequest) -> Intake | None:
    """The intake just submitted on this tablet, for the hand-back page's alert only."""
    return _intake_in_session(request, KIOSK_DONE)


def remember_kiosk_page(request: HttpRequest, slug: str) -> None:
    request.session[KIOSK_PAGE] = slug


def kiosk_page(request: HttpRequest) -> str | None:
    return request.session.get(KIOSK_PAGE)


def finish_kiosk(request: HttpRequest) -> None:
    """Keep only the done marker: from now on the tablet shows nothing but the hand-back page."""
    intake_id = request.session.get(KIOSK_INTAKE)
    request.session.flush()
    request.session[KIOSK_DONE] = intake_id


def end_kiosk(request: HttpRequest) -> None:
    """A staff member signed in on the tablet: the kiosk is over."""
    for key in (KIOSK_INTAKE, KIOSK_PAGE, KIOSK_DONE):
        request.session.pop(key, None)
