"""A step saved while the person is still answering it: app.js sends the page a moment after
each change (htmx, debounced), and before a link, a language switch or closing the tab, so
nothing typed is lost. Such a save keeps what is answered, checks each answer given, and runs
triage as any save does; it does not move the draft on (its furthest step) nor confirm a
pre-filled step, which only "Save and continue" does (docs/decisions/0025)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from clinic import submission
from clinic.presentation import alert_on_page
from intake import services
from intake.models import Intake
from intake.steps import BoundStep, Step, bind_step

AUTOSAVE_FIELD = "autosave"


def seen_revision(request: HttpRequest) -> int:
    """The intake's revision the page was opened at (or last saved as you go at)."""
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1  # unreadable: treated as stale, so nothing is overwritten


def is_autosave(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(AUTOSAVE_FIELD) == "1"


def autosave_step(
    request: HttpRequest,
    intake: Intake,
    step: Step,
    *,
    by,
    changes: Callable[[BoundStep], dict],
    stale_message: str,
    banner: str,
    as_asked: bool,
    kiosk: bool = False,
) -> HttpResponse:
    """Save `step` as sent, for app.js: the status line's words ("Saved at 10:42"), the
    revision now current and the alert banner of the answers saved.

    A bad answer saves nothing (422, naming the question), but its red-flag "yes" answers
    still raise their alert. A page older than the saved answers saves nothing (409): the
    optimistic lock holds for saves as you go too, and app.js stops sending them.
    """
    if step.on_patient:  # who the patient is changes only when the person says so
        return HttpResponseBadRequest("The patient's details are saved only when sent.")
    bound = bind_step(step, intake, request.POST, as_you_go=True)
    context: dict[str, object] = {"banner": banner, "kiosk": kiosk}
    status = 200
    if not bound.is_valid():
        submission.raise_unsaved(intake, bound.answered_yes(), by=by, request=request)
        _field_id, label, message = bound.errors()[0]
        context["problem"] = f"{label}: {message}" if label else message
        status = 422
    else:
        try:
            intake = submission.save_step(
                intake,
                by=by,
                request=request,
                seen_revision=seen_revision(request),
                **changes(bound),
            )
            context["saved"] = intake
        except services.EditConflict:
            context["stale"] = stale_message
            status = 409
        except services.NotADraft:
            context["stale"] = _("These answers were already sent; nothing more is saved here.")
            status = 409
    context.update(alert_on_page(intake, as_asked=as_asked), intake=intake)
    return render(request, "intake/_autosave.html", context, status=status)
