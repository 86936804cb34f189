"""The intake REST API (`/api/v1/intakes`): submit a whole intake document, read an intake back.

The views only translate between HTTP and `clinic.submission`; reads go through
`clinic.access`.
"""

from __future__ import annotations

from uuid import UUID

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from audit.services import Action, record
from clinic.access import desk_flags, intake_for, reads_clinical
from clinic.api.base import (
    INTAKE_DOCUMENT_SCHEMA,
    intake_document,
    json_body,
    refused_response,
)
from clinic.api.rest.base import RESTView
from clinic.submission import create_intake_from_document, raise_for_refused
from intake.document import DocumentInvalid, emergency_answers, parse_document
from intake.models import Intake
from intake.services import IdentityConflict
from reports.evaluation import SUGGESTION_FIELDS
from reports.models import PreVisitSummary
from triage.models import TriageAssessment
from triage.rules import LEVELS, SEVERITIES
from triage.services import current_assessment

# --- shapes ------------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="The answer's dotted path, e.g. `symptoms.severity`.")
    message = serializers.CharField()


class RefusedSerializer(serializers.Serializer):
    problems = ProblemSerializer(many=True, help_text="Every problem with the document.")
    emergency_answers = serializers.ListField(
        child=serializers.CharField(),
        help_text="Every red_flags answer that is true in the refused document (clinical-content "
        "§4): an emergency is never thrown away with a bad document.",
    )


class FlagSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    title = serializers.CharField()
    evidence = serializers.ListField(
        child=serializers.CharField(), help_text="The answer paths that raised the flag."
    )
    source = serializers.CharField()


class DeskFlagSerializer(serializers.Serializer):
    """A flag as the front desk's result page shows it: what to do now, not why."""

    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    title = serializers.CharField()


