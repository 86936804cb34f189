import datetime as dt

import factory

from intake.models import Intake, Patient
from intake.services import search_name_of


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
