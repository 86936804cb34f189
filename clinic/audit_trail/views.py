"""The audit trail for the administrator: a page to read and filter it, and its CSV export."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import Role, role_required
from audit.export import ExportFilters, export_response
from audit.models import AuditEvent
from audit.services import Action, record_shown
from clinic.audit_trail.trail import PAGE, TrailFilters, actor_of, describe, object_of
from intake.document import codes


class TrailForm(forms.Form):
    user = forms.CharField(label="User (user name)", required=False, max_length=150)
    mrn = forms.CharField(label="Patient (MRN)", required=False, max_length=codes.MRN_MAX_LENGTH)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any"), *Action.choices]
    )
    since = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


@role_required(Role.ADMIN)
@require_GET
def trail(request: HttpRequest) -> HttpResponse:
    """The newest events first, a hundred a page, each object named for what it is."""
    form = TrailForm(request.GET or None)
    filters = TrailFilters(**form.cleaned_data) if form.is_valid() else TrailFilters()
    events = filters.apply(AuditEvent.objects.select_related("actor")).order_by("-id")
    before = request.GET.get("before", "")
    if before.isdigit():
        events = events.filter(id__lt=int(before))
    page = list(events[: PAGE + 1])
    older = page[PAGE - 1].pk if len(page) > PAGE else None
    page = page[:PAGE]
    described = describe(page)
    # The trail names patients (by MRN): reading it is a read of theirs.
    record_shown(
        request,
        page="audit trail",
        patient_ids=sorted(described.patient_ids),
        events=[page[0].pk, page[-1].pk] if page else [],
    )
    query = request.GET.copy()
    if older:
        query["before"] = str(older)
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "rows": [(event, actor_of(event), object_of(event, described)) for event in page],
            "older_url": f"?{query.urlencode()}" if older else "",
            "time_zone": settings.TIME_ZONE,
        },
    )


@role_required(Role.ADMIN)
@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    try:
        filters = ExportFilters.from_query(request.GET)
    except ValueError:
        return HttpResponseBadRequest(
            "from and to are dates (YYYY-MM-DD); action is an action code."
        )
    return export_response(
        request, filters.apply(AuditEvent.objects.all()), {"via": "export", **filters.as_detail()}
    )
