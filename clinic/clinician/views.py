"""The clinician's pages: the worklist, the intake, acknowledging flags, review and notes."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import condition, require_POST

from accounts.roles import CLINICAL_ROLES, role_required
from audit.services import Action, record, record_shown
from clinic.access import flag_for, intake_for
from clinic.clinician.forms import (
    AcknowledgeForm,
    ClinicianNoteForm,
    WithdrawForm,
    WorklistFilterForm,
)
from clinic.clinician.worklist import (
    InvalidCursor,
    open_emergency_count,
    rows_etag,
    worklist_page,
)
from clinic.presentation import answer_sections, changed_in_words, flags_with_reasons, form_problems
from clinic.search_terms import recall, remember, searched_url
from clinic.submission import AlertStillOpen, withdraw_intake
from intake.changes import compared_with_previous, severity_trend
from intake.models import IntakeVersion
from intake.questions import reason_label
from reports.diagram import leg_diagram_svg
from reports.scheduling import refresh_summary
from reports.selectors import current_summary
from triage import services
from triage.alerts import desk_escalation
from triage.models import ClinicianNote
from triage.services import current_assessment
from triage.trends import chart_bars, intake_trends

# The worklist's own "Next page" links carry `after`: any other value is refused by name.
BAD_CURSOR = "after: not a cursor this worklist handed out; open the worklist again."


def _filter_form(request) -> WorklistFilterForm:
    """The filters asked for, read once per request (the ETag and the view share them).

    They ride in the URL (bookmarkable, and the 10-second refresh repeats them); a name or
    MRN is kept in the session, the URL holding a token for it (clinic.search_terms).
    """
    if not hasattr(request, "worklist_form"):
        data = request.GET.copy()
        data["q"] = recall(request)
        request.worklist_form = WorklistFilterForm(data)
    return request.worklist_form


def _refreshed_rows_etag(request) -> str | None:
    """The 10-second refresh's ETag. Its script sends back the last one (pages with patient
    data are no-store, so the browser would not), and an unchanged page answers 304."""
    if not request.htmx:
        return None
    filters = _filter_form(request).filters()
    try:
        return rows_etag(filters, cursor=request.GET.get("after", ""), now=timezone.now())
    except InvalidCursor:
        return None  # the page answers 400


@role_required(*CLINICAL_ROLES)
@condition(etag_func=_refreshed_rows_etag)
def worklist(request):
    form = _filter_form(request)
    try:
        page = worklist_page(form.filters(), cursor=request.GET.get("after", ""))
    except InvalidCursor:
        return HttpResponseBadRequest(BAD_CURSOR, content_type="text/plain; charset=utf-8")
    record_shown(
        request,
        page="worklist",
        patient_ids=[row.patient_id for row in page.rows],
        intake_ids=[row.pk for row in page.rows],
    )
    # One reverse() for the page, not one per row: each costs more than drawing its row.
    placeholder = uuid.UUID(int=0)
    intake_url = reverse("triage:intake", args=[placeholder])
    for row in page.rows:
        row.url = intake_url.replace(str(placeholder), str(row.pk))
    if request.htmx:  # the 10-second refresh: the rows alone
        return render(request, "triage/_worklist_rows.html", {"page": page})
    next_url = None
    if page.next_cursor:
        query = request.GET.copy()
        query["after"] = page.next_cursor
        next_url = f"?{query.urlencode()}"
    return render(
        request,
        "triage/worklist.html",
        {"form": form, "page": page, "next_url": next_url},
    )


@role_required(*CLINICAL_ROLES)
@require_POST
def worklist_search(request):
    """Apply the filter form: the search term to the session, the other filters to the URL."""
    if "clear" in request.POST:
        return redirect("triage:worklist")
    form = WorklistFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_problems(form))
        return redirect("triage:worklist")
    token = remember(request, form.cleaned_data["q"])
    filters = {name: request.POST.get(name, "") for name in form.fields if name != "q"}
    return redirect(searched_url(reverse("triage:worklist"), token, **filters))


@role_required(*CLINICAL_ROLES)
def trends(request):
    trends = intake_trends()
    return render(request, "triage/trends.html", {"trends": trends, "bars": chart_bars(trends)})


@role_required(*CLINICAL_ROLES)
def emergency_count(request):
    """The navigation bar's count, polled by htmx on every page."""
    return render(
        request, "triage/_emergency_count.html", {"open_emergencies": open_emergency_count()}
    )


