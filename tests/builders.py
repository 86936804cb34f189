"""Intake documents for the pure clinical tests: the vignettes and a benign base to vary."""

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

from intake.document import IntakeDocument, parse_document

VIGNETTES = sorted((Path(__file__).parent / "data" / "vignettes").glob("*.json"))
REPORTED_ON = dt.date(2026, 11, 20)
DELETE = object()  # as a value in `with_answers`: remove the key


def load_vignette(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# The 2026.12.1 questions vignette 01 (written for 2026.11.1) does not answer, answered no.
NEW_QUESTIONS_ANSWERED_NO = {
    "symptoms.last_changed_days": None,
    "red_flags.urinary_difficulty": False,
    "risk_factors": {
        "fever": False,
        "injects_drugs": False,
        "immunosuppressed": False,
        "spinal_procedure_recent": False,
        "blood_thinner": False,
    },
}


# The vignettes written for rules 2026.11.1 (their references brought up to date): the
# answers today's forms can carry, until they ask the new questions (FHIR asks them all).
VIGNETTES_2026_11 = VIGNETTES[:12]


def benign_data_2026_11() -> dict[str, Any]:
    """Vignette 01 as written for 2026.11.1: the questions new in 2026.12.1 not asked."""
    return load_vignette(VIGNETTES[0])["document"]


def benign_data() -> dict[str, Any]:
    """Short, positional, relieved by moving, every question asked: no flags, no tests.

    Vignette 01 with the questions new in 2026.12.1 answered no.
    """
    return with_answers(benign_data_2026_11(), NEW_QUESTIONS_ANSWERED_NO)


def days_before(days: int) -> str:
    """The ISO date `days` before REPORTED_ON (negative: after it)."""
    return (REPORTED_ON - dt.timedelta(days=days)).isoformat()


def with_answers(data: object, answers: dict[str, object]) -> Any:
    """A copy of `data` with each dotted path (e.g. `medications.0.name`) set or DELETEd."""
    changed = copy.deepcopy(data)
    for path, value in answers.items():
        *parents, last = path.split(".")
        target = changed
        for name in parents:
            target = target[int(name)] if isinstance(target, list) else target[name]
        key: Any = int(last) if isinstance(target, list) else last
        if value is DELETE:
            del target[key]
        else:
            target[key] = value
    return changed


def document(answers: dict[str, object] | None = None) -> IntakeDocument:
    """The benign document with the answers at the given dotted paths changed."""
    return parse_document(with_answers(benign_data(), answers or {}))
