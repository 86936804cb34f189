"""Under `/fhir/`, every error is an OperationOutcome, and only JSON is spoken.

A FHIR client reads an OperationOutcome whatever went wrong, never an HTML page: a wrong
address (Django's 404), a method the server does not offer, a refused CSRF check, a server
error. The views' own errors (DRF's) are OperationOutcomes already (`fhir_exception_handler`);
the middleware turns every other 4xx and 5xx under `/fhir/` into one, saying no more than the
status does (no detail of an internal error reaches the client; it is logged as usual).
"""

from __future__ import annotations

import json
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import exception_handler

from intake.fhir import FHIR_JSON, operation_outcome

FHIR_PREFIX = "/fhir/"

# FHIR's issue type for each HTTP error (https://hl7.org/fhir/R4/valueset-issue-type.html).
ISSUE_TYPES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    409: "conflict",
    412: "conflict",
    413: "too-costly",
    415: "not-supported",
    422: "processing",
    429: "throttled",
}
# `_format` values (FHIR's http.html#mime-type): the JSON ones are served, the rest refused.
JSON_FORMATS = {"json", "application/json", "application/fhir+json"}
ONLY_JSON = "Only JSON is served here: _format=json, or Accept: application/fhir+json."


def issue_type(status: int) -> str:
    return ISSUE_TYPES.get(status, "exception" if status >= 500 else "processing")


def outcome(status: int, diagnostics: str) -> dict[str, object]:
    return operation_outcome(
        [{"severity": "error", "code": issue_type(status), "diagnostics": diagnostics}]
    )


def fhir_exception_handler(exc, context) -> Response | None:
    """DRF's errors (401, 403, 404, 406, 415...) as OperationOutcomes."""
    response = exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = outcome(response.status_code, str(detail))
    return response


class FHIRContentNegotiation(DefaultContentNegotiation):
    """FHIR's `_format` parameter as well as Accept; anything but JSON is 406."""

    def select_renderer(self, request, renderers, format_suffix=None):
        wanted = request.query_params.get("_format", "").strip().lower()
        if wanted and wanted not in JSON_FORMATS:
            raise NotAcceptable(ONLY_JSON)
        if wanted:
            return renderers[0], renderers[0].media_type
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            raise NotAcceptable(ONLY_JSON) from None


class FHIRErrorsMiddleware:
    """Every 4xx and 5xx under `/fhir/` that is not an OperationOutcome becomes one."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path.startswith(FHIR_PREFIX)
            or response.status_code < 400
            or response.get("Content-Type", "").startswith(FHIR_JSON)
        ):
            return response
        status = response.status_code
        return HttpResponse(
            json.dumps(outcome(status, HTTPStatus(status).phrase)),
            status=status,
            content_type=FHIR_JSON,
        )
