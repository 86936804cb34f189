"""Front-desk pages: find or add the patient, fill the intake step by step, submit.

Views translate between HTTP and `intake.services`; they hold no clinical logic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_POST

from accounts.models import settings_of
from accounts.roles import CLINICAL_ROLES, Role, has_role, role_required
from audit.services import Action, record, record_shown
from clinic import access, autosave, submission
from clinic.escalation import due_round
from clinic.front_desk.forms import AlertActionForm
from clinic.front_desk.visits import resumed_message
from clinic.presentation import (
    alert_on_page,
    alert_reasons,
    answer_sections,
    escalation_state,
    flags_with_reasons,
    form_problems,
    problem_links,
    reask_form,
    resume_slug,
)
from clinic.search_terms import recall, remember, searched_url
from intake import prefill, services
from intake.document import DocumentInvalid, codes
from intake.forms import PatientForm, PatientSearchForm
from intake.levels import Level
from intake.steps import REVIEW, STEP_BY_SLUG, STEPS, bind_step, next_slug, previous_slug
from intake.validators import validate_typed_text
from reports.scheduling import refresh_summary
from triage.alerts import (
    ESCALATING_ACTIONS,
    AlertClosed,
    acknowledge_alert_on_board,
    attach_alert,
    board_alerts,
    confirm_escalation,
    desk_escalation,
    handled_today,
    open_alerts,
    record_desk_action,
)
from triage.engine import CALL_911_FOR
from triage.services import answer_reasks, current_assessment

ENTRY_ROLES = (Role.FRONT_DESK, Role.ADMIN)
AMEND_ROLES = (Role.FRONT_DESK, Role.CLINICIAN, Role.ADMIN)


@role_required(*ENTRY_ROLES)
def desk(request):
    """The front desk's start: find a patient, and the drafts still open."""
    query = recall(request)
    patients = services.find_patients(query) if query else []
    drafts = list(access.open_drafts_for(request.user)[:50])
    # The open drafts name their patients: the page is a read even without a search.
    record_shown(
        request,
        page="desk",
        patient_ids=[*(p.pk for p in patients), *(d.patient_id for d in drafts)],
        intake_ids=[draft.pk for draft in drafts],
        **({"search": "patients"} if query else {}),
    )
    return render(
        request,
        "intake/desk.html",
        {
            "form": PatientSearchForm(initial={"q": query}),
            "query": query,
            "patients": patients,
            # Their intake in progress is resumed, never doubled: the button says so.
            "with_draft": set(
                access.open_drafts_for(request.user)
                .filter(patient__in=[p.pk for p in patients])
                .values_list("patient_id", flat=True)
            ),
            "drafts": drafts,
        },
    )


@role_required(*ENTRY_ROLES)
@require_POST
def desk_search(request):
    """Keep the desk's search in the session: a name or MRN must not ride in the URL."""
    form = PatientSearchForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_problems(form))
        return redirect("intake:desk")
    token = remember(request, form.cleaned_data["q"])
    return redirect(searched_url(reverse("intake:desk"), token))


@role_required(*ENTRY_ROLES)
def patient_new(request):
    """Add a patient; likely duplicates are shown first and must be passed over knowingly."""
    form = PatientForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = list(
            services.likely_duplicates(
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
                mrn=data["mrn"] or "",
            )
        )
        if not duplicates or request.POST.get("confirm_new") == "yes":
            with transaction.atomic():
                patient = services.save_patient(
                    form.save(commit=False), by=request.user, request=request
                )
                intake, _resumed = services.resume_or_start_intake(
                    patient=patient, by=request.user, request=request
                )
            return redirect("intake:step", intake_id=intake.pk, slug=STEPS[1].slug)
        # Other patients' names and birth dates are about to be shown.
        record_shown(
            request,
            page="patient-new",
            patient_ids=[patient.pk for patient in duplicates],
            search="duplicates",
        )
    return render(request, "intake/patient_new.html", {"form": form, "duplicates": duplicates})


@role_required(*ENTRY_ROLES)
@require_POST
def intake_start(request, patient_id):
    """Start the patient's intake, or resume the one in progress: never a silent second."""
    patient = access.patient_for(request.user, patient_id)
    intake, resumed = services.resume_or_start_intake(
        patient=patient, by=request.user, request=request
    )
    if resumed:
        messages.info(request, resumed_message(intake))
    return redirect("intake:step", intake_id=intake.pk, slug=resume_slug(intake))


@role_required(*ENTRY_ROLES)
def resume(request, intake_id):
    """An open draft, at its first step not complete (the review once every step is)."""
    intake = access.intake_for(request.user, intake_id)
    if not intake.is_draft:
        return redirect("intake:submitted", intake_id=intake.pk)
    return redirect("intake:step", intake_id=intake.pk, slug=resume_slug(intake))


