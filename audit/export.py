"""The audit trail as CSV: streamed row by row, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import Action, record

# "at" is in the clinic's time zone, as on the trail's page, with its UTC offset; the
# column's name says which zone.
HEADER = (
    f"at ({settings.TIME_ZONE})", "actor_label", "actor_id", "action", "object_type",
    "object_id", "client_address", "detail",
)  # fmt: skip
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The value as text; a would-be formula gets a leading apostrophe, so it stays text."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _row(event: AuditEvent) -> tuple[object, ...]:
    return (
        timezone.localtime(event.at).isoformat(),
        event.actor_label,
        event.actor_id,
        event.action,
        event.object_type,
        event.object_id,
        event.client_address,
        json.dumps(event.detail, sort_keys=True),
    )


class _Echo:
    """A file for csv.writer that hands each written line back, so rows can be streamed."""

    def write(self, line: str) -> str:
        return line


def csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_ALL)
    yield writer.writerow(HEADER)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow([safe_cell(value) for value in _row(event)])


@dataclass(frozen=True)
class ExportFilters:
    """`?from=YYYY-MM-DD&to=YYYY-MM-DD&action=view&object_type=intake.Intake`, all optional."""

    since: dt.date | None = None  # `from`, inclusive, in the clinic's time zone
    until: dt.date | None = None  # `to`, inclusive
    action: str = ""
    object_type: str = ""

    @classmethod
    def from_query(cls, query: QueryDict) -> ExportFilters:
        """Raises ValueError on a malformed date or an unknown action."""
        action = query.get("action", "")
        if action and action not in Action.values:
            raise ValueError(f"unknown action: {action!r}")
        return cls(
            since=_date(query.get("from", "")),
            until=_date(query.get("to", "")),
            action=action,
            object_type=query.get("object_type", "")[:64],
        )

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.since:
            events = events.filter(at__date__gte=self.since)
        if self.until:
            events = events.filter(at__date__lte=self.until)
        if self.action:
            events = events.filter(action=self.action)
        if self.object_type:
            events = events.filter(object_type=self.object_type)
        return events

    def as_detail(self) -> dict[str, str]:
        values = {
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
            "action": self.action,
            "object_type": self.object_type,
        }
        return {name: value for name, value in values.items() if value}


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def export_response(
    request: HttpRequest, events: QuerySet[AuditEvent], detail: dict[str, object]
) -> StreamingHttpResponse:
    """Stream `events` as CSV, oldest first; the export itself is audited, with its row count.

    The rows are those recorded before the export: the count in its audit event matches them.
    """
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    events = events.filter(pk__lte=last).order_by("at", "pk")
    record(Action.EXPORT, request=request, detail={**detail, "rows": events.count()})
    response = StreamingHttpResponse(csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
    return response
