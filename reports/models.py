"""Pre-visit summaries: one row per intake version; the database is the source of truth."""

from __future__ import annotations

from django.db import models

from intake.levels import SummaryStatus


class PreVisitSummary(models.Model):
    Status = SummaryStatus  # copied onto the intake row (intake.Intake.summary_status)

    intake = models.ForeignKey("intake.Intake", on_delete=models.CASCADE, related_name="summaries")
    intake_version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)
    rules_version = models.CharField(max_length=32, blank=True)
    content = models.JSONField(null=True, blank=True)
    pdf = models.FileField(upload_to="summaries/", blank=True)
    pdf_pages = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Asked again for the same version (a flag acknowledged, the desk's action recorded): a
    # render begun before the last ask is not stored, so the PDF never lags what it shows.
    refreshes = models.PositiveIntegerField(default=0)
    # For staff, in plain words; the traceback stays in the worker's log.
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["intake", "-intake_version"]
        verbose_name_plural = "pre-visit summaries"
        constraints = [
            models.UniqueConstraint(
                fields=["intake", "intake_version"], name="summary_per_intake_version"
            )
        ]
        indexes = [models.Index(fields=["status", "enqueued_at"], name="summary_status_enqueued")]

    def __str__(self) -> str:
        return f"Summary {self.pk} ({self.intake_id} v{self.intake_version}, {self.status})"
