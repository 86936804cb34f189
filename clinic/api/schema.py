"""The OpenAPI document's shared parts, added to every operation in one place.

Every operation needs a staff role, and DRF refuses before the view runs: a missing or bad
credential with 401, or 403 when the first authentication scheme (the session) has no
challenge to send, and a user without a staff role with 403. A request body, where there
is one, is the intake document and is required.

A response shaped by role is one of its shapes, but the shapes nest (a clinician's answer
has every field of the front desk's, and more), so a clinician's answer matches both and
"exactly one of" (`oneOf`) cannot hold: such alternatives are published as `anyOf`.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from accounts.scopes import GRANTABLE_SCOPES
from clinic.api.fhir.discovery import token_url

REFUSAL = "Refusal"
_REFUSALS = {
    "401": "No valid credentials: the answer's WWW-Authenticate says how to authenticate.",
    "403": "A user without the role, or a token without the scope, this needs.",
}


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    """An integration's Bearer token (accounts/api_auth.py), by client credentials, and the
    one scope each operation needs (the view's `token_scopes`)."""

    target_class = "accounts.api_auth.IntegrationTokenAuthentication"
    name = "integration"

    def get_security_requirement(self, auto_schema):
        needed = getattr(auto_schema.view, "token_scopes", {}).get(auto_schema.method)
        return {self.name: [needed]} if needed else None

    def get_security_definition(self, auto_schema):
        return {
            "type": "oauth2",
            "description": "OAuth2 client credentials (an integration client, from the admin).",
            "flows": {"clientCredentials": {"tokenUrl": token_url(), "scopes": GRANTABLE_SCOPES}},
        }


class DeprecatedTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api_auth.DeprecatedTokenAuthentication"
    name = "deprecatedToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Deprecated, and accepted in this release only: `Token <key>`. "
            "Use an integration client's Bearer token instead (see the README).",
            "x-deprecated": True,
        }


def document_refusals_and_bodies(result, generator, request, public):
    """A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS)."""
    result.setdefault("components", {}).setdefault("schemas", {})[REFUSAL] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    refused = {"$ref": f"#/components/schemas/{REFUSAL}"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True
            for status, description in _REFUSALS.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": refused}},
                    },
                )
    return result


def alternatives_as_any_of(result, generator, request, public):
    """A drf-spectacular postprocessing hook: every `oneOf` without a discriminator (the
    role-shaped answers, and the nullable references) as `anyOf`."""
    pending: list[object] = [result]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if "oneOf" in value and "discriminator" not in value:
                value["anyOf"] = value.pop("oneOf")
            pending += value.values()
        elif isinstance(value, list):
            pending += value
    return result
