"""Pre-visit summaries: each version's, ready (its content from the variant's template),
pending or failed."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from bench.generate.chunk import Chunk
from bench.generate.patients import Person
from bench.generate.rows import SummaryRow
from bench.generate.variants import Variant
from reports.building import MAX_ATTEMPTS
from reports.models import PreVisitSummary
from reports.summary import summary_patient

Status = PreVisitSummary.Status
FAILURE_REASON = "The summary could not be built (ValueError)."  # as reports.building says it
TYPICAL_PAGES = 2  # summaries are not rendered here; 2 pages is the typical summary's count
_PDF_FOLDER = PreVisitSummary._meta.get_field("pdf").upload_to


def add_summary(
    chunk: Chunk,
    *,
    intake_id: uuid.UUID,
    number: int,
    variant: Variant,
    person: Person,
    day: dt.date,
    at: dt.datetime,
    status: str,
) -> None:
    """Version `number`'s summary, requested when the version was stored `at`. Its content
    needs build_summary_content's English labels: the caller keeps English active."""
    rng = chunk.rng
    enqueued = at + dt.timedelta(milliseconds=rng.uniform(20, 80))
    ready = status == Status.READY
    ready_at = enqueued + dt.timedelta(seconds=rng.uniform(2, 12)) if ready else None
    pending_attempts = rng.choice((0, 1))  # a pending one is queued, or being built
    chunk.add(
        SummaryRow(
            id=chunk.ident(SummaryRow, number - 1),
            intake_id=intake_id,
            intake_version=number,
            status=status,
            rules_version=variant.triage.rules_version if ready else "",
            content=variant.content_template.fill(
                day,
                patient=json.dumps(summary_patient(person.answers, day), ensure_ascii=False),
                submitted_at=json.dumps(at.isoformat()),
            )
            if ready
            else None,
            pdf=f"{_PDF_FOLDER}summary-{intake_id}-v{number}.pdf" if ready else "",
            pdf_pages=TYPICAL_PAGES if ready else None,
            attempts={Status.PENDING: pending_attempts, Status.FAILED: MAX_ATTEMPTS}.get(status, 1),
            refreshes=0,
            failure_reason=FAILURE_REASON if status == Status.FAILED else "",
            created_at=at,
            updated_at=ready_at or enqueued,
            enqueued_at=enqueued,
            ready_at=ready_at,
        )
    )
