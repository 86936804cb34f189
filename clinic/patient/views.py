"""The patient's own pages, on a kiosk tablet or through a one-time link.

The desk opens them from `clinic.front_desk.handover`; their wording is
`clinic.patient.wording`, the tablet's lock `clinic.patient.kiosk`.

The patient walks the front desk's steps without the identity step, in their own
language, and sees none of their identity. Access is a kiosk session or a signed link,
checked here: these pages need no account. The rules live in `clinic.patient.access`
and `intake.services`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from audit.services import Action, record
from clinic import autosave, submission
from clinic.patient import access as patient_access
from clinic.patient.wording import HEADINGS, LINK_PROBLEMS
from clinic.presentation import (
    ProblemLink,
    alert_on_page,
    answer_sections,
    problem_links,
    reask_form,
    resume_slug,
    step_for_path,
)
from intake import prefill, services
from intake.document import DocumentInvalid
from intake.evidence import evidence_in_words
from intake.forms import ReaskForm
from intake.levels import Severity
from intake.models import Intake, Patient, PatientLink
from intake.steps import (
    REVIEW,
    STEP_BY_SLUG,
    STEPS,
    BoundStep,
    bind_step,
    next_slug,
    previous_slug,
)
from triage.models import TriageAssessment
from triage.services import answer_reasks, current_assessment

# The patient's identity is entered (and checked) by the front desk, not by the patient.
PATIENT_STEPS = STEPS[1:]
PATIENT_SLUGS = [step.slug for step in PATIENT_STEPS]
TOTAL_PAGES = len(PATIENT_STEPS) + 1  # the steps, then the review


@dataclass(frozen=True)
class Pages:
    """Where one patient's pages live: the kiosk's fixed URLs, or a link's token URLs."""

    channel: str
    token: str | None = None

    def url(self, name: str, *args: str) -> str:
        if self.token is None:
            return reverse(f"patient:kiosk-{name}", args=args)
        return reverse(f"patient:link-{name}", args=[self.token, *args])

    def step(self, slug: str) -> str:
        return self.url("step", slug)

    @property
    def reader(self) -> str:
        """Who reads these pages, for the audit trail: the patient has no account."""
        return "patient tablet" if self.token is None else "patient link"


KIOSK = Pages(channel=Intake.Channel.PATIENT_TABLET)


def _link_pages(token: str) -> Pages:
    return Pages(channel=Intake.Channel.PATIENT_LINK, token=token)


# --- the pages both ways share -------------------------------------------------------------


def _speak_patients_language(request: HttpRequest, patient: Patient) -> None:
    """The patient's preferred language, unless they chose one with the switch."""
    if not request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        translation.activate(patient.preferred_language)
        request.LANGUAGE_CODE = translation.get_language()


CHANGED_AT_THE_DESK = gettext_lazy(
    "Your answers were updated at the front desk while you were on this page. "
    "Please check them and try again."
)
STALE_TAB = gettext_lazy(
    "Your answers were updated at the front desk while you were on this page, so your "
    "changes here are not saved. Please reload the page, check them and try again."
)


def _changed_at_the_desk(request: HttpRequest, page: str) -> HttpResponse:
    messages.error(request, CHANGED_AT_THE_DESK)
    return redirect(page)