STALE_FORM = gettext_lazy(
    "Someone else saved this intake while you had it open. Their answers are shown; "
    "please check them and make your change again."
)
STALE_TAB = gettext_lazy(
    "Someone else saved this intake after you opened this page, so your changes here are "
    "not saved. Reload the page to see their answers, then make your change again."
)


def _stale_form(request, page: str):
    messages.error(request, STALE_FORM)
    return redirect(page)


@role_required(*ENTRY_ROLES)
def step(request, intake_id, slug):
    """One step of a draft. Moving on saves it on the server: a closed tab loses nothing."""
    intake = access.intake_for(request.user, intake_id)
    if not intake.is_draft:
        return redirect("intake:submitted", intake_id=intake.pk)
    current = STEP_BY_SLUG.get(slug)
    if current is None:
        return redirect("intake:review", intake_id=intake.pk)
    if autosave.is_autosave(request):
        return autosave.autosave_step(
            request,
            intake,
            current,
            by=request.user,
            changes=_changes,
            stale_message=STALE_TAB,
            banner="intake/_draft_alert.html",
            as_asked=False,
        )
    bound = bind_step(current, intake, request.POST or None)
    if request.method == "POST" and not bound.is_valid():
        submission.raise_unsaved(intake, bound.answered_yes(), by=request.user, request=request)
    if request.method == "POST" and bound.is_valid():
        try:
            submission.save_step(
                intake,
                by=request.user,
                request=request,
                step=slug,
                seen_revision=autosave.seen_revision(request),
                **_changes(bound),
            )
        except services.EditConflict:
            return _stale_form(request, request.path)
        if "add_row" in request.POST:
            return redirect(request.path)  # saved; the page comes back with a fresh blank row
        target = request.POST.get("go", "")
        if target not in STEP_BY_SLUG and target != REVIEW:  # only a page of this questionnaire
            target = next_slug(current)
        return redirect("intake:step", intake_id=intake.pk, slug=target)
    record(Action.VIEW, request=request, obj=intake, detail={"page": "step", "step": slug})
    return render(
        request,
        "intake/step.html",
        {
            "intake": intake,
            "bound": bound,
            "steps": STEPS,
            "current": current,
            "previous": previous_slug(current),
            "prefilled": prefill.unconfirmed(intake).get(current.slug),
            **alert_on_page(intake, as_asked=False),
        },
    )


def _changes(bound) -> dict:
    if bound.step.on_patient:
        return {"patient_answers": bound.answers()}
    return {"answers": bound.answers(), "rows": bound.rows()}


@role_required(*ENTRY_ROLES)
def review(request, intake_id):
    intake = access.intake_for(request.user, intake_id)
    if not intake.is_draft:
        return redirect("intake:submitted", intake_id=intake.pk)
    return _review_page(request, intake, reask_form(intake))


def _review_page(request, intake, reasks):
    """The answers, what is missing, and the questions asked again before the submit button."""
    problems = submission.draft_problems(intake)
    record(Action.VIEW, request=request, obj=intake, detail={"page": "review"})
    return render(
        request,
        "intake/review.html",
        {
            "intake": intake,
            "steps": STEPS,
            "current": None,
            "sections": answer_sections(intake),
            "problems": problem_links(problems, intake),
            "reasks": reasks,
        },
    )


@role_required(*ENTRY_ROLES)
@require_POST
def submit(request, intake_id):
    """Submit once: a double click or a repeated POST lands on the same result.

    Questions asked again on the review page must be answered first: until they are, the
    page comes back with a message beside each, and nothing is submitted.
    """
    intake = access.intake_for(request.user, intake_id)
    if not intake.is_draft:
        return redirect("intake:submitted", intake_id=intake.pk)
    missing = _("Some answers are missing or need checking; see below.")
    reasks = reask_form(intake, request.POST)
    if not reasks.is_valid():
        messages.error(request, missing)
        return _review_page(request, intake, reasks)
    try:
        if reasks.fields:
            answer_reasks(
                intake,
                reasks.cleaned_data,
                by=request.user,
                seen_revision=autosave.seen_revision(request),
                request=request,
            )
        submission.submit_intake(intake=intake, by=request.user, request=request)
    except services.EditConflict:
        return _stale_form(request, reverse("intake:review", args=[intake.pk]))
    except services.NotADraft:  # submitted from the patient's tablet meanwhile
        return redirect("intake:submitted", intake_id=intake.pk)
    except (DocumentInvalid, submission.ReasksDue):
        messages.error(request, missing)
        return redirect("intake:review", intake_id=intake.pk)
    return redirect("intake:submitted", intake_id=intake.pk)


