"""Submitting and amending an intake: the use case that spans intake, triage and reports.

One transaction stores the version, triages it synchronously (an emergency is known
before the response, whatever the queue is doing), audits it and asks for the summary,
whose task is sent after commit with the summary's id only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import Action, record
from intake import prefill, services
from intake.answers import (
    PATIENT_FIELDS,
    add_rows,
    apply_patient,
    document_rows,
    draft_changes,
    intake_answers,
    replace_rows,
    set_answers,
)
from intake.document import (
    DocumentInvalid,
    IntakeDocument,
    Problem,
    document_to_dict,
    emergency_answers,
    parse_document,
)
from intake.models import Intake, IntakeVersion, Patient
from intake.steps import STEP_NUMBER
from reports.scheduling import request_summary
from triage.alerts import alerting_flags, open_alert_of, raise_for_refused_document, sync_alert
from triage.engine import Flag, evaluate_triage, fired_by_answers_alone
from triage.models import TriageAssessment
from triage.rules import questions_not_asked
from triage.services import current_assessment, reasks_due, record_triage

# The name the desk gave the tablet at hand-off ("tablet 2"), kept in the kiosk's session:
# an alert raised on the tablet says which one (clinic.patient.access.start_kiosk).
TABLET_SESSION_KEY = "kiosk_tablet"

Changes = services.Changes
CONTACT_FIELDS = ("phone", "email")
RowChanges = services.RowChanges


class AlertStillOpen(Exception):
    """An intake with an open alert is not withdrawn: a clinician acknowledges it first."""


class ReasksDue(Exception):
    """Typed words bear on red-flag questions answered "no" that were not asked again yet
    (clinical-content.md §2, its end): the app's own forms submit once they have been."""


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


def _triage_and_request_summary(
    intake: Intake, doc: IntakeDocument, *, by, request, fresh: bool = False
) -> Submission:
    # Synchronous: an emergency is known before the response, whatever the queue is doing.
    result = evaluate_triage(doc)
    assessment = record_triage(intake, result)
    # A draft's alert (raised when its answer was saved) is kept, updated or withdrawn; a new
    # intake without alerting flags has none to look up.
    if not fresh or alerting_flags(result.flags):
        tablet = tablet_of(request)
        sync_alert(intake, result.flags, by=by, request=request, fresh=fresh, tablet_name=tablet)
    request_summary(intake)
    return Submission(intake=intake, assessment=assessment)


def draft_flags(intake: Intake) -> tuple[Flag, ...]:
    """What fires on a draft's saved answers: the whole table once they read as a document;
    before that, the flags that its red-flag answers given "yes" make fire alone (§4)."""
    answers = intake_answers(intake)
    try:
        return evaluate_triage(parse_document(answers, today=intake.reported_on)).flags
    except DocumentInvalid:
        return fired_by_answers_alone(emergency_answers(answers))


def tablet_of(request) -> str:
    session = getattr(request, "session", None)
    return session.get(TABLET_SESSION_KEY, "") if session is not None else ""


@transaction.atomic
def save_step(intake: Intake, *, by, request=None, step: str = "", **changes) -> Intake:
    """Save one step of a draft (`intake.services.save_answers`) and, in the same
    transaction, raise, update or withdraw its alert: an emergency answer is known to the
    clinic the moment it is stored, whether or not the intake is ever finished. `step` (its
    slug, when the person moved on from it) tells how far the draft has got, for the desk's
    board, and confirms the step's pre-filled answers."""
    saved = services.save_answers(intake, by=by, request=request, **changes)
    if step:  # a save as you go (no step) confirms nothing: the person has not finished it
        prefill.confirm(saved, step)
    if step in STEP_NUMBER and STEP_NUMBER[step] > (saved.furthest_step or 0):
        saved.furthest_step = STEP_NUMBER[step]
        Intake.objects.filter(pk=saved.pk).update(furthest_step=saved.furthest_step)
    sync_alert(saved, draft_flags(saved), by=by, request=request, tablet_name=tablet_of(request))
    return saved