def _step_page(request: HttpRequest, intake: Intake, slug: str, pages: Pages) -> HttpResponse:
    _speak_patients_language(request, intake.patient)
    if slug == REVIEW:
        return _review_page(request, intake, pages, reask_form(intake))
    if slug not in PATIENT_SLUGS:
        return redirect(pages.step(PATIENT_SLUGS[0]))
    current = STEP_BY_SLUG[slug]

    def changes(bound: BoundStep) -> dict:
        return {"answers": {**bound.answers(), "channel": pages.channel}, "rows": bound.rows()}

    if autosave.is_autosave(request):
        return autosave.autosave_step(
            request,
            intake,
            current,
            by=None,
            changes=changes,
            stale_message=STALE_TAB,
            banner="intake/patient/_step_alert.html",
            as_asked=True,
            kiosk=pages is KIOSK,
        )
    bound = bind_step(current, intake, request.POST or None)
    if request.method == "POST" and not bound.is_valid():
        submission.raise_unsaved(intake, bound.answered_yes(), by=None, request=request)
    if request.method == "POST" and bound.is_valid():
        try:
            submission.save_step(
                intake,
                by=None,
                seen_revision=autosave.seen_revision(request),
                request=request,
                step=slug,
                **changes(bound),
            )
        except services.EditConflict:
            return _changed_at_the_desk(request, request.path)
        except services.NotADraft:
            return redirect(request.path)  # submitted meanwhile: the page says what to do
        if "add_row" in request.POST:
            return redirect(request.path)  # saved; back with a fresh blank row
        return redirect(pages.step(next_slug(current, PATIENT_STEPS)))
    heading, intro = HEADINGS[slug]
    previous = previous_slug(current, PATIENT_STEPS)
    record(
        Action.VIEW,
        actor_label=pages.reader,
        obj=intake,
        request=request,
        detail={"page": "step", "step": slug},
    )
    return render(
        request,
        "intake/patient/step.html",
        {
            "intake": intake,
            "bound": bound,
            "step": current,
            "heading": heading,
            "intro": intro,
            "number": PATIENT_SLUGS.index(slug) + 1,
            "total": TOTAL_PAGES,
            "back_url": pages.step(previous) if previous else "",
            "kiosk": pages is KIOSK,
            "prefilled": prefill.unconfirmed(intake).get(current.slug),
            **alert_on_page(intake, as_asked=True),
        },
    )


def _patient_problem_links(intake: Intake, pages: Pages) -> list[ProblemLink]:
    """The problems in the staff's words, linked to the patient's own pages instead."""
    problems = submission.draft_problems(intake)
    links = []
    for problem, words in zip(problems, problem_links(problems, intake), strict=True):
        slug = step_for_path(problem.path)
        links.append(
            ProblemLink(text=words.text, url=pages.step(slug) if slug in PATIENT_SLUGS else "")
        )
    return links


def _review_page(
    request: HttpRequest, intake: Intake, pages: Pages, reasks: ReaskForm
) -> HttpResponse:
    record(
        Action.VIEW,
        actor_label=pages.reader,
        obj=intake,
        request=request,
        detail={"page": "review"},
    )
    return render(
        request,
        "intake/patient/review.html",
        {
            "intake": intake,
            "sections": [s for s in answer_sections(intake) if s.step in PATIENT_SLUGS],
            "problems": _patient_problem_links(intake, pages),
            "step_links": [(step.title, pages.step(step.slug)) for step in PATIENT_STEPS],
            "submit_url": pages.url("submit"),
            "total": TOTAL_PAGES,
            "reasks": reasks,
        },
    )


def _submit(request: HttpRequest, intake: Intake, pages: Pages) -> HttpResponse | None:
    """Submit; on missing answers, the response back to the review page (else None).

    Questions asked again on the review page are answered first: until they are, the page
    comes back with a message beside each, and nothing is submitted.
    """
    _speak_patients_language(request, intake.patient)
    missing = _("Some answers are missing. Please see below.")
    reasks = reask_form(intake, request.POST)
    if not reasks.is_valid():
        messages.error(request, missing)
        return _review_page(request, intake, pages, reasks)
    try:
        if reasks.fields:
            answer_reasks(
                intake,
                reasks.cleaned_data,
                by=None,
                seen_revision=autosave.seen_revision(request),
                channel=pages.channel,
                request=request,
            )
        patient_access.submit_by_patient(intake, channel=pages.channel, request=request)
    except services.EditConflict:
        return _changed_at_the_desk(request, pages.step(REVIEW))
    except services.NotADraft:
        return None  # submitted at the desk meanwhile: the done page follows, as after a submit
    except (DocumentInvalid, submission.ReasksDue):
        messages.error(request, missing)
        return redirect(pages.step(REVIEW))
    return None


def emergency_reasons(intake: Intake, assessment: TriageAssessment | None) -> list[str]:
    """The answers behind each emergency in the patient's words: the questions as they were
    asked ("Recently, have you newly lost control…?"), never the staff's titles or codes."""
    if assessment is None or assessment.level != Severity.EMERGENCY:
        return []
    doc = intake.current_document()
    reasons = (
        evidence_in_words(doc, item, as_asked=True)
        for flag in assessment.flags.all()
        if flag.severity == Severity.EMERGENCY
        for item in flag.evidence
    )
    yes = str(_("Yes"))
    return list(
        dict.fromkeys(
            question if answer == yes else f"{question} {answer}" for question, answer in reasons
        )
    )