@role_required(*AMEND_ROLES)
def submitted(request, intake_id):
    """The result, shown at once: an emergency fills the top of the page."""
    intake = access.intake_for(request.user, intake_id)
    if intake.is_draft:
        return redirect("intake:review", intake_id=intake.pk)
    record(Action.VIEW, request=request, obj=intake, detail={"page": "result"})
    assessment = current_assessment(intake)
    return render(
        request,
        "intake/submitted.html",
        {
            "intake": intake,
            "assessment": assessment,
            # The answers the desk has just entered, in words, under what to do now.
            "desk_flags": flags_with_reasons(
                access.desk_flags(assessment), intake.current_document()
            ),
            "call_911_for": CALL_911_FOR,
            "escalation": desk_escalation(assessment) if assessment else None,
        },
    )


@role_required(*AMEND_ROLES)
@require_POST
def escalated(request, intake_id, assessment_id):
    """The desk confirms it called 911 or sent the patient to the emergency department."""
    intake = access.intake_for(request.user, intake_id)
    try:
        assessment = access.assessment_for(request.user, intake, assessment_id)
    except Http404:
        assessment = None  # another intake's triage: as wrong a request as a routine one
    if assessment is None or assessment.level != Level.EMERGENCY:
        return HttpResponseBadRequest("Only an emergency is escalated.")
    kind = request.POST.get("kind")
    if kind not in ESCALATING_ACTIONS:
        messages.error(
            request,
            _(
                "Not recorded: say whether you called 911 or sent the patient to the "
                "emergency department."
            ),
        )
        return redirect("intake:submitted", intake_id=intake.pk)
    with transaction.atomic():
        if confirm_escalation(assessment=assessment, kind=kind, by=request.user, request=request):
            refresh_summary(intake)  # the PDF says the desk acted, who and when
    messages.success(request, _("Escalation recorded."))
    return redirect("intake:submitted", intake_id=intake.pk)


def _amendment_reason(request) -> tuple[str, str]:
    """The reason as typed, and what is wrong with it ("" if nothing). Typed text like any
    answer: required, at most FREE_TEXT_MAX_LENGTH characters, no control characters."""
    field = forms.CharField(
        max_length=codes.FREE_TEXT_MAX_LENGTH,
        validators=[validate_typed_text],
        error_messages={"required": _("Please give the reason for the amendment.")},
    )
    typed = request.POST.get("reason", "")
    try:
        return field.clean(typed), ""
    except ValidationError as error:
        return typed.strip(), error.messages[0]


@role_required(*AMEND_ROLES)
def amend(request, intake_id, slug):
    """Correct one step of a submitted intake, with a reason; triage runs again."""
    intake = access.intake_for(request.user, intake_id)
    current = STEP_BY_SLUG.get(slug)
    if intake.is_draft or current is None:
        return redirect("intake:step", intake_id=intake.pk, slug=slug if current else "symptoms")
    if current.on_patient and not has_role(request.user, ENTRY_ROLES):
        raise PermissionDenied  # a patient's identity is the desk's or an admin's to change
    bound = bind_step(current, intake, request.POST or None)
    reason, reason_error = _amendment_reason(request)
    problems = ()
    if request.method == "POST" and bound.is_valid():
        if reason_error:
            messages.error(request, reason_error)
        else:
            try:
                submission.amend_intake(
                    intake=intake,
                    by=request.user,
                    reason=reason,
                    seen_revision=autosave.seen_revision(request),
                    request=request,
                    **_changes(bound),
                )
            except services.EditConflict:
                return _stale_form(request, request.path)
            except DocumentInvalid as invalid:
                problems = problem_links(invalid.problems, intake)
            else:
                messages.success(request, _("Amendment saved; triage has run again."))
                return redirect("intake:submitted", intake_id=intake.pk)
    record(Action.VIEW, request=request, obj=intake, detail={"page": "amend", "step": slug})
    return render(
        request,
        "intake/amend.html",
        {
            "intake": intake,
            "bound": bound,
            "current": current,
            "reason": reason,
            "problems": problems,
            "steps": STEPS,
        },
    )


T = TypeVar("T")

BOARD_ROLES = (Role.FRONT_DESK, Role.CLINICIAN, Role.ADMIN)
BOARD_SIZE = 50


def _board_etag(request) -> str | None:
    """The 5-second poll's ETag: the open alerts shown, each with its own stamp (escalation
    e-mails step it too), its intake's `worklist_version` (a name or a status changed) and
    whether it is overdue; those acknowledged today; the reader's language. An unchanged
    board answers 304: nothing drawn, and nothing recorded, since what the screen shows was
    recorded when it was drawn."""
    if not request.htmx:
        return None
    now = timezone.now()
    shown: list[object] = [
        (*row, due_round(raised_at, now) > 0)  # overdue: "no clinician to e-mail" may show
        for *row, raised_at in board_alerts(BOARD_SIZE).values_list(
            "id", "updated_at", "intake__worklist_version", "patient_id", "raised_at"
        )
    ]
    shown.append(open_alerts().count())  # the heading's count, the unlisted ones included
    shown.append(list(handled_today(now)[:BOARD_SIZE].values_list("id", "updated_at")))
    return hashlib.sha256(f"{get_language()}|{shown!r}".encode()).hexdigest()


