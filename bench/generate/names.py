"""Patients' names: tables of common ones, a long made-up tail, and Zipf-skewed draws."""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence

COMMON_SURNAMES = (
    "Smith", "Garcia", "Johnson", "Nguyen", "Williams", "Rodriguez", "Brown", "Martinez",
    "Jones", "Hernandez", "Lopez", "Miller", "Davis", "Gonzalez", "Wilson", "Anderson",
    "Pérez", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Sánchez", "Kim",
    "Thompson", "White", "Harris", "Clark", "Ramírez", "Lewis", "Robinson", "Walker",
    "Young", "Allen", "King", "Wright", "Scott", "Torres", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter",
    "Roberts", "Patel", "Müller", "Chen", "O'Brien", "Kowalski", "Ødegård", "Novak",
    "Rossi", "Schmidt", "Dubois", "Cohen", "Singh", "Okafor", "Haddad", "Yamamoto",
)  # fmt: skip
FEMALE_NAMES = (
    "Maria", "Linda", "Ana", "Patricia", "Jennifer", "Elizabeth", "Susan", "Jessica",
    "Sarah", "Karen", "Nancy", "Lisa", "Margaret", "Sandra", "Ashley", "Emily", "Donna",
    "Michelle", "María", "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Laura",
    "Chloé", "Zoë", "Fatima", "Mei", "Priya", "Olga", "Ingrid", "Aisha", "Lucía", "Hana",
)  # fmt: skip
MALE_NAMES = (
    "James", "John", "Robert", "Michael", "David", "William", "Richard", "José", "Joseph",
    "Thomas", "Charles", "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Luis",
    "Steven", "Paul", "Andrew", "Joshua", "Kenneth", "Kevin", "Brian", "George", "Carlos",
    "Søren", "Mohammed", "Wei", "Raj", "Ivan", "Kwame", "Hiroshi", "Juan", "Omar",
)  # fmt: skip
_ONSETS = ("b", "br", "c", "ch", "d", "f", "g", "gr", "h", "j", "k", "l", "m", "n", "p", "r", "s",
           "st", "t", "v", "w", "z")  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou")
_ENDINGS = (
    "ld", "lton", "rsen", "nez", "ski", "well", "berg", "vic", "mond", "ford", "stein", "ley",
    "ton", "man", "ero", "ini", "ova", "sson", "dal", "ard", "field", "more", "wick", "by", "ham",
    "son", "dez", "ko", "nen", "lund", "quist", "ez", "ler", "ger", "mann", "ot", "eau", "ris",
    "ell", "ington", "s", "worth", "croft", "ridge", "dale", "wood", "ville", "court", "brook",
    "ney", "lin", "cott", "stone", "rick", "ach", "ido", "ada", "uez", "ucci", "etti", "ian",
    "yan", "ov", "enko", "escu", "akis", "idis", "oglu",
)  # fmt: skip


def surnames(count: int, rng: random.Random) -> list[str]:
    """The common surnames first (highest Zipf ranks), then made-up ones for the long tail."""
    made_up = sorted(
        {f"{o}{v}{e}".capitalize() for o in _ONSETS for v in _VOWELS for e in _ENDINGS}
    )
    rng.shuffle(made_up)  # the tail's order must not follow the alphabet
    names = list(dict.fromkeys([*COMMON_SURNAMES, *made_up]))
    if len(names) < count:
        raise ValueError(f"only {len(names)} distinct surnames can be made")
    return names[:count]


class Zipf:
    """Draws items with weight 1/rank^exponent."""

    def __init__(self, items: Sequence[str], exponent: float) -> None:
        self.items = items
        self.cumulative = list(
            itertools.accumulate(1 / k**exponent for k in range(1, len(items) + 1))
        )

    def draw(self, rng: random.Random) -> str:
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]


FEMALE_GIVEN_NAMES = Zipf(FEMALE_NAMES, 0.7)
MALE_GIVEN_NAMES = Zipf(MALE_NAMES, 0.7)


def given_name(rng: random.Random, *, female: bool) -> str:
    return (FEMALE_GIVEN_NAMES if female else MALE_GIVEN_NAMES).draw(rng)
