"""Integration clients: client-credentials tokens with SMART v2 scopes, on /fhir/ and /api/v1/."""

import base64
import datetime as dt
import hashlib
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.authtoken.models import Token

from accounts.integrations import NotGrantable, register_client, renew_secret, revoke_client
from accounts.models import IntegrationClient
from accounts.roles import Role, has_role
from accounts.scopes import narrower_scopes, permits, split_smart
from audit.models import AuditEvent
from clinic.submission import create_intake_from_document
from intake.document import parse_document
from intake.fhir import FHIR_JSON
from tests.builders import benign_data
from tests.factories import bearer_token, integration

pytestmark = pytest.mark.django_db

QR = "system/QuestionnaireResponse"


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def _token_request(client: Client, registered, **body: str):
    integration_client, secret = registered
    return client.post(
        "/oauth/token",
        {"grant_type": "client_credentials", **body},
        HTTP_AUTHORIZATION=_basic(integration_client.application.client_id, secret),
    )


@pytest.fixture
def submitted(clinician):
    return create_intake_from_document(parse_document(benign_data()), by=clinician).intake


# --- The scopes, as SMART v2 writes them ----------------------------------------------


def test_a_smart_scope_reads_as_its_resource_and_permissions():
    assert split_smart("system/QuestionnaireResponse.cruds") == ("QuestionnaireResponse", "cruds")
    assert split_smart("system/Patient.rs") == ("Patient", "rs")
    for not_smart in ("api.evaluate", "system/Patient.sr", "system/Patient.rr", "system/.r"):
        assert split_smart(not_smart) is None, not_smart


def test_a_granted_scope_can_be_asked_for_in_part():
    narrower = narrower_scopes("system/Patient.rs")
    assert narrower == ["system/Patient.r", "system/Patient.s", "system/Patient.rs"]
    assert len(narrower_scopes(f"{QR}.cruds")) == 31
    assert narrower_scopes("api.evaluate") == ["api.evaluate"]


def test_a_scope_permits_its_permissions_on_its_resource_only():
    held = [f"{QR}.rs", "api.evaluate"]
    assert permits(held, f"{QR}.r")
    assert permits(held, f"{QR}.s")
    assert not permits(held, f"{QR}.c")
    assert not permits(held, "system/Patient.r")
    assert permits(held, "api.evaluate")
    assert not permits(held, "api.intakes.read")


# --- Registering, renewing and revoking a client ----------------------------------------


def test_a_client_is_registered_with_a_hashed_secret_and_a_service_identity(admin_user):
    registered, secret = register_client("Lab system", [f"{QR}.cruds"], created_by=admin_user)
    application = registered.application
    # Hashed as the staff's passwords are, and checked as they are.
    assert secret not in application.client_secret
    assert check_password(secret, application.client_secret)
    identity = application.user
    assert has_role(identity, [Role.INTEGRATION]) and not identity.has_usable_password()
    assert not has_role(identity, [Role.FRONT_DESK, Role.CLINICIAN, Role.ADMIN])
    assert registered.secret_expires_at - timezone.now() > dt.timedelta(days=89)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CLIENT_REGISTERED)
    assert event.actor == admin_user and event.object_id == str(registered.pk)
    assert secret not in json.dumps(event.detail)


def test_only_grantable_scopes_are_granted():
    with pytest.raises(NotGrantable):
        register_client("Too much", ["system/*.cruds"])
    with pytest.raises(NotGrantable):
        register_client("Nothing", [])
    assert not get_user_model().objects.filter(username__startswith="integration-").exists()


# --- The token endpoint ------------------------------------------------------------------


def test_client_credentials_give_an_hour_long_token_stored_as_its_checksum_only(client):
    registered = integration(f"{QR}.cruds", "system/Patient.rs")
    response = _token_request(client, registered)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) == {f"{QR}.cruds", "system/Patient.rs"}
    assert "refresh_token" not in body
    stored = AccessToken.objects.get()
    assert stored.token == ""
    assert stored.token_checksum == hashlib.sha256(body["access_token"].encode()).hexdigest()
    event = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN_ISSUED)
    assert event.actor == registered[0].application.user
    assert body["access_token"] not in json.dumps(event.detail)


