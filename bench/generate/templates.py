"""JSON text made once and filled in per row: the generator's way of being fast."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

# Variants are built as if reported on this far-future day, so every date derived from
# it is recognisable in a template and can be moved to the intake's own day.
REFERENCE_DAY = dt.date(2400, 1, 1)
_REFERENCE_DATE = re.compile(r"2[34]\d\d-\d\d-\d\d")


def slot(name: str) -> str:
    """A value that marks where a slot goes; json.dumps writes it as "\\u0000name\\u0000"."""
    return f"\x00{name}\x00"


def moved(day: dt.date | None, to: dt.date) -> dt.date | None:
    """A date on REFERENCE_DAY's scale, moved to the same distance from `to`."""
    return None if day is None else to + (day - REFERENCE_DAY)


@dataclass(frozen=True, slots=True)
class JsonTemplate:
    """JSON text whose dates (relative to REFERENCE_DAY) and named slots are filled per row."""

    text: str
    offsets: tuple[int, ...]  # days from the row's own day, one per positional field

    @classmethod
    def of(cls, value: object, slots: Iterable[str] = ()) -> JsonTemplate:
        text = json.dumps(value, ensure_ascii=False).replace("{", "{{").replace("}", "}}")
        for name in slots:
            text = text.replace(json.dumps(slot(name)), f"{{{name}}}")
        offsets: dict[int, int] = {}

        def positional(match: re.Match[str]) -> str:
            offset = (dt.date.fromisoformat(match[0]) - REFERENCE_DAY).days
            return f"{{{offsets.setdefault(offset, len(offsets))}}}"

        return cls(_REFERENCE_DATE.sub(positional, text), tuple(offsets))

    def fill(self, day: dt.date, **slots: str) -> str:
        """The JSON text as of `day`; each slot's value is JSON text itself."""
        return self.text.format(
            *[(day + dt.timedelta(days=o)).isoformat() for o in self.offsets], **slots
        )
