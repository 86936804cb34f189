"""The questionnaire's forms: the questions of 2026.12.1 and the date checks of §1, each
refused beside its field in the page's language, and what a valid answer stores."""

import datetime as dt

import pytest
from django.utils import translation

from intake import forms
from intake.answers import intake_answers
from intake.document import ALL_RED_FLAG_CODES, RISK_FACTOR_CODES
from intake.questions import question
from tests.intake.factories import IntakeFactory, PatientFactory

pytestmark = pytest.mark.django_db

REPORTED_ON = dt.date(2026, 11, 20)
SYMPTOMS = {
    "sides": "left", "locations": ["calf"], "onset": "gradual", "duration_days": "30",
    "suddenly_changed": "no", "pattern": "comes_and_goes", "frequency": "daily",
    "positional": "no", "relieved_by_moving": "no", "progression": "stable", "severity": "3",
}  # fmt: skip


def symptoms_form(intake=None, **answers) -> forms.SymptomsForm:
    return forms.SymptomsForm(SYMPTOMS | answers, instance=intake or IntakeFactory())


@pytest.mark.parametrize(
    ("answers", "stored"),
    [
        ({"suddenly_changed": "yes", "last_changed_days": "3"}, 3),
        ({"suddenly_changed": "yes", "last_changed_days": "0"}, 0),
        ({"suddenly_changed": "no", "last_changed_days": ""}, None),
    ],
)
def test_a_sudden_change_is_asked_and_its_days_stored_as_the_document_has_them(answers, stored):
    form = symptoms_form(**answers)
    assert form.is_valid(), form.errors
    intake = form.save()
    assert intake_answers(intake)["symptoms"]["last_changed_days"] == stored


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"suddenly_changed": "yes", "last_changed_days": ""}, "Please give the number of days"),
        ({"suddenly_changed": "no", "last_changed_days": "4"}, "leave the days empty"),
        (
            {"suddenly_changed": "yes", "last_changed_days": "-1"},
            "Please give a number no smaller than 0.",
        ),
        (
            {"suddenly_changed": "yes", "last_changed_days": "36501"},
            "Please give a number no bigger than 36500.",
        ),
    ],
)
def test_a_sudden_change_that_does_not_add_up_is_refused_beside_the_days(answers, message):
    form = symptoms_form(**answers)
    assert not form.is_valid()
    assert set(form.errors) == {"last_changed_days"}
    assert message in " ".join(form.errors["last_changed_days"])


def test_a_sudden_change_must_be_answered():
    form = symptoms_form(suddenly_changed="")
    assert not form.is_valid() and set(form.errors) == {"suddenly_changed"}


def test_how_often_is_refused_beside_it_when_it_is_there_all_the_time():
    form = symptoms_form(pattern="constant", frequency="daily")
    assert not form.is_valid()
    assert set(form.errors) == {"frequency"}
    assert "there all the time" in form.errors["frequency"][0]
    answered = symptoms_form(pattern="constant", frequency="")
    assert answered.is_valid(), answered.errors
    assert "frequency" not in intake_answers(answered.save())["symptoms"]


def test_the_form_offers_the_asked_leg_changes_and_keeps_an_older_intakes_codes():
    offered = [code for code, _label in symptoms_form().fields["leg_changes"].choices]
    assert offered == ["pale_or_blue", "cold", "swollen", "red_or_warm", "wound_or_ulcer"]

    older = IntakeFactory(leg_changes=["color"])
    form = symptoms_form(older, leg_changes=["color", "cold"])
    labels = dict(form.fields["leg_changes"].choices)
    assert "older question" in str(labels["color"])
    assert form.is_valid(), form.errors
    assert form.save().leg_changes == ["color", "cold"]


def test_every_warning_sign_and_risk_factor_must_be_answered_yes_or_no():
    form = forms.RedFlagsForm({}, instance=IntakeFactory())
    assert not form.is_valid()
    assert set(form.errors) == {*ALL_RED_FLAG_CODES, *RISK_FACTOR_CODES}
    assert "urinary_difficulty" in form.errors and "cancer_active" not in form.errors
    assert form.fields["urinary_difficulty"].label == question("red_flags.urinary_difficulty")


def test_the_warning_signs_are_asked_as_something_new_and_recent():
    form = forms.RedFlagsForm(instance=IntakeFactory())
    for code in ALL_RED_FLAG_CODES:
        assert str(form.fields[code].label).startswith("Recently,"), code


def history_form(**answers) -> forms.HistoryForm:
    return forms.HistoryForm({"conditions": [], **answers}, instance=IntakeFactory())


