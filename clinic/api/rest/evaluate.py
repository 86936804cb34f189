"""`POST /api/v1/evaluate`: the evaluation contract (clinical-content.md §4) over HTTP.

Same JSON as `manage.py evaluate_intake`; nothing is written.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api_permissions import HasRole
from accounts.roles import CLINICAL_ROLES
from clinic.api.base import INTAKE_DOCUMENT_SCHEMA, json_body, refused_response
from clinic.api.rest.base import RESTView
from clinic.api.rest.intakes import FlagSerializer, RefusedSerializer
from intake.document import DocumentInvalid, parse_document
from reports.evaluation import evaluate_document
from triage.rules import LEVELS, RULES_VERSION


class SuggestedTestSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="Every trigger that held, with its answer path."
    )
    first_line = serializers.BooleanField(
        help_text="A first-line screening test for distal symmetric polyneuropathy."
    )
    note = serializers.CharField(allow_blank=True)


class EvaluationSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=LEVELS)
    flags = FlagSerializer(many=True)
    suggested_tests = SuggestedTestSerializer(many=True)
    rules_version = serializers.CharField()


_EXAMPLE = {
    "level": "emergency",
    "flags": [
        {
            "code": "bladder_bowel_control_loss",
            "severity": "emergency",
            "title": "Loss of bladder or bowel control",
            "evidence": ["red_flags.bladder_bowel_control_loss"],
            "source": "article: Call 911 — loss of bladder and/or bowel control",
        }
    ],
    "suggested_tests": [
        {
            "code": "mri_lumbar_spine",
            "name": "MRI of the lumbar spine",
            "reasons": ["Loss of bladder or bowel control (red_flags.bladder_bowel_control_loss)"],
            "first_line": False,
            "note": "",
        }
    ],
    "rules_version": RULES_VERSION,
}


class EvaluateView(RESTView):
    # Suggested tests are clinical detail, which the front desk's pages never show.
    permission_classes = [IsAuthenticated, HasRole.of(*CLINICAL_ROLES)]
    token_scopes = {"POST": "api.evaluate"}

    @extend_schema(
        operation_id="evaluate",
        summary="Evaluate an intake document",
        description=(
            "Triage flags and suggested tests for one intake document, without storing "
            "anything. Decision support for a clinician, not a diagnosis or an order: for "
            "clinicians and admins."
        ),
        request={"application/json": INTAKE_DOCUMENT_SCHEMA},
        responses={
            200: OpenApiResponse(
                EvaluationSerializer,
                examples=[OpenApiExample("Emergency", value=_EXAMPLE, response_only=True)],
            ),
            400: OpenApiResponse(
                RefusedSerializer,
                description="The document was rejected; its emergency answers still listed.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data: object = None
        try:
            data = json_body(request)
            doc = parse_document(data)
        except DocumentInvalid as invalid:
            return refused_response(invalid.problems, data)
        return Response(evaluate_document(doc))
