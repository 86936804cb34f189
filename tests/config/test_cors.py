"""#18 item 6: cross-origin calls (django-cors-headers) only to /fhir/ and /api/v1/, only for
the origins configured, none by default, and never with a person's session cookie."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db

FILLER = "https://forms.example.org"


def preflight(client, path: str, origin: str = FILLER):
    return client.options(
        path,
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PUT",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, if-match",
    )


def test_no_origin_is_allowed_by_default(client):
    assert django_settings.CORS_ALLOWED_ORIGINS == []
    response = preflight(client, "/fhir/QuestionnaireResponse")
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["/fhir/QuestionnaireResponse", "/api/v1/intakes/"])
def test_a_configured_origin_may_call_the_integrations_endpoints(client, settings, path):
    settings.CORS_ALLOWED_ORIGINS = [FILLER]

    response = preflight(client, path)

    assert response["Access-Control-Allow-Origin"] == FILLER
    assert "if-match" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response  # tokens, never cookies


def test_the_answers_headers_a_client_needs_are_readable(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [FILLER]
    response = client.get("/fhir/Questionnaire/leg-numbness-intake", HTTP_ORIGIN=FILLER)
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "location", "www-authenticate"} <= exposed


def test_another_origin_is_not_allowed(client, settings):
    settings.CORS_ALLOWED_ORIGINS = [FILLER]
    response = preflight(client, "/fhir/QuestionnaireResponse", origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", ["/worklist/", "/intakes/", "/login/", "/p/kiosk/done/"])
def test_the_clinics_own_pages_are_never_opened_cross_origin(client, settings, path):
    settings.CORS_ALLOWED_ORIGINS = [FILLER]
    response = preflight(client, path)
    assert "Access-Control-Allow-Origin" not in response
