"""The clinician's pages: the worklist, the intake, acknowledging flags, review and notes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.roles import CLINICAL_ROLES, role_required
from audit.services import Action, record
from intake.models import IntakeVersion
from intake.presentation import answer_sections, form_problems
from intake.search_terms import recall, remember, searched_url
from intake.selectors import get_intake_for
from reports.diagram import leg_diagram_svg
from reports.selectors import current_summary
from triage import services
from triage.forms import AcknowledgeForm, ClinicianNoteForm, WorklistFilterForm
from triage.models import ClinicianNote, TriageFlag
from triage.rendered_rows import rendered_rows
from triage.services import current_assessment
from triage.trends import chart_bars, intake_trends
from triage.worklist import open_emergency_count


@role_required(*CLINICAL_ROLES)
def worklist(request):
    # The filters ride in the URL (bookmarkable, and the 10-second refresh repeats them);
    # a name or MRN is kept in the session, the URL holding a token for it (search_terms).
    data = request.GET.copy()
    data["q"] = recall(request)
    form = WorklistFilterForm(data)
    rows = rendered_rows(form.filters(), cursor=request.GET.get("after", ""))
    record(Action.VIEW, request=request, detail={"page": "worklist", "rows": rows.count})
    if request.htmx:  # the 10-second refresh: the rows alone
        return HttpResponse(rows.html)
    next_url = None
    if rows.next_cursor:
        query = request.GET.copy()
        query["after"] = rows.next_cursor
        next_url = f"?{query.urlencode()}"
    return render(
        request, "triage/worklist.html", {"form": form, "rows": rows, "next_url": next_url}
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
    intake = get_intake_for(request.user, intake_id)
    if intake.is_draft:
        raise Http404("A draft has no clinical page yet")
    versions = list(IntakeVersion.objects.filter(intake=intake).select_related("created_by"))
    current = versions[-1]
    record(Action.VIEW, request=request, obj=intake, detail={"version": intake.version})
    return render(
        request,
        "triage/intake_detail.html",
        {
            "intake": intake,
            "assessment": current_assessment(intake),
            "sections": answer_sections(intake, current.document),
            "versions": versions,
            "summary": current_summary(intake),
            "notes": ClinicianNote.objects.filter(intake=intake).select_related("author"),
            "note_form": ClinicianNoteForm(),
            "acknowledge_form": AcknowledgeForm(),
            "diagram": leg_diagram_svg(
                current.document["symptoms"]["sides"], current.document["symptoms"]["locations"]
            ),
        },
    )


@role_required(*CLINICAL_ROLES)
@require_POST
def acknowledge(request, intake_id, flag_id):
    intake = get_intake_for(request.user, intake_id)
    flag = TriageFlag.objects.filter(pk=flag_id, assessment__intake=intake).first()
    if flag is None:
        raise Http404("No such flag")
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        services.acknowledge_flag(
            flag=flag, by=request.user, note=form.cleaned_data["note"], request=request
        )
        messages.success(request, f"Acknowledged: {flag.title}.")
    else:  # nothing half-done: the flag stays open until its note can be kept with it
        messages.error(request, f"Not acknowledged: {flag.title}. {form_problems(form)}")
    return redirect("triage:intake", intake_id=intake.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def mark_reviewed(request, intake_id):
    intake = get_intake_for(request.user, intake_id)
    services.mark_reviewed(intake=intake, by=request.user, request=request)
    return redirect("triage:intake", intake_id=intake.pk)


@role_required(*CLINICAL_ROLES)
@require_POST
def add_note(request, intake_id):
    intake = get_intake_for(request.user, intake_id)
    form = ClinicianNoteForm(request.POST)
    if form.is_valid():
        services.add_clinician_note(
            intake=intake, by=request.user, text=form.cleaned_data["text"], request=request
        )
    else:
        messages.error(request, f"The note was not added. {form_problems(form)}")
    return redirect("triage:intake", intake_id=intake.pk)
