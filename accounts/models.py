"""What each member of staff sets for themselves, and the integrations' clients."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from oauth2_provider.settings import oauth2_settings


class StaffSettings(models.Model):
    """A user's own settings; a user who never saved any has the defaults (`settings_of`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_settings"
    )
    # Emergency alerts nobody acknowledged are e-mailed to the clinicians on call (to every
    # clinician when nobody is).
    on_call = models.BooleanField("On call for emergency alerts", default=False)
    # A sound only for those who chose it: the board's banner is always shown.
    alert_sound = models.BooleanField("Play a sound when an emergency alert opens", default=False)

    class Meta:
        verbose_name_plural = "staff settings"

    def __str__(self) -> str:
        return f"settings of user {self.user_id}"


def settings_of(user) -> StaffSettings:
    """The user's settings, unsaved defaults when they never set any."""
    try:
        return user.staff_settings
    except StaffSettings.DoesNotExist:
        return StaffSettings(user=user)


class IntegrationClient(models.Model):
    """A system that calls the FHIR and REST endpoints (an EHR, a form filler), with OAuth2
    client credentials: its django-oauth-toolkit application, the scopes it was granted,
    and its service identity, the application's user, through which the scoped fetches
    (clinic/access.py) answer it. Created, renewed and revoked by `accounts.integrations`."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL, on_delete=models.CASCADE, related_name="integration"
    )
    scopes = models.TextField(help_text="The scopes granted, separated by spaces.")
    secret_expires_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("application__name",)

    def __str__(self) -> str:
        return self.application.name

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def usable(self) -> bool:
        """Not revoked. An expired secret gets no new token, but its last token lasts its hour."""
        return self.revoked_at is None

    def secret_expired(self, now: dt.datetime) -> bool:
        return now >= self.secret_expires_at
