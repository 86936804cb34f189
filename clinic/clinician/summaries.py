"""The summary's status (polled), its retry, and the PDF download: role-checked and audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import CLINICAL_ROLES, role_required
from audit.services import Action, record
from clinic.access import intake_for, summary_for
from reports.models import PreVisitSummary
from reports.scheduling import retry_summary
from reports.selectors import current_summary


@role_required(*CLINICAL_ROLES)
def summary_status(request, intake_id):
    """The summary panel; while pending, the page polls this every few seconds."""
    intake = intake_for(request.user, intake_id)
    summary = current_summary(intake)
    # Only a ready panel shows the summary; the pending one, polled every 3 s, shows nothing.
    if summary is not None and summary.status == PreVisitSummary.Status.READY:
        record(
            Action.VIEW,
            request=request,
            obj=intake,
            detail={"page": "summary", "version": summary.intake_version},
        )
    return render(
        request,
        "reports/_summary_panel.html",
        {"intake": intake, "summary": summary},
    )


@role_required(*CLINICAL_ROLES)
@require_POST
def summary_retry(request, intake_id, version):
    summary = summary_for(request.user, intake_for(request.user, intake_id), version)
    retry_summary(summary)
    record(Action.UPDATE, request=request, obj=summary, detail={"retry": True})
    return redirect("triage:intake", intake_id=intake_id)


@role_required(*CLINICAL_ROLES)
def summary_pdf(request, intake_id, version):
    """The PDF as an attachment, named without patient data, never cached, always audited.

    Front-desk staff do not download summaries: they are clinical documents, and the
    desk needs none of their content (docs/decisions/0003-summary-downloads.md).
    """
    summary = summary_for(request.user, intake_for(request.user, intake_id), version)
    if summary.status == PreVisitSummary.Status.PENDING and summary.content:
        # Being drawn again with a newer acknowledgement or desk action: never the old file.
        messages.info(request, "The summary is being updated; download it again in a moment.")
        return redirect("triage:intake", intake_id=summary.intake_id)
    if summary.status != PreVisitSummary.Status.READY or not summary.pdf:
        raise Http404("The summary is not ready")
    record(Action.DOWNLOAD, request=request, obj=summary.intake, detail={"version": version})
    return FileResponse(
        summary.pdf.open("rb"),
        as_attachment=True,
        filename=f"previsit-summary-{summary.intake_id}-v{version}.pdf",
        content_type="application/pdf",
    )
