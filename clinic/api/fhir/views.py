"""FHIR R4 endpoints (`/fhir/`): the intake Questionnaire, and intakes as QuestionnaireResponses.

The conversion is `intake.fhir`; these views only translate between HTTP and it,
`clinic.submission` and `clinic.access`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import Action, record, record_shown
from clinic.access import intake_for, intakes_for, patient_for, patients_for
from clinic.api.base import ASCIIJSONRenderer, JSONBodyParser, StaffAPIView, json_body
from clinic.api.fhir.errors import FHIRContentNegotiation, fhir_exception_handler
from clinic.api.fhir.resources import (
    AMENDED_THROUGH_FHIR,
    SUBMITTED_STAYS_SUBMITTED,
    WITHDRAWN_STAYS_WITHDRAWN,
    etag,
    if_match,
    intake_questionnaire_response,
    version_id,
    version_resources,
    with_latest_document,
)
from clinic.api.fhir.search import (
    PATIENT_PARAMETERS,
    RESPONSE_PARAMETERS,
    Parameter,
    conditions,
    page,
)
from clinic.submission import (
    amend_from_document,
    create_intake_from_document,
    raise_for_refused,
    save_draft_answers,
    start_draft_from_answers,
    submit_draft_from_document,
)
from intake.document import DocumentInvalid, Problem, parse_document, read_draft
from intake.fhir import (
    FHIR_JSON,
    IN_PROGRESS,
    document_from_response,
    emergency_issues,
    fhir_path,
    is_this_questionnaire,
    locate,
    operation_outcome,
    patient_resource,
    problem_issues,
    questionnaire,
    response_emergency_answers,
    response_status,
    sender_context,
)
from intake.models import Intake
from intake.services import EditConflict, IdentityConflict, NotADraft
from triage.fhir import risk_assessment_id
from triage.rules import RULES_VERSION
from triage.services import current_assessment

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


class OpenFHIRView(FHIRView):
    """Read by anyone, before any token: what holds no patient data."""

    authentication_classes: list = []
    permission_classes = [AllowAny]


class QuestionnaireView(OpenFHIRView):
    """The Questionnaire holds no patient data: anyone may read it, without signing in, in
    the language asked for (Accept-Language)."""

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


def bundle(request: Request, kind: str, entries: list[dict], *, next_cursor: str | None = None):
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if next_cursor is not None:
        query = request.query_params.copy()
        query["_cursor"] = next_cursor
        links.append(
            {"relation": "next", "url": request.build_absolute_uri(f"?{query.urlencode()}")}
        )
    return Response({"resourceType": "Bundle", "type": kind, "link": links, "entry": entries})


# The route of each resource type's instances, for an entry's fullUrl.
_INSTANCE_ROUTES = {
    "QuestionnaireResponse": "fhir:questionnaire-response",
    "Patient": "fhir:patient",
    "RiskAssessment": "fhir:risk-assessment",
    "Flag": "fhir:flag",
}


def entry(request: Request, resource: dict, *, search: bool = True) -> dict[str, object]:
    path = reverse(_INSTANCE_ROUTES[resource["resourceType"]], args=[resource["id"]])
    found = {"fullUrl": request.build_absolute_uri(path), "resource": resource}
    return {**found, "search": {"mode": "match"}} if search else found


def refused_search(invalid: DocumentInvalid) -> Response:
    issues = problem_issues(invalid.problems)
    return Response(operation_outcome(issues), status=status.HTTP_400_BAD_REQUEST)


def searched(
    request: Request,
    rows: QuerySet,
    parameters: tuple[Parameter, ...],
    resource: Callable[[Any], dict],
    *,
    name: str,
    shown: Callable[[Any], tuple[object, object]],
    created: str = "created_at",
) -> Response:
    """A search's Bundle of `rows` (a scoped fetch's): one page, newest first, audited as
    one event naming by id each patient (and intake) returned; `shown` gives a row's."""
    try:
        condition = conditions(request.query_params, parameters)
        found, next_cursor = page(rows.filter(condition), request.query_params, created=created)
    except DocumentInvalid as invalid:
        return refused_search(invalid)
    ids = [shown(row) for row in found]
    record_shown(
        request,
        page=name,
        patient_ids=[patient for patient, _intake in ids],
        intake_ids=[intake for _patient, intake in ids if intake is not None],
        via="fhir",
    )
    entries = [entry(request, resource(row)) for row in found]
    return bundle(request, "searchset", entries, next_cursor=next_cursor)


