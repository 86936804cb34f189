"""The triage in FHIR: RiskAssessment (the level of each triage) and Flag (each of its flags),
read and searched; and the code systems they are coded in, read by anyone.

The conversion is `triage.fhir`; the rows are the stored triage, reached through
`clinic.access` (flags are clinical detail: the front desk's pages show only some of them,
so the front desk is not served them here).
"""

from __future__ import annotations

from oauth2_provider.models import AbstractAccessToken
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_permissions import HasRole
from accounts.roles import CLINICAL_ROLES
from accounts.scopes import permits
from audit.services import Action, record
from clinic.access import assessments_for, flags_for, reads_clinical
from clinic.api.base import json_body
from clinic.api.fhir.resources import etag, intake_questionnaire_response
from clinic.api.fhir.search import FLAG_PARAMETERS, RISK_ASSESSMENT_PARAMETERS
from clinic.api.fhir.views import (
    FHIRView,
    OpenFHIRView,
    create_from_response,
    entry,
    refused_body,
    refused_search,
    searched,
)
from intake.document import DocumentInvalid, Problem
from intake.fhir import fhir_path
from intake.services import IdentityConflict
from triage.fhir import CODE_SYSTEMS, flag_resource, parse_id, risk_assessment, value_set_named
from triage.services import current_assessment


class RiskAssessmentListView(FHIRView):
    token_scopes = {"GET": "system/RiskAssessment.s"}

    def get(self, request: Request) -> Response:
        """Search by basis (the response, or a version of it) and patient; newest first."""
        return searched(
            request,
            assessments_for(request.user),
            RISK_ASSESSMENT_PARAMETERS,
            risk_assessment,
            name="fhir:risk-assessments",
            shown=lambda assessment: (assessment.intake.patient_id, assessment.intake_id),
        )


class RiskAssessmentView(FHIRView):
    token_scopes = {"GET": "system/RiskAssessment.r"}

    def get(self, request: Request, assessment_ref: str) -> Response:
        named = parse_id(assessment_ref, 2)
        assessment = (
            assessments_for(request.user)
            .filter(intake_id=named[0], intake_version=named[1])
            .first()
            if named
            else None
        )
        if assessment is None:
            raise NotFound("No such RiskAssessment")
        record(Action.VIEW, obj=assessment.intake, request=request, detail={"via": "fhir"})
        return Response(risk_assessment(assessment))


class FlagListView(FHIRView):
    permission_classes = [IsAuthenticated, HasRole.of(*CLINICAL_ROLES)]
    token_scopes = {"GET": "system/Flag.s"}

    def get(self, request: Request) -> Response:
        """Search by patient and status (active: on the current triage); newest first."""
        return searched(
            request,
            flags_for(request.user),
            FLAG_PARAMETERS,
            flag_resource,
            name="fhir:flags",
            shown=lambda flag: (flag.assessment.intake.patient_id, flag.assessment.intake_id),
            created="assessment__created_at",
        )


class FlagView(FHIRView):
    permission_classes = [IsAuthenticated, HasRole.of(*CLINICAL_ROLES)]
    token_scopes = {"GET": "system/Flag.r"}

    def get(self, request: Request, flag_ref: str) -> Response:
        named = parse_id(flag_ref, 3)
        flag = (
            flags_for(request.user)
            .filter(
                assessment__intake_id=named[0],
                assessment__intake_version=named[1],
                position=named[2],
            )
            .first()
            if named
            else None
        )
        if flag is None:
            raise NotFound("No such Flag")
        record(Action.VIEW, obj=flag.assessment.intake, request=request, detail={"via": "fhir"})
        return Response(flag_resource(flag))


class CodeSystemView(OpenFHIRView):
    """The answers' and the triage's codes: no patient data, read by anyone."""

    def get(self, request: Request, system_id: str) -> Response:
        if system_id not in CODE_SYSTEMS:
            raise NotFound("No such CodeSystem")
        return Response(CODE_SYSTEMS[system_id]())


class ValueSetView(OpenFHIRView):
    """Each choice question's answers, and the triage's codes: read by anyone."""

    def get(self, request: Request, value_set_id: str) -> Response:
        found = value_set_named(value_set_id)
        if found is None:
            raise NotFound("No such ValueSet")
        return Response(found)


def _may_read_flags(request: Request) -> bool:
    """Flags are clinical detail, and a token reads them only with their scope."""
    if not reads_clinical(request.user):
        return False
    token = request.auth
    return not isinstance(token, AbstractAccessToken) or permits(
        token.scope.split(), "system/Flag.r"
    )


def _one_response(data: object) -> dict:
    """The one QuestionnaireResponse a transaction Bundle creates, or why it is refused."""
    problems = []
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise DocumentInvalid((Problem("Bundle", "must be a Bundle"),))
    if data.get("type") != "transaction":
        problems.append(Problem("Bundle.type", "must be transaction"))
    entries = data.get("entry")
    if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], dict):
        problems.append(Problem("Bundle.entry", ONE_RESPONSE))
    else:
        wanted = entries[0].get("request") or {}
        if not isinstance(wanted, dict) or (wanted.get("method"), wanted.get("url")) != (
            "POST",
            "QuestionnaireResponse",
        ):
            problems.append(Problem("Bundle.entry[0].request", ONE_RESPONSE))
    if problems:
        raise DocumentInvalid(tuple(problems))
    return entries[0].get("resource")


ONE_RESPONSE = "must be one entry: POST QuestionnaireResponse, the response to submit"
IN_THE_BUNDLE = "Bundle.entry[0].resource"


class TransactionView(FHIRView):
    """`POST /fhir/`: a transaction Bundle holding one QuestionnaireResponse, answered with the
    response as stored, its RiskAssessment and its Flags, in one transaction-response Bundle."""

    token_scopes = {"POST": "system/QuestionnaireResponse.c"}

    def post(self, request: Request) -> Response:
        body: object = None
        try:
            body = _one_response(json_body(request, fhir_path))
            intake = create_from_response(request, body)
        except (DocumentInvalid, IdentityConflict) as refused:
            if body is None:  # the Bundle itself, not the response in it
                return refused_search(refused)
            refusal = refused_body(request, refused, body)
            refusal.data = _inside_the_bundle(refusal.data)
            return refusal
        return Response(_transaction_response(request, intake))


def _created(request: Request, resource: dict, tag: str | None = None) -> dict[str, object]:
    done = entry(request, resource, search=False)
    response = {"status": "201 Created", "location": done["fullUrl"]}
    return {**done, "response": response | ({"etag": tag} if tag else {})}


def _transaction_response(request: Request, intake) -> dict[str, object]:
    entries = [_created(request, intake_questionnaire_response(intake), etag(intake))]
    assessment = None if intake.is_draft else current_assessment(intake)
    if assessment is not None:
        entries.append(_created(request, risk_assessment(assessment)))
        if _may_read_flags(request):
            entries += [_created(request, flag_resource(flag)) for flag in assessment.flags.all()]
    return {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}


def _inside_the_bundle(outcome: dict) -> dict:
    """An outcome about the response, its FHIRPath put inside the Bundle that carried it."""
    for issue in outcome.get("issue", []):
        issue["expression"] = [
            path.replace("QuestionnaireResponse", IN_THE_BUNDLE, 1)
            for path in issue.get("expression", [])
        ]
    return outcome
