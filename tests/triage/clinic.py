"""Submitted intakes for the dashboard tests, made through the real submit path."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from intake import services
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
    intake = services.create_intake_from_document(doc, by=by, channel="front_desk").intake
    if minutes_ago:
        Intake.objects.filter(pk=intake.pk).update(
            submitted_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
        )
        intake.refresh_from_db()
    return intake