@transaction.atomic
def raise_unsaved(intake: Intake, answered_yes: tuple[str, ...], *, by, request=None) -> None:
    """A step refused for a bad answer still raises the alert its red-flag answers given "yes"
    call for: the emergency is never thrown away with the rest (nothing else is saved)."""
    unsaved = fired_by_answers_alone(answered_yes)
    if not unsaved:
        return
    saved = draft_flags(intake)
    known = {flag.code for flag in saved}
    firing = (*saved, *(f for f in unsaved if f.code not in known))
    sync_alert(intake, firing, by=by, request=request, tablet_name=tablet_of(request))


def _draft_document(intake: Intake) -> IntakeDocument:
    """A draft's answers as a document the app's own forms may submit.

    The forms ask every question of 2026.12.1, so a draft that skipped one (its step never
    saved) is refused naming it; documents from older clients stay valid without them.
    """
    doc = parse_document(intake_answers(intake), today=intake.reported_on)
    missing = tuple(Problem(path, "is required") for path in questions_not_asked(doc))
    missing += prefill.problems(
        intake, _("from the last visit: check it, change what is different, and save")
    )
    if missing:
        raise DocumentInvalid(missing)
    return doc


def draft_problems(intake: Intake) -> tuple[Problem, ...]:
    """What still stops this draft from being submitted (empty when it is complete)."""
    try:
        _draft_document(intake)
    except DocumentInvalid as invalid:
        return invalid.problems
    return ()


@transaction.atomic
def submit_intake(*, intake: Intake, by, request=None) -> Submission:
    """Validate, store, triage synchronously, audit, and request the summary: all or nothing.

    The submission of the app's own forms (imports are `create_intake_from_document`).
    Raises `DocumentInvalid` (nothing saved) when answers are missing or wrong, and
    `ReasksDue` (nothing saved) while typed words bear on a "no" not asked again yet. A
    second submit of an already-submitted intake returns the first result.
    """
    intake = Intake.objects.select_for_update().select_related("patient").get(pk=intake.pk)
    if not intake.is_draft:
        return Submission(intake=intake, assessment=current_assessment(intake), repeated=True)
    doc = _draft_document(intake)
    if reasks_due(intake, document_to_dict(doc)):
        raise ReasksDue
    _mark_submitted(intake, by=by)
    intake.save()
    return _store_submission(intake, doc, request=request)


def _mark_submitted(intake: Intake, *, by) -> None:
    intake.status = Intake.Status.SUBMITTED
    intake.version = 1
    intake.revision += 1
    intake.submitted_at = timezone.now()
    intake.submitted_by = by if getattr(by, "is_authenticated", False) else None


def _store_submission(
    intake: Intake, doc: IntakeDocument, *, request, fresh: bool = False
) -> Submission:
    """The first version of a submitted intake, its triage, its summary and its audit."""
    _store_version(intake, doc, by=intake.submitted_by, reason="", changed=[])
    submission = _triage_and_request_summary(
        intake, doc, by=intake.submitted_by, request=request, fresh=fresh
    )
    record(
        Action.SUBMIT,
        actor=intake.submitted_by,
        actor_label="" if intake.submitted_by else intake.get_channel_display(),
        obj=intake,
        request=request,
        detail={"version": 1, "level": submission.assessment.level},
    )
    return submission


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
    current = services.lock_for_edit(intake, seen_revision)
    if current.is_draft or current.status == Intake.Status.WITHDRAWN:
        raise ValueError("a draft is edited, not amended; a withdrawn intake is neither")
    services.apply_changes(
        current,
        answers=answers,
        rows=rows,
        patient_answers=patient_answers,
        by=by,
        request=request,
    )
    before = IntakeVersion.objects.get(intake=current, number=current.version).document
    answers = intake_answers(current)
    if not patient_answers:
        # Contact details an imported document sent live in its versions, not on the
        # patient record: an amendment of other answers carries them forward.
        answers["patient"] |= {
            key: before["patient"][key] for key in CONTACT_FIELDS if key in before["patient"]
        }
    doc = parse_document(answers, today=current.reported_on)
    if current.sender_context:  # answers changed here were not authored when the sender said
        current.sender_context.pop("authored", None)
    return _store_amendment(current, doc, before, by=by, reason=reason, request=request)


