"""The worklist's rows, drawn in Python: fifty rows through the template engine cost more
CPU than the rest of the page together (docs/performance.md), and the 10-second refresh
asks for them from every clinician's screen.

Each row is one f-string whose every value from the database goes through `html.escape`
(Django's `escape` is the same function behind a lazy-string check that costs more than
the escaping), and the whole is marked safe once.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import TIME_STRINGS
from django.utils.translation import gettext

from intake.levels import OpenAlert, Severity
from triage.templatetags.triage_badges import level_badge

register = template.Library()

ROW_CLASSES = {OpenAlert.EMERGENCY: "table-danger", OpenAlert.URGENT: "table-warning"}
NO_ROWS = SafeString(
    '<tr><td colspan="8" class="text-center text-body-secondary py-4">No intakes match.</td></tr>'
)
NOT_ACKNOWLEDGED = '<span class="visually-hidden"> (not acknowledged)</span>'
# timesince's units, largest first, as plain seconds: a worklist age needs no calendar.
_UNITS = (
    ("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400),
    ("hour", 3600), ("minute", 60),
)  # fmt: skip


def _flags(flags) -> str:
    """One line per flag worth a clinician's look (attention flags are for the visit)."""
    if not flags:
        return "—"
    return "".join(
        f'<span class="d-block{" text-body-secondary" if flag.acknowledged_at else ""}">'
        f"{escape(flag.title)}{' ✓' if flag.acknowledged_at else ''}</span>"
        for flag in flags
        if flag.severity != Severity.ATTENTION
    )


def _alert_steps(steps, ages: _Ages) -> str:
    """The desk's latest action on the intake's alert and its acknowledgement, who and when."""
    return "".join(
        f'<span class="d-block small text-body-secondary" data-alert-step>{escape(step.what)}'
        f' · {escape(step.by)}, <time datetime="{step.at.isoformat()}">'
        f"{ages.since(step.at)} ago</time></span>"
        for step in steps
    )


class _Ages:
    """ "3 hours, 5 minutes" (the two largest adjacent units, as `timesince` words it, in the
    request's language), each wording made once per page, not once per row; and the clinic's
    time of day, in its time zone, looked up once per page too."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.zone = timezone.get_current_timezone()
        self.words: dict[tuple[str, int], str] = {}
        self.separator = gettext(", ")

    def _unit(self, name: str, count: int) -> str:
        key = (name, count)
        if key not in self.words:
            # A non-breaking space, as timesince's: "3 hours" never splits across lines.
            self.words[key] = (TIME_STRINGS[name] % {"num": count}).replace(" ", "\xa0")
        return self.words[key]

    def since(self, moment: dt.datetime) -> str:
        seconds = max(0, int((self.now - moment).total_seconds()))
        for index, (name, size) in enumerate(_UNITS):
            count = seconds // size
            if count:
                parts = [self._unit(name, count)]
                if index + 1 < len(_UNITS):
                    next_name, next_size = _UNITS[index + 1]
                    if rest := (seconds - count * size) // next_size:
                        parts.append(self._unit(next_name, rest))
                return self.separator.join(parts)
        return self._unit("minute", 0)


def _row(intake, ages: _Ages) -> str:
    submitted = intake.submitted_at
    patient = intake.patient
    # The link (reverse() and a UUID) and the age (a number) hold nothing to escape.
    return (
        f'<tr class="{ROW_CLASSES.get(intake.open_alert, "")}" data-intake="{intake.pk}">'
        f'<td><a href="{intake.url}" class="fw-semibold">'
        f"{escape(patient.family_name)}, {escape(patient.given_name)}</a></td>"
        f"<td>{intake.age:d}</td><td>{escape(patient.mrn or '—')}</td>"
        f"<td>{level_badge(intake.triage_level)}"
        f"{NOT_ACKNOWLEDGED if intake.open_alert else ''}</td>"
        f"<td>{_flags(intake.current_flags)}{_alert_steps(intake.alert_steps, ages)}</td>"
        f'<td><time datetime="{submitted.isoformat()}" '
        f'title="{submitted.astimezone(ages.zone):%Y-%m-%d %H:%M}">'
        f"{ages.since(submitted)} ago</time>"
        f"</td><td>{escape((intake.summary_status or '—').capitalize())}</td>"
        f"<td>{'Yes' if intake.reviewed_at else 'No'}</td></tr>\n"
    )


@register.simple_tag
def worklist_rows(page) -> SafeString:
    if not page.rows:
        return NO_ROWS
    ages = _Ages(timezone.now())
    return mark_safe("".join(_row(intake, ages) for intake in page.rows))  # noqa: S308  # nosec B308 B703 (every value escaped above)
