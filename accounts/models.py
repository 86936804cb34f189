"""What each member of staff sets for themselves."""

from __future__ import annotations

from django.conf import settings
from django.db import models


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
