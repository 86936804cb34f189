"""Between an `Intake` row and the intake document, both ways, losslessly.

`intake_answers` reads what has been entered so far as JSON-compatible data
(unanswered questions are left out, so the parser names each one);
`apply_document` writes a parsed document onto an intake and its patient.
"""

from __future__ import annotations

from django.db import transaction

from intake.document import (
    ALL_RED_FLAG_CODES,
    ALL_RISK_FACTOR_CODES,
    NOT_ASKED,
    IntakeDocument,
)
from intake.models import Injury, Intake, Medication, Patient, Vaccination

PATIENT_FIELDS = (
    "mrn", "given_name", "family_name", "date_of_birth", "sex", "phone", "email",
    "preferred_language",
)  # fmt: skip
SYMPTOM_FIELDS = (
    "sides", "locations", "onset", "duration_days", "pattern", "frequency", "positional",
    "relieved_by_moving", "progression", "severity", "associated", "leg_changes",
    "other_symptoms", "description",
)  # fmt: skip
# `symptoms.last_changed_days` in two columns: asked and answered, then the days.
CHANGE_FIELDS = ("suddenly_changed", "last_changed_days")
LIST_FIELDS = ("treatments", "conditions", "exposures")
# The repeating parts of an intake: each relation's model and the answers its rows hold.
ROW_MODELS = {"medications": Medication, "vaccinations": Vaccination, "injuries": Injury}
ROW_FIELDS = {
    "medications": ("name", "dose", "kind"),
    "vaccinations": ("name", "date"),
    "injuries": ("kind", "date", "older_than_14_days", "mechanism", "description"),
}
LIFESTYLE_FIELDS = ("alcohol_drinks_per_week", "diet", "smoking")


def _answered(value: object) -> bool:
    return value is not None and value != "" and value != []


def _section(obj: object, fields: tuple[str, ...]) -> dict[str, object]:
    values = {name: getattr(obj, name) for name in fields}
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in values.items()
        if _answered(value)
    }


def _rows(rows, fields: tuple[str, ...]) -> list[dict[str, object]]:
    return [_section(row, fields) for row in rows]


def _last_changed(intake: Intake) -> dict[str, object]:
    """`last_changed_days` as the document has it: absent (not asked), null (no) or days."""
    if intake.suddenly_changed is None or (
        intake.suddenly_changed and intake.last_changed_days is None
    ):
        return {}
    return {"last_changed_days": intake.last_changed_days if intake.suddenly_changed else None}


def patient_answers(patient: Patient) -> dict[str, object]:
    """Who the patient is, as the document's `patient` section."""
    return _section(patient, PATIENT_FIELDS)


def intake_answers(intake: Intake) -> dict[str, object]:
    """The answers so far, shaped as the intake document (input for `parse_document`)."""
    answers: dict[str, object] = {
        "reported_on": intake.reported_on.isoformat(),
        "patient": patient_answers(intake.patient),
        "symptoms": _section(intake, SYMPTOM_FIELDS) | _last_changed(intake),
        "red_flags": _section(intake, ALL_RED_FLAG_CODES),
        **{
            relation: _rows(getattr(intake, relation).all(), fields)
            for relation, fields in ROW_FIELDS.items()
        },
        **{name: getattr(intake, name) for name in LIST_FIELDS},
        "notes": intake.notes,
    }
    # Optional sections: absent until something in them is answered.
    for name, section in (
        ("risk_factors", _section(intake, ALL_RISK_FACTOR_CODES)),
        ("lifestyle", _section(intake, LIFESTYLE_FIELDS)),
    ):
        if section:
            answers[name] = section
    return {name: value for name, value in answers.items() if _answered(value)}


def apply_patient(patient: Patient, doc: IntakeDocument) -> None:
    for name in PATIENT_FIELDS:
        value = getattr(doc.patient, name)
        setattr(patient, name, value if value is not None else "")
    patient.mrn = doc.patient.mrn or None


