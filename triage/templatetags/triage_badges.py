"""The triage level badge: a filter, not an include, since the worklist draws it per row."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from intake.levels import Severity

register = template.Library()

# Symbol and word as well as colour: the level must read without colour vision.
BADGES = {
    Severity.EMERGENCY: ("level-emergency", "⚠ Emergency"),
    Severity.URGENT: ("level-urgent", "! Urgent"),
    Severity.ATTENTION: ("text-bg-secondary", "Attention"),
    Severity.ROUTINE: ("level-routine", "Routine"),
}


@register.filter
def level_badge(level: str) -> SafeString:
    # An unknown level shows as itself: never dressed up as a calmer one.
    css, label = BADGES.get(level, ("text-bg-light", level or "—"))
    return format_html('<span class="badge {}">{}</span>', css, label)
