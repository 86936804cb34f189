"""Patients and their intakes: every answer of clinical-content.md §1.

The columns mirror the intake document; `intake.answers` converts between the
two. An unanswered question is NULL (never a default): in particular no red-flag
question is "no" until someone answers it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone

from intake.document import IntakeDocument, codes, completed_years, parse_document
from intake.levels import Level, OpenAlert, SummaryStatus
from intake.questions import choices
from intake.validators import validate_phone, validate_typed_text


def _range(field: str, low: int, high: int) -> models.CheckConstraint:
    within = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | within,
        name=f"%(app_label)s_%(class)s_{field}_range",
    )


class Patient(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    mrn = models.CharField(
        "MRN",
        max_length=codes.MRN_MAX_LENGTH,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_typed_text],
    )
    given_name = models.CharField(
        max_length=codes.PERSON_NAME_MAX_LENGTH, validators=[validate_typed_text]
    )
    family_name = models.CharField(
        max_length=codes.PERSON_NAME_MAX_LENGTH, validators=[validate_typed_text]
    )
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=16, choices=choices(codes.SEXES), blank=True)
    phone = models.CharField(
        max_length=codes.PHONE_MAX_LENGTH, blank=True, validators=[validate_phone]
    )
    email = models.EmailField(max_length=codes.EMAIL_MAX_LENGTH, blank=True)
    preferred_language = models.CharField(
        max_length=2, choices=choices(codes.LANGUAGES), default=codes.DEFAULT_LANGUAGE
    )
    # Lower-case, accent-free "given family", kept by intake.services, for name search.
    search_name = models.CharField(max_length=2 * codes.PERSON_NAME_MAX_LENGTH + 1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["search_name"], name="patient_search_name"),
            models.Index(fields=["date_of_birth"], name="patient_dob"),
        ]
        constraints = [
            # "Unique when set": an empty MRN is stored as NULL, never as "".
            models.CheckConstraint(condition=~Q(mrn=""), name="patient_mrn_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def age_on(self, day) -> int:
        return completed_years(self.date_of_birth, day)


class Visit(models.Model):
    """A booked visit. The intake filled before it belongs to it: one at most, so starting an
    intake for a visit that has one resumes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits")
    scheduled_at = models.DateTimeField()
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(
        max_length=codes.VISIT_REASON_MAX_LENGTH, validators=[validate_typed_text]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_at"]
        indexes = [models.Index(fields=["scheduled_at"], name="visit_scheduled_at")]

    def __str__(self) -> str:
        return f"Visit {self.id}"

    @property
    def day(self):
        return timezone.localdate(self.scheduled_at)


class NameWordVariant(models.Model):
    """A word of a patient's name, and a string left by deleting up to two of its letters:
    the table the typo-tolerant name search looks words up in (intake/name_words.py). The
    words are the distinct words of every name, thousands however many patients."""

    variant = models.CharField(max_length=codes.PERSON_NAME_MAX_LENGTH)
    word = models.CharField(max_length=codes.PERSON_NAME_MAX_LENGTH)

    class Meta:
        constraints = [
            # Its index leads with the variant: the search's `variant IN (...)`.
            models.UniqueConstraint(fields=["variant", "word"], name="name_word_variant_unique")
        ]

    def __str__(self) -> str:
        return f"{self.variant} → {self.word}"


# The worklist's order, all ascending so that "after the cursor" is one row comparison the
# index below can seek to: open alerts first (open_alert descending), then oldest first.
WORKLIST_KEY = (
    Func(F("open_alert"), template="(-%(expressions)s)", output_field=models.IntegerField()),
    F("submitted_at"),
    F("id"),
)


class Intake(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        AMENDED = "amended", "Amended"
        # Entered in error (the wrong patient, a test): kept on record, off every list.
        WITHDRAWN = "withdrawn", "Withdrawn: entered in error"

    class Channel(models.TextChoices):
        FRONT_DESK = "front_desk", "Front desk"
        PATIENT_TABLET = "patient_tablet", "Patient on a clinic tablet"
        PATIENT_LINK = "patient_link", "Patient by link"
        API = "api", "API"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT)
    # 0 while a draft; 1 on submission; +1 on each amendment. Summaries are per version.
    version = models.PositiveIntegerField(default=0)
    # Bumped on every save through the services: the optimistic lock for concurrent edits.
    revision = models.PositiveIntegerField(default=0)
    channel = models.CharField(max_length=16, choices=Channel, default=Channel.FRONT_DESK)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reported_on = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="intakes"
    )
    # What the sending system said beside the answers (a FHIR response's author, source,
    # authored and subject), kept to send back with them.
    sender_context = models.JSONField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Nullable, as the columns added after the chain's triggers are: SQLite would rebuild the
    # table (and drop them) to add a NOT NULL one.
    withdrawn_reason = models.TextField(null=True, blank=True)  # noqa: DJ001
    # The furthest step of a draft saved, by its place in intake.steps.STEPS (1 the first):
    # the desk's board says "step k of n".
    furthest_step = models.PositiveSmallIntegerField(null=True, blank=True)

    # symptoms
    sides = models.CharField(max_length=8, choices=choices(codes.SIDES), blank=True)
    locations = models.JSONField(default=list, blank=True)
    onset = models.CharField(max_length=8, choices=choices(codes.ONSETS), blank=True)
    duration_days = models.PositiveIntegerField(null=True, blank=True)
    # "Has it suddenly changed or clearly got worse? How many days ago?": NULL not asked,
    # False it has not (the document's null), True it has, `last_changed_days` days ago.
    suddenly_changed = models.BooleanField(null=True, blank=True)
    last_changed_days = models.PositiveIntegerField(null=True, blank=True)
    pattern = models.CharField(max_length=16, choices=choices(codes.PATTERNS), blank=True)
    frequency = models.CharField(max_length=24, choices=choices(codes.FREQUENCIES), blank=True)
    positional = models.BooleanField(null=True, blank=True)
    relieved_by_moving = models.BooleanField(null=True, blank=True)
    progression = models.CharField(max_length=24, choices=choices(codes.PROGRESSIONS), blank=True)
    severity = models.PositiveSmallIntegerField(null=True, blank=True)
    associated = models.JSONField(default=list, blank=True)
    leg_changes = models.JSONField(default=list, blank=True)
    other_symptoms = models.JSONField(default=list, blank=True)
    description = models.TextField(
        max_length=codes.FREE_TEXT_MAX_LENGTH, blank=True, validators=[validate_typed_text]
    )

    # red flags: NULL until answered, on purpose
    head_back_neck_injury = models.BooleanField(null=True, blank=True)
    cannot_move_or_walk = models.BooleanField(null=True, blank=True)
    bladder_bowel_control_loss = models.BooleanField(null=True, blank=True)
    urinary_difficulty = models.BooleanField(null=True, blank=True)  # new in 2026.12.1
    saddle_numbness = models.BooleanField(null=True, blank=True)
    confusion = models.BooleanField(null=True, blank=True)
    loss_of_consciousness = models.BooleanField(null=True, blank=True)
    slurred_speech = models.BooleanField(null=True, blank=True)
    vision_problems = models.BooleanField(null=True, blank=True)
    face_arm_weakness = models.BooleanField(null=True, blank=True)
    breathing_swallowing_difficulty = models.BooleanField(null=True, blank=True)

    # risk factors (new in 2026.12.1): NULL until answered, like the red flags
    fever = models.BooleanField(null=True, blank=True)
    injects_drugs = models.BooleanField(null=True, blank=True)
    immunosuppressed = models.BooleanField(null=True, blank=True)
    spinal_procedure_recent = models.BooleanField(null=True, blank=True)
    blood_thinner = models.BooleanField(null=True, blank=True)
    cancer_active = models.BooleanField(null=True, blank=True)

    # history and lifestyle
    treatments = models.JSONField(default=list, blank=True)
    conditions = models.JSONField(default=list, blank=True)
    exposures = models.JSONField(default=list, blank=True)
    alcohol_drinks_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    diet = models.CharField(max_length=16, choices=choices(codes.DIETS), blank=True)
    smoking = models.CharField(max_length=16, choices=choices(codes.SMOKING), blank=True)
    notes = models.TextField(
        max_length=codes.FREE_TEXT_MAX_LENGTH, blank=True, validators=[validate_typed_text]
    )

    # The current version's triage, copied here so the worklist sorts without joins.
    triage_level = models.CharField(max_length=16, choices=Level.choices, blank=True)
    rules_version = models.CharField(max_length=32, blank=True)
    # The highest flag of the current version nobody acknowledged yet; kept by
    # triage.services; the worklist's first sort key (WORKLIST_KEY).
    open_alert = models.PositiveSmallIntegerField(choices=OpenAlert.choices, default=OpenAlert.NONE)
    # A clinician has read this version; an amendment asks for a new review.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The current version's pre-visit summary's status ("" before there is one), copied by
    # a database trigger on the summaries (reports migration 0003) so the worklist filters
    # by it through an index of its own.
    summary_status = models.CharField(
        max_length=16, choices=SummaryStatus, blank=True, editable=False
    )
    # Grows whenever anything a worklist row shows changes: this row's listed fields, its
    # patient's name, MRN or date of birth, a flag of it acknowledged, its summary's status.
    # Database triggers keep it (migrations intake 0008, triage 0005), bulk updates
    # included, and ignore what the application writes to it; the worklist's 10-second
    # refresh answers 304 while the page's (id, worklist_version) pairs stay the same.
    worklist_version = models.PositiveBigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "-updated_at"], name="intake_status_updated"),
            # FHIR search's order and keyset (clinic/api/fhir/search.py): newest first.
            models.Index(fields=["-created_at", "-id"], name="intake_created_key"),
            # The worklist's order (WORKLIST_KEY); drafts are never listed.
            models.Index(*WORKLIST_KEY, name="intake_worklist_key", condition=~Q(status="draft")),
            models.Index(
                "triage_level",
                "submitted_at",
                name="intake_worklist_level",
                condition=~Q(status="draft"),
            ),
            # The worklist filtered by summary status, in its order: a few hundred pending or
            # failed summaries among a million are a range here, not a walk of the key.
            models.Index(
                "summary_status",
                *WORKLIST_KEY,
                name="intake_worklist_summary",
                condition=~Q(status="draft"),
            ),
        ]
        constraints = [
            _range("severity", 0, codes.SEVERITY_MAX),
            _range("duration_days", 0, codes.DURATION_DAYS_MAX),
            _range("last_changed_days", 0, codes.LAST_CHANGED_DAYS_MAX),
            models.CheckConstraint(
                condition=Q(last_changed_days__isnull=True) | Q(suddenly_changed=True),
                name="intake_last_changed_days_only_when_changed",
            ),
            _range("alcohol_drinks_per_week", 0, codes.ALCOHOL_DRINKS_PER_WEEK_MAX),
            models.CheckConstraint(
                condition=Q(status="draft", version=0) | (~Q(status="draft") & Q(version__gte=1)),
                name="intake_version_matches_status",
            ),
            # A partial index: an intake without a visit is not one of them.
            models.UniqueConstraint(
                fields=["visit"], condition=Q(visit__isnull=False), name="intake_one_per_visit"
            ),
        ]

    def __str__(self) -> str:
        return f"Intake {self.id}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def current_document(self) -> IntakeDocument:
        """The answers of the current version (a submitted intake's), read back."""
        return self.versions.get(number=self.version).read()


