"""The desk hands an intake over to the patient: the waiting-room tablet, or a one-time link."""

from __future__ import annotations

from uuid import UUID

import qrcode
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from qrcode.image.svg import SvgPathImage

from accounts.roles import Role, role_required
from audit.services import Action, record
from clinic import access, links
from clinic.front_desk.forms import TabletForm
from clinic.link_messages import link_url
from clinic.patient import access as patient_access
from clinic.patient.views import KIOSK, PATIENT_STEPS
from clinic.presentation import form_problems, resume_slug
from intake.models import Intake, PatientLink
from intake.steps import STEPS

ENTRY_ROLES = (Role.FRONT_DESK, Role.ADMIN)


def _not_a_draft(request: HttpRequest, intake: Intake) -> HttpResponse:
    messages.error(request, _("This intake was already submitted."))
    return redirect("intake:submitted", intake_id=intake.pk)


@role_required(*ENTRY_ROLES)
@require_POST
def kiosk_start(request: HttpRequest, intake_id: UUID) -> HttpResponse:
    """Hand the tablet over: the staff user is signed out and the tablet shows only this intake."""
    intake = access.intake_for(request.user, intake_id)
    if not intake.is_draft:
        return _not_a_draft(request, intake)
    form = TabletForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not handed over. {form_problems(form)}")
        return redirect("intake:step", intake_id=intake.pk, slug=STEPS[0].slug)
    tablet = form.cleaned_data["tablet_name"]
    detail = {"tablet": tablet} if tablet else {}
    record(Action.KIOSK, actor=request.user, obj=intake, request=request, detail=detail)
    patient_access.start_kiosk(request, intake, tablet_name=tablet)
    response = redirect(KIOSK.step(resume_slug(intake, PATIENT_STEPS)))
    # The previous patient's language choice must not carry over to this one.
    response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
    return response


@role_required(*ENTRY_ROLES)
@require_POST
def link_new(request: HttpRequest, intake_id: UUID) -> HttpResponse:
    intake = access.intake_for(request.user, intake_id)
    if not intake.is_draft:
        return _not_a_draft(request, intake)
    return link_page(request, links.make_link(intake, by=request.user, request=request))


def link_page(request: HttpRequest, link: PatientLink) -> HttpResponse:
    """The link to print as a QR code, or to copy with one button."""
    url = link_url(link)
    qr_svg = qrcode.make(url, image_factory=SvgPathImage).to_string(encoding="unicode")
    return render(
        request,
        "intake/patient/link_created.html",
        {"intake": link.intake, "link": link, "url": url, "qr_svg": qr_svg},
    )
