"""Text messages to patients, through a provider the clinic names in settings.

`TEXT_MESSAGE_BACKEND` is the dotted path of a class with `send(to, body)`; the default
writes to the console, like Django's console e-mail backend. A provider's backend raises
`Refused` for a number it will never deliver to (not retried) and any other exception for a
failure worth retrying. See docs/text-messages.md.
"""

from __future__ import annotations

import sys
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class Refused(Exception):
    """The provider will not deliver to this number: retrying cannot help."""


class Backend(Protocol):
    def send(self, to: str, body: str) -> None: ...


class ConsoleBackend:
    """Writes each message to standard output, the number masked: for development."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout

    def send(self, to: str, body: str) -> None:
        self.stream.write(f"Text message to {mask_phone(to)}:\n{body}\n{'-' * 40}\n")
        self.stream.flush()


def backend() -> Backend:
    return import_string(settings.TEXT_MESSAGE_BACKEND)()


def mask_phone(number: str) -> str:
    """Only the last two digits: enough for the desk to tell numbers apart."""
    digits = [c for c in number if c.isdigit()]
    return "••• " + "".join(digits[-2:]) if len(digits) > 2 else "•••"


def mask_email(address: str) -> str:
    """The first letter and the domain: "m•••@example.org"."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}" if domain else "•••"