# The channels where the patient answers, themselves, on a clinic tablet or through a link.
PATIENT_CHANNELS = (Intake.Channel.PATIENT_TABLET, Intake.Channel.PATIENT_LINK)


def listed_intakes() -> models.QuerySet[Intake]:
    """Submitted intakes as every list shows them: no drafts (written as the partial indexes'
    condition is, so that they serve), none withdrawn."""
    return Intake.objects.exclude(status=Intake.Status.DRAFT).exclude(
        status=Intake.Status.WITHDRAWN
    )


class _IntakeRow(models.Model):
    """A repeating part of an intake, kept in the order it was entered."""

    position = models.PositiveSmallIntegerField()

    class Meta:
        abstract = True
        ordering = ["position"]


class Medication(_IntakeRow):
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="medications")
    name = models.CharField(max_length=codes.ITEM_NAME_MAX_LENGTH, validators=[validate_typed_text])
    dose = models.CharField(
        max_length=codes.DOSE_MAX_LENGTH, blank=True, validators=[validate_typed_text]
    )
    kind = models.CharField(max_length=24, choices=choices(codes.MEDICATION_KINDS), blank=True)

    class Meta(_IntakeRow.Meta):
        pass

    def __str__(self) -> str:
        return self.name


class Vaccination(_IntakeRow):
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="vaccinations")
    name = models.CharField(max_length=codes.ITEM_NAME_MAX_LENGTH, validators=[validate_typed_text])
    date = models.DateField(null=True, blank=True)

    class Meta(_IntakeRow.Meta):
        pass

    def __str__(self) -> str:
        return self.name


