import datetime as dt

import factory
from django.utils import timezone

from accounts.roles import Role
from intake.models import Intake, Patient, Visit
from intake.services import search_name_of
from tests.factories import UserFactory


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=90)
    sex = "female"
    search_name = factory.LazyAttribute(lambda p: search_name_of(p.given_name, p.family_name))


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    patient = factory.SubFactory(PatientFactory)
    reported_on = factory.LazyFunction(dt.date.today)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    patient = factory.SubFactory(PatientFactory)
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=1))
    reason = "Numb toes"
    created_by = factory.SubFactory(UserFactory, role=Role.FRONT_DESK)
