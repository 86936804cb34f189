"""How a FHIR client finds its way: the CapabilityStatement (`/fhir/metadata`) and the SMART
configuration (`/.well-known/smart-configuration`, at the FHIR base and the site's root).

Both are read without signing in: they hold no patient data, and a client reads them before
it has a token. `SERVED` is the one table of what the server does; a test calls every
interaction and search parameter it lists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.scopes import GRANTABLE_SCOPES
from clinic.api.fhir.sdc_views import EXTRACT, POPULATE
from clinic.api.fhir.search import (
    FLAG_PARAMETERS,
    PATIENT_PARAMETERS,
    QUESTIONNAIRE_PARAMETERS,
    RESPONSE_PARAMETERS,
    RISK_ASSESSMENT_PARAMETERS,
    Parameter,
)
from clinic.api.fhir.views import OpenFHIRView
from intake.fhir import fhir_base
from triage.rules import RULES_VERSION

FHIR_VERSION = "4.0.1"
SMART_SERVICE = "http://terminology.hl7.org/CodeSystem/restful-security-service"
OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"


@dataclass(frozen=True)
class Served:
    """One resource type: its interactions (FHIR's codes) and search parameters."""

    type: str
    interactions: tuple[str, ...]
    search: tuple[Parameter, ...] = ()
    versioned: bool = False  # meta.versionId, ETag, If-Match and _history
    operations: tuple[tuple[str, str], ...] = ()  # (name, its OperationDefinition)


SERVED: tuple[Served, ...] = (
    Served(
        "Questionnaire",
        ("read", "search-type"),
        QUESTIONNAIRE_PARAMETERS,
        operations=(("populate", POPULATE),),
    ),
    Served(
        "QuestionnaireResponse",
        ("read", "vread", "update", "history-instance", "create", "search-type"),
        RESPONSE_PARAMETERS,
        versioned=True,
        operations=(("extract", EXTRACT),),
    ),
    Served("Patient", ("read", "search-type"), PATIENT_PARAMETERS),
    Served("RiskAssessment", ("read", "search-type"), RISK_ASSESSMENT_PARAMETERS),
    Served("Flag", ("read", "search-type"), FLAG_PARAMETERS),
    Served("CodeSystem", ("read",)),
    Served("ValueSet", ("read",)),
)
# Whole-system interactions: a transaction Bundle of one response (`POST /fhir/`).
SYSTEM_INTERACTIONS = ("transaction",)


def _base_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/")


def token_url() -> str:
    return f"{_base_url()}/oauth/token"


def revoke_url() -> str:
    return f"{_base_url()}/oauth/revoke"


def capability_statement() -> dict[str, object]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "-".join(RULES_VERSION.split(".")[:2]),  # the rules' release: 2026-12
        "publisher": settings.CLINIC_NAME,
        "kind": "instance",
        "software": {"name": "Leg numbness intake", "version": RULES_VERSION},
        "implementation": {
            "description": f"{settings.CLINIC_NAME}: pre-visit intake and triage",
            "url": fhir_base(),
        },
        "fhirVersion": FHIR_VERSION,
        "format": ["json", "application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "cors": bool(settings.CORS_ALLOWED_ORIGINS),
                    "service": [{"coding": [{"system": SMART_SERVICE, "code": "SMART-on-FHIR"}]}],
                    "description": "OAuth2 client credentials (SMART Backend Services) with "
                    "SMART v2 system scopes; see .well-known/smart-configuration.",
                    "extension": [
                        {
                            "url": OAUTH_URIS,
                            "extension": [
                                {"url": "token", "valueUri": token_url()},
                                {"url": "revoke", "valueUri": revoke_url()},
                            ],
                        }
                    ],
                },
                "resource": [_resource(served) for served in SERVED],
                "interaction": [{"code": code} for code in SYSTEM_INTERACTIONS],
            }
        ],
    }


def _resource(served: Served) -> dict[str, object]:
    resource: dict[str, object] = {
        "type": served.type,
        "interaction": [{"code": code} for code in served.interactions],
    }
    if served.operations:
        resource["operation"] = [
            {"name": name, "definition": definition} for name, definition in served.operations
        ]
    if served.versioned:
        resource |= {"versioning": "versioned", "readHistory": True, "updateCreate": False}
    if served.search:
        resource["searchParam"] = [
            {"name": p.name, "type": p.type, "documentation": p.documentation}
            for p in served.search
        ]
    return resource


def smart_configuration() -> dict[str, object]:
    """SMART App Launch 2's metadata, for Backend Services: client credentials only."""
    return {
        "token_endpoint": token_url(),
        "revocation_endpoint": revoke_url(),
        "grant_types_supported": ["client_credentials"],
        # A client secret; django-oauth-toolkit 3.4 has no private_key_jwt (decisions/0029).
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": list(GRANTABLE_SCOPES),
        "capabilities": ["client-confidential-symmetric", "permission-v2"],
        "code_challenge_methods_supported": ["S256"],
    }


class MetadataView(OpenFHIRView):
    def get(self, request: Request) -> Response:
        return Response(capability_statement())


class SmartConfigurationView(OpenFHIRView):
    def get(self, request: Request) -> Response:
        # Plain JSON, as SMART says; FHIR's media type is for resources.
        return Response(smart_configuration(), content_type="application/json")