def test_cancer_now_is_asked_after_cancer():
    unanswered = history_form(conditions=["cancer"])
    assert not unanswered.is_valid() and set(unanswered.errors) == {"cancer_active"}
    answered = history_form(conditions=["cancer"], cancer_active="no")
    assert answered.is_valid(), answered.errors
    assert intake_answers(answered.save())["risk_factors"] == {"cancer_active": False}


def test_cancer_now_without_cancer_ticked_asks_for_the_tick_and_a_no_is_dropped():
    yes = history_form(cancer_active="yes")
    assert not yes.is_valid()
    assert set(yes.errors) == {"conditions"} and "tick Cancer" in yes.errors["conditions"][0]
    no = history_form(conditions=["diabetes"], cancer_active="no")
    assert no.is_valid(), no.errors
    assert no.save().cancer_active is None  # absent: asked only after cancer


def injury_form(intake, **answers) -> forms.InjuryForm:
    return forms.InjuryForm({"kind": "head_injury", **answers}, intake=intake)


@pytest.fixture
def intake():
    patient = PatientFactory(date_of_birth=dt.date(1980, 5, 1))
    return IntakeFactory(patient=patient, reported_on=REPORTED_ON)


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({}, "date", "Please give the date, or tick"),
        ({"date": "2026-11-21"}, "date", "after the day of these answers (2026-11-20)"),
        ({"date": "1980-04-30"}, "date", "before the date of birth"),
        ({"date": "2026-11-06", "older_than_14_days": "on"}, "older_than_14_days", "within"),
    ],
)
def test_an_injury_needs_a_day_or_more_than_two_weeks_and_a_day_that_can_be(
    intake, answers, field, message
):
    form = injury_form(intake, **answers)
    assert not form.is_valid()
    assert set(form.errors) == {field}
    assert message in form.errors[field][0]


@pytest.mark.parametrize(
    ("answers", "date", "older"),
    [
        ({"older_than_14_days": "on"}, None, True),
        ({"date": "2026-11-20"}, dt.date(2026, 11, 20), None),  # the answers' day itself
        ({"date": "1980-05-01"}, dt.date(1980, 5, 1), None),  # the day of birth itself
        ({"date": "2026-11-05", "older_than_14_days": "on"}, dt.date(2026, 11, 5), True),
    ],
)
def test_an_injury_dated_or_more_than_two_weeks_ago_is_kept(intake, answers, date, older):
    form = injury_form(intake, **answers)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["date"], form.cleaned_data["older_than_14_days"]) == (date, older)


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-11-21", "after the day of these answers"), ("1980-04-30", "before the date of birth")],
)
def test_a_vaccination_date_outside_birth_and_the_answers_day_is_refused(intake, day, message):
    form = forms.VaccinationForm({"name": "Flu", "date": day}, intake=intake)
    assert not form.is_valid() and message in form.errors["date"][0]


@pytest.mark.parametrize(
    ("years_ago", "days_later", "valid"),
    [(120, 0, True), (121, 1, True), (121, 0, False)],  # 121 years less a day: still 120
)
def test_the_date_of_birth_allows_an_age_of_120_completed_years(years_ago, days_later, valid):
    today = dt.date.today()
    born = dt.date(today.year - years_ago, today.month, min(today.day, 28))
    born += dt.timedelta(days=days_later)
    form = forms.PatientForm(
        {"given_name": "A", "family_name": "B", "date_of_birth": born, "preferred_language": "en"}
    )
    assert form.is_valid() is valid, form.errors


def test_the_refusals_are_in_the_pages_language(intake):
    with translation.override("es"):
        form = injury_form(intake, date="2026-11-21")
        assert not form.is_valid()
        message = form.errors["date"][0]
    assert "2026-11-20" in message and "after" not in message


@pytest.mark.parametrize(
    ("phone", "valid"),
    [("😀😀😀", False), ("123", False), ("1234567890123456", False), ("+1 (555) 010-0100", True),
     ("555.010.0100", True), ("", True)],
)  # fmt: skip
def test_the_phone_keeps_to_digits_and_separators_of_the_specs_length(phone, valid):
    form = forms.PatientForm(
        {"given_name": "A", "family_name": "B", "date_of_birth": "1980-01-01",
         "preferred_language": "en", "phone": phone}
    )  # fmt: skip
    assert form.is_valid() is valid, form.errors
    if not valid:
        assert set(form.errors) == {"phone"} and "7 to 15 digits" in form.errors["phone"][0]
