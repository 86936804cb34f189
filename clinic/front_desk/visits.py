"""The desk's visits: booked one by one or imported from a CSV file, each with its intake and
the links sent for it; and the day's board of them, polled every 5 s."""

from __future__ import annotations

import hashlib
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.roles import Role, role_required
from audit.services import Action, record, record_shown
from clinic import access, links, visits
from clinic.front_desk.day import day_rows, intake_state, masked
from clinic.front_desk.handover import link_page
from clinic.link_messages import Medium
from clinic.presentation import form_problems, resume_slug
from intake.document import codes
from intake.models import Intake
from intake.validators import validate_typed_text

ENTRY_ROLES = (Role.FRONT_DESK, Role.ADMIN)
BOARD_ROLES = (Role.FRONT_DESK, Role.CLINICIAN, Role.ADMIN)
SEND_BY = {"email": Medium.EMAIL, "text": Medium.TEXT}


class VisitForm(forms.Form):
    scheduled_at = forms.DateTimeField(
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    clinician = forms.ModelChoiceField(
        label="Clinician (optional)", queryset=visits.clinicians(), required=False
    )
    reason = forms.CharField(
        label="Reason for the visit",
        max_length=codes.VISIT_REASON_MAX_LENGTH,
        validators=[validate_typed_text],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinician"].label_from_instance = lambda user: (
            user.get_full_name() or user.get_username()
        )

    def clean_scheduled_at(self):
        at = self.cleaned_data["scheduled_at"]
        if at < timezone.now():
            raise forms.ValidationError("Date and time: this is in the past.")
        return at


class ImportForm(forms.Form):
    file = forms.FileField(label="The day's visits (CSV, UTF-8)")


@role_required(*ENTRY_ROLES)
def visit_new(request: HttpRequest, patient_id: UUID) -> HttpResponse:
    patient = access.patient_for(request.user, patient_id)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        visit = visits.add_visit(
            patient=patient, by=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "Visit booked.")
        return redirect("intake:visit", visit_id=visit.pk)
    record(Action.VIEW, request=request, obj=patient, detail={"page": "visit-new"})
    return render(request, "intake/visit_new.html", {"form": form, "patient": patient})


@role_required(*ENTRY_ROLES)
def visits_import(request: HttpRequest) -> HttpResponse:
    """Import a day's visits: a file that cannot be read is refused whole; bad rows are
    listed by line and column, the good ones kept."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result, refused = None, ""
    if request.method == "POST" and form.is_valid():
        try:
            result = visits.import_visits(
                form.cleaned_data["file"].read(), by=request.user, request=request
            )
        except visits.FileRefused as why:
            refused = str(why)
    elif request.method == "POST":
        refused = form_problems(form)
    return render(
        request,
        "intake/visits_import.html",
        {
            "form": form,
            "result": result,
            "refused": refused,
            "required": visits.REQUIRED_COLUMNS,
            "optional": visits.OPTIONAL_COLUMNS,
        },
    )


@role_required(*ENTRY_ROLES)
def visit(request: HttpRequest, visit_id: UUID) -> HttpResponse:
    """A visit: its patient, its intake's state and every link sent for it."""
    visit = access.visit_for(request.user, visit_id)
    intake = visit.intakes.first()
    patient_links = (
        list(intake.patient_links.prefetch_related("messages").select_related("revoked_by"))
        if intake
        else []
    )
    newest = patient_links[0] if patient_links else None
    state = intake_state(intake, newest, list(newest.messages.all()) if newest else [])
    record(
        Action.VIEW,
        request=request,
        obj=visit,
        detail={
            "page": "visit",
            "patient": str(visit.patient_id),
            **({"intake": str(intake.pk)} if intake else {}),
        },
    )
    return render(
        request,
        "intake/visit.html",
        {
            "visit": visit,
            "intake": intake,
            "state": state,
            "links": [
                (link, [(message, masked(message)) for message in link.messages.all()])
                for link in patient_links
            ],
            "now": timezone.now(),
            "email": visit.patient.email,
            "phone": visit.patient.phone,
        },
    )


@role_required(*ENTRY_ROLES)
@require_POST
def visit_start(request: HttpRequest, visit_id: UUID) -> HttpResponse:
    """Open the visit's intake: the one it has, the patient's open draft, or a new one."""
    visit = access.visit_for(request.user, visit_id)
    intake, resumed = visits.intake_for_visit(visit, by=request.user, request=request)
    if not intake.is_draft:
        return redirect("intake:submitted", intake_id=intake.pk)
    if resumed:
        messages.info(request, resumed_message(intake))
    return redirect("intake:step", intake_id=intake.pk, slug=resume_slug(intake))


def resumed_message(intake: Intake) -> str:
    saved = timezone.localtime(intake.updated_at)
    return f"This patient's intake in progress (last saved {saved:%Y-%m-%d %H:%M}) is opened."


@role_required(*ENTRY_ROLES)
@require_POST
def visit_send(request: HttpRequest, visit_id: UUID) -> HttpResponse:
    """A new link for the visit's intake (the old ones revoked): sent by e-mail or text, or
    shown to print as a QR code or to copy."""
    visit = access.visit_for(request.user, visit_id)
    how = request.POST.get("by", "")
    if how not in (*SEND_BY, "print"):
        messages.error(request, "Not sent: choose e-mail, text message or print.")
        return redirect("intake:visit", visit_id=visit.pk)
    intake, _resumed_draft = visits.intake_for_visit(visit, by=request.user, request=request)
    if not intake.is_draft:
        messages.error(request, "Not sent: the intake was already submitted.")
        return redirect("intake:visit", visit_id=visit.pk)
    try:
        link = links.make_link(
            intake, by=request.user, request=request, medium=SEND_BY.get(how, "")
        )
    except links.NoAddress:
        messages.error(
            request,
            "Not sent: the patient has no e-mail address."
            if how == "email"
            else "Not sent: the patient has no phone number.",
        )
        return redirect("intake:visit", visit_id=visit.pk)
    if how == "print":
        return link_page(request, link)
    messages.success(request, "The link is being sent; its state shows below.")
    return redirect("intake:visit", visit_id=visit.pk)


@role_required(*ENTRY_ROLES)
@require_POST
def link_revoke(request: HttpRequest, link_id: UUID) -> HttpResponse:
    link = access.link_for(request.user, link_id)
    if links.revoke_link(link, by=request.user, request=request):
        messages.success(request, "Link revoked: it opens nothing now.")
    else:
        messages.error(request, "This link had already stopped working.")
    if link.intake.visit_id:
        return redirect("intake:visit", visit_id=link.intake.visit_id)
    return redirect("intake:desk")


@role_required(*BOARD_ROLES)
def day_board(request: HttpRequest) -> HttpResponse:
    """Today's and tomorrow's visits and today's other intakes, with their state; polled
    every 5 s, an unchanged board answers 304 (nothing drawn, nothing recorded again)."""
    today = timezone.localdate()
    today_rows, tomorrow_rows, other_rows = day_rows(today)
    every = [*today_rows, *tomorrow_rows, *other_rows]
    stamp = repr(
        [
            (
                row.visit.pk if row.visit else None,
                row.visit.updated_at if row.visit else None,
                row.intake.pk if row.intake else None,
                row.intake.updated_at if row.intake else None,
                row.link.pk if row.link else None,
                row.state,
            )
            for row in every
        ]
    )
    etag = '"' + hashlib.sha256(f"{today}|{stamp}".encode()).hexdigest() + '"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified()
    if every:
        record_shown(
            request,
            page="day board",
            patient_ids=[row.patient.pk for row in every],
            intake_ids=[row.intake.pk for row in every if row.intake],
            visits=[str(row.visit.pk) for row in every if row.visit],
        )
    response = render(
        request,
        "intake/_day_board.html",
        {"today": today_rows, "tomorrow": tomorrow_rows, "others": other_rows},
    )
    response["ETag"] = etag
    return response