def refused_body(
    request: Request, refused: DocumentInvalid | IdentityConflict, body: object
) -> Response:
    if isinstance(refused, IdentityConflict):
        issues = problem_issues(locate(refused.problems, body), code="conflict")
        return _refused(request, issues, body, status.HTTP_409_CONFLICT)
    issues = problem_issues(locate(refused.problems, body))
    return _refused(request, issues, body, status.HTTP_400_BAD_REQUEST)


def _saved(request: Request, intake: Intake, status_code: int) -> Response:
    """The response as stored; a submitted one's triage is linked (`Link: <RiskAssessment>`)."""
    location = reverse("fhir:questionnaire-response", args=[intake.pk])
    headers = {"Location": request.build_absolute_uri(location), "ETag": etag(intake)}
    assessment = None if intake.is_draft else current_assessment(intake)
    if assessment is not None:
        triage = request.build_absolute_uri(
            reverse("fhir:risk-assessment", args=[risk_assessment_id(assessment)])
        )
        headers["Link"] = f'<{triage}>; rel="related"; type="{FHIR_JSON}"'
    return Response(intake_questionnaire_response(intake), status=status_code, headers=headers)


class QuestionnaireResponseListView(FHIRView):
    token_scopes = {
        "GET": "system/QuestionnaireResponse.s",
        "POST": "system/QuestionnaireResponse.c",
    }

    def get(self, request: Request) -> Response:
        """Search: by patient, MRN, status, when last changed, questionnaire; newest first."""
        return searched(
            request,
            with_latest_document(intakes_for(request.user)),
            RESPONSE_PARAMETERS,
            intake_questionnaire_response,
            name="fhir:questionnaire-responses",
            shown=lambda intake: (intake.patient_id, intake.pk),
        )

    def post(self, request: Request) -> Response:
        """Create an intake from a QuestionnaireResponse: a completed one submitted, with the
        full checks; an in-progress one saved as a draft to resume, checked as a draft is."""
        body: object = None
        try:
            body = json_body(request, fhir_path)
            intake = create_from_response(request, body)
        except (DocumentInvalid, IdentityConflict) as refused:
            return refused_body(request, refused, body)
        return _saved(request, intake, status.HTTP_201_CREATED)


def create_from_response(request: Request, body: object) -> Intake:
    """The intake a posted QuestionnaireResponse makes; raises what refuses it."""
    if response_status(body) == IN_PROGRESS:
        return start_draft_from_answers(
            read_draft(document_from_response(body, draft=True)),
            by=request.user,
            channel=Intake.Channel.API,
            sent=sender_context(body),
            request=request,
        )
    return create_intake_from_document(
        parse_document(document_from_response(body)),
        by=request.user,
        channel=Intake.Channel.API,
        sent=sender_context(body),
        request=request,
    ).intake


