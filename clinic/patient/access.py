"""How a patient reaches their own intake without an account: a signed link or a kiosk tablet.

A link's token is signed and names one `PatientLink` row; the row is the authority on
expiry and revocation, and the intake's status ends the link once it is submitted.
A kiosk is an anonymous session bound to one intake: starting it signs the staff user
out, finishing it leaves only a marker for the "hand the tablet back" page.
"""

from __future__ import annotations

import datetime as dt
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
# Which link this browser submitted through: its done page opens here and nowhere else.
LINK_DONE = "link_done"

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


def longest_link_life() -> timedelta:
    """The longest life a link may be given; the signature refuses anything older even if the
    row were edited, so a leaked database row alone cannot revive an old token."""
    return timedelta(days=settings.PATIENT_LINK_MAX_DAYS)


def link_expiry(now: dt.datetime, visit_day: dt.date | None) -> dt.datetime:
    """Until the end of the visit's day, so that no reminder carries a dead link; without a
    visit (or for one already past), PATIENT_LINK_HOURS; never beyond the longest life."""
    longest = now + longest_link_life()
    if visit_day is not None:
        end_of_day = timezone.make_aware(dt.datetime.combine(visit_day, dt.time.max))
        if end_of_day > now:
            return min(end_of_day, longest)
    return min(now + timedelta(hours=settings.PATIENT_LINK_HOURS), longest)


def make_link(intake: Intake, *, by) -> tuple[PatientLink, list[PatientLink]]:
    """A new link to this draft, and the links it revoked: a new link for an intake ends the
    old ones, so a link forwarded or sent to an old address stops working."""
    if not intake.is_draft:
        raise services.NotADraft
    now = timezone.now()
    visit_day = intake.visit.day if intake.visit_id else None
    replaced = list(
        PatientLink.objects.select_for_update()
        .filter(intake=intake, revoked_at=None, expires_at__gt=now)
        .order_by("created_at")
    )
    PatientLink.objects.filter(pk__in=[old.pk for old in replaced]).update(revoked_at=now)
    link = PatientLink.objects.create(
        intake=intake, created_by=by, expires_at=link_expiry(now, visit_day)
    )
    return link, replaced


def token_for(link: PatientLink) -> str:
    """The URL's token: it carries only the link's id, so no patient data is in a URL or a log."""
    return signing.dumps({"l": str(link.id)}, salt=LINK_SALT, compress=True)


def revoke_link(link: PatientLink, *, by) -> bool:
    """End a link now; False when it had already ended."""
    ended = PatientLink.objects.filter(pk=link.pk, revoked_at=None).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    return bool(ended)


def _signed_link_id(token: str) -> uuid.UUID:
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=longest_link_life())
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    try:
        return uuid.UUID(payload["l"])
    except (TypeError, KeyError, ValueError):
        raise LinkInvalid from None


def resolve_link(token: str, *, session=None) -> PatientLink:
    """The link a token names, if it may be used now; else a `LinkProblem` subclass.

    Once its intake is submitted a link opens nothing, except, given the `session` of the
    browser that submitted through it, the thank-you page (and its emergency advice).
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
    if not link.intake.is_draft:
        if session is not None and session.get(LINK_DONE) == str(link.pk):
            return link
        raise LinkUsed
    if link.expires_at <= timezone.now():
        raise LinkExpired
    return link


def mark_opened(link: PatientLink) -> None:
    """The first time the patient opens the link: the desk sees "opened", reminders stop."""
    if link.opened_at is None:
        link.opened_at = timezone.now()
        PatientLink.objects.filter(pk=link.pk, opened_at=None).update(opened_at=link.opened_at)


def remember_link_done(request: HttpRequest, link: PatientLink) -> None:
    request.session[LINK_DONE] = str(link.pk)


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