@transaction.atomic
def amend_from_document(
    *,
    intake: Intake,
    doc: IntakeDocument,
    by,
    reason: str,
    version: int | None,
    sent: dict | None = None,
    request=None,
) -> Submission:
    """A submitted intake's answers replaced by a whole document (an integration's update):
    as `amend_intake`, checked whole, triaged again, the earlier version readable.

    `version` is the version the sender last read (FHIR's If-Match): another since is an
    `EditConflict`, and nothing changes. The document must name the intake's patient (an
    `IdentityConflict` otherwise); as on import, it never changes the patient record.
    """
    current = services.lock_for_edit(intake, None)
    if current.is_draft or current.status == Intake.Status.WITHDRAWN:
        raise ValueError("a draft is edited, not amended; a withdrawn intake is neither")
    if version is not None and current.version != version:
        raise services.EditConflict
    if differing := services.identity_differences(current.patient, doc.patient):
        raise services.IdentityConflict(differing)
    before = IntakeVersion.objects.get(intake=current, number=current.version).document
    set_answers(current, doc)
    current.sender_context = sent or current.sender_context
    current.revision += 1
    current.save()
    replace_rows(current, **document_rows(doc))
    return _store_amendment(current, doc, before, by=by, reason=reason, request=request)


@transaction.atomic
def withdraw_intake(*, intake: Intake, by, reason: str, request=None) -> Intake:
    """Withdraw a submitted intake entered in error (the wrong patient, a test). It stays on
    record and readable, leaves every list and the returning patient's pre-fill, and FHIR
    sends it as `entered-in-error`. An open alert is never closed this way (`AlertStillOpen`):
    an emergency is escalated until a clinician acknowledges it, whatever else is wrong."""
    if not reason.strip():
        raise ValueError("a withdrawal needs a reason")
    current = services.lock_for_edit(intake, None)
    if current.status not in (Intake.Status.SUBMITTED, Intake.Status.AMENDED):
        raise ValueError("only a submitted intake is withdrawn")
    if open_alert_of(current) is not None:
        raise AlertStillOpen
    current.status = Intake.Status.WITHDRAWN
    current.withdrawn_at = timezone.now()
    current.withdrawn_by = by
    current.withdrawn_reason = reason.strip()
    current.revision += 1
    current.save()
    record(
        Action.WITHDRAW_INTAKE,
        actor=by,
        obj=current,
        request=request,
        detail={"version": current.version},
    )
    return current


def _store_amendment(
    current: Intake, doc: IntakeDocument, before: dict, *, by, reason: str, request
) -> Submission:
    current.status = Intake.Status.AMENDED
    current.version += 1
    current.reviewed_at = current.reviewed_by = None  # new answers need a new review
    current.save()
    changed = services.changed_paths(before, document_to_dict(doc))
    _store_version(current, doc, by=by, reason=reason.strip(), changed=changed)
    submission = _triage_and_request_summary(current, doc, by=by, request=request)
    record(
        Action.AMEND,
        actor=by,
        obj=current,
        request=request,
        detail={"version": current.version, "level": submission.assessment.level},
    )
    return submission


