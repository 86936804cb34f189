"""Submitted intakes for the dashboard tests, made through the real submit path."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from django.utils import timezone

from clinic import submission
from intake.document import parse_document
from intake.models import Intake
from tests.builders import with_answers
from tests.intake.conftest import VIGNETTES

LEVEL_VIGNETTE = {
    "emergency": "02-bladder-loss",
    "urgent": "04-leg-weakness",
    "routine": "10-hypothyroid",
}


def submit(
    level: str,
    *,
    by,
    given: str = "Ana",
    family: str = "Lopez",
    mrn: str = "",
    minutes_ago: int = 0,
) -> Intake:
    answers = {"patient.given_name": given, "patient.family_name": family}
    if mrn:
        answers["patient.mrn"] = mrn
    doc = parse_document(with_answers(VIGNETTES[LEVEL_VIGNETTE[level]]["document"], answers))
    intake = submission.create_intake_from_document(doc, by=by, channel="front_desk").intake
    if minutes_ago:
        Intake.objects.filter(pk=intake.pk).update(
            submitted_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
        )
        intake.refresh_from_db()
    return intake


ROW = re.compile(r'data-intake="([0-9a-f-]{36})"')  # one per row (triage/_worklist_rows.html)


def listed(response) -> list[Intake]:
    """The intakes a worklist page or refresh shows, in the order shown."""
    ids = [uuid.UUID(found) for found in ROW.findall(response.content.decode())]
    by_id = Intake.objects.select_related("patient").in_bulk(ids)
    return [by_id[intake_id] for intake_id in ids]


def listed_names(response) -> list[str]:
    return [intake.patient.family_name for intake in listed(response)]
