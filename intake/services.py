"""Every write to patients and draft intakes goes through these functions.

Each use case is one function in one transaction that also writes its audit
record: create a patient, start an intake, save a step. Submitting and amending span
triage and reports, so they live above, in `clinic.submission`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.services import Action, record
from intake import name_words, prefill
from intake.answers import replace_rows
from intake.document import Patient as PatientAnswers
from intake.document import Problem
from intake.models import Intake, Patient

Changes = dict[str, object] | None
RowChanges = dict[str, list[dict[str, object]]] | None


class EditConflict(Exception):
    """Someone else saved this intake since it was opened: reload, then change it."""


class NotADraft(Exception):
    """The intake was already submitted (a double click, a repeated POST)."""


# Letters that carry no combining accent, so NFKD leaves them as they are.
_UNDECOMPOSABLE = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "þ": "th"})


def fold(text: str) -> str:
    """Lower-case without accents: 'José' matches 'jose', 'Ødegård' matches 'odegard'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(_UNDECOMPOSABLE).strip()


def search_name_of(given_name: str, family_name: str) -> str:
    return f"{fold(given_name)} {fold(family_name)}"


# --- patients -----------------------------------------------------------------


def find_patients(query: str, *, limit: int = 25) -> list[Patient]:
    """Patients by MRN (exact or prefix), date of birth (YYYY-MM-DD) or name words; when
    no name holds the words as typed, by the words they are a typo of ("Jonh Smith")."""
    query = query.strip()
    if not query:
        return []
    condition, words = Q(mrn__istartswith=query), []
    try:
        condition |= Q(date_of_birth=timezone.datetime.fromisoformat(query).date())
    except ValueError:
        words = fold(query).split()
        condition |= Q(*(Q(search_name__contains=word) for word in words))
    order = ("family_name", "given_name")
    found = list(Patient.objects.filter(condition).order_by(*order)[:limit])
    if words and not found and (alike := name_condition(words)) is not None:
        found = list(Patient.objects.filter(alike).order_by(*order)[:limit])
    return found


def name_condition(typed_words: list[str], prefix: str = "") -> Q | None:
    """Names holding, for each typed word, one of the stored words it may be a typo of;
    None when some word is like no stored word. `prefix` reaches the patient from another
    model ("patient__")."""
    corrected = name_words.corrected(typed_words)
    if corrected is None:
        return None
    field = f"{prefix}search_name__contains"
    return Q(*(Q(*(Q(**{field: word}) for word in words), _connector=Q.OR) for words in corrected))


def likely_duplicates(*, given_name: str, family_name: str, date_of_birth, mrn: str = ""):
    """Patients who may be the same person: same MRN, or same birth date and a similar name."""
    condition = Q(date_of_birth=date_of_birth) & (
        Q(search_name__contains=fold(family_name)) | Q(search_name__startswith=fold(given_name))
    )
    if mrn:
        condition |= Q(mrn=mrn)
    return Patient.objects.filter(condition).order_by("family_name", "given_name")[:10]


# What makes a patient this person: a document may not change them (security issue 14).
IDENTITY_FIELDS = ("given_name", "family_name", "date_of_birth")


