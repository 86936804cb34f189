"""Every write to patients and intakes goes through these functions.

Each use case is one function in one transaction that also writes its audit
record: create a patient, start an intake, save a step, submit, amend.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.services import Action, record
from intake.document import DocumentInvalid, IntakeDocument, document_to_dict, parse_document
from intake.exchange import apply_document, apply_patient, intake_answers, replace_rows
from intake.models import Intake, IntakeVersion, Patient
from reports.services import request_summary
from triage.engine import evaluate_triage
from triage.models import TriageAssessment
from triage.services import current_assessment, record_triage

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


def find_patients(query: str, *, limit: int = 25) -> QuerySet[Patient]:
    """Patients by MRN (exact or prefix), date of birth (YYYY-MM-DD) or name words."""
    query = query.strip()
    if not query:
        return Patient.objects.none()
    condition = Q(mrn__istartswith=query)
    try:
        condition |= Q(date_of_birth=timezone.datetime.fromisoformat(query).date())
    except ValueError:
        words = fold(query).split()
        condition |= Q(*(Q(search_name__contains=word) for word in words))
    return Patient.objects.filter(condition).order_by("family_name", "given_name")[:limit]


def likely_duplicates(*, given_name: str, family_name: str, date_of_birth, mrn: str = ""):
    """Patients who may be the same person: same MRN, or same birth date and a similar name."""
    condition = Q(date_of_birth=date_of_birth) & (
        Q(search_name__contains=fold(family_name)) | Q(search_name__startswith=fold(given_name))
    )
    if mrn:
        condition |= Q(mrn=mrn)
    return Patient.objects.filter(condition).order_by("family_name", "given_name")[:10]


@transaction.atomic
def save_patient(patient: Patient, *, by, request=None) -> Patient:
    creating = patient._state.adding
    patient.mrn = patient.mrn or None
    patient.search_name = search_name_of(patient.given_name, patient.family_name)
    patient.save()
    record(Action.CREATE if creating else Action.UPDATE, actor=by, obj=patient, request=request)
    return patient


# --- drafts -------------------------------------------------------------------


@transaction.atomic
def start_intake(*, patient: Patient, by, channel: str = Intake.Channel.FRONT_DESK, request=None):
    intake = Intake.objects.create(patient=patient, entered_by=by, channel=channel)
    record(Action.CREATE, actor=by, obj=intake, request=request, detail={"channel": channel})
    return intake


def _apply_changes(
    intake: Intake, *, answers: Changes, rows: RowChanges, patient_answers: Changes, by, request
) -> None:
    if patient_answers:
        for name, value in patient_answers.items():
            setattr(intake.patient, name, value)
        save_patient(intake.patient, by=by, request=request)
    for name, value in (answers or {}).items():
        setattr(intake, name, value)
    intake.revision += 1
    intake.save()
    if rows:
        replace_rows(intake, **rows)


def _lock(intake: Intake, seen_revision: int | None) -> Intake:
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
    current = _lock(intake, seen_revision)
    if not current.is_draft:
        raise NotADraft
    _apply_changes(
        current, answers=answers, rows=rows, patient_answers=patient_answers, by=by,
        request=request,
    )  # fmt: skip
    # Which answers changed, by code: the values themselves stay out of the trail.
    record(
        Action.UPDATE,
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_label="" if getattr(by, "is_authenticated", False) else current.get_channel_display(),
        obj=current,
        request=request,
        detail={"answers": sorted(answers or {}), "rows": sorted(rows or {})},
    )
    return current


def draft_problems(intake: Intake) -> tuple:
    """What still stops this draft from being submitted (empty when it is complete)."""
    try:
        parse_document(intake_answers(intake), today=intake.reported_on)
    except DocumentInvalid as invalid:
        return invalid.problems
    return ()


# --- submission and amendment -----------------------------------------------------


@dataclass(frozen=True)
class Submission:
    intake: Intake
    assessment: TriageAssessment  # the level and the flags, as stored
    repeated: bool = False  # True when this was a double submit of the same answers


def _store_version(intake: Intake, doc: IntakeDocument, *, by, reason: str, changed: list[str]):
    IntakeVersion.objects.create(
        intake=intake,
        number=intake.version,
        document=document_to_dict(doc),
        changed_paths=changed,
        reason=reason,
        created_by=by,
    )


def _triage_and_request_summary(intake: Intake, doc: IntakeDocument) -> Submission:
    # Synchronous: an emergency is known before the response, whatever the queue is doing.
    assessment = record_triage(intake, evaluate_triage(doc))
    request_summary(intake)
    return Submission(intake=intake, assessment=assessment)


@transaction.atomic
def submit_intake(*, intake: Intake, by, request=None) -> Submission:
    """Validate, store, triage synchronously, audit, and request the summary: all or nothing.

    Raises `DocumentInvalid` (nothing saved) when answers are missing or wrong. A
    second submit of an already-submitted intake returns the first result.
    """
    intake = Intake.objects.select_for_update().select_related("patient").get(pk=intake.pk)
    if not intake.is_draft:
        return Submission(intake=intake, assessment=current_assessment(intake), repeated=True)
    doc = parse_document(intake_answers(intake), today=intake.reported_on)
    intake.status = Intake.Status.SUBMITTED
    intake.version = 1
    intake.revision += 1
    intake.submitted_at = timezone.now()
    intake.submitted_by = by if getattr(by, "is_authenticated", False) else None
    intake.save()
    _store_version(intake, doc, by=intake.submitted_by, reason="", changed=[])
    submission = _triage_and_request_summary(intake, doc)
    record(
        Action.SUBMIT,
        actor=intake.submitted_by,
        actor_label="" if intake.submitted_by else intake.get_channel_display(),
        obj=intake,
        request=request,
        detail={"version": 1, "level": submission.assessment.level},
    )
    return submission


def changed_paths(before: dict, after: dict, prefix: str = "") -> list[str]:
    """The answer paths whose value differs between two documents, for amendment history."""
    paths = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        path = f"{prefix}{key}"
        if isinstance(old, dict) and isinstance(new, dict):
            paths += changed_paths(old, new, f"{path}.")
        elif old != new:
            paths.append(path)
    return paths


@transaction.atomic
def amend_intake(
    *,
    intake: Intake,
    by,
    reason: str,
    seen_revision: int,
    answers: Changes = None,
    rows: RowChanges = None,
    patient_answers: Changes = None,
    request=None,
) -> Submission:
    """Change a submitted intake's answers; the earlier version stays readable.

    The whole document is validated again (`DocumentInvalid`: nothing changes),
    triage runs again and a new summary is requested. `seen_revision` guards
    against two people amending at once: the second gets `EditConflict`.
    """
    if not reason.strip():
        raise ValueError("an amendment needs a reason")
    current = _lock(intake, seen_revision)
    if current.is_draft:
        raise ValueError("a draft is edited, not amended")
    _apply_changes(
        current, answers=answers, rows=rows, patient_answers=patient_answers, by=by,
        request=request,
    )  # fmt: skip
    doc = parse_document(intake_answers(current), today=current.reported_on)
    before = IntakeVersion.objects.get(intake=current, number=current.version).document
    current.status = Intake.Status.AMENDED
    current.version += 1
    current.reviewed_at = current.reviewed_by = None  # new answers need a new review
    current.save()
    changed = changed_paths(before, document_to_dict(doc))
    _store_version(current, doc, by=by, reason=reason.strip(), changed=changed)
    submission = _triage_and_request_summary(current, doc)
    record(
        Action.AMEND,
        actor=by,
        obj=current,
        request=request,
        detail={"version": current.version, "level": submission.assessment.level},
    )
    return submission


@transaction.atomic
def create_intake_from_document(
    doc: IntakeDocument, *, by, channel: str = Intake.Channel.API, request=None
) -> Submission:
    """Import a whole document (API, FHIR): find or create the patient, then submit."""
    patient = _matching_patient(doc) or Patient()
    apply_patient(patient, doc)
    save_patient(patient, by=by, request=request)
    intake = start_intake(patient=patient, by=by, channel=channel, request=request)
    apply_document(intake, doc)
    return submit_intake(intake=intake, by=by, request=request)


def _matching_patient(doc: IntakeDocument) -> Patient | None:
    """The same person: by MRN when given, else by exact name and date of birth."""
    if doc.patient.mrn:
        return Patient.objects.filter(mrn=doc.patient.mrn).first()
    return Patient.objects.filter(
        mrn__isnull=True,
        search_name=search_name_of(doc.patient.given_name, doc.patient.family_name),
        date_of_birth=doc.patient.date_of_birth,
    ).first()
