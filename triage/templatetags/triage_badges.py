"""The triage level badge: a filter, not an include, since the worklist draws it per row."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from intake.levels import Level, Severity, level_meaning

register = template.Library()

# Symbol and word as well as colour: the level must read without colour vision.
BADGES = {
    Severity.EMERGENCY: ("level-emergency", "⚠ Emergency"),
    Severity.URGENT: ("level-urgent", "! Urgent"),
    Severity.ATTENTION: ("text-bg-secondary", "Attention"),
    Severity.ROUTINE: ("level-routine", "Routine"),
}


_BADGE = '<span class="badge {}">{}</span>'
_DRAWN = {level: format_html(_BADGE, css, label) for level, (css, label) in BADGES.items()}


@register.filter
def level_badge(level: str) -> SafeString:
    if level in _DRAWN:
        return _DRAWN[level]
    # An unknown level shows as itself: never dressed up as a calmer one.
    return format_html(_BADGE, "text-bg-light", level or "—")


@register.filter
def meaning(level: str) -> str:
    """What the level asks of staff ("Today: a clinician sees or calls the patient…")."""
    return level_meaning(level)


@register.filter
def meaning_to_patient(level: str) -> str:
    return level_meaning(level, to_patient=True)


@register.simple_tag
def level_legend() -> list[tuple[SafeString, str]]:
    """Every level's badge and meaning, highest first, for a page of many levels."""
    return [(level_badge(level), level_meaning(level)) for level in Level]
