"""Answers, flags and problems in words, for the review page (with the questions it asks
again), the result page, the clinician's intake page and the messages of refused forms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from django.forms import Form
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clinic import submission
from clinic.escalation import due_round
from intake.answers import LIFESTYLE_FIELDS, PATIENT_FIELDS, SYMPTOM_FIELDS, intake_answers
from intake.document import (
    ALL_RED_FLAG_CODES,
    IntakeDocument,
    Problem,
    risk_factors_asked,
)
from intake.evidence import days_ago_in_words, evidence_words, injury_in_words
from intake.forms import ReaskForm
from intake.levels import Level
from intake.models import Intake
from intake.questions import OPTION_LABELS, QUESTIONS, none_of, question, reason_label
from intake.steps import REVIEW, STEP_NUMBER, STEPS
from triage.alerts import open_alert_of
from triage.models import Alert
from triage.reasks import by_question
from triage.services import reasks_due

# Where each part of the document is entered: by its path, else by its first segment.
STEP_OF_SECTION = {
    "patient": "patient",
    "reported_on": "patient",
    "symptoms": "symptoms",
    "red_flags": "red-flags",
    "risk_factors": "red-flags",
    "risk_factors.cancer_active": "history",  # asked after the conditions
    "medications": "medications",
    "treatments": "medications",
    "vaccinations": "medications",
    "injuries": "injuries",
    "conditions": "history",
    "exposures": "history",
    "lifestyle": "history",
    "notes": "history",
}


# The symptoms as the form asks them: whether and when it changed, after when it began.
_AFTER_DURATION = SYMPTOM_FIELDS.index("duration_days") + 1
SYMPTOMS_IN_ORDER = (
    *SYMPTOM_FIELDS[:_AFTER_DURATION],
    "last_changed_days",
    *SYMPTOM_FIELDS[_AFTER_DURATION:],
)


@dataclass(frozen=True)
class Answer:
    path: str
    question: str
    text: str
    answered: bool
    alarming: bool = False  # a red-flag question answered yes


@dataclass(frozen=True)
class Section:
    title: str
    step: str
    answers: list[Answer]


def in_words(value: object) -> str:
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(in_words(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(in_words(v) for v in value.values() if v not in (None, ""))
    return str(OPTION_LABELS.get(value, value)) if isinstance(value, str) else str(value)


# Questions asked only after a certain answer: without it they did not apply.
_APPLIES_WHEN = {"symptoms.frequency": lambda values: values.get("pattern") != "constant"}


def _applies(path: str, values: dict) -> bool:
    return _APPLIES_WHEN.get(path, lambda values: True)(values)


def _answer_text(path: str, values: dict, name: str) -> str:
    if name not in values and not _applies(path, values):
        return _("Not applicable")
    if name not in values:
        return _("Not answered")
    if path == "symptoms.last_changed_days":
        return days_ago_in_words(values[name])
    return in_words(values[name])


# Two questions on the form, one answer in the document: shown as the first question.
_SHOWN_AS = {"symptoms.last_changed_days": "symptoms.suddenly_changed"}


def _answers(values: dict, prefix: str, names: tuple[str, ...]) -> list[Answer]:
    return [
        Answer(
            path=f"{prefix}.{name}",
            question=str(QUESTIONS[_SHOWN_AS.get(f"{prefix}.{name}", f"{prefix}.{name}")]),
            text=_answer_text(f"{prefix}.{name}", values, name),
            answered=name in values or not _applies(f"{prefix}.{name}", values),
            alarming=prefix == "red_flags" and values.get(name) is True,
        )
        for name in names
    ]


def _injuries(rows: list[dict]) -> str:
    return "; ".join(
        ", ".join(
            filter(
                None,
                (
                    injury_in_words(
                        row.get("kind", ""),
                        row.get("date", ""),
                        row.get("older_than_14_days"),
                        row.get("mechanism", ""),
                    ),
                    row.get("description", ""),
                ),
            )
        )
        for row in rows
    )


def _list(values: dict, name: str) -> Answer:
    words = _injuries if name == "injuries" else in_words
    return Answer(
        path=name,
        question=str(QUESTIONS[name]),
        text=words(values[name]) if values.get(name) else none_of(name),
        answered=True,
    )


def answer_sections(intake: Intake, answers: dict | None = None) -> list[Section]:
    """Every question with its answer in words, grouped as the questionnaire is."""
    doc = answers if answers is not None else intake_answers(intake)

    def part(name: str, fields: tuple[str, ...]) -> list[Answer]:
        return _answers(doc.get(name, {}), name, fields)

    return [
        Section(_("Patient"), "patient", part("patient", PATIENT_FIELDS)),
        Section(_("Symptoms"), "symptoms", part("symptoms", SYMPTOMS_IN_ORDER)),
        Section(_("Warning signs"), "red-flags", part("red_flags", ALL_RED_FLAG_CODES)),
        Section(
            _("Health risks"),
            "red-flags",
            part("risk_factors", risk_factors_asked(doc.get("conditions", ()))),
        ),
        Section(
            _("Medicines, treatments and vaccinations"),
            "medications",
            [_list(doc, "medications"), _list(doc, "treatments"), _list(doc, "vaccinations")],
        ),
        Section(_("Injuries"), "injuries", [_list(doc, "injuries")]),
        Section(
            _("History and lifestyle"),
            "history",
            [
                _list(doc, "conditions"),
                _list(doc, "exposures"),
                *part("lifestyle", LIFESTYLE_FIELDS),
                _list(doc, "notes"),
            ],
        ),
    ]


def reask_form(intake: Intake, data=None) -> ReaskForm:
    """The red-flag questions a draft's typed words still put back, each with every quote
    that bears on it, as the review page asks them (bound to `data` when posted)."""
    due = by_question(reasks_due(intake))
    return ReaskForm({code: [reask.words for reask in found] for code, found in due.items()}, data)


class FlagReasons(NamedTuple):
    """A flag with its evidence as people read it: "Loss of bladder or bowel control: Yes"."""

    flag: object  # a stored TriageFlag: its title, severity and acknowledgement
    reasons: list[str]


def flags_with_reasons(flags, doc: IntakeDocument) -> list[FlagReasons]:
    return [
        FlagReasons(flag, [evidence_words(doc, item) for item in flag.evidence]) for flag in flags
    ]


def changed_in_words(paths: list[str]) -> list[str]:
    """An amendment's changed answers by their questions, each once, in order."""
    return list(dict.fromkeys(question_for_path(path) for path in paths))


