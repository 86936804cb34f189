"""Integration clients: registered, given a new secret, revoked; and what the token endpoint checks.

An integration gets tokens with OAuth2 client credentials (SMART Backend Services, with a
client secret) from django-oauth-toolkit at `/oauth/token`. Its secret is shown once, when
it is made, and stored hashed; a token is stored as its checksum only, and lasts an hour.
Tokens go to integration clients only: a person signs in, and never holds one.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator

from accounts.models import IntegrationClient
from accounts.roles import Role
from accounts.scopes import valid_grant
from audit.services import Action, record


class NotGrantable(ValueError):
    """Scopes that no client can be granted, or none at all."""


def register_client(
    name: str, scopes: Sequence[str], *, created_by=None, request=None
) -> tuple[IntegrationClient, str]:
    """A new client with its service identity, and its secret, which is not kept in clear."""
    unknown = valid_grant(scopes)
    if unknown or not scopes:
        raise NotGrantable(f"Not scopes a client can be granted: {' '.join(unknown) or '(none)'}")
    secret = generate_client_secret()
    with transaction.atomic():
        identity = get_user_model().objects.create(
            username=_identity_name(name), first_name=name[:150], is_active=True
        )
        identity.set_unusable_password()  # it never signs in: it holds tokens
        identity.save(update_fields=["password"])
        identity.groups.add(Group.objects.get_or_create(name=Role.INTEGRATION)[0])
        application = get_application_model().objects.create(
            name=name,
            user=identity,
            client_type=AbstractApplication.CLIENT_CONFIDENTIAL,
            authorization_grant_type=AbstractApplication.GRANT_CLIENT_CREDENTIALS,
            client_secret=secret,  # hashed on save (hash_client_secret)
        )
        client = IntegrationClient.objects.create(
            application=application,
            scopes=" ".join(dict.fromkeys(scopes)),
            secret_expires_at=_secret_expiry(),
            created_by=created_by,
        )
        _record(Action.CLIENT_REGISTERED, client, created_by, request, scopes=client.scope_list)
    return client, secret


def renew_secret(client: IntegrationClient, *, by=None, request=None) -> str:
    """A new secret for the client, the old one refused from now on; tokens already issued
    last out their hour."""
    secret = generate_client_secret()
    with transaction.atomic():
        application = client.application
        application.client_secret = secret
        application.save(update_fields=["client_secret"])
        client.secret_expires_at = _secret_expiry()
        client.save(update_fields=["secret_expires_at"])
        _record(Action.SECRET_RENEWED, client, by, request)
    return secret


def revoke_client(client: IntegrationClient, *, by=None, request=None) -> None:
    """No new token, and every token it holds refused at once."""
    with transaction.atomic():
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        identity = client.application.user
        identity.is_active = False
        identity.save(update_fields=["is_active"])
        revoked = get_access_token_model().objects.filter(application=client.application).delete()
        _record(Action.CLIENT_REVOKED, client, by, request, tokens=revoked[0])


def token_issued(sender, request, token, **kwargs) -> None:
    """django-oauth-toolkit's `app_authorized` signal: each token issued, on record (its id,
    never its value)."""
    client = getattr(token.application, "integration", None)
    record(
        Action.TOKEN_ISSUED,
        actor=token.application.user,
        obj=client,
        request=request,
        detail={"token": token.pk, "scopes": token.scope.split()},
    )


class IntegrationValidator(OAuth2Validator):
    """django-oauth-toolkit's checks, and ours: the client is an integration's, not revoked,
    and its secret has not expired."""

    def authenticate_client(self, request, *args, **kwargs) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = getattr(request.client, "integration", None)
        return client is not None and client.usable and not client.secret_expired(timezone.now())

    def validate_user(self, username, password, client, request, *args, **kwargs) -> bool:
        return False  # the password grant: a person never gets a token


def _identity_name(name: str) -> str:
    # Its name in the audit trail: the client's, and a few random letters to keep it unique.
    return f"integration-{slugify(name)[:100] or 'client'}-{secrets.token_hex(3)}"


def _secret_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.INTEGRATION_SECRET_DAYS)


def _record(action: str, client: IntegrationClient, by, request, **detail: object) -> None:
    record(action, actor=by, obj=client, request=request, detail=detail)
