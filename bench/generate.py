"""Realistic intakes in bulk, for the benchmarks: `manage.py generate_intakes N`.

How a million rows stay faithful to the app and still load in minutes:

* A pool of intake *variants* is built first through the app's own code: each random
  document is parsed (`parse_document`), triaged (`evaluate_triage`), summarised
  (`build_summary_content`) and written onto an intake by `apply_document` inside a
  transaction that is rolled back, which yields the exact column values.
* Every generated intake takes one variant plus its own patient, times and review
  state. Only ids, names and dates are filled in per row (into JSON templates), so
  each stored document, triage, flag and summary is what the app would have stored.
* Rows go in by COPY on PostgreSQL (plain INSERTs elsewhere, for the tests), in
  chunks, with ids allocated here so children can name their parents.

The mix (about 3 % emergency, 12 % urgent; a small unreviewed "active" set of the
newest intakes; Zipf-distributed surnames) is in `Mix` and the name tables below.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import functools
import itertools
import json
import multiprocessing
import os
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction

from accounts.roles import Role, sync_role_groups
from intake.answers import (
    CHANGE_FIELDS,
    INJURY_FIELDS,
    LIFESTYLE_FIELDS,
    LIST_FIELDS,
    SYMPTOM_FIELDS,
    apply_document,
)
from intake.document import codes, document_to_dict, parse_document
from intake.levels import OpenAlert
from intake.models import Injury, Intake, IntakeVersion, Medication, Patient, Vaccination
from intake.services import changed_paths, search_name_of
from reports.models import PreVisitSummary
from reports.summary import build_summary_content, label
from triage.engine import evaluate_triage
from triage.models import TriageAssessment, TriageFlag
from triage.rules import EMERGENCY, ROUTINE, URGENT

# Variants are built as if reported on this far-future day, so every date derived from
# it is recognisable in a template and can be moved to the intake's own day.
REFERENCE_DAY = dt.date(2400, 1, 1)
_REFERENCE_DATE = re.compile(r"2[34]\d\d-\d\d-\d\d")
_PLACEHOLDER_PATIENT = {
    "given_name": "Pat",
    "family_name": "Placeholder",
    "date_of_birth": "2350-06-15",
    "sex": "female",
}
LEVELS = (EMERGENCY, URGENT, ROUTINE)
BENCH_USER_PREFIX = "bench-"


@dataclass(frozen=True)
class Mix:
    """The shape of the generated clinic."""

    emergency: float = 0.03
    urgent: float = 0.12
    active: float = 0.005  # the newest intakes, not reviewed yet
    min_active: int = 20
    pending: float = 0.05  # of the active set: summary still being rendered
    failed_summary: float = 0.0005
    min_failed: int = 3  # so every size can show the "failed" filter with rows
    amended: float = 0.04
    drafts: float = 0.003
    returning: float = 0.15  # an intake by a patient who came before
    no_mrn: float = 0.08
    intakes_per_day: int = 1000  # sets the time span: 1,000,000 intakes ≈ 2.7 years
    min_days: int = 30
    surname_exponent: float = 0.8  # Zipf: the top surname is ~4 % of patients
    surname_count: int = 10_000


# --- names -------------------------------------------------------------------------

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


# --- documents -----------------------------------------------------------------------

MEDICATIONS = (
    ("Metformin", "500 mg twice daily", "prescription"),
    ("Atorvastatin", "20 mg at night", "prescription"),
    ("Lisinopril", "10 mg daily", "prescription"),
    ("Levothyroxine", "75 mcg daily", "prescription"),
    ("Omeprazole", "20 mg daily", "prescription"),
    ("Gabapentin", "300 mg three times daily", "prescription"),
    ("Amlodipine", "5 mg daily", "prescription"),
    ("Sertraline", "50 mg daily", "prescription"),
    ("Metoprolol", "25 mg twice daily", "prescription"),
    ("Ibuprofen", "400 mg as needed", "over_the_counter"),
    ("Paracetamol", "1 g as needed", "over_the_counter"),
    ("Vitamin B12", "1000 mcg daily", "supplement"),
    ("Vitamin D3", "1000 IU daily", "supplement"),
    ("Magnesium", "250 mg daily", "supplement"),
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
AMEND_REASONS = (
    "Patient corrected the duration.",
    "Medication list updated at the desk.",
    "Patient remembered an earlier injury.",
    "Severity re-rated with the nurse.",
)
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
        "patient": _PLACEHOLDER_PATIENT,
        "symptoms": symptoms,
        "red_flags": dict.fromkeys(codes.RED_FLAG_CODES, False),
        "medications": [
            {"name": name, "dose": dose, "kind": kind}
            for name, dose, kind in rng.sample(MEDICATIONS, rng.choice((0, 1, 2, 2, 3, 4, 6)))
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
    if level == EMERGENCY:
        document["red_flags"][rng.choice(codes.RED_FLAG_CODES)] = True
    if level == URGENT or (level == EMERGENCY and rng.random() < 0.3):
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


# --- templates -------------------------------------------------------------------------


def _slot(name: str) -> str:
    return f"\x00{name}\x00"  # json.dumps writes it as "\u0000name\u0000"


@dataclass(frozen=True, slots=True)
class JsonTemplate:
    """JSON text whose dates (relative to REFERENCE_DAY) and named slots are filled per row."""

    text: str
    offsets: tuple[int, ...]  # days from the row's own day, one per positional field

    @classmethod
    def of(cls, value: object, slots: Iterable[str] = ()) -> JsonTemplate:
        text = json.dumps(value, ensure_ascii=False).replace("{", "{{").replace("}", "}}")
        for name in slots:
            text = text.replace(json.dumps(_slot(name)), f"{{{name}}}")
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


# --- variants ------------------------------------------------------------------------

# What `apply_document` writes onto an intake: the rest of its columns are set per row.
CLINICAL_FIELDS = (
    *SYMPTOM_FIELDS,
    *CHANGE_FIELDS,
    *codes.ALL_RED_FLAG_CODES,
    *codes.ALL_RISK_FACTOR_CODES,
    *LIST_FIELDS,
    *LIFESTYLE_FIELDS,
    "notes",
)
_JSON_FIELDS = frozenset(
    f.name for f in Intake._meta.concrete_fields if isinstance(f, models.JSONField)
)


@dataclass(frozen=True, slots=True)
class FlagRow:
    code: str
    severity: str
    title: str
    source: str
    evidence: str  # JSON


@dataclass(frozen=True, slots=True)
class Variant:
    document: dict[str, Any]  # JSON form, reported on REFERENCE_DAY, placeholder patient
    level: str
    rules_version: str
    flags: tuple[FlagRow, ...]
    clinical: tuple[object, ...]  # CLINICAL_FIELDS values as COPY takes them
    medications: tuple[tuple[str, str, str], ...]
    vaccinations: tuple[tuple[str, int | None], ...]  # (name, day offset)
    # (kind, day offset, older than 14 days, mechanism, text)
    injuries: tuple[tuple[str, int | None, bool | None, str, str], ...]
    document_template: JsonTemplate
    content_template: JsonTemplate


def _offset(day: dt.date | None) -> int | None:
    return None if day is None else (day - REFERENCE_DAY).days


def _variant(document: dict[str, Any]) -> Variant:
    """Triage, summarise and store `document` the app's way (rolled back by the caller)."""
    doc = parse_document(document, today=REFERENCE_DAY)
    triage = evaluate_triage(doc)
    content = build_summary_content(
        doc, triage, submitted_at=dt.datetime(2400, 1, 1, tzinfo=dt.UTC)
    )
    content.update(patient=_slot("patient"), submitted_at=_slot("submitted_at"))
    canonical = document_to_dict(doc)
    patient = Patient.objects.create(
        given_name="Pat", family_name="Placeholder", date_of_birth=dt.date(1970, 1, 1)
    )
    intake = Intake.objects.create(patient=patient)
    apply_document(intake, doc)
    return Variant(
        document=canonical,
        level=triage.level,
        rules_version=triage.rules_version,
        flags=tuple(
            FlagRow(f.code, f.severity, f.title, f.source, json.dumps(list(f.evidence)))
            for f in triage.flags
        ),
        clinical=tuple(
            json.dumps(getattr(intake, name)) if name in _JSON_FIELDS else getattr(intake, name)
            for name in CLINICAL_FIELDS
        ),
        medications=tuple(intake.medications.values_list("name", "dose", "kind")),
        vaccinations=tuple(
            (name, _offset(day)) for name, day in intake.vaccinations.values_list("name", "date")
        ),
        injuries=tuple(
            (kind, _offset(day), older, mechanism, text)
            for kind, day, older, mechanism, text in intake.injuries.values_list(*INJURY_FIELDS)
        ),
        document_template=JsonTemplate.of({**canonical, "patient": _slot("patient")}, ["patient"]),
        content_template=JsonTemplate.of(content, ["patient", "submitted_at"]),
    )


