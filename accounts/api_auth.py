"""How the REST and FHIR endpoints know who calls: an integration's Bearer token.

django-oauth-toolkit checks the token (its checksum, expiry and scopes); a client-credentials
token names no person, so the caller is the client's service identity (its application's
user), through which the scoped fetches answer. A revoked client's identity is inactive.
"""

from __future__ import annotations

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework.authentication import TokenAuthentication

from accounts.roles import Role, has_role


class IntegrationTokenAuthentication(OAuth2Authentication):
    www_authenticate_realm = "fhir"

    def authenticate(self, request):
        if not request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
            return None  # a token is taken from the header only (RFC 9700), never the body
        # Django's request, not DRF's: the library reads the form body, and DRF's would parse
        # a JSON body here, before the view reports a malformed one as the document's problem.
        found = super().authenticate(request._request)
        if found is None:
            return None
        token = found[1]
        identity = token.application.user
        if identity is None or not has_role(identity, [Role.INTEGRATION]):
            request.oauth2_error = {"error": "invalid_token"}
            return None
        return identity, token


class DeprecatedTokenAuthentication(TokenAuthentication):
    """The REST API's first tokens (`Authorization: Token …`), a person's: accepted on
    `/api/v1/` for this release only; integrations move to client credentials (README)."""
