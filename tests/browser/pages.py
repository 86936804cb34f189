"""What the browser tests share: the three screen sizes, and the app's words in a language."""

from __future__ import annotations

from django.utils import translation

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desk": (1280, 800)}


def in_language(language: str, words: str) -> str:
    """`words` as the app's translations give them in `language`."""
    with translation.override(language):
        return translation.gettext(words)