def _done_page(request: HttpRequest, intake: Intake, pages: Pages) -> HttpResponse:
    _speak_patients_language(request, intake.patient)
    assessment = current_assessment(intake)
    # The result and its emergency reasons are the patient's clinical data.
    record(
        Action.VIEW, actor_label=pages.reader, obj=intake, request=request, detail={"page": "done"}
    )
    return render(
        request,
        "intake/patient/done.html",
        {
            "kiosk": pages is KIOSK,
            "level": assessment.level if assessment else "",
            "reasons": emergency_reasons(intake, assessment),
        },
    )


# --- kiosk ----------------------------------------------------------------------------------


def _kiosk_view(view: Callable) -> Callable:
    """Give the view the tablet's intake; without a kiosk session, staff must sign in."""

    @login_not_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        intake = patient_access.kiosk_intake(request)
        if intake is None:
            return redirect_to_login(request.get_full_path())
        if not intake.is_draft:  # submitted at the desk meanwhile: the patient is done
            patient_access.finish_kiosk(request)
            return redirect("patient:kiosk-done")
        return view(request, intake, *args, **kwargs)

    return wrapper


@_kiosk_view
def kiosk_step(request: HttpRequest, intake: Intake, slug: str) -> HttpResponse:
    patient_access.remember_kiosk_page(request, slug)
    return _step_page(request, intake, slug, KIOSK)


@login_not_required
@require_POST
@_kiosk_view
def kiosk_submit(request: HttpRequest, intake: Intake) -> HttpResponse:
    back_to_review = _submit(request, intake, KIOSK)
    if back_to_review:
        return back_to_review
    patient_access.finish_kiosk(request)
    return redirect("patient:kiosk-done")


@login_not_required
def kiosk_done(request: HttpRequest) -> HttpResponse:
    """The hand-back screen: the only page the tablet shows until staff sign in again."""
    intake = patient_access.finished_kiosk_intake(request)
    if intake is None:
        return redirect_to_login(request.get_full_path())
    return _done_page(request, intake, KIOSK)


# --- link -----------------------------------------------------------------------------------


def _link_problem_page(request: HttpRequest, problem: patient_access.LinkProblem) -> HttpResponse:
    status, heading, message = LINK_PROBLEMS[type(problem)]
    return render(
        request,
        "intake/patient/link_problem.html",
        {"heading": heading, "message": message},
        status=status,
    )


def _link_view(*, done_page: bool = False) -> Callable:
    """Give the view the link its token names, or show the plain-words page for a bad one.
    The `done_page` views also open, in the browser that submitted, after the submission."""

    def decorator(view: Callable) -> Callable:
        @login_not_required
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            try:
                link = patient_access.resolve_link(
                    token, session=request.session if done_page else None
                )
            except patient_access.LinkProblem as problem:
                return _link_problem_page(request, problem)
            if request.method == "GET":  # opened is seen; a refused answer changes nothing
                patient_access.mark_opened(link)
            return view(request, link, _link_pages(token), *args, **kwargs)

        return wrapper

    return decorator


@_link_view()
def link_start(request: HttpRequest, link: PatientLink, pages: Pages) -> HttpResponse:
    record(
        Action.VIEW,
        actor_label=pages.reader,
        obj=link.intake,
        request=request,
        detail={"page": "start", "link": str(link.pk)},
    )
    return redirect(pages.step(resume_slug(link.intake, PATIENT_STEPS)))


@_link_view()
def link_step(request: HttpRequest, link: PatientLink, pages: Pages, slug: str) -> HttpResponse:
    return _step_page(request, link.intake, slug, pages)


@login_not_required
@require_POST
@_link_view(done_page=True)
def link_submit(request: HttpRequest, link: PatientLink, pages: Pages) -> HttpResponse:
    # A repeated submit (double tap) lands on the thank-you page like the first one.
    intake = link.intake
    back_to_review = _submit(request, intake, pages) if intake.is_draft else None
    if back_to_review:
        return back_to_review
    patient_access.remember_link_done(request, link)
    return redirect(pages.url("done"))


@_link_view(done_page=True)
def link_done(request: HttpRequest, link: PatientLink, pages: Pages) -> HttpResponse:
    if link.intake.is_draft:
        return redirect(pages.step(REVIEW))
    return _done_page(request, link.intake, pages)