def create_intake_from_document(
    doc: IntakeDocument,
    *,
    by,
    channel: str = Intake.Channel.API,
    sent: dict | None = None,
    request=None,
) -> Submission:
    """Import a whole document (API, FHIR): find or create the patient, then submit.

    A stored patient is never changed by a document: one whose MRN matches but whose name
    or date of birth differ raises `IdentityConflict` (nothing saved), and the contact
    details sent stay with this intake's version, not on the patient record.

    Two imports of one new MRN at once both find no patient and both insert one; the
    second insert breaks the MRN's uniqueness and undoes its transaction, and that import
    is made again, finding the patient the first one created (then matched as any other).
    `sent` is what the sender said beside the answers (`Intake.sender_context`).
    """
    try:
        return _create_intake_from_document(doc, by=by, channel=channel, sent=sent, request=request)
    except IntegrityError:
        return _create_intake_from_document(doc, by=by, channel=channel, sent=sent, request=request)


@transaction.atomic
def _create_intake_from_document(
    doc: IntakeDocument, *, by, channel: str, sent: dict | None, request
) -> Submission:
    """One try at `create_intake_from_document`, all or nothing.

    The intake is new, so it is written once, submitted, with its rows added: nothing is
    locked, deleted or read back that this transaction has not just written.
    """
    patient = _matching_patient(doc)
    if patient is None:
        patient = Patient()
        apply_patient(patient, doc)
        services.save_patient(patient, by=by, request=request)
    elif differing := services.identity_differences(patient, doc.patient):
        raise services.IdentityConflict(differing)
    intake = Intake(patient=patient, entered_by=by, channel=channel, sender_context=sent)
    set_answers(intake, doc)
    _mark_submitted(intake, by=by)
    intake.save(force_insert=True)
    record(Action.CREATE, actor=by, obj=intake, request=request, detail={"channel": channel})
    add_rows(intake, **document_rows(doc))
    return _store_submission(intake, doc, request=request, fresh=True)


@transaction.atomic
def start_draft_from_answers(
    read: dict[str, object], *, by, channel: str, sent: dict | None = None, request=None
) -> Intake:
    """An in-progress import (`intake.document.read_draft`): a draft with its answers so far,
    on the patient it names (found, or new), which the desk or the patient may resume. Its
    emergency answers raise their alert at once, as a saved step's do."""
    patient = _draft_patient(read["patient"], by=by, request=request)
    intake = services.start_intake(patient=patient, by=by, channel=channel, request=request)
    Intake.objects.filter(pk=intake.pk).update(sender_context=sent)
    return save_draft_answers(intake, read, by=by, request=request)


def save_draft_answers(
    intake: Intake,
    read: dict[str, object],
    *,
    by,
    seen_revision: int | None = None,
    sent: dict | None = None,
    request=None,
) -> Intake:
    """More of a draft's answers (an in-progress update): saved as a step is, with its alert.
    They must name the draft's patient (an `IdentityConflict` otherwise)."""
    named = SimpleNamespace(**{name: read["patient"].get(name) for name in IDENTITY_KEYS})
    if differing := services.identity_differences(intake.patient, named):
        raise services.IdentityConflict(differing)
    answers, rows = draft_changes(read)
    if sent is not None:
        answers["sender_context"] = sent
    return save_step(
        intake, by=by, request=request, answers=answers, rows=rows, seen_revision=seen_revision
    )


def _draft_patient(said: dict[str, object], *, by, request) -> Patient:
    """The patient a draft names: by MRN (whose name and birth date must agree), else by
    exact name and birth date; a new one when nobody matches."""
    named = SimpleNamespace(**{name: said.get(name) for name in IDENTITY_KEYS})
    if named.mrn:
        found = Patient.objects.filter(mrn=named.mrn).first()
    else:
        found = Patient.objects.filter(
            mrn__isnull=True,
            search_name=services.search_name_of(named.given_name, named.family_name),
            date_of_birth=named.date_of_birth,
        ).first()
    if found is not None:
        if differing := services.identity_differences(found, named):
            raise services.IdentityConflict(differing)
        return found
    patient = Patient(**{name: said[name] for name in PATIENT_FIELDS if said.get(name) is not None})
    patient.mrn = named.mrn or None
    return services.save_patient(patient, by=by, request=request)


