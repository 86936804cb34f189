"""Random intake documents, in the JSON form the app takes, meant to triage at a level.

They are reported on REFERENCE_DAY with a placeholder patient: variants.py checks each
with the real engine and turns it into a template.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, NamedTuple

from bench.generate.templates import REFERENCE_DAY
from intake.document import codes
from intake.levels import Level

PLACEHOLDER_PATIENT = {
    "given_name": "Pat",
    "family_name": "Placeholder",
    "date_of_birth": "2350-06-15",
    "sex": "female",
}


class Drug(NamedTuple):
    name: str
    dose: str
    kind: str


MEDICATIONS = (
    Drug("Metformin", "500 mg twice daily", "prescription"),
    Drug("Atorvastatin", "20 mg at night", "prescription"),
    Drug("Lisinopril", "10 mg daily", "prescription"),
    Drug("Levothyroxine", "75 mcg daily", "prescription"),
    Drug("Omeprazole", "20 mg daily", "prescription"),
    Drug("Gabapentin", "300 mg three times daily", "prescription"),
    Drug("Amlodipine", "5 mg daily", "prescription"),
    Drug("Sertraline", "50 mg daily", "prescription"),
    Drug("Metoprolol", "25 mg twice daily", "prescription"),
    Drug("Ibuprofen", "400 mg as needed", "over_the_counter"),
    Drug("Paracetamol", "1 g as needed", "over_the_counter"),
    Drug("Vitamin B12", "1000 mcg daily", "supplement"),
    Drug("Vitamin D3", "1000 IU daily", "supplement"),
    Drug("Magnesium", "250 mg daily", "supplement"),
)
VACCINES = ("Influenza", "COVID-19", "Tetanus (Tdap)", "Shingles", "Pneumococcal")
DESCRIPTIONS = (
    "",
    "",
    "Pins and needles when I sit for a long time.",
    "Feels like my foot is asleep most mornings.",
    "Tingling that gets worse at night.",
    "Numb patch on the outside of the thigh.",
    "Burning feeling in both feet after walking.",
    "Started after a long drive, comes back now and then.",
    "My toes feel cold and tingly.",
)
NOTES = ("", "", "", "Works long shifts standing.", "Prefers morning appointments.",
         "Brought earlier test results.")  # fmt: skip
_BENIGN_ASSOCIATED = tuple(code for code in codes.ASSOCIATED if code != "leg_weakness")


def _day(days_before: int) -> str:
    return (REFERENCE_DAY - dt.timedelta(days=days_before)).isoformat()


def random_document(rng: random.Random, level: str) -> dict[str, Any]:
    """An intake document (JSON form, reported on REFERENCE_DAY) meant to triage at `level`;
    the caller checks it with the real engine."""
    pattern = rng.choice(codes.PATTERNS)
    conditions = rng.sample(codes.CONDITIONS, rng.choice((0, 0, 1, 1, 2)))
    symptoms: dict[str, Any] = {
        "sides": rng.choice(codes.SIDES),
        "locations": sorted(
            rng.sample(codes.LOCATIONS, rng.randint(1, 3)), key=codes.LOCATIONS.index
        ),
        "onset": rng.choice(("gradual", "gradual", "sudden")),
        "duration_days": rng.choice((10, 21, 45, 90, 180, 400, 1200)),
        "pattern": pattern,
        "frequency": rng.choice(codes.FREQUENCIES) if pattern == "comes_and_goes" else None,
        "positional": rng.random() < 0.4,
        "relieved_by_moving": rng.random() < 0.4,
        "progression": rng.choice(("getting_better", "stable", "getting_worse")),
        "severity": rng.randint(1, 8),
        "associated": rng.sample(_BENIGN_ASSOCIATED, rng.choice((0, 0, 1, 1, 2, 3))),
        "other_symptoms": rng.sample(codes.OTHER_SYMPTOMS, rng.choice((0, 0, 0, 1))),
        "description": rng.choice(DESCRIPTIONS),
    }
    document: dict[str, Any] = {
        "reported_on": REFERENCE_DAY.isoformat(),
        "patient": PLACEHOLDER_PATIENT,
        "symptoms": symptoms,
        "red_flags": dict.fromkeys(codes.RED_FLAG_CODES, False),
        "medications": [
            drug._asdict() for drug in rng.sample(MEDICATIONS, rng.choice((0, 1, 2, 2, 3, 4, 6)))
        ],
        "vaccinations": [
            {"name": name, "date": _day(rng.randint(5, 700))}
            for name in rng.sample(VACCINES, rng.choice((0, 0, 1, 1, 2)))
        ],
        "injuries": [
            {
                "kind": kind,
                "date": _day(rng.randint(60, 4000)),
                "mechanism": rng.choice(codes.INJURY_MECHANISMS),
            }
            for kind in rng.sample(codes.INJURY_KINDS, rng.choice((0, 0, 0, 1)))
        ],
        "conditions": conditions,
        "exposures": rng.sample(codes.EXPOSURES, rng.choice((0,) * 9 + (1,))),
        "lifestyle": {
            "alcohol_drinks_per_week": rng.choice((0, 0, 2, 4, 7, 12)),
            "diet": rng.choice(codes.DIETS),
            "smoking": rng.choice(codes.SMOKING),
        },
        "notes": rng.choice(NOTES),
    }
    if level == Level.EMERGENCY:
        document["red_flags"][rng.choice(codes.RED_FLAG_CODES)] = True
    if level == Level.URGENT or (level == Level.EMERGENCY and rng.random() < 0.3):
        _add_urgent_sign(rng, document)
    return document


def _add_urgent_sign(rng: random.Random, document: dict[str, Any]) -> None:
    symptoms = document["symptoms"]
    sign = rng.choice(("weakness", "sudden", "appearance", "spreading", "cancer"))
    if sign == "weakness":
        symptoms["associated"] = [*symptoms["associated"], "leg_weakness"]
    elif sign == "sudden":
        symptoms["onset"], symptoms["duration_days"] = "sudden", rng.choice((1, 2, 3, 5))
    elif sign == "appearance":
        symptoms["leg_changes"] = rng.sample(codes.LEG_CHANGES, rng.randint(1, 2))
    elif sign == "spreading":
        symptoms["progression"] = "spreading_upward"
    else:
        document["conditions"] = sorted({*document["conditions"], "cancer"})
        symptoms["associated"] = sorted({*symptoms["associated"], "back_pain"})
