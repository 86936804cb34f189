"""The worklist's rows, drawn in Python: fifty rows through the template engine cost more
CPU than the rest of the page together (docs/performance.md), and the 10-second refresh
asks for them from every clinician's screen."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timesince import timesince

from intake.levels import OpenAlert, Severity
from triage.templatetags.triage_badges import level_badge

register = template.Library()

ROW_CLASSES = {OpenAlert.EMERGENCY: "table-danger", OpenAlert.URGENT: "table-warning"}
NO_ROWS = SafeString(
    '<tr><td colspan="8" class="text-center text-body-secondary py-4">No intakes match.</td></tr>'
)
NOT_ACKNOWLEDGED = SafeString('<span class="visually-hidden"> (not acknowledged)</span>')


def _flags(flags) -> SafeString:
    """One line per flag worth a clinician's look (attention flags are for the visit)."""
    if not flags:
        return SafeString("—")
    shown = [flag for flag in flags if flag.severity != Severity.ATTENTION]
    return format_html_join(
        "",
        '<span class="d-block{}">{}{}</span>',
        (
            (_acknowledged(flag, " text-body-secondary"), flag.title, _acknowledged(flag, " ✓"))
            for flag in shown
        ),
    )


def _acknowledged(flag, text: str) -> str:
    return text if flag.acknowledged_at else ""


def _row(intake) -> SafeString:
    submitted = intake.submitted_at
    return format_html(
        '<tr class="{}" data-intake="{}">'
        '<td><a href="{}" class="fw-semibold">{}, {}</a></td>'
        "<td>{}</td><td>{}</td><td>{}{}</td><td>{}</td>"
        '<td><time datetime="{}" title="{}">{} ago</time></td>'
        "<td>{}</td><td>{}</td></tr>\n",
        ROW_CLASSES.get(intake.open_alert, ""),
        intake.pk,
        intake.url,
        intake.patient.family_name,
        intake.patient.given_name,
        intake.age,
        intake.patient.mrn or "—",
        level_badge(intake.triage_level),
        NOT_ACKNOWLEDGED if intake.open_alert else "",
        _flags(intake.current_flags),
        submitted.isoformat(),
        timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M"),
        timesince(submitted),
        (intake.summary_status or "—").capitalize(),
        "Yes" if intake.reviewed_at else "No",
    )


@register.simple_tag
def worklist_rows(page) -> SafeString:
    if not page.rows:
        return NO_ROWS
    return format_html_join("", "{}", ((_row(intake),) for intake in page.rows))