@role_required(*CLINICAL_ROLES)
def intake_detail(request, intake_id):
    intake = intake_for(request.user, intake_id)
    if intake.is_draft:
        raise Http404("A draft has no clinical page yet")
    versions = list(IntakeVersion.objects.filter(intake=intake).select_related("created_by"))
    current = versions[-1]
    assessment = current_assessment(intake)
    for version in versions:
        version.changed_questions = changed_in_words(version.changed_paths)
    document = current.read()
    since_last = compared_with_previous(intake, document)
    # The page also shows what the last visit's intake said: that intake is read too.
    detail = {"version": intake.version}
    if since_last:
        detail["previous_intake"] = since_last.previous_intake_id
    record(Action.VIEW, request=request, obj=intake, detail=detail)
    return render(
        request,
        "triage/intake_detail.html",
        {
            "intake": intake,
            "assessment": assessment,
            "flags": flags_with_reasons(assessment.flags.all(), document),
            "sections": answer_sections(intake, current.document),
            "versions": versions,
            # Both answers of each question asked again before submission, with the words.
            "reasked": [
                (reason_label(f"red_flags.{reasked.question}"), reasked)
                for reasked in intake.reasked_answers.select_related("answered_by")
            ],
            "summary": current_summary(intake),
            "escalation": desk_escalation(assessment),
            "alerts": intake.alerts.select_related("acknowledged_by").prefetch_related(
                "actions__by"
            ),
            "notes": ClinicianNote.objects.filter(intake=intake).select_related("author"),
            "note_form": ClinicianNoteForm(),
            "acknowledge_form": AcknowledgeForm(),
            "since_last": since_last,
            "trend": severity_trend(intake),
            "diagram": leg_diagram_svg(
                current.document["symptoms"]["sides"], current.document["symptoms"]["locations"]
            ),
        },
    )


@role_required(*CLINICAL_ROLES)
@require_POST
def acknowledge(request, intake_id, flag_id):
    intake = intake_for(request.user, intake_id)
    flag = flag_for(request.user, intake, flag_id)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            acknowledged = services.acknowledge_flag(
                flag=flag, by=request.user, note=form.cleaned_data["note"], request=request
            )
            if acknowledged.acknowledged_at != flag.acknowledged_at:  # not a repeated click
                refresh_summary(intake)  # the PDF says who acknowledged, and when
        messages.success(request, f"Acknowledged: {flag.title}.")
    else:  # nothing half-done: the flag stays open until its note can be kept with it
        messages.error(request, f"Not acknowledged: {flag.title}. {form_problems(form)}")
    return redirect("triage:intake", intake_id=intake.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def mark_reviewed(request, intake_id):
    intake = intake_for(request.user, intake_id)
    services.mark_reviewed(intake=intake, by=request.user, request=request)
    return redirect("triage:intake", intake_id=intake.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def withdraw(request, intake_id):
    """Withdraw an intake entered in error: off every list, kept on record."""
    intake = intake_for(request.user, intake_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The intake was not withdrawn. {form_problems(form)}")
        return redirect("triage:intake", intake_id=intake.pk)
    try:
        withdraw_intake(
            intake=intake, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except AlertStillOpen:
        messages.error(
            request, "Acknowledge its open alert first: an alert is never closed by withdrawing."
        )
    except ValueError:
        messages.error(request, "Only a submitted intake is withdrawn.")
    else:
        messages.success(request, "Withdrawn: it is off the worklist, and kept on record here.")
    return redirect("triage:intake", intake_id=intake.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def add_note(request, intake_id):
    intake = intake_for(request.user, intake_id)
    form = ClinicianNoteForm(request.POST)
    if form.is_valid():
        services.add_clinician_note(
            intake=intake, by=request.user, text=form.cleaned_data["text"], request=request
        )
    else:
        messages.error(request, f"The note was not added. {form_problems(form)}")
    return redirect("triage:intake", intake_id=intake.pk)
