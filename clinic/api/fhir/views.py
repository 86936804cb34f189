"""FHIR R4 endpoints (`/fhir/`): the intake Questionnaire, and intakes as QuestionnaireResponses.

The conversion is `intake.fhir`; these views only translate between HTTP and it,
`clinic.submission` and `clinic.access`.
"""

from __future__ import annotations

from uuid import UUID

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import Action, record
from clinic.access import intake_for
from clinic.api.base import (
    ASCIIJSONRenderer,
    JSONBodyParser,
    StaffAPIView,
    intake_document,
    json_body,
)
from clinic.api.fhir.errors import FHIRContentNegotiation, fhir_exception_handler
from clinic.submission import create_intake_from_document, raise_for_refused
from intake.document import DocumentInvalid, parse_document
from intake.fhir import (
    FHIR_JSON,
    document_from_response,
    emergency_issues,
    fhir_path,
    is_this_questionnaire,
    locate,
    operation_outcome,
    problem_issues,
    questionnaire,
    questionnaire_response,
    response_emergency_answers,
)
from intake.models import Intake
from intake.services import IdentityConflict
from triage.rules import RULES_VERSION


def intake_questionnaire_response(intake: Intake) -> dict[str, object]:
    return questionnaire_response(
        intake_document(intake), resource_id=str(intake.pk), completed=not intake.is_draft
    )


# --- HTTP ----------------------------------------------------------------------------


class FHIRJSONParser(JSONBodyParser):
    media_type = FHIR_JSON


class FHIRJSONRenderer(ASCIIJSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"


# FHIR resources describe themselves; the REST API's OpenAPI schema leaves them out.
@extend_schema(exclude=True)
class FHIRView(StaffAPIView):
    parser_classes = [FHIRJSONParser, JSONBodyParser]
    renderer_classes = [FHIRJSONRenderer, ASCIIJSONRenderer]
    content_negotiation_class = FHIRContentNegotiation

    def get_exception_handler(self):
        return fhir_exception_handler


class QuestionnaireView(FHIRView):
    """The Questionnaire holds no patient data: anyone may read it, without signing in, in
    the language asked for (Accept-Language)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        return Response(questionnaire(version=RULES_VERSION))


class QuestionnaireSearchView(QuestionnaireView):
    """`GET /fhir/Questionnaire[?url=canonical[|version]]`: a searchset of this one, or none."""

    def get(self, request: Request) -> Response:
        url = request.query_params.get("url")
        entries = []
        if url is None or is_this_questionnaire(url, version=RULES_VERSION):
            entries.append(
                {
                    "fullUrl": request.build_absolute_uri(reverse("fhir:questionnaire")),
                    "resource": questionnaire(version=RULES_VERSION),
                    "search": {"mode": "match"},
                }
            )
        return Response(
            {"resourceType": "Bundle", "type": "searchset", "total": len(entries), "entry": entries}
        )


def _refused(
    request: Request, issues: list[dict[str, object]], body: object, status_code: int
) -> Response:
    """The problems, then the emergency answers of the refused response (clinical-content §4);
    those raise their alert all the same, on the patient the response names if it can be read."""
    answered_yes = response_emergency_answers(body)
    if answered_yes:
        try:
            document: object = document_from_response(body)
        except DocumentInvalid:
            document = None
        raise_for_refused(
            document, answered_yes, by=request.user, channel=Intake.Channel.API, request=request
        )
    return Response(operation_outcome(issues + emergency_issues(body)), status=status_code)


class QuestionnaireResponseListView(FHIRView):
    token_scopes = {"POST": "system/QuestionnaireResponse.c"}

    def post(self, request: Request) -> Response:
        """Create and submit an intake from a completed QuestionnaireResponse."""
        body: object = None
        try:
            body = json_body(request, fhir_path)
            submission = create_intake_from_document(
                parse_document(document_from_response(body)),
                by=request.user,
                channel=Intake.Channel.API,
                request=request,
            )
        except DocumentInvalid as invalid:
            return _refused(
                request,
                problem_issues(locate(invalid.problems, body)),
                body,
                status.HTTP_400_BAD_REQUEST,
            )
        except IdentityConflict as conflict:
            issues = problem_issues(locate(conflict.problems, body), code="conflict")
            return _refused(request, issues, body, status.HTTP_409_CONFLICT)
        intake = submission.intake
        location = reverse("fhir:questionnaire-response", args=[intake.pk])
        return Response(
            intake_questionnaire_response(intake),
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )


class QuestionnaireResponseView(FHIRView):
    token_scopes = {"GET": "system/QuestionnaireResponse.r"}

    def get(self, request: Request, intake_id: UUID) -> Response:
        intake = intake_for(request.user, intake_id)
        record(Action.VIEW, actor=request.user, obj=intake, request=request, detail={"via": "fhir"})
        return Response(intake_questionnaire_response(intake))