class IdentityConflict(Exception):
    """A document names, by MRN, a patient whose name or date of birth it gives otherwise."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields

    @property
    def problems(self) -> tuple[Problem, ...]:
        # The stored values are never echoed: the sender may not be entitled to them.
        return tuple(
            Problem(
                f"patient.{name}",
                "differs from the patient with this MRN; a patient's "
                "identity is changed by the front desk, not by an intake",
            )
            for name in self.fields
        )


def identity_differences(patient: Patient, answers: PatientAnswers) -> tuple[str, ...]:
    """The identity fields in which `answers` name someone else than `patient`.

    Names are compared as search compares them (case and accents aside): "JOSE" from
    another system is the same José, and nothing of the stored patient changes anyway.
    """
    differing = [
        name
        for name in ("given_name", "family_name")
        if fold(getattr(answers, name)) != fold(getattr(patient, name))
    ]
    if answers.date_of_birth != patient.date_of_birth:
        differing.append("date_of_birth")
    return tuple(differing)


@transaction.atomic(savepoint=False)
def save_patient(patient: Patient, *, by, request=None) -> Patient:
    """Add a new patient."""
    if not patient._state.adding:
        raise ValueError("a stored patient is changed with update_patient")
    patient.mrn = patient.mrn or None
    patient.search_name = search_name_of(patient.given_name, patient.family_name)
    patient.save(force_insert=True)
    name_words.remember([patient.search_name])
    record(Action.CREATE, actor=by, obj=patient, request=request)
    return patient


def _audited_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


@transaction.atomic(savepoint=False)
def update_patient(patient: Patient, changes: dict[str, object], *, by, request=None) -> Patient:
    """Change a stored patient's details: the front desk's or an admin's action, never an import.

    The audit event names every field changed; the old and new values are kept in its
    detail alone, which only admins read.
    """
    changed: dict[str, dict[str, object]] = {}
    for name, value in changes.items():
        if name == "mrn":
            value = value or None
        old = getattr(patient, name)
        if old != value:
            changed[name] = {"old": _audited_value(old), "new": _audited_value(value)}
            setattr(patient, name, value)
    if not changed:
        return patient
    patient.search_name = search_name_of(patient.given_name, patient.family_name)
    patient.save()
    name_words.remember([patient.search_name])
    record(
        Action.UPDATE,
        actor=by,
        obj=patient,
        request=request,
        detail={"fields": sorted(changed), "changes": changed},
    )
    return patient


# --- drafts -------------------------------------------------------------------


@transaction.atomic(savepoint=False)
def start_intake(
    *, patient: Patient, by, channel: str = Intake.Channel.FRONT_DESK, visit=None, request=None
):
    intake = Intake.objects.create(patient=patient, entered_by=by, channel=channel, visit=visit)
    detail: dict[str, object] = {"channel": channel, **({"visit": str(visit.pk)} if visit else {})}
    # A returning patient: the slowly changing parts of their last intake, to be confirmed.
    if (source := prefill.last_submitted(intake)) and (steps := prefill.prefill(intake, source)):
        detail |= {"prefilled_from": str(source.pk), "prefilled": [s.step for s in steps]}
    record(Action.CREATE, actor=by, obj=intake, request=request, detail=detail)
    return intake


@transaction.atomic
def resume_or_start_intake(
    *, patient: Patient, by, visit=None, request=None
) -> tuple[Intake, bool]:
    """The patient's open draft, and True (resumed); else a new draft, and False. A patient has
    one draft at a time: "start intake" twice, or from two desks at once, never makes a
    silent second one. Given a visit, a draft not yet for a visit becomes the visit's; one
    for another visit stays its own, and this visit gets a new draft."""
    list(Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk"))
    drafts = patient.intakes.filter(status=Intake.Status.DRAFT).order_by("-updated_at")
    if visit is not None:
        drafts = drafts.filter(Q(visit=None) | Q(visit=visit))
    if draft := drafts.first():
        if visit is not None and draft.visit_id is None:
            draft.visit = visit
            draft.save(update_fields=["visit", "updated_at"])
            record(
                Action.UPDATE,
                actor=by,
                obj=draft,
                request=request,
                detail={"visit": str(visit.pk)},
            )
        return draft, True
    return start_intake(patient=patient, by=by, visit=visit, request=request), False


def apply_changes(
    intake: Intake, *, answers: Changes, rows: RowChanges, patient_answers: Changes, by, request
) -> None:
    if patient_answers:
        update_patient(intake.patient, patient_answers, by=by, request=request)
    for name, value in (answers or {}).items():
        setattr(intake, name, value)
    intake.revision += 1
    intake.save()
    if rows:
        replace_rows(intake, **rows)


def lock_for_edit(intake: Intake, seen_revision: int | None) -> Intake:
    current = Intake.objects.select_for_update().select_related("patient").get(pk=intake.pk)
    if seen_revision is not None and current.revision != seen_revision:
        raise EditConflict
    return current


@transaction.atomic
def save_answers(
    intake: Intake,
    *,
    by,
    answers: Changes = None,
    rows: RowChanges = None,
    patient_answers: Changes = None,
    seen_revision: int | None = None,
    request=None,
) -> Intake:
    """Save one step of a draft: its answers, repeating rows or patient details.

    `seen_revision` is the revision the form was opened at; if the intake changed
    since, nothing is saved and `EditConflict` is raised (no update is lost).
    """
    current = lock_for_edit(intake, seen_revision)
    if not current.is_draft:
        raise NotADraft
    apply_changes(
        current,
        answers=answers,
        rows=rows,
        patient_answers=patient_answers,
        by=by,
        request=request,
    )
    # Which answers changed, by code: the values themselves stay out of the trail.
    record(
        Action.UPDATE,
        **audit_actor(by, current),
        obj=current,
        request=request,
        detail={"answers": sorted(answers or {}), "rows": sorted(rows or {})},
    )
    return current


def audit_actor(by, intake: Intake) -> dict[str, object]:
    """Who saved a draft, as the audit trail names them: the signed-in user, or the patient
    (no account) by the channel they answer through."""
    if getattr(by, "is_authenticated", False):
        return {"actor": by, "actor_label": ""}
    return {"actor": None, "actor_label": intake.get_channel_display()}


def changed_paths(before: dict, after: dict, prefix: str = "") -> list[str]:
    """The answer paths whose value differs between two documents, for amendment history."""
    paths = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        path = f"{prefix}{key}"
        sections = (old, new)
        if any(isinstance(part, dict) for part in sections) and all(
            isinstance(part, dict) or part is None for part in sections
        ):  # a section only one side has (risk_factors of an older intake) counts as empty
            paths += changed_paths(old or {}, new or {}, f"{path}.")
        elif old != new:
            paths.append(path)
    return paths