class Injury(_IntakeRow):
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="injuries")
    kind = models.CharField(max_length=24, choices=choices(codes.INJURY_KINDS))
    date = models.DateField(null=True, blank=True)
    older_than_14_days = models.BooleanField(null=True, blank=True)  # "more than two weeks ago"
    mechanism = models.CharField(
        max_length=24, choices=choices(codes.INJURY_MECHANISMS), blank=True
    )
    description = models.TextField(
        max_length=codes.INJURY_DESCRIPTION_MAX_LENGTH, blank=True, validators=[validate_typed_text]
    )

    class Meta(_IntakeRow.Meta):
        verbose_name_plural = "injuries"

    def __str__(self) -> str:
        return self.kind


class IntakeVersion(models.Model):
    """The document as submitted or amended: earlier answers stay readable."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    document = models.JSONField()
    changed_paths = models.JSONField(default=list, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["intake", "number"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "number"], name="intake_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.intake_id} v{self.number}"

    def read(self) -> IntakeDocument:
        """The answers as stored: they passed the parser when this version was made."""
        return parse_document(self.document)


class PatientLink(models.Model):
    """A one-time link a patient opens without an account, scoped to one draft intake.

    The URL carries a signed token naming this row; the row says when it expires and
    whether it was revoked. Submitting the intake ends it.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="patient_links")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Who revoked it; none when a newer link for the intake replaced it.
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(null=True, blank=True)  # first opened by the patient

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Link {self.id}"

    def usable_at(self, moment) -> bool:
        return self.revoked_at is None and moment < self.expires_at and self.intake.is_draft