@transaction.atomic
def submit_draft_from_document(
    *,
    intake: Intake,
    doc: IntakeDocument,
    by,
    seen_revision: int | None = None,
    sent: dict | None = None,
    request=None,
) -> Submission:
    """A later `completed` for an in-progress import: the whole document, checked whole,
    replaces the draft's answers and submits it. It must name the draft's patient."""
    current = services.lock_for_edit(intake, seen_revision)
    if not current.is_draft:
        raise services.NotADraft
    if differing := services.identity_differences(current.patient, doc.patient):
        raise services.IdentityConflict(differing)
    set_answers(current, doc)
    current.sender_context = sent or current.sender_context
    _mark_submitted(current, by=by)
    current.save()
    replace_rows(current, **document_rows(doc))
    return _store_submission(current, doc, request=request)


def _matching_patient(doc: IntakeDocument) -> Patient | None:
    """The same person: by MRN when given, else by exact name and date of birth."""
    if doc.patient.mrn:
        return Patient.objects.filter(mrn=doc.patient.mrn).first()
    return Patient.objects.filter(
        mrn__isnull=True,
        search_name=services.search_name_of(doc.patient.given_name, doc.patient.family_name),
        date_of_birth=doc.patient.date_of_birth,
    ).first()


IDENTITY_KEYS = ("given_name", "family_name", "date_of_birth", "mrn")


def reported_identity(document: object) -> dict[str, str]:
    """Who a refused document says the patient is, as it says it (strings only, trimmed)."""
    patient = document.get("patient") if isinstance(document, dict) else None
    if not isinstance(patient, dict):
        return {}
    return {
        key: patient[key].strip()[:200]
        for key in IDENTITY_KEYS
        if isinstance(patient.get(key), str) and patient[key].strip()
    }


def reported_birth_date(said: dict[str, str]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(said.get("date_of_birth", ""))
    except ValueError:
        return None


def identified_patient(said: dict[str, str]) -> Patient | None:
    """The one stored patient a refused document identifies (issue #15, item 5): by its MRN
    when name and birth date agree, else by name and birth date with no MRN against them."""
    born = reported_birth_date(said)
    if born is None:
        return None
    name = services.search_name_of(said.get("given_name", ""), said.get("family_name", ""))
    mrn = said.get("mrn")
    if mrn and (by_mrn := Patient.objects.filter(mrn=mrn).first()) is not None:
        return by_mrn if (by_mrn.search_name, by_mrn.date_of_birth) == (name, born) else None
    same = Patient.objects.filter(search_name=name, date_of_birth=born)
    if mrn:
        same = same.filter(mrn__isnull=True)
    matches = list(same[:2])
    return matches[0] if len(matches) == 1 else None


def attach_candidates(said: dict[str, str]) -> list[Patient]:
    """The patients a refused document that identified nobody may be about, for the desk."""
    born = reported_birth_date(said)
    if born is None:
        return list(services.find_patients(said.get("family_name", ""), limit=10))
    return list(
        services.likely_duplicates(
            given_name=said.get("given_name", ""),
            family_name=said.get("family_name", ""),
            date_of_birth=born,
            mrn=said.get("mrn", ""),
        )
    )


def raise_for_refused(
    document: object, answered_yes: tuple[str, ...], *, by, channel: str, request=None
) -> None:
    """A refused document with red-flag answers given "yes" raises its alert all the same:
    the clinic never learns of an emergency only from a client's error log."""
    flags = fired_by_answers_alone(answered_yes)
    if not alerting_flags(flags):
        return
    said = reported_identity(document)
    raise_for_refused_document(
        flags,
        patient=identified_patient(said),
        reported={**said, "answers": list(answered_yes)},
        channel=channel,
        by=by,
        request=request,
    )
