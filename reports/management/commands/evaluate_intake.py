"""`manage.py evaluate_intake PATH`: the evaluation contract (clinical-content.md §4).

Reads one intake document from a file, or standard input when PATH is `-`, and
prints triage and suggested tests as one JSON object; nothing is written to the
database. A document that cannot be read or is invalid exits with status 2,
each problem on standard error by its path, then every emergency answer the
refused document still gives (clinical-content.md §4).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from intake.document import (
    ROOT_PATH,
    DocumentInvalid,
    Problem,
    emergency_answers,
    parse_document,
)
from reports.evaluation import evaluate_document

INVALID = 2  # the exit status for input that cannot be evaluated
EMERGENCY_ANSWERS = "emergency answers in this refused document: "


class Command(BaseCommand):
    help = "Print the triage and suggested tests for one intake document (JSON) as JSON."
    # A filter over one file: the project's checks (which import every URL) run in CI,
    # not on each call, and would add their warnings to this command's output.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the intake document, or - to read standard input")

    def handle(self, *args, path: str, **options) -> None:
        data: object = None
        try:
            data = _load_json(_read(path))
            doc = parse_document(data)
        except DocumentInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(str(problem))
            # A refusal never throws an emergency away (§4).
            if emergencies := emergency_answers(data):
                self.stderr.write(EMERGENCY_ANSWERS + ", ".join(emergencies))
            count = len(invalid.problems)
            raise CommandError(
                f"the intake document was rejected ({count} problem{'s' * (count != 1)})",
                returncode=INVALID,
            ) from None
        self.stdout.write(json.dumps(evaluate_document(doc), indent=2))


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file", returncode=INVALID) from None
    except OSError as error:
        raise CommandError(
            f"{path}: cannot be read ({error.strerror})", returncode=INVALID
        ) from None


def _load_json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    # Not JSON, not UTF-8 (both ValueErrors), or nested deeper than Python can follow.
    except (ValueError, RecursionError) as error:
        raise DocumentInvalid((Problem(ROOT_PATH, f"is not valid JSON ({error})"),)) from None
