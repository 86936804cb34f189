"""The audit trail: append-only, ids only (never patient data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

# The previous hash of the first event in the chain.
GENESIS = "0" * 64


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        SUBMIT = "submit", "Submitted"
        AMEND = "amend", "Amended"
        ACKNOWLEDGE = "acknowledge", "Acknowledged"
        ESCALATE = "escalate", "Confirmed escalation"
        REVIEW = "review", "Marked reviewed"
        LINK = "link", "Created a patient link"
        KIOSK = "kiosk", "Started kiosk mode"
        REVOKE = "revoke", "Revoked a patient link"
        LINK_SENT = "link_sent", "Sent a patient link"
        LINK_NOT_SENT = "link_not_sent", "Failed to send a patient link"
        IMPORT = "import", "Imported visits"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGN_OUT = "sign_out", "Signed out"
        LOCKOUT = "lockout", "Locked out"
        RAISE = "raise", "Raised an alert"
        WITHDRAW = "withdraw", "Withdrew an alert"
        ESCALATION_SENT = "escalation_sent", "E-mailed an unacknowledged alert"
        ESCALATION_FAILED = "escalation_failed", "Failed to e-mail an alert"
        DESK_ACTION = "desk_action", "Recorded what the desk did about an alert"
        CLIENT_REGISTERED = "client_registered", "Registered an integration client"
        SECRET_RENEWED = "secret_renewed", "Renewed an integration client's secret"
        CLIENT_REVOKED = "client_revoked", "Revoked an integration client"
        TOKEN_ISSUED = "token_issued", "Issued an access token"
        WITHDRAW_INTAKE = "withdraw_intake", "Withdrew an intake entered in error"

    # Set on insert: by the database's clock on PostgreSQL (the chain trigger overrides any
    # value given), by audit.chain.link() elsewhere. db_default makes Django read it back.
    at = models.DateTimeField(db_default=Now(), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who, as a label that survives the user's renaming: a username, "patient link", "api".
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=24, choices=Action)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    # The hash chain (audit/chain.py): SHA-256, in hex, of the event before this one and of
    # this event's content. Written on insert like `at`.
    prev_hash = models.CharField(max_length=64, db_default="", editable=False)
    hash = models.CharField(max_length=64, db_default="", editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-at"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args, **kwargs) -> None:
        # Append-only: a record, once written, is never changed.
        if not self._state.adding:
            raise PermissionError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events cannot be deleted")


class ChainCheck(models.Model):
    """One verification of the chain, with its head (last id and hash) as the database saw it
    then: a later walk finds a trail cut short after it. Added to only, and on PostgreSQL
    only through the function audit_checkpoint() (migration 0003)."""

    at = models.DateTimeField(db_default=Now())
    head_id = models.BigIntegerField(null=True)  # None: the trail was empty
    head_hash = models.CharField(max_length=64, blank=True)
    checked = models.PositiveBigIntegerField()  # events walked
    verified_to = models.BigIntegerField(null=True)  # the last event whose link held
    broken_at = models.BigIntegerField(null=True)  # the first that did not, if any
    problem = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        state = "intact" if self.broken_at is None else f"broken at {self.broken_at}"
        return f"{self.at:%Y-%m-%d %H:%M} chain {state}, head {self.head_id}"
