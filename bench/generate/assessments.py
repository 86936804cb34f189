"""Triage: each version's assessment and flags, escalated and acknowledged as staff would."""

from __future__ import annotations

import datetime as dt
import uuid

from bench.generate.chunk import Chunk
from bench.generate.rows import AssessmentRow, FlagRow
from bench.generate.variants import Variant
from intake.levels import Level, OpenAlert


def add_assessment(
    chunk: Chunk,
    *,
    intake_id: uuid.UUID,
    number: int,
    variant: Variant,
    at: dt.datetime,
    read: dt.datetime | None,
    reader: int,
    first_flag: int,
) -> list[FlagRow]:
    """Version `number`'s assessment and flags (stored `at`), read by `reader` at `read` if
    at all; returns the flags. `first_flag` counts the intake's flags of earlier versions."""
    rng = chunk.rng
    assessment = chunk.ident(AssessmentRow, number - 1)
    # Only an emergency is escalated (intake.views.escalated refuses the rest): by the desk,
    # at once, though an unread one may still be waiting.
    escalated = variant.level == Level.EMERGENCY and (read is not None or rng.random() < 0.7)
    chunk.add(
        AssessmentRow(
            id=assessment,
            intake_id=intake_id,
            intake_version=number,
            level=variant.level,
            rules_version=variant.triage.rules_version,
            created_at=at,
            escalation_confirmed_at=chunk.later(at, 1, 5) if escalated else None,
            escalation_confirmed_by_id=rng.choice(chunk.plan.desk) if escalated else None,
        )
    )
    flags = []
    for flag in variant.flags:
        # A flag that raises the open alert waits for a clinician: acknowledged when the
        # version was read, and some of the unread ones already.
        raises_alert = OpenAlert.for_severity(flag.severity) != OpenAlert.NONE
        acknowledged = raises_alert and (read is not None or rng.random() < 0.4)
        flags.append(
            flag._replace(
                id=chunk.ident(FlagRow, first_flag + flag.position),
                assessment_id=assessment,
                acknowledged_at=(read or chunk.later(at, 1, 60)) if acknowledged else None,
                acknowledged_by_id=reader if acknowledged else None,
            )
        )
    for flag in flags:
        chunk.add(flag)
    return flags