def set_answers(intake: Intake, doc: IntakeDocument) -> None:
    """Every answer of `doc` that is a column of `intake`, set on the object (not saved)."""
    intake.reported_on = doc.reported_on
    for name in SYMPTOM_FIELDS:
        value = getattr(doc.symptoms, name)
        if isinstance(value, tuple):
            value = list(value)
        setattr(intake, name, "" if value is None and name == "frequency" else value)
    changed = doc.symptoms.last_changed_days
    intake.suddenly_changed = None if changed is NOT_ASKED else changed is not None
    intake.last_changed_days = changed if isinstance(changed, int) else None
    for name in ALL_RED_FLAG_CODES:
        setattr(intake, name, getattr(doc.red_flags, name))
    for name in ALL_RISK_FACTOR_CODES:
        setattr(intake, name, getattr(doc.risk_factors, name))
    for name in LIST_FIELDS:
        setattr(intake, name, list(getattr(doc, name)))
    for name in LIFESTYLE_FIELDS:
        value = getattr(doc.lifestyle, name) if doc.lifestyle else None
        setattr(intake, name, "" if value is None and name != "alcohol_drinks_per_week" else value)
    intake.notes = doc.notes


def draft_changes(read: dict[str, object]) -> tuple[dict[str, object], dict[str, list]]:
    """A draft's answers so far (`intake.document.read_draft`) as the intake's column changes
    and its repeating rows: what was answered, and only that."""
    changes: dict[str, object] = {"reported_on": read["reported_on"]}
    symptoms = read.get("symptoms") or {}
    for name in SYMPTOM_FIELDS:
        if name in symptoms:
            value = symptoms[name]
            value = list(value) if isinstance(value, tuple) else value
            changes[name] = "" if value is None and name == "frequency" else value
    if "last_changed_days" in symptoms:
        changed = symptoms["last_changed_days"]
        changes["suddenly_changed"] = changed is not None
        changes["last_changed_days"] = changed
    for section, names in (
        ("red_flags", ALL_RED_FLAG_CODES),
        ("risk_factors", ALL_RISK_FACTOR_CODES),
    ):
        answered = read.get(section) or {}
        changes |= {name: answered[name] for name in names if name in answered}
    changes |= {name: list(read[name]) for name in LIST_FIELDS if name in read}
    lifestyle = read.get("lifestyle") or {}
    for name in LIFESTYLE_FIELDS:
        if name in lifestyle:
            value = lifestyle[name]
            changes[name] = "" if value is None and name != "alcohol_drinks_per_week" else value
    if "notes" in read:
        changes["notes"] = read["notes"]
    rows = {
        relation: [
            {name: _row_value_of(row.get(name), name) for name in fields} for row in read[relation]
        ]
        for relation, fields in ROW_FIELDS.items()
        if relation in read
    }
    return changes, rows


def _row_value_of(value: object, name: str) -> object:
    # An unanswered code is blank in a text column, never NULL (dates stay NULL).
    return "" if value is None and name in ("kind", "mechanism") else value


def _row_value(item: object, name: str) -> object:
    return _row_value_of(getattr(item, name), name)


def document_rows(doc: IntakeDocument) -> dict[str, list[dict[str, object]]]:
    """The document's repeating parts as the rows' field values."""
    return {
        relation: [
            {name: _row_value(item, name) for name in fields} for item in getattr(doc, relation)
        ]
        for relation, fields in ROW_FIELDS.items()
    }


@transaction.atomic(savepoint=False)
def apply_document(intake: Intake, doc: IntakeDocument) -> None:
    """Write every answer of `doc` onto `intake` (saved) and replace its repeating rows."""
    set_answers(intake, doc)
    intake.save()
    replace_rows(intake, **document_rows(doc))


def add_rows(intake: Intake, **rows: list[dict[str, object]]) -> None:
    """Store the named repeating parts of an intake that has none yet, in the given order."""
    for relation, values in rows.items():
        model = ROW_MODELS[relation]
        model.objects.bulk_create(
            model(intake=intake, position=position, **value)
            for position, value in enumerate(values)
        )


def replace_rows(intake: Intake, **rows: list[dict[str, object]]) -> None:
    """Replace the named repeating parts of an intake, keeping the given order."""
    for relation in rows:
        ROW_MODELS[relation].objects.filter(intake=intake).delete()
    add_rows(intake, **rows)
