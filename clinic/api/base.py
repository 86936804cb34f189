"""What the REST and FHIR endpoints share: JSON bodies, problem lists, the base view.

Both `clinic.api.rest` and `clinic.api.fhir` build on it; it knows neither.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api_permissions import HasRole
from accounts.roles import STAFF_ROLES
from intake.answers import intake_answers
from intake.document import (
    ROOT_PATH,
    DocumentInvalid,
    Problem,
    document_schema,
    emergency_answers,
)
from intake.document.nesting import TOO_DEEP, Location, document_path, too_deep_in_text
from intake.models import Intake

# The request body's shape, for the OpenAPI schema: built from the parser's own checks, so
# the documentation cannot drift from what is refused.
INTAKE_DOCUMENT_SCHEMA = document_schema()


class NestedTooDeeply(ParseError):
    """JSON nested too deeply for Python to parse; `location` is where it passed MAX_DEPTH."""

    def __init__(self, location: Location) -> None:
        super().__init__("JSON parse error - nested too deeply")
        self.location = location


class JSONBodyParser(JSONParser):
    """JSON bodies; nesting too deep for Python is bad input (400), not a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            text = body.decode((parser_context or {}).get("encoding", "utf-8"), "replace")
            raise NestedTooDeeply(too_deep_in_text(text) or ()) from None


class ASCIIJSONRenderer(JSONRenderer):
    # Problem paths echo the client's keys, which may hold lone surrogates that
    # cannot be encoded as UTF-8: escaping keeps any answer renderable.
    ensure_ascii = True


def json_body(request: Request, path: Callable[[Location], str] = document_path) -> object:
    """The request's JSON value; malformed JSON is reported as a problem with the document,
    JSON nested too deeply at its `path`."""
    try:
        return request.data
    except NestedTooDeeply as deep:
        raise DocumentInvalid((Problem(path(deep.location), TOO_DEEP),)) from None
    except ParseError:
        raise DocumentInvalid((Problem(ROOT_PATH, "must be valid JSON"),)) from None


def problems_as_json(problems: Iterable[Problem]) -> list[dict[str, str]]:
    return [{"path": problem.path, "message": problem.message} for problem in problems]


def refused_response(
    problems: Iterable[Problem], data: object, *, status: int = status.HTTP_400_BAD_REQUEST
) -> Response:
    """A refused document's problems, with its emergency answers (clinical-content §4)."""
    return Response(
        {
            "problems": problems_as_json(problems),
            "emergency_answers": list(emergency_answers(data)),
        },
        status=status,
    )


class StaffAPIView(APIView):
    """Session or token authentication (the project default); any staff role; JSON in and out."""

    permission_classes = [IsAuthenticated, HasRole.of(*STAFF_ROLES)]
    parser_classes = [JSONBodyParser]
    renderer_classes = [ASCIIJSONRenderer]


def intake_document(intake: Intake) -> dict[str, object]:
    """The answers as last submitted or amended, or a draft's answers so far (the last
    version's document read with the intake when it was annotated as `latest_document`)."""
    if hasattr(intake, "latest_document"):
        return intake.latest_document or intake_answers(intake)
    latest = intake.versions.order_by("-number").first()
    return latest.document if latest else intake_answers(intake)
