"""SDC's operations (https://hl7.org/fhir/uv/sdc/): `$populate`, a new response pre-filled
for a returning patient as the desk's draft is; `$extract`, a response's coded answers as
Observations. Nothing is stored by either.
"""

from __future__ import annotations

import re
from uuid import UUID

from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import Action, record
from clinic.access import intake_for, intakes_for, patient_for
from clinic.api.base import intake_document, json_body
from clinic.api.fhir.views import FHIRView, refused_search
from intake.answers import patient_answers
from intake.document import DocumentInvalid, Problem
from intake.fhir import fhir_path, observations, questionnaire_response
from intake.models import listed_intakes
from intake.prefill import carried_answers

POPULATE = "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-populate"
EXTRACT = "http://hl7.org/fhir/uv/sdc/OperationDefinition/QuestionnaireResponse-extract"
_PATIENT = re.compile(r"^Patient/([0-9a-fA-F-]{36})$")
_SUBJECT_IS_REQUIRED = "is required: the patient, as Patient/<id>"


def _subject_of(parameters: object) -> str | None:
    """`subject` of a Parameters resource (`valueReference.reference`)."""
    if not isinstance(parameters, dict) or parameters.get("resourceType") != "Parameters":
        return None
    for parameter in parameters.get("parameter") or []:
        if isinstance(parameter, dict) and parameter.get("name") == "subject":
            reference = (parameter.get("valueReference") or {}).get("reference")
            return reference if isinstance(reference, str) else None
    return None


class PopulateView(FHIRView):
    """`Questionnaire/leg-numbness-intake/$populate?subject=Patient/<id>` (or POSTed
    Parameters): an in-progress response with who the patient is and what their last
    submitted intake carries (medications, injuries, conditions, exposures, lifestyle)."""

    token_scopes = {
        "GET": "system/QuestionnaireResponse.r",
        "POST": "system/QuestionnaireResponse.r",
    }

    def get(self, request: Request) -> Response:
        return self._populate(request, request.query_params.get("subject"))

    def post(self, request: Request) -> Response:
        try:
            subject = _subject_of(json_body(request, fhir_path))
        except DocumentInvalid as invalid:
            return refused_search(invalid)
        return self._populate(request, subject)

    def _populate(self, request: Request, subject: str | None) -> Response:
        named = _PATIENT.match(subject or "")
        if named is None:
            return refused_search(DocumentInvalid((Problem("subject", _SUBJECT_IS_REQUIRED),)))
        patient = patient_for(request.user, UUID(named.group(1)))
        source = (
            listed_intakes()
            .filter(pk__in=intakes_for(request.user).filter(patient=patient).values("pk"))
            .order_by("-submitted_at", "-pk")
            .first()
        )
        today = timezone.localdate()
        answers = (
            carried_answers(source, today) if source else {"patient": patient_answers(patient)}
        )
        response = {
            **questionnaire_response(answers, status="in-progress"),
            "subject": {"reference": f"Patient/{patient.pk}"},
        }
        detail = {"via": "fhir", "operation": "populate", "from": str(source.pk) if source else ""}
        record(Action.VIEW, obj=patient, request=request, detail=detail)
        return Response(
            {
                "resourceType": "Parameters",
                "parameter": [{"name": "response", "resource": response}],
            }
        )


class ExtractView(FHIRView):
    """`QuestionnaireResponse/<id>/$extract`: the coded answers (pain severity, smoking,
    drinks a week) as Observations, in a transaction Bundle the caller may post elsewhere."""

    token_scopes = {
        "GET": "system/QuestionnaireResponse.r",
        "POST": "system/QuestionnaireResponse.r",
    }

    def get(self, request: Request, intake_id: UUID) -> Response:
        return self.post(request, intake_id)

    def post(self, request: Request, intake_id: UUID) -> Response:
        intake = intake_for(request.user, intake_id)
        record(
            Action.VIEW, obj=intake, request=request, detail={"via": "fhir", "operation": "extract"}
        )
        found = observations(
            intake_document(intake),
            subject=f"Patient/{intake.patient_id}",
            derived_from=f"QuestionnaireResponse/{intake.pk}",
        )
        entries = [
            {"resource": resource, "request": {"method": "POST", "url": "Observation"}}
            for resource in found
        ]
        return Response({"resourceType": "Bundle", "type": "transaction", "entry": entries})