def test_a_client_may_ask_for_less_than_it_was_granted_never_more(client):
    registered = integration(f"{QR}.cruds")
    narrower = _token_request(client, registered, scope=f"{QR}.rs")
    assert narrower.json()["scope"] == f"{QR}.rs"
    wider = _token_request(client, registered, scope="system/Patient.rs")
    assert wider.status_code == 400 and wider.json()["error"] == "invalid_scope"


def test_a_wrong_secret_an_expired_one_or_a_revoked_client_gets_no_token(client):
    registered = integration(f"{QR}.rs")
    wrong = client.post(
        "/oauth/token",
        {"grant_type": "client_credentials"},
        HTTP_AUTHORIZATION=_basic(registered[0].application.client_id, "not-the-secret"),
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"

    registered[0].secret_expires_at = timezone.now() - dt.timedelta(seconds=1)
    registered[0].save()
    assert _token_request(client, registered).status_code == 401

    renewed = (registered[0], renew_secret(registered[0]))
    assert _token_request(client, renewed).status_code == 200
    assert _token_request(client, registered).status_code == 401  # the old secret

    revoke_client(registered[0])
    assert _token_request(client, renewed).status_code == 401


def test_no_other_grant_gets_a_token(client, clinician):
    registered = integration(f"{QR}.rs")
    for grant in ("password", "authorization_code", "implicit"):
        response = _token_request(
            client, registered, grant_type=grant, username="casey", password="x", code="x"
        )
        assert response.status_code in (400, 401), grant
        assert "access_token" not in response.json()
    assert not AccessToken.objects.exists()


# --- Bearer on /fhir/ and /api/v1/ -----------------------------------------------------


def test_a_token_reads_what_its_scopes_allow(client, submitted):
    token = bearer_token(client, integration(f"{QR}.rs", "api.intakes.read"))
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    fhir = client.get(f"/fhir/QuestionnaireResponse/{submitted.pk}", **auth)
    assert fhir.status_code == 200 and fhir.json()["id"] == str(submitted.pk)
    rest = client.get(f"/api/v1/intakes/{submitted.pk}", **auth)
    assert rest.status_code == 200 and rest.json()["id"] == str(submitted.pk)
    # The read is on record, by the client's identity.
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, object_id=str(submitted.pk))
    assert {event.actor.username for event in reads} == {
        AccessToken.objects.get().application.user.username
    }


