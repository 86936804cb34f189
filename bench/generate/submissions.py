"""Intake documents for the submit endpoint (bench/probe.py): new patients, the clinic's mix."""

from __future__ import annotations

import datetime as dt
import json
import random

from bench.generate.documents import random_document
from bench.generate.names import Zipf, given_name, surnames
from bench.generate.plan import Mix, draw_level
from bench.generate.templates import JsonTemplate, slot


def submission_documents(count: int, *, seed: int, day: dt.date) -> list[str]:
    """Intake documents (JSON text) for the submit endpoint: the clinic's level mix, new
    patients without an MRN, reported on `day`."""
    rng, mix = random.Random(seed), Mix()
    family_names = Zipf(surnames(mix.surname_count, rng), mix.surname_exponent)
    documents = []
    for _ in range(count):
        level = draw_level(rng, mix)
        female = rng.random() < 0.5
        patient = {
            "given_name": given_name(rng, female=female),
            "family_name": family_names.draw(rng),
            "date_of_birth": (day - dt.timedelta(days=rng.randint(18 * 365, 90 * 365))).isoformat(),
            "sex": "female" if female else "male",
        }
        document = {**random_document(rng, level), "patient": slot("patient")}
        documents.append(
            JsonTemplate.of(document, ["patient"]).fill(day, patient=json.dumps(patient))
        )
    return documents
