"""FHIR R4 (`/fhir/`): the intake Questionnaire and intakes as QuestionnaireResponses.

DRF authenticates these views itself (session or token), so the login redirect
is switched off for them: an API client gets 401/403, never a login page. The
Questionnaire is read without signing in: it holds no patient data.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from clinic.api.fhir.discovery import MetadataView, SmartConfigurationView
from clinic.api.fhir.sdc_views import ExtractView, PopulateView
from clinic.api.fhir.triage_views import (
    CodeSystemView,
    FlagListView,
    FlagView,
    RiskAssessmentListView,
    RiskAssessmentView,
    TransactionView,
    ValueSetView,
)
from clinic.api.fhir.views import (
    PatientListView,
    PatientView,
    QuestionnaireResponseHistoryView,
    QuestionnaireResponseListView,
    QuestionnaireResponseView,
    QuestionnaireSearchView,
    QuestionnaireView,
)
from intake.fhir import QUESTIONNAIRE_ID

app_name = "fhir"

urlpatterns = [
    path("", login_not_required(TransactionView.as_view()), name="transaction"),
    path("metadata", login_not_required(MetadataView.as_view()), name="metadata"),
    path(
        ".well-known/smart-configuration",
        login_not_required(SmartConfigurationView.as_view()),
        name="smart-configuration",
    ),
    path(
        "Questionnaire",
        login_not_required(QuestionnaireSearchView.as_view()),
        name="questionnaires",
    ),
    path(
        f"Questionnaire/{QUESTIONNAIRE_ID}",
        login_not_required(QuestionnaireView.as_view()),
        name="questionnaire",
    ),
    path(
        f"Questionnaire/{QUESTIONNAIRE_ID}/$populate",
        login_not_required(PopulateView.as_view()),
        name="populate",
    ),
    path(
        "QuestionnaireResponse/<uuid:intake_id>/$extract",
        login_not_required(ExtractView.as_view()),
        name="extract",
    ),
    path(
        "QuestionnaireResponse",
        login_not_required(QuestionnaireResponseListView.as_view()),
        name="questionnaire-responses",
    ),
    path(
        "QuestionnaireResponse/<uuid:intake_id>",
        login_not_required(QuestionnaireResponseView.as_view()),
        name="questionnaire-response",
    ),
    path(
        "QuestionnaireResponse/<uuid:intake_id>/_history",
        login_not_required(QuestionnaireResponseHistoryView.as_view()),
        name="questionnaire-response-history",
    ),
    path(
        "QuestionnaireResponse/<uuid:intake_id>/_history/<str:version>",
        login_not_required(QuestionnaireResponseHistoryView.as_view()),
        name="questionnaire-response-version",
    ),
    path("Patient", login_not_required(PatientListView.as_view()), name="patients"),
    path(
        "RiskAssessment",
        login_not_required(RiskAssessmentListView.as_view()),
        name="risk-assessments",
    ),
    path(
        "RiskAssessment/<str:assessment_ref>",
        login_not_required(RiskAssessmentView.as_view()),
        name="risk-assessment",
    ),
    path("Flag", login_not_required(FlagListView.as_view()), name="flags"),
    path("Flag/<str:flag_ref>", login_not_required(FlagView.as_view()), name="flag"),
    path(
        "CodeSystem/<str:system_id>",
        login_not_required(CodeSystemView.as_view()),
        name="code-system",
    ),
    path(
        "ValueSet/<str:value_set_id>",
        login_not_required(ValueSetView.as_view()),
        name="value-set",
    ),
    path("Patient/<uuid:patient_id>", login_not_required(PatientView.as_view()), name="patient"),
]