class QuestionnaireResponseView(FHIRView):
    token_scopes = {
        "GET": "system/QuestionnaireResponse.r",
        "PUT": "system/QuestionnaireResponse.u",
    }

    def get(self, request: Request, intake_id: UUID) -> Response:
        intake = intake_for(request.user, intake_id)
        record(Action.VIEW, actor=request.user, obj=intake, request=request, detail={"via": "fhir"})
        return Response(intake_questionnaire_response(intake), headers={"ETag": etag(intake)})

    def put(self, request: Request, intake_id: UUID) -> Response:
        """Update an intake. A draft: `in-progress` saves more answers, `completed` submits it
        with the full checks. A submitted one: an amendment, checked whole and triaged again.
        With If-Match, only if nobody changed it since that version (412 otherwise)."""
        intake = intake_for(request.user, intake_id)
        body: object = None
        try:
            tag = if_match(request.headers.get("If-Match"))
            if tag is not None and tag != version_id(intake):
                raise EditConflict
            body = json_body(request, fhir_path)
            if isinstance(body, dict) and body.get("id", str(intake.pk)) != str(intake.pk):
                raise DocumentInvalid((Problem("id", "must be the id in the address"),))
            updated = self._update(request, intake, body, guarded=tag is not None)
        except (DocumentInvalid, IdentityConflict) as refused:
            return refused_body(request, refused, body)
        except (EditConflict, NotADraft):
            current = intake_for(request.user, intake_id)
            diagnostics = f"changed since that version: it is now {etag(current)}"
            outcome = operation_outcome(
                [{"severity": "error", "code": "conflict", "diagnostics": diagnostics}]
            )
            return Response(outcome, status=status.HTTP_412_PRECONDITION_FAILED)
        return _saved(request, updated, status.HTTP_200_OK)

    @staticmethod
    def _update(request: Request, intake: Intake, body: object, *, guarded: bool) -> Intake:
        by = request.user
        if intake.status == Intake.Status.WITHDRAWN:
            raise DocumentInvalid((Problem("status", WITHDRAWN_STAYS_WITHDRAWN),))
        if not intake.is_draft:
            if response_status(body) == IN_PROGRESS:
                raise DocumentInvalid((Problem("status", SUBMITTED_STAYS_SUBMITTED),))
            return amend_from_document(
                intake=intake,
                doc=parse_document(document_from_response(body)),
                by=by,
                reason=AMENDED_THROUGH_FHIR,
                version=intake.version if guarded else None,
                sent=sender_context(body),
                request=request,
            ).intake
        seen = intake.revision if guarded else None
        if response_status(body) == IN_PROGRESS:
            read = read_draft(document_from_response(body, draft=True))
            return save_draft_answers(
                intake, read, by=by, seen_revision=seen, sent=sender_context(body), request=request
            )
        doc = parse_document(document_from_response(body), today=intake.reported_on)
        return submit_draft_from_document(
            intake=intake,
            doc=doc,
            by=by,
            seen_revision=seen,
            sent=sender_context(body),
            request=request,
        ).intake


class QuestionnaireResponseHistoryView(FHIRView):
    """`_history`: every version submitted or amended, newest first; `_history/<n>`: one."""

    token_scopes = {"GET": "system/QuestionnaireResponse.r"}

    def get(self, request: Request, intake_id: UUID, version: str | None = None) -> Response:
        intake = intake_for(request.user, intake_id)
        record(
            Action.VIEW,
            actor=request.user,
            obj=intake,
            request=request,
            detail={"via": "fhir", "history": version or "all"},
        )
        versions = version_resources(intake)
        if version is None:
            entries = [entry(request, resource, search=False) for resource in versions]
            return bundle(request, "history", entries)
        for resource in versions:
            if resource["meta"]["versionId"] == version:
                return Response(resource, headers={"ETag": f'W/"{version}"'})
        raise NotFound(f"No version {version} of this QuestionnaireResponse")


class PatientListView(FHIRView):
    token_scopes = {"GET": "system/Patient.s"}

    def get(self, request: Request) -> Response:
        """Search by identifier (the MRN)."""
        return searched(
            request,
            patients_for(request.user),
            PATIENT_PARAMETERS,
            patient_resource,
            name="fhir:patients",
            shown=lambda patient: (patient.pk, None),
        )


class PatientView(FHIRView):
    token_scopes = {"GET": "system/Patient.r"}

    def get(self, request: Request, patient_id: UUID) -> Response:
        patient = patient_for(request.user, patient_id)
        record(
            Action.VIEW, actor=request.user, obj=patient, request=request, detail={"via": "fhir"}
        )
        return Response(patient_resource(patient))