class PrefilledStep(models.Model):
    """A step of a returning patient's draft filled from their last submitted intake (the
    parts that change slowly); it must be confirmed or changed, by saving the step, before
    the draft can be submitted (intake/prefill.py)."""

    intake = models.ForeignKey(Intake, on_delete=models.CASCADE, related_name="prefilled_steps")
    step = models.CharField(max_length=32)
    source = models.ForeignKey(Intake, on_delete=models.PROTECT, related_name="+")
    source_reported_on = models.DateField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["intake", "step"]
        constraints = [
            models.UniqueConstraint(fields=["intake", "step"], name="one_prefill_per_step")
        ]

    def __str__(self) -> str:
        return f"{self.step} of {self.intake_id} from {self.source_id}"


class OutgoingMessage(models.Model):
    """A message the app sends on its own (an escalation e-mail, a patient's link): recorded
    before it is sent and after, retried with backoff until it goes, its Message-ID fixed so
    that a send repeated after a crash is the same message."""

    message_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)  # cleared once it goes
    last_error = models.CharField(max_length=200, blank=True)  # the reply's code, never PHI

    class Meta:
        abstract = True


class LinkMessage(OutgoingMessage):
    """One message carrying a link to the patient: the invitation, or one of at most two
    reminders. Recorded before it is sent and after (clinic/link_messages.py), so a send is
    never lost and never silent; the Message-ID is fixed per link and kind, so a send
    repeated after a crash is the same message."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", "Link sent"
        UNOPENED = "unopened", "Reminder: link not opened"
        DAY_BEFORE = "day_before", "Reminder: the day before the visit"

    class Medium(models.TextChoices):
        EMAIL = "email", "E-mail"
        TEXT = "text", "Text message"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        NOT_DELIVERED = "not_delivered", "Not delivered: the address was refused"
        CANCELLED = "cancelled", "Not sent: the link was used, revoked or expired first"

    link = models.ForeignKey(PatientLink, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=16, choices=Kind)
    medium = models.CharField(max_length=8, choices=Medium)
    to = models.CharField(max_length=codes.EMAIL_MAX_LENGTH)  # shown masked, never logged
    status = models.CharField(max_length=16, choices=Status, default=Status.PENDING)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["link", "kind"], name="one_link_message_per_kind")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="link_message_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for link {self.link_id}"
