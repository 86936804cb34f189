"""A flag's or a suggestion's evidence as people read it: the question, and the answer in words.

Rules cite answers by their path in the intake document (`red_flags.confusion`,
`medications.1.name`), and free-text matches as `path: "quoted words"`; the API and
`evaluate_intake` keep those paths. Pages and the summary show the same evidence as
("Loss of bladder or bowel control", "Yes") or ("Medication", "Omeprazol 20 mg"), worded
by intake.questions. Pure: the document and the path in, two strings out.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.document import Injury, IntakeDocument, Medication, NotAsked, Vaccination, answer_at
from intake.questions import OPTION_LABELS, none_of, reason_label
from intake.questions import question as question_asked

_INDEX = re.compile(r"\.\d+(?=\.|$)")
_DAYS = {"symptoms.duration_days", "symptoms.last_changed_days"}


def evidence_in_words(
    doc: IntakeDocument, evidence: str, *, as_asked: bool = False
) -> tuple[str, str]:
    """(question label, answer label) for one evidence entry of a flag or a suggestion.

    The label is the short one staff read beside a flag, or with `as_asked` the question as
    the patient was asked it.
    """
    path, _colon, quoted = evidence.partition(": ")
    question = str((question_asked if as_asked else reason_label)(_INDEX.sub("", path)))
    if quoted:  # a free-text match: the words around it, as the patient typed them
        return question, quoted
    item = answer_at(doc, path.rpartition(".")[0]) if _INDEX.search(path) else None
    if isinstance(item, Medication):
        return question, " ".join(filter(None, (item.name, item.dose)))
    if isinstance(item, Injury):
        return question, _injury(item)
    if isinstance(item, Vaccination):
        return question, ", ".join(filter(None, (item.name, _date(item.date))))
    return question, _answer(path, answer_at(doc, path))


def evidence_words(doc: IntakeDocument, evidence: str) -> str:
    """One line of evidence as people read it: "Loss of bladder or bowel control: Yes"."""
    return ": ".join(evidence_in_words(doc, evidence))


def _answer(path: str, value: object) -> str:
    if isinstance(value, NotAsked) or (value is None and path not in _DAYS):
        return _("Not asked")
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if path in _DAYS:
        return days_ago_in_words(value)
    if isinstance(value, tuple):
        return ", ".join(_label(code) for code in value) or none_of(path)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _label(value) if isinstance(value, str) else str(value)


def days_ago_in_words(days: int | None) -> str:
    """ "3 days ago", "1 day ago", or for a change that did not happen (null) "It has not"."""
    if days is None:
        return _("It has not")
    return ngettext("%(days)d day ago", "%(days)d days ago", days) % {"days": days}


def _label(code: str) -> str:
    return str(OPTION_LABELS.get(code, code))


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _injury(injury: Injury) -> str:
    return injury_in_words(
        injury.kind, _date(injury.date), injury.older_than_14_days, injury.mechanism
    )


def injury_in_words(kind: str, day: str, older_than_14_days: bool | None, mechanism: str) -> str:
    """ "Head injury, 2026-11-17, Fall": what, when (a day or "more than two weeks ago"), how."""
    when = day or (_("more than two weeks ago") if older_than_14_days else "")
    how = _label(mechanism) if mechanism else ""
    return ", ".join(filter(None, (_label(kind), when, how)))