def test_a_token_without_the_scope_is_refused_with_the_scope_it_needs(client, submitted):
    token = bearer_token(client, integration("api.evaluate"))
    response = client.get(
        f"/fhir/QuestionnaireResponse/{submitted.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith(FHIR_JSON)
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "forbidden"
    assert 'error="insufficient_scope"' in response["WWW-Authenticate"]
    assert f'scope="{QR}.r"' in response["WWW-Authenticate"]
    rest = client.get(f"/api/v1/intakes/{submitted.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert rest.status_code == 403 and "api.intakes.read" in rest.json()["detail"]


def test_a_token_submits_where_its_scope_allows_as_its_client(client):
    token = bearer_token(client, integration("api.intakes.write"))
    response = client.post(
        "/api/v1/intakes",
        json.dumps(benign_data()),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201
    submit = AuditEvent.objects.get(action=AuditEvent.Action.SUBMIT)
    assert submit.actor.username.startswith("integration-clinic-ehr-")


@pytest.mark.parametrize("prefix", ["/fhir/QuestionnaireResponse/", "/api/v1/intakes/"])
def test_no_token_or_a_bad_one_is_a_401_with_a_bearer_challenge(client, submitted, prefix):
    for auth in ({}, {"HTTP_AUTHORIZATION": "Bearer not-a-token"}):
        response = client.get(f"{prefix}{submitted.pk}", **auth)
        assert response.status_code == 401, auth
        assert response["WWW-Authenticate"].startswith("Bearer ")
    if prefix.startswith("/fhir/"):
        assert response.json()["resourceType"] == "OperationOutcome"
        assert response.json()["issue"][0]["code"] == "login"


def test_an_expired_token_or_one_of_a_revoked_client_is_refused(client, submitted):
    registered = integration(f"{QR}.r")
    url = f"/fhir/QuestionnaireResponse/{submitted.pk}"
    token = bearer_token(client, registered)
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert expired.status_code == 401 and 'error="invalid_token"' in expired["WWW-Authenticate"]

    token = bearer_token(client, registered)
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    revoke_client(registered[0])
    assert not AccessToken.objects.exists()
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_the_old_api_tokens_work_on_the_rest_api_only(client, clinician, submitted):
    key = Token.objects.create(user=clinician).key
    rest = client.get(f"/api/v1/intakes/{submitted.pk}", HTTP_AUTHORIZATION=f"Token {key}")
    assert rest.status_code == 200
    fhir = client.get(
        f"/fhir/QuestionnaireResponse/{submitted.pk}", HTTP_AUTHORIZATION=f"Token {key}"
    )
    assert fhir.status_code == 401


def test_a_person_gets_no_token_by_signing_in(client, clinician):
    client.force_login(clinician)
    response = client.post("/oauth/token", {"grant_type": "client_credentials"})
    assert response.status_code == 401 and "access_token" not in response.json()


def test_a_person_in_the_integration_group_gains_nothing(client, submitted):
    from tests.factories import UserFactory

    person = UserFactory(username="ivy", role=Role.INTEGRATION)
    client.force_login(person)
    assert client.get(f"/api/v1/intakes/{submitted.pk}").status_code == 403
    assert client.get(f"/fhir/QuestionnaireResponse/{submitted.pk}").status_code == 403
    assert client.get("/worklist/").status_code == 403


# --- The admin: a secret shown once -------------------------------------------------------


@pytest.fixture
def admin_client(client, admin_user):
    from tests.conftest import pass_second_factor

    client.force_login(admin_user)
    pass_second_factor(client, admin_user)
    return client


def test_the_admin_registers_a_client_and_sees_its_secret_once(admin_client):
    page = admin_client.post(
        "/admin/accounts/integrationclient/add/",
        {"name": "Lab system", "scopes": [f"{QR}.rs", "system/Patient.rs"]},
    )
    assert page.status_code == 200
    secret = page.context["shown"][0][1]
    assert secret in page.content.decode()
    registered = page.context["shown"][0][0]
    assert registered.scope_list == [f"{QR}.rs", "system/Patient.rs"]
    assert _token_request(Client(), (registered, secret)).status_code == 200
    for url in (
        "/admin/accounts/integrationclient/",
        f"/admin/accounts/integrationclient/{registered.pk}/change/",
    ):
        shown = admin_client.get(url)
        assert shown.status_code == 200 and secret not in shown.content.decode(), url


def test_the_admin_renews_a_secret_and_revokes_a_client(admin_client):
    registered = integration(f"{QR}.r")
    changelist = "/admin/accounts/integrationclient/"
    renewed = admin_client.post(
        changelist, {"action": "renew_secrets", "_selected_action": [registered[0].pk]}
    )
    new_secret = renewed.context["shown"][0][1]
    assert new_secret in renewed.content.decode()
    assert _token_request(Client(), (registered[0], new_secret)).status_code == 200
    admin_client.post(changelist, {"action": "revoke", "_selected_action": [registered[0].pk]})
    registered[0].refresh_from_db()
    assert registered[0].revoked_at is not None
    assert _token_request(Client(), (registered[0], new_secret)).status_code == 401
    assert not AccessToken.objects.exists()


def test_the_admin_pages_of_the_oauth_library_are_not_there(admin_client):
    assert admin_client.get("/admin/oauth2_provider/accesstoken/").status_code == 404
    assert admin_client.get("/admin/oauth2_provider/application/").status_code == 404


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.CLINICIAN])
def test_only_admins_manage_clients(client, role):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="staff", role=role, is_staff=True))
    assert client.get("/admin/accounts/integrationclient/add/").status_code in (302, 403)


def test_a_client_is_registered_from_the_command_line_its_secret_printed_once(client):
    out = StringIO()
    call_command("register_integration", "Lab", "--scope", f"{QR}.rs", stdout=out)
    printed = dict(line.split("=", 1) for line in out.getvalue().split() if "=" in line)
    made = IntegrationClient.objects.get(application__client_id=printed["client_id"])
    assert printed["client_secret"] not in made.application.client_secret
    assert _token_request(client, (made, printed["client_secret"])).status_code == 200
    with pytest.raises(CommandError, match="system/Everything"):
        call_command("register_integration", "Bad", "--scope", "system/Everything.r")
