"""Sending e-mail in batches: one SMTP connection for many messages, each outcome its own.

The escalation sweep and the patients' link messages both send this way.
"""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Callable
from contextlib import suppress
from typing import Generic, TypeVar

from django.core.mail import EmailMessage, get_connection

FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(minutes=5)


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s after the first failure, doubling, never more than 5 minutes."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


# Refusals of one message: the connection stays good for the next one.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


class NotSent(Exception):
    """The backend took the message and sent nothing (no address left to send to)."""


Row = TypeVar("Row")


class Mailer(Generic[Row]):
    """One connection for a sweep's e-mails, opened at the first. A message refused fails
    alone; once the server or the connection fails (`down`), every later message fails with
    that error untried, to be retried: a server that hangs costs one timeout, not one per
    e-mail."""

    def __init__(self, compose: Callable[[Row], EmailMessage]) -> None:
        self.compose = compose
        self.connection = None
        self.down: Exception | None = None

    def send(self, email: Row) -> Exception | None:
        """Send one e-mail: None, or why it was not sent."""
        if self.down is not None:
            return self.down
        try:
            message = self.compose(email)
            if self.connection is None:
                self.connection = get_connection()
                self.connection.open()
            if self.connection.send_messages([message]) != 1:
                return NotSent()
        except REFUSED as refused:
            return refused
        except (smtplib.SMTPException, OSError) as error:
            self.down = error
            return error
        except Exception as error:
            # One message that could not be made or sent (a bad address, say): it fails
            # alone, on record, and the rest go.
            return error
        return None

    def __enter__(self) -> Mailer[Row]:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.connection is not None:
            with suppress(smtplib.SMTPException, OSError):
                self.connection.close()


def describe(error: Exception) -> str:
    """The error's kind and the server's reply code: enough to act on, no message text."""
    code = getattr(error, "smtp_code", None) or getattr(error, "errno", None)
    return f"{type(error).__name__}{f' {code}' if code else ''}"[:200]
