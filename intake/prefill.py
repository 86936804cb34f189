"""A returning patient's new intake, pre-filled from their last submitted one.

Only what changes slowly is carried over: the medicines, the conditions and exposures, the
lifestyle, and past injuries. Symptoms, warning signs and risk factors never are: they are
asked fresh every time. Each step carried over is marked "from your last visit on …, still
right?" and must be saved (confirmed or changed) before the intake can be submitted.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from intake.answers import LIFESTYLE_FIELDS, ROW_FIELDS, add_rows, intake_answers
from intake.document import Problem
from intake.models import Intake, PrefilledStep, listed_intakes

# What each pre-filled step carries over: the intake's own fields, and its repeating rows.
CARRIED = {
    "medications": ((), ("medications",)),
    "injuries": ((), ("injuries",)),
    "history": (("conditions", "exposures", *LIFESTYLE_FIELDS), ()),
}
# A problem's path for each step, so the review page links to it.
PATH_OF_STEP = {"medications": "medications", "injuries": "injuries", "history": "conditions"}
# An injury listed at a visit this long ago is more than two weeks old now.
OLD_INJURY = dt.timedelta(days=14)


def last_submitted(intake: Intake) -> Intake | None:
    """The patient's most recent intake submitted before this one (a draft: before now)."""
    earlier = listed_intakes().filter(patient_id=intake.patient_id).exclude(pk=intake.pk)
    if intake.submitted_at is not None:
        earlier = earlier.filter(submitted_at__lt=intake.submitted_at)
    return earlier.order_by("-submitted_at", "-pk").first()


# The same parts as the intake document's sections (FHIR's $populate).
CARRIED_SECTIONS = ("medications", "injuries", "conditions", "exposures", "lifestyle")


def carried_answers(source: Intake, today: dt.date) -> dict[str, object]:
    """What `prefill` carries from `source`, as the document's sections, with who the
    patient is: a returning patient's new response, pre-filled as the desk's draft is."""
    answers = intake_answers(source)
    carried = {key: answers[key] for key in ("patient", *CARRIED_SECTIONS) if key in answers}
    if today - source.reported_on >= OLD_INJURY:
        for injury in carried.get("injuries", []):
            if "date" not in injury:
                injury["older_than_14_days"] = True
    return carried


def _rows(source: Intake, relation: str, today: dt.date) -> list[dict[str, object]]:
    rows = [
        {name: getattr(row, name) for name in ROW_FIELDS[relation]}
        for row in getattr(source, relation).all()
    ]
    if relation == "injuries" and today - source.reported_on >= OLD_INJURY:
        for row in rows:
            if row["date"] is None:
                row["older_than_14_days"] = True
    return rows


def prefill(intake: Intake, source: Intake) -> list[PrefilledStep]:
    """Copy the slowly changing parts of `source` into the new draft `intake`; the steps
    that received anything, each to be confirmed."""
    marked = []
    for step, (fields, relations) in CARRIED.items():
        values = {name: getattr(source, name) for name in fields}
        answered = {name: value for name, value in values.items() if value not in (None, "", [])}
        rows = {relation: _rows(source, relation, intake.reported_on) for relation in relations}
        rows = {relation: found for relation, found in rows.items() if found}
        if not answered and not rows:
            continue
        for name, value in answered.items():
            setattr(intake, name, value)
        add_rows(intake, **rows)
        marked.append(
            PrefilledStep(
                intake=intake, step=step, source=source, source_reported_on=source.reported_on
            )
        )
    if marked:
        intake.save()
        PrefilledStep.objects.bulk_create(marked)
    return marked


def unconfirmed(intake: Intake) -> dict[str, PrefilledStep]:
    return {
        prefilled.step: prefilled
        for prefilled in intake.prefilled_steps.filter(confirmed_at__isnull=True)
    }


def confirm(intake: Intake, step: str) -> None:
    """The step was saved: confirmed as it was, or changed."""
    intake.prefilled_steps.filter(step=step, confirmed_at__isnull=True).update(
        confirmed_at=timezone.now()
    )


def problems(intake: Intake, message: str) -> tuple[Problem, ...]:
    """A problem for each pre-filled step not yet confirmed: the draft is not submitted."""
    return tuple(Problem(PATH_OF_STEP[step], message) for step in sorted(unconfirmed(intake)))
