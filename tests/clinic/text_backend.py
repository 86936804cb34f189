"""Text-message backends for tests, named in TEXT_MESSAGE_BACKEND like a provider's."""

from __future__ import annotations

from clinic.text_messages import Refused


class MemoryTextBackend:
    outbox: list[tuple[str, str]] = []

    def send(self, to: str, body: str) -> None:
        MemoryTextBackend.outbox.append((to, body))


class RefusingTextBackend:
    def send(self, to: str, body: str) -> None:
        raise Refused


class BrokenTextBackend:
    def send(self, to: str, body: str) -> None:
        raise TimeoutError("the provider did not answer")