@dataclass(frozen=True)
class ProblemLink:
    text: str
    url: str


def question_for_path(path: str) -> str:
    """The question a problem path belongs to: `medications.2.name` → the medication name."""
    parts = [part for part in _SHOWN_AS.get(path, path).split(".") if not part.isdigit()]
    while parts:
        label = QUESTIONS.get(".".join(parts))
        if label:
            return str(label)
        parts.pop()
    return path


def step_for_path(path: str) -> str:
    """The step where the answer at `path` is entered."""
    return STEP_OF_SECTION.get(path, STEP_OF_SECTION.get(path.split(".")[0], "symptoms"))


def resume_slug(intake: Intake, steps=STEPS[1:]) -> str:
    """Where to resume a draft: the first of `steps` not saved yet, or with an answer
    missing or to check (a pre-filled step to confirm included); else the review page.
    The desk's patient step is done when the draft is made."""
    to_do = {step_for_path(problem.path) for problem in submission.draft_problems(intake)}
    saved = intake.furthest_step or 0
    return next(
        (step.slug for step in steps if step.slug in to_do or STEP_NUMBER[step.slug] > saved),
        REVIEW,
    )


def problem_links(problems: tuple[Problem, ...], intake: Intake) -> list[ProblemLink]:
    """Each problem in words, linked to the step where it is fixed."""
    links = []
    for problem in problems:
        step = step_for_path(problem.path)
        message = _("is required") if problem.message == "is required" else problem.message
        links.append(
            ProblemLink(
                text=f"{question_for_path(problem.path)} — {message}",
                url=reverse("intake:step", args=[intake.pk, step]),
            )
        )
    return links


def form_problems(form: Form) -> str:
    """A refused form's errors, each after its field's label, for a flash message."""
    return " ".join(
        f"{form[name].label}: {' '.join(errors)}" for name, errors in form.errors.items()
    )


def alert_on_page(intake: Intake, *, as_asked: bool) -> dict[str, object]:
    """The intake's open alert and the answers behind it, for the banner of the step after
    the answer: the person entering learns what to do at once, not at the end. `as_asked`:
    the questions as the patient read them, else the staff's short labels."""
    alert = open_alert_of(intake)
    return {"alert": alert, "alert_reasons": alert_reasons(alert, as_asked=as_asked)}


def alert_reasons(alert: Alert | None, *, as_asked: bool) -> list[str]:
    """The questions behind an alert's flags, once each: its evidence names the answers'
    paths, some with the words quoted after a colon (free text), which stay in the record."""
    if alert is None:
        return []
    words = question if as_asked else reason_label
    paths = (item.split(":", 1)[0] for item in alert.evidence)
    return list(dict.fromkeys(str(words(path)) for path in paths if path in QUESTIONS))


def escalation_state(alert: Alert, *, now: dt.datetime) -> tuple[str, str]:
    """What the board says of an alert's escalation e-mails, and how loud: ("danger", ...)
    when they fail or nobody can be e-mailed; ("info", ...) once sent; ("", "") before any
    is due. Uses the alert's prefetched `escalation_emails`."""
    emails = list(alert.escalation_emails.all())
    failing = [email.failing_since for email in emails if email.failing_since]
    if failing:
        since = timezone.localtime(min(failing))
        return "danger", f"Escalation e-mail failing since {since:%H:%M}"
    sent = [email for email in emails if email.sent_at]
    if sent:
        last = max(sent, key=lambda email: (email.round, email.sent_at))
        people = sum(1 for email in sent if email.round == last.round)
        at = timezone.localtime(last.sent_at)
        reminder = f", reminder {last.round}" if last.round > 1 else ""
        return "info", f"E-mailed to {people} clinician(s) at {at:%H:%M}{reminder}"
    if alert.level == Level.EMERGENCY and due_round(alert.raised_at, now) and not emails:
        return "danger", "Not acknowledged and no clinician to e-mail: none has an address"
    if emails:
        return "info", "Escalation e-mail being sent"
    return "", ""