@role_required(*BOARD_ROLES)
@condition(etag_func=_board_etag)
def alerts_board(request):
    """Every open alert, emergencies first, then those acknowledged today: on the desk's page
    and the worklist, polled every 5 s. Drafts' alerts included: an answer raises one when
    it is saved; so are refused documents', with the patients they may be about."""
    now = timezone.now()
    alerts = list(board_alerts(BOARD_SIZE).prefetch_related("escalation_emails", "actions__by"))
    open_count = open_alerts().count()
    handled = list(handled_today(now).prefetch_related("actions__by")[:BOARD_SIZE])
    if shown := alerts + handled:  # the board names patients: a read, with the ids shown
        record_shown(
            request,
            page="alerts board",
            patient_ids=[alert.subject.pk for alert in shown if alert.subject],
            intake_ids=[alert.intake_id for alert in shown if alert.intake_id],
            alerts=[str(alert.public_id) for alert in shown],
        )
    return render(
        request,
        "intake/_alerts_board.html",
        {
            "alerts": [
                (
                    alert,
                    alert_reasons(alert, as_asked=False),
                    escalation_state(alert, now=now),
                    [] if alert.subject else submission.attach_candidates(alert.reported),
                )
                for alert in alerts
            ],
            "open_count": open_count,
            "unlisted": open_count - len(alerts),
            "handled": handled,
            "alert_sound": settings_of(request.user).alert_sound,
            "can_act": has_role(request.user, [Role.FRONT_DESK, Role.ADMIN]),
            "can_acknowledge": has_role(request.user, CLINICAL_ROLES),
            "action_form": AlertActionForm(),
        },
    )


@role_required(*BOARD_ROLES)
def alerts_count(request):
    """The navigation bar's count of open alerts, polled every 5 s on every staff page."""
    count = open_alerts().count()
    return render(request, "intake/_alerts_count.html", {"open_alerts": count})


def _change_alert(request, alert, change: Callable[[], T], done: Callable[[T], str]) -> None:
    """Make one change to an alert and redraw its intake's PDF, which shows the alert's
    record, in one transaction; an alert closed meanwhile refuses, saying why."""
    try:
        with transaction.atomic():
            changed = change()
            if alert.intake_id:
                refresh_summary(alert.intake)
    except AlertClosed as closed:
        messages.error(request, str(closed))
    else:
        messages.success(request, done(changed))


@role_required(Role.FRONT_DESK, Role.ADMIN)
@require_POST
def alert_action(request, alert_id):
    """The desk records what it did about an open alert (called 911, sent to the emergency
    department, called back, patient left); a closed alert refuses, saying why."""
    alert = access.alert_for(request.user, alert_id)
    form = AlertActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not recorded. {form_problems(form)}")
        return redirect("intake:desk")
    _change_alert(
        request,
        alert,
        lambda: record_desk_action(
            alert.pk,
            form.cleaned_data["kind"],
            form.cleaned_data["note"],
            by=request.user,
            request=request,
        ),
        lambda action: f"Recorded: {action.get_kind_display()}.",
    )
    return redirect("intake:desk")


@role_required(*CLINICAL_ROLES)
@require_POST
def alert_acknowledge(request, alert_id):
    """A clinician acknowledges an alert from the board (a draft's has no flags yet)."""
    alert = access.alert_for(request.user, alert_id)
    _change_alert(
        request,
        alert,
        lambda: acknowledge_alert_on_board(alert.pk, by=request.user, request=request),
        lambda _: "Alert acknowledged.",
    )
    return redirect("triage:worklist")  # where a clinician sees the board


@role_required(Role.FRONT_DESK, Role.ADMIN)
@require_POST
def alert_attach(request, alert_id):
    """The desk names the patient a refused document's alert is about."""
    alert = access.alert_for(request.user, alert_id)
    if alert.subject is not None:
        messages.error(request, "Not attached: this alert is already about a patient.")
        return redirect("intake:desk")
    try:
        patient = access.patient_for(request.user, request.POST.get("patient", ""))
    except (Http404, ValidationError):
        messages.error(request, "Not attached. Patient: choose one of the patients listed.")
        return redirect("intake:desk")
    _change_alert(
        request,
        alert,
        lambda: attach_alert(alert.pk, patient, by=request.user, request=request),
        lambda _: f"Alert attached to {patient.family_name}, {patient.given_name}.",
    )
    return redirect("intake:desk")
