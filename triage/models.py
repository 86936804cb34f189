"""Triage results stored per intake version, and their acknowledgement."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from intake.levels import Level, Severity
from intake.models import Intake, OutgoingMessage, Patient
from intake.validators import validate_typed_text


class TriageAssessment(models.Model):
    """The result of running the rules on one version of an intake."""

    intake = models.ForeignKey(
        "intake.Intake", on_delete=models.CASCADE, related_name="assessments"
    )
    intake_version = models.PositiveIntegerField()
    level = models.CharField(max_length=16, choices=Level.choices)
    rules_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    # An emergency must be escalated at the desk at once; who confirmed it, and when.
    escalation_confirmed_at = models.DateTimeField(null=True, blank=True)
    escalation_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["intake", "-intake_version"]
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "intake_version"], name="triage_assessment_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} ({self.intake_id} v{self.intake_version})"


class TriageFlag(models.Model):
    assessment = models.ForeignKey(TriageAssessment, on_delete=models.CASCADE, related_name="flags")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=48)
    severity = models.CharField(max_length=16, choices=Severity.choices)
    title = models.CharField(max_length=200)
    source = models.CharField(max_length=300)
    evidence = models.JSONField(default=list)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledgement_note = models.TextField(
        blank=True, max_length=2000, validators=[validate_typed_text]
    )

    class Meta:
        ordering = ["assessment", "position"]

    def __str__(self) -> str:
        return self.code

    @property
    def needs_acknowledgement(self) -> bool:
        return (
            self.severity in (Severity.EMERGENCY, Severity.URGENT) and self.acknowledged_at is None
        )


class ClinicianNote(models.Model):
    intake = models.ForeignKey(
        "intake.Intake", on_delete=models.CASCADE, related_name="clinician_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=4000, validators=[validate_typed_text])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["intake", "created_at"]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.intake_id}"


class ReaskedAnswer(models.Model):
    """A red-flag question asked again before submission, and the answer then given.

    The person's own words (`words`, in the free-text answer at `path`) bore on the question
    and they had answered "no" (clinical-content.md §2, its end): that "no" was the first
    answer, `answer` is the second. A "no" confirmed here is not asked again for the same
    words; a "yes" was also written onto the intake, so triage fires that red flag.
    """

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="reasked_answers")
    path = models.CharField(max_length=64)  # symptoms.description, notes, injuries.N.description
    words = models.TextField()  # as quoted to them: the free_text_red_flag flag's quote
    question = models.CharField(max_length=48)  # the red-flag code
    answer = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(  # None: the patient, on the tablet or by link
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=16, choices=Intake.Channel)

    class Meta:
        ordering = ["intake", "answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.question} asked again on {self.intake_id}"


# An alert that still stands: neither withdrawn nor acknowledged.
OPEN = models.Q(withdrawn_at__isnull=True, acknowledged_at__isnull=True)


class AlertQuerySet(models.QuerySet):
    def open(self) -> AlertQuerySet:
        return self.filter(OPEN)


class Alert(models.Model):
    """An emergency or urgent answer the clinic must act on, raised the moment it is saved.

    One open alert per intake at a time: a later step or the submission updates it (its
    level and codes), answers changed back to "no" withdraw it, and a withdrawn or
    acknowledged alert stays on record. Raised, updated and withdrawn by triage.alerts only.
    """

    # Its address in URLs: an alert from a refused document has no intake to stand under.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # None: raised by a refused API or FHIR document (no intake was stored), on the `patient`
    # the document identifies, or on nobody until the desk attaches it.
    intake = models.ForeignKey(
        Intake, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    patient = models.ForeignKey(
        Patient, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )
    # A refused document's identity as it gave it (name, birth date, MRN): for the desk.
    reported = models.JSONField(default=dict, blank=True)
    level = models.CharField(
        max_length=16, choices=[(Level.EMERGENCY, "Emergency"), (Level.URGENT, "Urgent")]
    )
    codes = models.JSONField(default=list)  # the flags that fired, in the rule table's order
    evidence = models.JSONField(default=list)  # the answer paths that made them fire
    channel = models.CharField(max_length=16, choices=Intake.Channel)
    tablet_name = models.CharField(max_length=40, blank=True)  # the desk's name for the tablet
    raised_at = models.DateTimeField(default=timezone.now)
    raised_by = models.ForeignKey(  # None: the patient, on the tablet or by link
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When an emergency alert's next escalation e-mails fall due (None: it never pages), so
    # the sweep reads only the alerts owed one, through its own index (clinic.escalation).
    next_escalation_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["intake"], condition=OPEN, name="one_open_alert_per_intake"
            )
        ]
        indexes = [
            models.Index(fields=["raised_at"], condition=OPEN, name="alert_open_by_time"),
            models.Index(
                fields=["next_escalation_at"],
                condition=models.Q(
                    withdrawn_at__isnull=True,
                    acknowledged_at__isnull=True,
                    next_escalation_at__isnull=False,
                ),
                name="alert_escalation_due",
            ),
            # The board's "acknowledged today": a range read, whatever the table's size.
            models.Index(
                fields=["-acknowledged_at"],
                condition=models.Q(acknowledged_at__isnull=False),
                name="alert_acknowledged_by_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} alert {self.pk} on {self.intake_id}"

    @property
    def is_open(self) -> bool:  # OPEN, for one alert in hand
        return self.withdrawn_at is None and self.acknowledged_at is None

    @property
    def subject(self) -> Patient | None:
        """The patient the alert is about: its intake's, or the one a refused document named."""
        return self.intake.patient if self.intake_id else self.patient


class EscalationEmail(OutgoingMessage):
    """One e-mail of an emergency alert's escalation to one clinician: recorded before it is
    sent and after, so a send is never lost and never silent (triage.escalation).

    `round` 1 goes when nobody acknowledged within ALERT_ESCALATE_MINUTES, each later round
    ALERT_REPEAT_MINUTES after. The Message-ID is fixed per alert, round and recipient: a
    send repeated after a crash is the same message, which mail clients show once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Not sent: acknowledged or withdrawn first"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="escalation_emails")
    round = models.PositiveIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)

    class Meta:
        ordering = ["alert", "round", "recipient"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "round", "recipient"], name="one_escalation_email_per_round"
            )
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="escalation_email_unsent",
            )
        ]

    def __str__(self) -> str:
        return f"escalation {self.round} of alert {self.alert_id} to user {self.recipient_id}"


class AlertAction(models.Model):
    """What the front desk did about an open alert, with an optional note: kept, never edited."""

    class Kind(models.TextChoices):
        CALLED_911 = "called_911", "Called 911"
        SENT_TO_ED = "sent_to_ed", "Sent to the emergency department"
        CALLED_BACK = "called_back", "Called the patient back"
        PATIENT_LEFT = "patient_left", "Patient left"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=16, choices=Kind)
    note = models.CharField(max_length=500, blank=True, validators=[validate_typed_text])
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["alert", "at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} on alert {self.alert_id}"
