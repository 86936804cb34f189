"""Finding a name typed with a typo: "Jonh Smith", "Susan Nelosn", "Maria Lopes".

Each word of a name may be one edit away from the stored word (a letter wrong, missing
or extra, or two neighbouring letters swapped: the Damerau-Levenshtein distance, in its
"optimal string alignment" form), two for a typed word of 8 letters or more.

The words are looked up in `NameWordVariant`, a table of the distinct words of all the
patients' names (thousands, not a million patients) with the strings that deleting up to
two letters from each leaves (the "symmetric delete" method). Two words within k edits
share such a string, so one indexed `IN` query finds every candidate, on SQLite as on
PostgreSQL. The true distance is then checked here, and the patients are searched by the
corrected words, exactly as by the typed ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from intake.models import NameWordVariant

LONG_WORD = 8  # typed words this long may be two edits away
# A stored word this long may be two edits from a typed LONG_WORD, so it keeps its
# two-letter deletions too.
STORED_TWO_EDITS = LONG_WORD - 2
SHORTEST = 3  # shorter typed words are only searched as typed: "Li" alike is everyone


def tolerance(typed: str) -> int:
    return 2 if len(typed) >= LONG_WORD else 1


def deletions(word: str, depth: int) -> set[str]:
    """The word and every string left by deleting up to `depth` of its letters."""
    found = {word}
    for count in range(1, min(depth, len(word) - 1) + 1):
        for gone in combinations(range(len(word)), count):
            found.add("".join(c for i, c in enumerate(word) if i not in gone))
    return found


def variants_to_store(word: str) -> set[str]:
    return deletions(word, 2 if len(word) >= STORED_TWO_EDITS else 1)


def distance(a: str, b: str) -> int:
    """Edits between two words: insertions, deletions, substitutions and swaps of two
    neighbouring letters (optimal string alignment)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, letter in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, other in enumerate(b, start=1):
            cost = letter != other
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and letter == b[j - 2] and a[i - 2] == other:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def remember(search_names: Iterable[str]) -> None:
    """Add the words of these names (`Patient.search_name`, already folded) to the table;
    words already there are left alone. A word is never removed: one no patient has any
    more finds nobody."""
    words = {word for name in search_names for word in name.split() if len(word) >= 2}
    rows = [
        NameWordVariant(variant=variant, word=word)
        for word in sorted(words)
        for variant in variants_to_store(word)
    ]
    NameWordVariant.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)


def corrected(typed_words: list[str]) -> list[list[str]] | None:
    """For each typed word (folded), the stored words within its tolerance, nearest first;
    None when a word has none (nobody can match), or when no word is long enough to
    correct."""
    if not any(len(word) >= SHORTEST for word in typed_words):
        return None
    lookups = {
        word: deletions(word, tolerance(word)) for word in typed_words if len(word) >= SHORTEST
    }
    wanted = set().union(*lookups.values())
    candidates: dict[str, set[str]] = {}
    for variant, word in NameWordVariant.objects.filter(variant__in=wanted).values_list(
        "variant", "word"
    ):
        candidates.setdefault(variant, set()).add(word)
    result = []
    for typed in typed_words:
        if typed not in lookups:
            result.append([typed])  # too short to correct: as typed
            continue
        near = {word for variant in lookups[typed] for word in candidates.get(variant, ())}
        scored = sorted((distance(typed, word), word) for word in near)
        kept = [word for score, word in scored if score <= tolerance(typed)]
        if not kept:
            return None
        result.append(kept)
    return result
