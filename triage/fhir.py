"""The triage in FHIR R4: a RiskAssessment per triage, a Flag per triage flag, and the code
systems they are coded in (generated from the rule table, as docs/clinical-rules.md is).

Plain data in and out, from the stored rows; the endpoints are `clinic.api.fhir`.
"""

from __future__ import annotations

import uuid

from intake.fhir import (
    ANSWERS_CODE_SYSTEM_ID,
    answers_code_system,
    code_system,
    fhir_base,
    value_set,
    value_sets,
)
from intake.levels import Severity, level_meaning
from triage.models import TriageAssessment, TriageFlag
from triage.rules import RULES, RULES_VERSION

FLAG_CODES_ID = "triage-flags"
SEVERITIES_ID = "triage-severities"
# An extension of ours: each answer a flag's rule read (`red_flags.saddle_anesthesia`).
EVIDENCE_EXTENSION_ID = "flag-evidence"
# FHIR's own: "a reference to a resource with the details of the flag".
FLAG_DETAIL = "http://hl7.org/fhir/StructureDefinition/flag-detail"
_FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"


def code_system_url(system_id: str) -> str:
    return f"{fhir_base()}/CodeSystem/{system_id}"


def evidence_extension_url() -> str:
    return f"{fhir_base()}/StructureDefinition/{EVIDENCE_EXTENSION_ID}"


def _severity_coding(severity: str) -> dict[str, str]:
    return {
        "system": code_system_url(SEVERITIES_ID),
        "code": severity,
        "display": Severity(severity).label,
    }


def risk_assessment_id(assessment: TriageAssessment) -> str:
    """`<intake>.<version>`: the triage of that version. Never a bare row number, so that
    nothing about a patient is reached by counting (tests/security/test_access_matrix.py)."""
    return f"{assessment.intake_id}.{assessment.intake_version}"


def flag_id(flag: TriageFlag) -> str:
    """`<intake>.<version>.<place>`: a flag of that version's triage, in the rules' order."""
    return f"{risk_assessment_id(flag.assessment)}.{flag.position}"


def parse_id(text: str, parts: int) -> tuple | None:
    """The intake and the numbers in an id of `risk_assessment_id`'s or `flag_id`'s shape."""
    pieces = text.split(".")
    if len(pieces) != parts or not all(piece.isdigit() for piece in pieces[1:]):
        return None
    try:
        return (uuid.UUID(pieces[0]), *(int(piece) for piece in pieces[1:]))
    except ValueError:
        return None


def _is_current(assessment: TriageAssessment) -> bool:
    intake = assessment.intake
    return assessment.intake_version == intake.version and intake.status != "withdrawn"


def risk_assessment(assessment: TriageAssessment) -> dict[str, object]:
    """The level of one triage, based on the version of the response it read."""
    intake = assessment.intake
    status = "final" if _is_current(assessment) else "amended"
    if intake.status == "withdrawn":
        status = "entered-in-error"
    basis = f"QuestionnaireResponse/{intake.pk}/_history/{assessment.intake_version}"
    return {
        "resourceType": "RiskAssessment",
        "id": risk_assessment_id(assessment),
        "status": status,
        "method": {"text": f"Leg numbness triage rules {assessment.rules_version}"},
        "subject": {"reference": f"Patient/{intake.patient_id}"},
        "occurrenceDateTime": assessment.created_at.isoformat(),
        "basis": [{"reference": basis}],
        "prediction": [
            {
                "outcome": {"text": str(level_meaning(assessment.level))},
                "qualitativeRisk": {"coding": [_severity_coding(assessment.level)]},
            }
        ],
    }


def flag_status(flag: TriageFlag) -> str:
    """Active on the intake's current triage; inactive once a later version's triage
    replaced it; entered-in-error when the intake was withdrawn."""
    if flag.assessment.intake.status == "withdrawn":
        return "entered-in-error"
    return "active" if _is_current(flag.assessment) else "inactive"


def flag_resource(flag: TriageFlag) -> dict[str, object]:
    assessment = flag.assessment
    return {
        "resourceType": "Flag",
        "id": flag_id(flag),
        "extension": [
            {
                "url": FLAG_DETAIL,
                "valueReference": {"reference": f"RiskAssessment/{risk_assessment_id(assessment)}"},
            },
            *({"url": evidence_extension_url(), "valueString": path} for path in flag.evidence),
        ],
        "status": flag_status(flag),
        "category": [
            {
                "coding": [
                    {"system": _FLAG_CATEGORY, "code": "clinical", "display": "Clinical"},
                    _severity_coding(flag.severity),
                ]
            }
        ],
        "code": {
            "coding": [
                {"system": code_system_url(FLAG_CODES_ID), "code": flag.code, "display": flag.title}
            ],
            "text": flag.title,
        },
        "subject": {"reference": f"Patient/{assessment.intake.patient_id}"},
        "period": {"start": assessment.created_at.isoformat()},
    }


# --- the code systems ------------------------------------------------------------------------


def _code_system(system_id: str, title: str, concepts: list[dict[str, str]]) -> dict[str, object]:
    return code_system(
        system_id, code_system_url(system_id), title, concepts, version=RULES_VERSION
    )


def flag_code_system() -> dict[str, object]:
    """Every flag the rules raise, with its severity and source (the rule table)."""
    return _code_system(
        FLAG_CODES_ID,
        "Leg numbness triage flags",
        [
            {"code": rule.code, "display": rule.title, "definition": f"{rule.when} ({rule.source})"}
            for rule in RULES
        ],
    )


def severity_code_system() -> dict[str, object]:
    return _code_system(
        SEVERITIES_ID,
        "Leg numbness triage levels and flag severities",
        [
            {
                "code": severity.value,
                "display": severity.label,
                "definition": str(level_meaning(severity.value)) or "For discussion at the visit.",
            }
            for severity in Severity
        ],
    )


CODE_SYSTEMS = {
    FLAG_CODES_ID: flag_code_system,
    SEVERITIES_ID: severity_code_system,
    ANSWERS_CODE_SYSTEM_ID: answers_code_system,
}


def whole_value_set(system: dict[str, object]) -> dict[str, object]:
    """Every code of a code system, as the value set a renderer or a validator binds to."""
    return {
        "resourceType": "ValueSet",
        "id": system["id"],
        "url": f"{fhir_base()}/ValueSet/{system['id']}",
        "name": system["name"],
        "title": system["title"],
        "status": "active",
        "compose": {"include": [{"system": system["url"]}]},
    }


def value_set_named(value_set_id: str) -> dict[str, object] | None:
    """A value set by its id: one choice question's answers, or a triage code system whole."""
    if value_set_id in (FLAG_CODES_ID, SEVERITIES_ID):
        return whole_value_set(CODE_SYSTEMS[value_set_id]())
    question = value_sets().get(value_set_id)
    return value_set(question) if question is not None else None
