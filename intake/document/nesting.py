"""How deeply a JSON body may nest, found without recursion.

Python's json module, FHIR's pydantic model and a debug traceback all recurse once per
level, and give up (RecursionError) a few hundred levels down: an intake document nests
three deep, a QuestionnaireResponse with extensions about a dozen. So every body is
refused beyond MAX_DEPTH, at the path where it went deeper, before anything recurses.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

# Objects and lists, the outermost counted: room for FHIR extensions inside extensions.
MAX_DEPTH = 32
TOO_DEEP = f"must not nest objects and lists more than {MAX_DEPTH} deep"

# Where a value sits: its keys and list indexes from the top.
Location = tuple[str | int, ...]

# The tokens that open, close or separate values, and strings (which may hold brackets).
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]', re.DOTALL)


def too_deep(value: object) -> Location | None:
    """The location of the first object or list (in document order) nested deeper than
    MAX_DEPTH in parsed JSON, or None."""
    pending: list[tuple[object, Location]] = [(value, ())]
    while pending:
        value, location = pending.pop()
        children: Iterable[tuple[str | int, object]]
        if isinstance(value, dict):
            children = value.items()
        elif isinstance(value, list):
            children = enumerate(value)
        else:
            continue
        if len(location) == MAX_DEPTH:
            return location
        pending.extend(reversed([(child, (*location, key)) for key, child in children]))
    return None


def too_deep_in_text(text: str) -> Location | None:
    """As `too_deep`, read from JSON text: for text nested too deeply for `json` to parse."""
    # Per open container: whether it is an object, and its current key (None until read)
    # or index.
    open_containers: list[tuple[bool, str | int | None]] = []
    for token in _TOKEN.finditer(text):
        mark = token.group()
        if mark in ("[", "{"):
            if len(open_containers) == MAX_DEPTH:
                return tuple("" if at is None else at for _, at in open_containers)
            open_containers.append((mark == "{", None if mark == "{" else 0))
        elif not open_containers:
            continue
        elif mark in ("]", "}"):
            open_containers.pop()
        elif mark == ",":
            is_object, at = open_containers[-1]
            open_containers[-1] = (True, None) if is_object else (False, int(at or 0) + 1)
        elif open_containers[-1] == (True, None):  # a string where a key is due
            open_containers[-1] = (True, _key(mark))
    return None


def _key(token: str) -> str:
    try:
        return json.loads(token)
    except ValueError:  # a bad escape: the text is refused either way
        return token[1:-1]


def document_path(location: Location) -> str:
    """A location as the document parser names paths: `medications.0.name`."""
    return ".".join(map(str, location))