@extend_schema_field(DeskFlagSerializer(many=True))
class DeskFlagsField(serializers.Field):
    """An assessment's flags as the front desk's result page lists them (`desk_flags`)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, assessment: TriageAssessment) -> list[dict]:
        return DeskFlagSerializer(desk_flags(assessment), many=True).data


class DeskSubmissionSerializer(serializers.Serializer):
    """A `clinic.submission.Submission` as the front desk sees it: the level, and the flags
    that say what to do now (`desk_flags`)."""

    id = serializers.UUIDField(source="intake.id")
    status = serializers.ChoiceField(source="intake.status", choices=Intake.Status.choices)
    version = serializers.IntegerField(source="intake.version")
    level = serializers.ChoiceField(source="assessment.level", choices=LEVELS)
    flags = DeskFlagsField(source="assessment")


class SubmissionSerializer(DeskSubmissionSerializer):
    """A `clinic.submission.Submission` as a clinician sees it: every flag, with its evidence."""

    flags = FlagSerializer(source="assessment.flags", many=True)


class DeskTriageSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=LEVELS)
    flags = DeskFlagsField(source="*")


class TriageSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=LEVELS)
    rules_version = serializers.CharField()
    flags = FlagSerializer(many=True)


class SummarySerializer(serializers.Serializer):
    # Not a ChoiceField: its enum would clash by name with the intake's `status` in the schema.
    status = serializers.CharField(help_text=", ".join(PreVisitSummary.Status.values))
    rules_version = serializers.CharField()
    suggested_tests = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_suggested_tests(self, summary: PreVisitSummary) -> list[object]:
        if summary.status != PreVisitSummary.Status.READY:
            return []
        # The §4 contract, paths as evidence; the words beside them are for the pages.
        return [
            {field: test[field] for field in SUGGESTION_FIELDS if field in test}
            for test in (summary.content or {}).get("suggested_tests", [])
        ]

    def get_pdf_url(self, summary: PreVisitSummary) -> str | None:
        if summary.status != PreVisitSummary.Status.READY:
            return None
        return reverse("reports:summary-pdf", args=[summary.intake_id, summary.intake_version])


class DeskIntakeSerializer(serializers.Serializer):
    """An intake as the front desk sees it on its pages: the answers and the result page."""

    triage_serializer: type[serializers.Serializer] = DeskTriageSerializer

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Intake.Status.choices)
    version = serializers.IntegerField()
    channel = serializers.ChoiceField(choices=Intake.Channel.choices)
    document = serializers.SerializerMethodField()
    triage = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.DictField(help_text="The intake document (a draft's answers so far).")
    )
    def get_document(self, intake: Intake) -> dict[str, object]:
        return intake_document(intake)

    @extend_schema_field(DeskTriageSerializer(allow_null=True))
    def get_triage(self, intake: Intake) -> dict | None:
        assessment = current_assessment(intake)
        return self.triage_serializer(assessment).data if assessment else None


class IntakeDetailSerializer(DeskIntakeSerializer):
    """An intake as a clinician sees it: every flag with its evidence, and the summary."""

    triage_serializer = TriageSerializer

    summary = serializers.SerializerMethodField()

    @extend_schema_field(TriageSerializer(allow_null=True))
    def get_triage(self, intake: Intake) -> dict | None:  # restated for the schema's sake
        return super().get_triage(intake)

    @extend_schema_field(SummarySerializer(allow_null=True))
    def get_summary(self, intake: Intake) -> dict | None:
        summary = intake.summaries.order_by("-intake_version").first()
        return SummarySerializer(summary).data if summary else None


# --- views ---------------------------------------------------------------------------


class IntakeListView(RESTView):
    token_scopes = {"POST": "api.intakes.write"}

    @extend_schema(
        operation_id="intakes_create",
        summary="Submit an intake",
        description=(
            "Creates and submits an intake from one intake document (finding the patient "
            "by MRN, or by name and date of birth) and answers with its triage. A bad "
            "document creates nothing and lists every problem by path. A document never "
            "changes a stored patient: its contact details stay with the intake."
        ),
        request={"application/json": INTAKE_DOCUMENT_SCHEMA},
        responses={
            201: PolymorphicProxySerializer(
                component_name="SubmissionForRole",
                serializers=[SubmissionSerializer, DeskSubmissionSerializer],
                resource_type_field_name=None,
            ),
            400: OpenApiResponse(
                RefusedSerializer,
                description="The document was rejected; its emergency answers still listed.",
            ),
            409: OpenApiResponse(
                RefusedSerializer,
                description="The MRN names a patient whose name or date of birth differ; "
                "the differing fields are named, the stored values are not shown.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data: object = None
        try:
            data = json_body(request)
            submission = create_intake_from_document(
                parse_document(data), by=request.user, channel=Intake.Channel.API, request=request
            )
        except DocumentInvalid as invalid:
            refused, code = invalid.problems, status.HTTP_400_BAD_REQUEST
        except IdentityConflict as conflict:
            refused, code = conflict.problems, status.HTTP_409_CONFLICT
        else:
            refused = None
        if refused is not None:
            raise_for_refused(
                data,
                emergency_answers(data),
                by=request.user,
                channel=Intake.Channel.API,
                request=request,
            )
            return refused_response(refused, data, status=code)
        location = reverse("api:intake", args=[submission.intake.pk])
        shape = SubmissionSerializer if reads_clinical(request.user) else DeskSubmissionSerializer
        return Response(
            shape(submission).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": request.build_absolute_uri(location)},
        )


class IntakeDetailView(RESTView):
    token_scopes = {"GET": "api.intakes.read"}

    @extend_schema(
        operation_id="intakes_retrieve",
        summary="Read an intake",
        description=(
            "The document and its current triage; for clinicians and admins, every flag's "
            "evidence and the latest pre-visit summary too. The front desk gets what its pages "
            "show: the level and the flags that say what to do now."
        ),
        responses={
            200: PolymorphicProxySerializer(
                component_name="IntakeForRole",
                serializers=[IntakeDetailSerializer, DeskIntakeSerializer],
                resource_type_field_name=None,
            ),
            404: OpenApiResponse(description="No such intake."),
        },
    )
    def get(self, request: Request, intake_id: UUID) -> Response:
        intake = intake_for(request.user, intake_id)
        record(Action.VIEW, actor=request.user, obj=intake, request=request, detail={"via": "api"})
        shape = IntakeDetailSerializer if reads_clinical(request.user) else DeskIntakeSerializer
        return Response(shape(intake).data)
