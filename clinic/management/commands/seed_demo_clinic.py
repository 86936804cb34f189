"""A demo clinic for a fresh `make run`: made-up patients (their MRNs start with DEMO-, the
family names of the submitted ones with Demo-), submitted intakes of every level, an
emergency answered by link and one on the waiting-room tablet still open on the board, and
visits today and tomorrow. Idempotent: nothing is added once the demo patients exist; never
in production."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinic import submission, visits
from intake import services
from intake.document import parse_document
from intake.models import Intake, Patient

DEMO_MRN_PREFIX = "DEMO-"
# The shared clinical vignettes (tests/data/vignettes): one per level, as the demo's answers.
VIGNETTES = Path(settings.BASE_DIR) / "tests" / "data" / "vignettes"
SUBMITTED = (
    ("Ana", "Demo-Routine", "10-hypothyroid"),
    ("Bea", "Demo-Urgent", "04-leg-weakness"),
    ("Carl", "Demo-Emergency", "02-bladder-loss"),
    ("Dora", "Demo-Diabetic", "05-diabetic-feet"),
)
BOOKED = (
    ("Maria", "Lopez", dt.date(1958, 3, 14), "maria.lopez@example.org", "Numb toes, both feet"),
    ("John", "Smith", dt.date(1971, 9, 2), "", "Tingling in the left calf"),
    ("Susan", "Nelson", dt.date(1984, 6, 27), "susan.nelson@example.org", "Follow-up: sciatica"),
    ("Ahmed", "Karimi", dt.date(1966, 12, 5), "", "Burning feet at night"),
)


class Command(BaseCommand):
    help = "Add a demo clinic: patients, intakes of every level, open alerts, visits."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo_clinic refuses to run when DJANGO_ENV=production.")
        if Patient.objects.filter(mrn__startswith=DEMO_MRN_PREFIX).exists():
            return
        users = get_user_model().objects
        desk = users.get(username="frontdesk")
        self.numbers = iter(range(1, 1000))
        for given, family, vignette in SUBMITTED:
            self._submitted(given, family, vignette, desk)
        self._open_alerts(desk)
        self._visits(desk, visits.clinicians().filter(username="clinician").first())
        self.stdout.write("Demo clinic added (patients' MRNs start with DEMO-).")

    def _mrn(self) -> str:
        return f"{DEMO_MRN_PREFIX}{next(self.numbers)}"

    def _submitted(self, given: str, family: str, vignette: str, desk) -> None:
        path = VIGNETTES / f"{vignette}.json"
        if not path.exists():  # an installed copy without the tests
            return
        document = json.loads(path.read_text())["document"]
        document["patient"] |= {"given_name": given, "family_name": family, "mrn": self._mrn()}
        document["reported_on"] = timezone.localdate().isoformat()
        submission.create_intake_from_document(
            parse_document(document), by=desk, channel=Intake.Channel.FRONT_DESK
        )

    def _patient(self, given, family, born, desk, **contact) -> Patient:
        patient = Patient(
            mrn=self._mrn(), given_name=given, family_name=family, date_of_birth=born, **contact
        )
        return services.save_patient(patient, by=desk)

    def _open_alerts(self, desk) -> None:
        """Two drafts with an emergency answer saved: by link, and on the tablet."""
        for given, channel, tablet in (
            ("Eli", Intake.Channel.PATIENT_LINK, ""),
            ("Fay", Intake.Channel.PATIENT_TABLET, "tablet 2"),
        ):
            patient = self._patient(
                given, "Demo-Alert", dt.date(1960, 1, 1), desk, phone="(555) 010-4199"
            )
            draft, _ = services.resume_or_start_intake(patient=patient, by=desk)
            answers = {"channel": channel, "saddle_numbness": True}
            submission.save_step(draft, by=None, answers=answers, step="red-flags")
            if tablet:
                draft.alerts.update(tablet_name=tablet)

    def _visits(self, desk, clinician) -> None:
        """Two visits later today (when the day has room), two tomorrow."""
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        hour = timezone.localtime().replace(minute=0, second=0, microsecond=0)
        for number, (given, family, born, email, reason) in enumerate(BOOKED):
            patient = self._patient(
                given, family, born, desk, email=email, phone=f"(555) 010-{4100 + number}"
            )
            later = hour + dt.timedelta(hours=number + 1)
            at = later if number < 2 and later.date() == timezone.localdate() else None
            at = at or timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9 + number)))
            visits.add_visit(
                patient=patient, scheduled_at=at, clinician=clinician, reason=reason, by=desk
            )