def variant_pool(size: int, rng: random.Random) -> dict[str, list[Variant]]:
    """About `size` distinct variants, by level (15 % emergency, 25 % urgent, 60 % routine
    of the pool: diversity, not the data mix). Leaves no rows behind."""
    wanted = {
        EMERGENCY: max(3, size * 15 // 100),
        URGENT: max(3, size // 4),
        ROUTINE: max(3, size * 6 // 10),
    }
    pool: dict[str, list[Variant]] = {level: [] for level in LEVELS}
    with transaction.atomic():
        for level, count in wanted.items():
            while len(pool[level]) < count:
                document = random_document(rng, level)
                if evaluate_triage(parse_document(document, today=REFERENCE_DAY)).level == level:
                    pool[level].append(_variant(document))
        transaction.set_rollback(True)
    return pool


# --- rows --------------------------------------------------------------------------------

# The columns each table gets, in COPY order; `_Table` checks they are all of the model's.
COLUMNS: dict[type[models.Model], tuple[str, ...]] = {
    Patient: (
        "id", "mrn", "given_name", "family_name", "date_of_birth", "sex", "phone", "email",
        "preferred_language", "search_name", "created_at", "updated_at",
    ),
    Intake: (
        "id", "patient_id", "status", "version", "revision", "channel", "entered_by_id",
        "reported_on", "created_at", "updated_at", "submitted_at", "submitted_by_id",
        "triage_level", "rules_version", "open_alert", "reviewed_at", "reviewed_by_id",
        *CLINICAL_FIELDS,
    ),
    Medication: ("id", "intake_id", "position", "name", "dose", "kind"),
    Vaccination: ("id", "intake_id", "position", "name", "date"),
    Injury: ("id", "intake_id", "position", *INJURY_FIELDS),
    IntakeVersion: (
        "id", "intake_id", "number", "document", "changed_paths", "reason", "created_at",
        "created_by_id",
    ),
    TriageAssessment: (
        "id", "intake_id", "intake_version", "level", "rules_version", "created_at",
        "escalation_confirmed_at", "escalation_confirmed_by_id",
    ),
    TriageFlag: (
        "id", "assessment_id", "position", "code", "severity", "title", "source", "evidence",
        "acknowledged_at", "acknowledged_by_id", "acknowledgement_note",
    ),
    PreVisitSummary: (
        "id", "intake_id", "intake_version", "status", "rules_version", "content", "pdf",
        "pdf_pages", "attempts", "failure_reason", "created_at", "updated_at", "enqueued_at",
        "ready_at",
    ),
}  # fmt: skip
# Plain strings and cumulative weights: enum lookups and random.choices cost too much
# a million times over.
_SEXES = (codes.SEXES, (0.49, 0.98, 0.99, 1.0))
_CHANNELS = (tuple(Intake.Channel.values), (0.6, 0.8, 0.95, 1.0))
DRAFT, PENDING, FAILED, READY = "draft", "pending", "failed", "ready"


def _pick(rng: random.Random, choices: tuple[Sequence[str], Sequence[float]]) -> str:
    items, cumulative = choices
    return items[bisect.bisect_right(cumulative, rng.random())]


FAILURE_REASON = "The summary could not be built (ValueError)."
TYPICAL_PAGES = 2  # summaries are not rendered here; 2 pages is the typical summary's count


class _Table:
    """How one table's rows are written: COPY on PostgreSQL, INSERT elsewhere."""

    def __init__(self, model: type[models.Model]) -> None:
        columns = COLUMNS[model]
        missing = {f.attname for f in model._meta.concrete_fields} ^ set(columns)
        if missing:  # a field added to the model must be generated too
            raise RuntimeError(f"{model.__name__}: the generator does not match {missing}")
        self.model = model
        self.fields = [model._meta.get_field(name) for name in columns]

    def write(self, rows: list[tuple[object, ...]]) -> None:
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        names = ", ".join(quote(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # Python values go straight to COPY; JSON columns are already JSON text.
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return
            prepare = [
                None
                if isinstance(f, models.JSONField)
                else functools.partial(f.get_db_prep_value, connection=connection)
                for f in self.fields
            ]
            placeholders = ", ".join(["%s"] * len(prepare))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",  # noqa: S608
                [
                    tuple(v if p is None else p(v) for p, v in zip(prepare, row, strict=True))
                    for row in rows
                ],
            )


TABLES = {model: _Table(model) for model in COLUMNS}  # parents before children
Rows = dict[type[models.Model], list[tuple[object, ...]]]


def _write(rows: Rows) -> None:
    """One chunk, parents before children, in one transaction."""
    bulk = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if bulk:  # the command's load; a test's rows get every check
            with connection.cursor() as cursor:
                # lz4 compresses the summaries' and documents' JSON far faster than pglz.
                cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
                cursor.execute("SHOW is_superuser")
                if cursor.fetchone()[0] == "on":
                    # Skip the per-row foreign-key triggers (CHECK, UNIQUE and NOT NULL still
                    # apply): every id is made here, and tests/bench checks the references.
                    cursor.execute("SET LOCAL session_replication_role = replica")
        for model, table in TABLES.items():
            table.write(rows[model])


@dataclass
class Stats:
    intakes: int = 0
    patients: int = 0
    seconds: float = 0.0  # everything: variants, rows, indexes, VACUUM/ANALYZE
    rows: dict[str, int] = field(default_factory=dict)  # by table
    levels: dict[str, int] = field(default_factory=dict)  # submitted intakes by current level
    phases: dict[str, float] = field(default_factory=dict)  # seconds

    def add(self, other: Stats) -> None:
        self.intakes += other.intakes
        self.patients += other.patients
        for mine, theirs in ((self.rows, other.rows), (self.levels, other.levels)):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value


def _bench_users() -> tuple[list[int], list[int]]:
    """The staff who entered and reviewed the generated intakes (no usable password)."""
    if not Group.objects.filter(name=Role.CLINICIAN).exists():
        sync_role_groups()
    staff: dict[str, list[int]] = {}
    for role, count in ((Role.FRONT_DESK, 4), (Role.CLINICIAN, 6)):
        staff[role] = []
        for number in range(1, count + 1):
            user, created = get_user_model().objects.get_or_create(
                username=f"{BENCH_USER_PREFIX}{role}-{number}"
            )
            if created:
                user.set_unusable_password()
                user.save()
                user.groups.add(Group.objects.get(name=role))
            staff[role].append(user.pk)
    return staff[Role.FRONT_DESK], staff[Role.CLINICIAN]


@functools.cache
def _label(code: str) -> str | None:
    return label(code)  # a translation lookup: too slow to repeat a million times


def _age(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass(frozen=True)
class _Plan:
    """What every chunk shares; made once, then inherited by forked worker processes."""

    count: int
    seed: str
    mix: Mix
    now: dt.datetime
    existing: int  # intakes already in the database: MRNs and seeds start after them
    pool: dict[str, list[Variant]]
    surnames: Zipf
    desk: list[int]
    clinicians: list[int]
    # Integer ids are first + intake index * stride + n: unique without coordination.
    first_ids: dict[type[models.Model], int]
    strides: dict[type[models.Model], int]

    @classmethod
    def make(cls, count: int, seed: int, mix: Mix, variants: int, now: dt.datetime) -> _Plan:
        existing = Intake.objects.count()
        rng = random.Random(f"{seed}:{existing}")  # a second run into the same database differs
        pool = variant_pool(variants, rng)
        every = [variant for variants in pool.values() for variant in variants]
        most = {
            Medication: max(len(v.medications) for v in every),
            Vaccination: max(len(v.vaccinations) for v in every),
            Injury: max(len(v.injuries) for v in every),
            TriageFlag: 2 * max(len(v.flags) for v in every),  # two versions at most
        }
        desk, clinicians = _bench_users()
        return cls(
            count=count,
            seed=f"{seed}:{existing}",
            mix=mix,
            now=now,
            existing=existing,
            pool=pool,
            surnames=Zipf(surnames(mix.surname_count, rng), mix.surname_exponent),
            desk=desk,
            clinicians=clinicians,
            first_ids={
                model: (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
                for model in COLUMNS
                if model not in (Patient, Intake)
            },
            strides={model: max(1, most.get(model, 2)) for model in COLUMNS},
        )

    @functools.cached_property
    def days(self) -> int:
        return max(self.mix.min_days, self.count // self.mix.intakes_per_day)

    @functools.cached_property
    def active_from(self) -> int:
        return self.count - max(self.mix.min_active, round(self.count * self.mix.active))

    @functools.cached_property
    def pending_from(self) -> int:
        active = self.count - self.active_from
        return self.count - max(1, round(active * self.mix.pending))

    @functools.cached_property
    def failed_every(self) -> int:
        """Every so many intakes, the current summary failed: spread evenly over time."""
        every = round(1 / self.mix.failed_summary)
        return max(1, min(every, self.count // self.mix.min_failed))

    def status(self, index: int, *, current: bool) -> str:
        """The summary's status; earlier versions' summaries were ready before amendment."""
        if current and index >= self.pending_from:
            return PENDING
        if current and index % self.failed_every == self.failed_every // 2:
            return FAILED
        return READY


_FEMALE, _MALE = Zipf(FEMALE_NAMES, 0.7), Zipf(MALE_NAMES, 0.7)


@dataclass(slots=True)
class _Person:
    id: uuid.UUID
    mrn: str | None
    given: str
    family: str
    born: dt.date
    sex: str
    language: str
    document_json: str  # the document's `patient` object


class _Chunk:
    """The rows of intakes [start, end): deterministic for a given plan, whoever builds it."""

    def __init__(self, plan: _Plan, start: int) -> None:
        self.plan, self.mix, self.now = plan, plan.mix, plan.now
        self.rng = random.Random(f"{plan.seed}:{start}")
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.begin = plan.now - dt.timedelta(days=plan.days)
        self.step = dt.timedelta(days=plan.days) / plan.count
        self.rows: Rows = {model: [] for model in COLUMNS}
        self.people: list[_Person] = []  # patients of this chunk, who may come back
        self.stats = Stats()
        self.index = 0

    def build(self, start: int, end: int) -> Rows:
        for index in range(start, end):
            self.index = index
            self.intake()
        self.stats.intakes = end - start
        self.stats.rows = {m._meta.db_table: len(rows) for m, rows in self.rows.items()}
        return self.rows

    def _id(self, model: type[models.Model], n: int) -> int:
        if n >= self.plan.strides[model]:
            raise RuntimeError(f"more {model.__name__} rows than planned for one intake")
        return self.plan.first_ids[model] + self.index * self.plan.strides[model] + n

    def _later(self, moment: dt.datetime, low: float, high: float) -> dt.datetime:
        """A moment `low`..`high` minutes after `moment`, never in the future."""
        later = moment + dt.timedelta(minutes=self.rng.uniform(low, high))
        return min(later, self.now - dt.timedelta(seconds=1))

    def _person(self, at: dt.datetime) -> _Person:
        rng, mix = self.rng, self.mix
        if self.people and rng.random() < mix.returning:
            return rng.choice(self.people)
        sex = _pick(rng, _SEXES)
        female = sex == "female" or (sex != "male" and rng.random() < 0.5)
        given = (_FEMALE if female else _MALE).draw(rng)
        family = self.plan.surnames.draw(rng)
        born = (at - dt.timedelta(days=round(365.25 * rng.triangular(18, 95, 62)))).date()
        mrn = None if rng.random() < mix.no_mrn else f"B{self.plan.existing + self.index:08d}"
        language = "es" if rng.random() < 0.12 else "en"
        phone = f"+1 555 {rng.randrange(1000):03d} {rng.randrange(10000):04d}"
        phone = phone if rng.random() < 0.85 else ""
        search_name = search_name_of(given, family)
        email = f"{search_name.replace(' ', '.').replace(chr(39), '')}@example.org"
        email = email if rng.random() < 0.5 else ""
        # The document's patient object as document_to_dict writes it: schema order, no empties.
        answers = {
            "mrn": mrn, "given_name": given, "family_name": family,
            "date_of_birth": born.isoformat(), "sex": sex, "phone": phone, "email": email,
            "preferred_language": language,
        }  # fmt: skip
        answers_json = json.dumps({k: v for k, v in answers.items() if v}, ensure_ascii=False)
        person = _Person(
            uuid.UUID(int=rng.getrandbits(128), version=4),
            mrn, given, family, born, sex, language, answers_json,
        )  # fmt: skip
        joined = at - dt.timedelta(minutes=rng.randint(5, 60))
        self.rows[Patient].append(
            (person.id, mrn, given, family, born, sex, phone, email, language, search_name,
             joined, joined)
        )  # fmt: skip
        self.stats.patients += 1
        self.people.append(person)
        return person

    @staticmethod
    def _content_patient(person: _Person, day: dt.date) -> str:
        """The summary's `patient` object, as build_summary_content writes it."""
        return json.dumps(
            {
                "name": f"{person.given} {person.family}",
                "given_name": person.given,
                "family_name": person.family,
                "age": _age(person.born, day),
                "sex": _label(person.sex),
                "mrn": person.mrn or "",
                "date_of_birth": person.born.isoformat(),
                "preferred_language": _label(person.language),
            },
            ensure_ascii=False,
        )

    def intake(self) -> None:
        rng, mix, plan, index = self.rng, self.mix, self.plan, self.index
        submitted = self.begin + self.step * (index + rng.random())
        created = submitted - dt.timedelta(minutes=rng.uniform(3, 30))
        day = created.astimezone(self.zone).date()  # reported_on: the day the intake began
        roll = rng.random()
        level = (
            EMERGENCY if roll < mix.emergency
            else URGENT if roll < mix.emergency + mix.urgent
            else ROUTINE
        )  # fmt: skip
        variant = rng.choice(plan.pool[level])
        person = self._person(created)
        channel = _pick(rng, _CHANNELS)
        desk = rng.choice(plan.desk)
        # Patients submit their own tablet and link intakes: no staff member is recorded.
        submitter = None if channel in ("patient_tablet", "patient_link") else desk
        intake_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        if rng.random() < mix.drafts:
            self._rows(intake_id, variant, day)
            self.rows[Intake].append(
                (intake_id, person.id, DRAFT, 0, rng.randint(1, 6), channel, desk,
                 day, created, created, None, None, "", "", 0, None, None, *variant.clinical)
            )  # fmt: skip
            return
        versions = [(variant, submitted, submitter, "", "[]")]
        if rng.random() < mix.amended:
            first = variant
            variant = rng.choice(plan.pool[rng.choices(LEVELS, (mix.emergency, mix.urgent, 1))[0]])
            amended = self._later(submitted, 60, 2880)
            changed = json.dumps(changed_paths(first.document, variant.document))
            versions.append((variant, amended, desk, rng.choice(AMEND_REASONS), changed))
        self._rows(intake_id, variant, day)  # the current version's rows
        last = versions[-1][1]
        reviewed = None if index >= plan.active_from else self._later(last, 15, 4320)
        reviewer = rng.choice(plan.clinicians)
        open_alert, flags = 0, 0
        for number, (version, at, author, reason, changed) in enumerate(versions, start=1):
            current = number == len(versions)
            # An earlier version was read (and its flags acknowledged) before it was amended.
            read = reviewed if current else self._later(at, 5, 50)
            open_alert = self._version(
                intake_id, person, day, number, version, (at, author, reason, changed),
                read, reviewer, first_flag=flags, status=plan.status(index, current=current),
            )  # fmt: skip
            flags += len(version.flags)
        self.stats.levels[variant.level] = self.stats.levels.get(variant.level, 0) + 1
        self.rows[Intake].append(
            (intake_id, person.id, "amended" if len(versions) > 1 else "submitted", len(versions),
             len(versions) + rng.randint(1, 6), channel, desk, day, created,
             max(reviewed or last, last), submitted, submitter, variant.level,
             variant.rules_version, open_alert, reviewed, reviewer if reviewed else None,
             *variant.clinical)
        )  # fmt: skip

    def _rows(self, intake_id: uuid.UUID, variant: Variant, day: dt.date) -> None:
        """Medications, vaccinations and injuries."""
        rows, ident = self.rows, self._id

        def on(offset: int | None) -> dt.date | None:
            return None if offset is None else day + dt.timedelta(days=offset)

        for n, (name, dose, kind) in enumerate(variant.medications):
            rows[Medication].append((ident(Medication, n), intake_id, n, name, dose, kind))
        for n, (name, offset) in enumerate(variant.vaccinations):
            rows[Vaccination].append((ident(Vaccination, n), intake_id, n, name, on(offset)))
        for n, (kind, offset, older, mechanism, text) in enumerate(variant.injuries):
            rows[Injury].append(
                (ident(Injury, n), intake_id, n, kind, on(offset), older, mechanism, text)
            )

    def _version(
        self,
        intake_id: uuid.UUID,
        person: _Person,
        day: dt.date,
        number: int,
        variant: Variant,
        stored: tuple[dt.datetime, int | None, str, str],  # when, by whom, reason, changed paths
        read: dt.datetime | None,
        reader: int,
        *,
        first_flag: int,
        status: str,
    ) -> int:
        """One version's document, triage, flags and summary; returns its open_alert."""
        rng, rows, ident, n = self.rng, self.rows, self._id, number - 1
        at, author, reason, changed = stored
        document = variant.document_template.fill(day, patient=person.document_json)
        rows[IntakeVersion].append(
            (ident(IntakeVersion, n), intake_id, number, document, changed, reason, at, author)
        )
        assessment = ident(TriageAssessment, n)
        escalated = variant.level == EMERGENCY and (read is not None or rng.random() < 0.7)
        rows[TriageAssessment].append(
            (assessment, intake_id, number, variant.level, variant.rules_version, at,
             self._later(at, 1, 5) if escalated else None,
             rng.choice(self.plan.desk) if escalated else None)
        )  # fmt: skip
        open_alert = 0
        for position, flag in enumerate(variant.flags):
            alert = OpenAlert.for_severity(flag.severity)
            acknowledged = alert > 0 and (read is not None or rng.random() < 0.4)
            if alert and not acknowledged:
                open_alert = max(open_alert, alert)
            when = (read or self._later(at, 1, 60)) if acknowledged else None
            rows[TriageFlag].append(
                (ident(TriageFlag, first_flag + position), assessment, position, flag.code,
                 flag.severity, flag.title, flag.source, flag.evidence, when,
                 reader if acknowledged else None, "")
            )  # fmt: skip
        enqueued = at + dt.timedelta(milliseconds=rng.uniform(20, 80))
        ready = status == READY
        ready_at = enqueued + dt.timedelta(seconds=rng.uniform(2, 12)) if ready else None
        content = (
            variant.content_template.fill(
                day,
                patient=self._content_patient(person, day),
                submitted_at=json.dumps(at.isoformat()),
            )
            if ready
            else None
        )
        rows[PreVisitSummary].append(
            (ident(PreVisitSummary, n), intake_id, number, status,
             variant.rules_version if ready else "", content,
             f"summaries/summary-{intake_id}-v{number}.pdf" if ready else "",
             TYPICAL_PAGES if ready else None,
             {PENDING: rng.choice((0, 1)), FAILED: 3}.get(status, 1),
             FAILURE_REASON if status == FAILED else "",
             at, ready_at or enqueued, enqueued, ready_at)
        )  # fmt: skip
        return open_alert


# The plan, for forked workers: set by the parent just before it forks.
_PLAN: _Plan | None = None


def _make_chunk(bounds: tuple[int, int]) -> Stats:
    start, end = bounds
    chunk = _Chunk(_PLAN, start)
    _write(chunk.build(start, end))
    return chunk.stats


def _run(plan: _Plan, chunk: int, processes: int, progress: Callable[[int], None] | None) -> Stats:
    global _PLAN
    _PLAN = plan
    bounds = [(start, min(start + chunk, plan.count)) for start in range(0, plan.count, chunk)]
    stats = Stats()
    # Several processes: while one waits on the server storing its chunk, another builds
    # the next. Only outside a transaction, which forked connections could not share.
    parallel = processes > 1 and len(bounds) > 1 and not connection.in_atomic_block
    if parallel:
        connections.close_all()  # each process opens its own
        with multiprocessing.get_context("fork").Pool(processes) as workers:
            results = workers.imap_unordered(_make_chunk, bounds)
            for part in results:
                stats.add(part)
                if progress:
                    progress(stats.intakes)
    else:
        for part in map(_make_chunk, bounds):
            stats.add(part)
            if progress:
                progress(stats.intakes)
    _PLAN = None
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(plan.first_ids)):
            cursor.execute(sql)
    return stats


@contextlib.contextmanager
def _plain_indexes_set_aside(lap: Callable[[str], None]) -> Iterator[None]:
    """Drop the generated tables' plain indexes (not those behind a constraint) for the load,
    then build each again: one sort instead of a million random inserts per index."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [[model._meta.db_table for model in COLUMNS]],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    try:
        yield
    finally:
        lap("rows")
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for _, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
        lap("indexes")


def generate(
    count: int,
    *,
    seed: int = 2026,
    mix: Mix | None = None,
    variants: int = 600,
    chunk: int = 10_000,
    processes: int | None = None,
    now: dt.datetime | None = None,
    vacuum: bool = True,
    progress: Callable[[int], None] | None = None,
) -> Stats:
    """Add `count` intakes with their patients, versions, rows, triage, flags and summaries.

    On PostgreSQL outside a transaction (the command, not a test) chunks are built by
    `processes` workers (default: two per core) and the plain indexes are rebuilt after
    the load; the tables are then analysed, and also vacuumed when `vacuum`, as autovacuum
    would have been. The data depends on `seed` and `chunk`, not on `processes`.
    """
    if settings.PRODUCTION:
        raise RuntimeError("generate_intakes refuses to run when DJANGO_ENV=production")
    phases: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        phases[name] = time.perf_counter() - clock
        clock = time.perf_counter()

    plan = _Plan.make(count, seed, mix or Mix(), variants, now or dt.datetime.now(dt.UTC))
    lap("variants")
    postgres = connection.vendor == "postgresql"
    bulk = postgres and not connection.in_atomic_block
    with _plain_indexes_set_aside(lap) if bulk else contextlib.nullcontext():
        stats = _run(plan, chunk, processes or 2 * (os.cpu_count() or 1), progress)
    if not bulk:
        lap("rows")
    if postgres:
        tables = ", ".join(connection.ops.quote_name(name) for name in stats.rows)
        with connection.cursor() as cursor:
            cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum and bulk else 'ANALYZE'} {tables}")
        lap("vacuum and analyse" if vacuum and bulk else "analyse")
    stats.phases = phases
    stats.seconds = sum(phases.values())
    return stats


def submission_documents(count: int, *, seed: int, day: dt.date) -> list[str]:
    """Intake documents (JSON text) for the submit endpoint: the clinic's level mix, new
    patients without an MRN, reported on `day`."""
    rng, mix = random.Random(seed), Mix()
    family_names = Zipf(surnames(mix.surname_count, rng), mix.surname_exponent)
    documents = []
    for _ in range(count):
        roll = rng.random()
        level = (
            EMERGENCY
            if roll < mix.emergency
            else URGENT
            if roll < mix.emergency + mix.urgent
            else ROUTINE
        )
        female = rng.random() < 0.5
        patient = {
            "given_name": (_FEMALE if female else _MALE).draw(rng),
            "family_name": family_names.draw(rng),
            "date_of_birth": (day - dt.timedelta(days=rng.randint(18 * 365, 90 * 365))).isoformat(),
            "sex": "female" if female else "male",
        }
        document = {**random_document(rng, level), "patient": _slot("patient")}
        documents.append(
            JsonTemplate.of(document, ["patient"]).fill(day, patient=json.dumps(patient))
        )
    return documents
