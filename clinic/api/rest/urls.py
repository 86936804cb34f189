"""The REST API, version 1 (`/api/v1/`), and its OpenAPI schema.

DRF authenticates these views itself (Bearer, session or the deprecated token), so the
login redirect is switched off for them: an API client gets 401/403, never a login page.
The schema is served as YAML (or JSON with `?format=json`); no docs UI, since the usual
ones load their scripts from a CDN.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from accounts.api_permissions import HasRole
from accounts.roles import STAFF_ROLES
from clinic.api.rest.base import RESTView
from clinic.api.rest.evaluate import EvaluateView
from clinic.api.rest.intakes import IntakeDetailView, IntakeListView

app_name = "api"

urlpatterns = [
    path("evaluate", login_not_required(EvaluateView.as_view()), name="evaluate"),
    path("intakes", login_not_required(IntakeListView.as_view()), name="intakes"),
    path(
        "intakes/<uuid:intake_id>",
        login_not_required(IntakeDetailView.as_view()),
        name="intake",
    ),
    path(
        "schema",
        login_not_required(
            SpectacularAPIView.as_view(
                authentication_classes=RESTView.authentication_classes,
                permission_classes=[IsAuthenticated, HasRole.of(*STAFF_ROLES)],
            )
        ),
        name="schema",
    ),
]
