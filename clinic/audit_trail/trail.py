"""The audit trail as people read it: each event's object named for what it is ("Intake of
MRN A-204817, version 2"), one label per actor, times in the clinic's time zone.

The objects of a page of events are looked up in one query per kind, not one per event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import AuditEvent
from intake.models import Intake, Patient, PatientLink, Visit
from reports.models import PreVisitSummary
from triage.models import Alert, TriageAssessment, TriageFlag

PAGE = 100


@dataclass(frozen=True)
class TrailFilters:
    """`?user=casey&mrn=A-204817&action=view&from=YYYY-MM-DD&to=YYYY-MM-DD`, all optional."""

    user: str = ""
    mrn: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if self.user:
            events = events.filter(actor__username=self.user)
        if self.action:
            events = events.filter(action=self.action)
        if self.since:
            events = events.filter(at__gte=_start(self.since))
        if self.until:
            events = events.filter(at__lt=_start(self.until + dt.timedelta(days=1)))
        if self.mrn:
            events = events.filter(about_patient(Patient.objects.filter(mrn=self.mrn).first()))
        return events


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def about_patient(patient: Patient | None) -> Q:
    """The events about this patient: their record, their intakes, their visits, and the
    lists (searches, boards) that showed them."""
    if patient is None:
        return Q(pk__in=[])
    intakes = [
        str(pk) for pk in Intake.objects.filter(patient=patient).values_list("pk", flat=True)
    ]
    visits = [str(pk) for pk in Visit.objects.filter(patient=patient).values_list("pk", flat=True)]
    return (
        Q(object_type="intake.Patient", object_id=str(patient.pk))
        | Q(object_type="intake.Intake", object_id__in=intakes)
        | Q(object_type="intake.Visit", object_id__in=visits)
        | Q(detail__icontains=str(patient.pk))
    )


def actor_of(event: AuditEvent) -> str:
    """One label per actor: a user by their name (username), else who acted without an
    account (the patient by their channel, a sweep, anonymous)."""
    user = event.actor
    if user is None:
        return event.actor_label or "anonymous"
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()


def _about(patient: Patient | None) -> str:
    return _mrn(patient) if patient else "a refused document"


def _mrn(patient: Patient) -> str:
    return f"MRN {patient.mrn}" if patient.mrn else f"patient {patient.pk} (no MRN)"


@dataclass
class Described:
    """The objects of a page of events in words, and the patients those words name."""

    words: dict[tuple[str, str], str]
    patient_ids: set[str]


# Each kind of object: its words, the patient it is about, and what to fetch with it.
KINDS = {
    "intake.Patient": (
        Patient,
        lambda p: f"Patient, {_mrn(p)}",
        lambda p: p,
        (),
    ),
    "intake.Intake": (
        Intake,
        lambda i: f"Intake of {_mrn(i.patient)}, version {i.version}",
        lambda i: i.patient,
        ("patient",),
    ),
    "intake.Visit": (
        Visit,
        lambda v: (
            f"Visit of {_mrn(v.patient)} on {timezone.localtime(v.scheduled_at):%Y-%m-%d %H:%M}"
        ),
        lambda v: v.patient,
        ("patient",),
    ),
    "intake.PatientLink": (
        PatientLink,
        lambda link: f"Link for the intake of {_mrn(link.intake.patient)}",
        lambda link: link.intake.patient,
        ("intake__patient",),
    ),
    "triage.Alert": (
        Alert,
        lambda a: f"{a.get_level_display()} alert of {_about(a.subject)}",
        lambda a: a.subject,
        ("intake__patient", "patient"),
    ),
    "triage.TriageAssessment": (
        TriageAssessment,
        lambda t: f"Triage of the intake of {_mrn(t.intake.patient)}, version {t.intake_version}",
        lambda t: t.intake.patient,
        ("intake__patient",),
    ),
    "triage.TriageFlag": (
        TriageFlag,
        lambda f: f"Flag {f.code} of the intake of {_mrn(f.assessment.intake.patient)}",
        lambda f: f.assessment.intake.patient,
        ("assessment__intake__patient",),
    ),
    "reports.PreVisitSummary": (
        PreVisitSummary,
        lambda s: f"Summary of the intake of {_mrn(s.intake.patient)}, version {s.intake_version}",
        lambda s: s.intake.patient,
        ("intake__patient",),
    ),
}


def describe(events: Iterable[AuditEvent]) -> Described:
    """Each event's object in words, keyed by (object_type, object_id): one query per kind."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        if event.object_type in KINDS:
            wanted[event.object_type].add(event.object_id)
    described = Described(words={}, patient_ids=set())
    for label, ids in wanted.items():
        model, words, patient_of, related = KINDS[label]
        valid = [pk for pk in ids if _is_key(model, pk)]
        for obj in model.objects.filter(pk__in=valid).select_related(*related):
            described.words[(label, str(obj.pk))] = words(obj)
            if patient := patient_of(obj):
                described.patient_ids.add(str(patient.pk))
    return described


def _is_key(model, value: str) -> bool:
    try:
        model._meta.pk.to_python(value)
    except ValidationError:
        return False
    return True


def object_of(event: AuditEvent, described: Described) -> str:
    if not event.object_type:
        return "—"
    found = described.words.get((event.object_type, event.object_id))
    return found or f"{event.object_type} {event.object_id}"
