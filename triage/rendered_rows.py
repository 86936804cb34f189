"""The worklist's rows, rendered once and reused while nothing they show has changed.

Every clinician's worklist asks for its rows every 10 seconds, and drawing 50 rows is
most of the page's cost (docs/performance.md). `triage.worklist.page_digest` fingerprints
everything the rows show in one query; the same fingerprint within the same minute (the
rows say "5 minutes ago", and a patient's age changes at midnight) means the same HTML.
A change to anything shown, an emergency sorting in first included, changes the
fingerprint, so nothing is served stale.

The rendered rows stay in this process's memory (the `worklist-rows` cache, always a
LocMemCache), never in Redis: they carry patients' names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import caches
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from triage.worklist import WorklistFilters, page_digest, worklist_page

CACHE = "worklist-rows"


@dataclass(frozen=True)
class RenderedRows:
    html: SafeString
    count: int
    next_cursor: str | None


def rendered_rows(filters: WorklistFilters, cursor: str = "") -> RenderedRows:
    digest = page_digest(filters, cursor)
    key = f"{digest}:{timezone.now():%Y%m%d%H%M}" if digest else None
    if key and (reused := caches[CACHE].get(key)) is not None:
        return reused
    page = worklist_page(filters, cursor)
    for row in page.rows:  # here rather than {% url %} per row: half the cost
        row.url = reverse("triage:intake", args=[row.pk])
    rows = RenderedRows(
        html=render_to_string("triage/_worklist_rows.html", {"page": page}),
        count=len(page.rows),
        next_cursor=page.next_cursor,
    )
    if key:
        caches[CACHE].set(key, rows, timeout=60)
    return rows
