"""The desk's visits: added one by one or imported from a day's CSV file, and the intake each
one has (one at most; a patient has one draft at a time).

A file is refused as a whole when it cannot be read as one (not UTF-8, not CSV, a column
missing); otherwise each row is checked alone, each bad row reported by its line and
column, and each good row stored in its own savepoint: kept, or not stored at all.
Columns: docs/visits-csv.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.roles import Role
from audit.services import Action, record
from intake import services
from intake.document import Patient as PatientAnswers
from intake.document import codes
from intake.models import Intake, Patient, Visit
from intake.validators import validate_phone, validate_typed_text

REQUIRED_COLUMNS = ("date", "time", "given_name", "family_name", "date_of_birth", "reason")
OPTIONAL_COLUMNS = ("mrn", "clinician", "email", "phone", "language")
MAX_FILE_BYTES = 1_000_000  # a day's list is a few hundred rows
MAX_ROWS = 2000


def clinicians():
    """The clinicians a visit may be booked with: active users with the clinician role."""
    return get_user_model().objects.filter(is_active=True, groups__name=Role.CLINICIAN)


class VisitRow(forms.Form):
    """One row of the file, as the desk's own forms would check it."""

    date = forms.DateField(input_formats=["%Y-%m-%d"])
    time = forms.TimeField(input_formats=["%H:%M", "%H:%M:%S"])
    given_name = forms.CharField(
        max_length=codes.PERSON_NAME_MAX_LENGTH, validators=[validate_typed_text]
    )
    family_name = forms.CharField(
        max_length=codes.PERSON_NAME_MAX_LENGTH, validators=[validate_typed_text]
    )
    date_of_birth = forms.DateField(input_formats=["%Y-%m-%d"])
    reason = forms.CharField(
        max_length=codes.VISIT_REASON_MAX_LENGTH, validators=[validate_typed_text]
    )
    mrn = forms.CharField(
        max_length=codes.MRN_MAX_LENGTH, required=False, validators=[validate_typed_text]
    )
    clinician = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(max_length=codes.EMAIL_MAX_LENGTH, required=False)
    phone = forms.CharField(
        max_length=codes.PHONE_MAX_LENGTH, required=False, validators=[validate_phone]
    )
    language = forms.ChoiceField(
        choices=[("", ""), *((code, code) for code in codes.LANGUAGES)], required=False
    )

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise forms.ValidationError("is in the future")
        return born

    def clean_clinician(self):
        username = self.cleaned_data["clinician"].strip()
        if not username:
            return None
        found = clinicians().filter(username=username).first()
        if found is None:
            raise forms.ValidationError("is not a clinician of this clinic")
        return found

    def clean(self) -> dict:
        data = super().clean()
        if "date" in data and "time" in data:
            at = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
            if at < timezone.now():
                self.add_error("date", "is in the past")
            data["scheduled_at"] = at
        return data


@dataclass(frozen=True)
class RowProblem:
    line: int  # the file's line, the header being line 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"Line {self.line}, {self.column}: {self.message}"


@dataclass(frozen=True)
class Imported:
    visits: list[Visit]
    problems: list[RowProblem]


class FileRefused(Exception):
    """The file cannot be read as a whole; nothing was imported."""


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's rows by line number, or `FileRefused` saying why it cannot be read."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(f"The file is larger than {MAX_FILE_BYTES // 1000} kB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            f"The file is not UTF-8 text (byte {error.start + 1}); save it as “CSV UTF-8”."
        ) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FileRefused(
            f"Line 1: the column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} {'are' if len(missing) > 1 else 'is'} missing."
        )
    reader.fieldnames = header
    try:
        rows = [
            (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k in _COLUMNS})
            for row in reader
        ]
    except csv.Error as error:
        raise FileRefused(f"Line {reader.line_num}: {error}.") from None
    if len(rows) > MAX_ROWS:
        raise FileRefused(f"The file has more than {MAX_ROWS} rows.")
    return rows


_COLUMNS = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)


def import_visits(data: bytes, *, by, request=None) -> Imported:
    """Every good row stored, every bad one reported by line and column."""
    visits, problems = [], []
    for line, row in read_rows(data):
        form = VisitRow(data=row)
        if not form.is_valid():
            problems += [
                RowProblem(line, column, message)
                for column, messages in form.errors.items()
                for message in messages
            ]
            continue
        try:
            with transaction.atomic():
                visits.append(_store_row(form.cleaned_data, by=by, request=request))
        except services.IdentityConflict as conflict:
            problems.append(
                RowProblem(
                    line,
                    "mrn",
                    "belongs to a patient with another "
                    + ", ".join(name.replace("_", " ") for name in conflict.fields)
                    + "; check the row, or change the patient at the desk",
                )
            )
    record(
        Action.IMPORT,
        actor=by,
        request=request,
        detail={"visits": [str(visit.pk) for visit in visits], "problems": len(problems)},
    )
    return Imported(visits=visits, problems=problems)


def _store_row(data: dict, *, by, request) -> Visit:
    patient = patient_for_row(data, by=by, request=request)
    return add_visit(
        patient=patient,
        scheduled_at=data["scheduled_at"],
        clinician=data["clinician"],
        reason=data["reason"],
        by=by,
        request=request,
    )


def patient_for_row(data: dict, *, by, request) -> Patient:
    """The patient a row names: by MRN (whose name and birth date must agree, security issue
    14: an import never changes who a patient is), else by name and birth date, else new."""
    search_name = services.search_name_of(data["given_name"], data["family_name"])
    if data["mrn"]:
        patient = Patient.objects.filter(mrn=data["mrn"]).first()
        if patient is not None:
            said = PatientAnswers(
                given_name=data["given_name"],
                family_name=data["family_name"],
                date_of_birth=data["date_of_birth"],
            )
            if differing := services.identity_differences(patient, said):
                raise services.IdentityConflict(differing)
            return patient
    else:
        same = Patient.objects.filter(
            search_name=search_name, date_of_birth=data["date_of_birth"]
        ).order_by("created_at")
        if patient := same.first():
            return patient
    patient = Patient(
        mrn=data["mrn"] or None,
        given_name=data["given_name"],
        family_name=data["family_name"],
        date_of_birth=data["date_of_birth"],
        email=data["email"],
        phone=data["phone"],
        preferred_language=data["language"] or codes.DEFAULT_LANGUAGE,
    )
    return services.save_patient(patient, by=by, request=request)


@transaction.atomic(savepoint=False)
def add_visit(*, patient: Patient, scheduled_at, clinician, reason: str, by, request=None) -> Visit:
    visit = Visit.objects.create(
        patient=patient,
        scheduled_at=scheduled_at,
        clinician=clinician,
        reason=reason,
        created_by=by,
    )
    record(Action.CREATE, actor=by, obj=visit, request=request, detail={"patient": str(patient.pk)})
    return visit


@transaction.atomic
def intake_for_visit(visit: Visit, *, by, request=None) -> tuple[Intake, bool]:
    """The visit's intake, and whether it already existed: the one it has; else the patient's
    open draft, now the visit's; else a new draft for it."""
    if existing := visit.intakes.first():
        return existing, True
    return services.resume_or_start_intake(
        patient=visit.patient, by=by, visit=visit, request=request
    )


def days_visits(first_day: dt.date, days: int = 2):
    """The visits of `days` days from `first_day`, in the clinic's time zone, in order."""
    start = timezone.make_aware(dt.datetime.combine(first_day, dt.time.min))
    end = start + dt.timedelta(days=days)
    return Visit.objects.filter(scheduled_at__gte=start, scheduled_at__lt=end).order_by(
        "scheduled_at", "pk"
    )
