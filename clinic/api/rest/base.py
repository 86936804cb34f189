"""The REST endpoints' base: the FHIR one's, and the deprecated DRF tokens for one release."""

from __future__ import annotations

from rest_framework.settings import api_settings

from accounts.api_auth import DeprecatedTokenAuthentication
from clinic.api.base import StaffAPIView


class RESTView(StaffAPIView):
    # Bearer first (its challenge is the 401's), then the session, then the old tokens.
    authentication_classes = [
        *api_settings.DEFAULT_AUTHENTICATION_CLASSES,
        DeprecatedTokenAuthentication,
    ]
