"""A real SMTP server for tests (aiosmtpd), started on a free port, stopped and started again
as a real server would be; its mailbox keeps what it accepted."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """An SMTP handler keeping what it accepted. `refuse` answers DATA with a 451 that many
    times; an address in `unknown` is refused at RCPT with a 550. It counts the connections
    made to it."""

    def __init__(self) -> None:
        self.messages: list[email.message.Message] = []
        self.refuse = 0
        self.unknown: set[str] = set()
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses) -> list[str]:
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.unknown:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        self.messages.append(email.message_from_bytes(envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox, self.port, self.controller = mailbox, free_port(), None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings) -> Iterator[tuple[Mailbox, SmtpServer]]:
    server = SmtpServer(Mailbox())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
    settings.PUBLIC_BASE_URL = "https://clinic.example.org"
    yield server.mailbox, server
    server.stop()
