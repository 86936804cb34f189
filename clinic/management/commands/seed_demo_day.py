"""Book a demo day: a few made-up patients with visits today and tomorrow, for the desk's
board on a fresh `make run` (idempotent: nothing is added once demo visits exist)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clinic import visits
from intake import services
from intake.models import Patient, Visit

DEMO_MRN_PREFIX = "DEMO-"
DEMO_PATIENTS = (
    ("Maria", "Lopez", dt.date(1958, 3, 14), "maria.lopez@example.org", "Numb toes, both feet"),
    ("John", "Smith", dt.date(1971, 9, 2), "", "Tingling in the left calf"),
    ("Susan", "Nelson", dt.date(1984, 6, 27), "susan.nelson@example.org", "Follow-up: sciatica"),
    ("Ahmed", "Karimi", dt.date(1966, 12, 5), "", "Burning feet at night"),
)


class Command(BaseCommand):
    help = "Book demo visits for today and tomorrow (local use only; idempotent)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo_day refuses to run when DJANGO_ENV=production.")
        if Visit.objects.filter(patient__mrn__startswith=DEMO_MRN_PREFIX).exists():
            return
        desk = get_user_model().objects.get(username="frontdesk")
        clinician = visits.clinicians().filter(username="clinician").first()
        tomorrow = timezone.localdate() + dt.timedelta(days=1)
        for number, (given, family, born, email, reason) in enumerate(DEMO_PATIENTS):
            patient = Patient.objects.filter(mrn=f"{DEMO_MRN_PREFIX}{number + 1}").first()
            if patient is None:
                patient = services.save_patient(
                    Patient(
                        mrn=f"{DEMO_MRN_PREFIX}{number + 1}",
                        given_name=given,
                        family_name=family,
                        date_of_birth=born,
                        email=email,
                        phone=f"(555) 010-{4100 + number}",
                    ),
                    by=desk,
                )
            # Two visits later today (when the day has room), two tomorrow.
            day_start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            later = day_start + dt.timedelta(hours=number + 1)
            at = later if number < 2 and later.date() == timezone.localdate() else None
            at = at or timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9 + number, 0)))
            visits.add_visit(
                patient=patient, scheduled_at=at, clinician=clinician, reason=reason, by=desk
            )
        self.stdout.write(f"Demo visits booked for today and {tomorrow:%Y-%m-%d}.")
