"""The questionnaire's forms, one per step, shared by the front desk and the patient pages.

Fields are named by their codes and store the codes. Yes/no questions are radio
buttons with no default: the person must choose. Errors are in plain words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from intake.answers import ROW_FIELDS
from intake.document import RECENT_INJURY_DAYS, codes, completed_years
from intake.models import Injury, Intake, Medication, Patient, Vaccination
from intake.questions import FREQUENCY_DOES_NOT_APPLY, choices, question

SEARCH_TERM_MAX_LENGTH = 100  # longer than any name or MRN

YES_NO = [("yes", _("Yes")), ("no", _("No"))]

# Django's own messages ("Ensure this value is less than or equal to 10.") in plain words, in
# English and Spanish; a field's own message for a code (a question's "Please choose one.")
# is kept.
PLAIN_MESSAGES = {
    "required": _("Please answer this question."),
    "invalid_choice": _("Please choose one of the answers shown."),
    "max_value": _("Please give a number no bigger than %(limit_value)s."),
    "min_value": _("Please give a number no smaller than %(limit_value)s."),
    "max_length": _("Please keep it to %(limit_value)d characters (this has %(show_value)d)."),
}
PLAIN_INVALID = {
    forms.IntegerField: _("Please give a whole number, in digits."),
    forms.DateField: _("Please give a date as year-month-day, for example 1960-04-25."),
    forms.EmailField: _("Please give an e-mail address, like name@example.org."),
}


def _django_defaults(field: forms.Field) -> dict[str, object]:
    defaults: dict[str, object] = {}
    for cls in reversed(type(field).__mro__):
        defaults.update(getattr(cls, "default_error_messages", {}))
    return defaults


class PlainErrors:
    """Every field's messages in plain words (PLAIN_MESSAGES) unless it has its own; set when
    the form is checked, so fields a form adds in its own __init__ have them too."""

    # A save made while the person is still answering (autosave): a question not answered
    # yet is no error, since the draft is checked whole when submitted; an answer given is
    # checked as usual.
    as_you_go = False

    def accept_unanswered(self) -> None:
        self.as_you_go = True
        for field in self.fields.values():
            field.required = False

    def full_clean(self) -> None:
        for field in self.fields.values():
            defaults = _django_defaults(field)
            plain = dict(PLAIN_MESSAGES)
            invalid = next((m for t, m in PLAIN_INVALID.items() if isinstance(field, t)), None)
            if invalid:
                plain["invalid"] = invalid
            for code, message in plain.items():
                current = field.error_messages.get(code)
                if current is None or current is defaults.get(code):
                    field.error_messages[code] = message
        super().full_clean()


class YesNoField(forms.TypedChoiceField):
    """A required yes/no answer stored as True/False, with nothing pre-selected."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs) -> None:
        super().__init__(
            choices=YES_NO,
            coerce=lambda value: value == "yes",
            empty_value=None,
            error_messages={"required": _("Please answer yes or no.")},
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


def multiple(
    option_codes: tuple[str, ...], path: str, *, required: bool = False, **kwargs
) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=question(path),
        choices=choices(option_codes),
        widget=forms.CheckboxSelectMultiple,
        required=required,
        **kwargs,
    )


def single(option_codes: tuple[str, ...], path: str, *, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=question(path),
        choices=choices(option_codes),
        widget=forms.RadioSelect,
        required=required,
        error_messages={"required": _("Please choose one.")},
    )


def asked_when(field: forms.Field, answer: str, code: str) -> forms.Field:
    """Mark a follow-up question: app.js shows it only once `answer` has `code` chosen.

    Without JavaScript it stays on the page, its label saying when it applies, and the
    form's clean() settles an answer given when it does not.
    """
    field.widget.attrs["data-asked-when"] = f"{answer}={code}"
    return field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class PatientSearchForm(PlainErrors, forms.Form):
    q = forms.CharField(
        label=_("Find a patient by name, date of birth (YYYY-MM-DD) or MRN"),
        required=False,
        max_length=SEARCH_TERM_MAX_LENGTH,
    )


class PatientForm(PlainErrors, forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "given_name", "family_name", "date_of_birth", "sex", "mrn", "phone", "email",
            "preferred_language",
        ]  # fmt: skip
        widgets = {"date_of_birth": DateInput(), "sex": forms.RadioSelect}
        labels = {
            "given_name": question("patient.given_name"),
            "family_name": question("patient.family_name"),
            "date_of_birth": question("patient.date_of_birth"),
            "mrn": question("patient.mrn"),
            "preferred_language": question("patient.preferred_language"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = choices(codes.SEXES)
        self.fields["sex"].required = False

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born > today:
            raise ValidationError(_("The date of birth cannot be in the future."))
        if completed_years(born, today) > codes.MAX_AGE_YEARS:
            raise ValidationError(_("Please check the year: that is over 120 years ago."))
        return born

    def clean_mrn(self):
        return (self.cleaned_data["mrn"] or "").strip() or None


class SymptomsForm(PlainErrors, forms.ModelForm):
    sides = single(codes.SIDES, "symptoms.sides")
    locations = multiple(
        codes.LOCATIONS,
        "symptoms.locations",
        required=True,  # marked, as it is: at least one place
        error_messages={"required": _("Please tick at least one place.")},
    )
    onset = single(codes.ONSETS, "symptoms.onset")
    duration_days = forms.IntegerField(
        label=question("symptoms.duration_days"),
        min_value=0,
        max_value=codes.DURATION_DAYS_MAX,
        error_messages={"required": _("Please give the number of days (0 if today).")},
    )
    suddenly_changed = YesNoField(label=question("symptoms.suddenly_changed"))
    last_changed_days = asked_when(
        forms.IntegerField(
            label=question("symptoms.last_changed_days"),
            min_value=0,
            max_value=codes.LAST_CHANGED_DAYS_MAX,
            required=False,
        ),
        "suddenly_changed",
        "yes",
    )
    pattern = single(codes.PATTERNS, "symptoms.pattern")
    frequency = asked_when(
        forms.ChoiceField(
            label=question("symptoms.frequency"),
            choices=[("", FREQUENCY_DOES_NOT_APPLY), *choices(codes.FREQUENCIES)],
            widget=forms.RadioSelect,
            required=False,
        ),
        "pattern",
        "comes_and_goes",
    )
    positional = YesNoField(label=question("symptoms.positional"))
    relieved_by_moving = YesNoField(label=question("symptoms.relieved_by_moving"))
    progression = single(codes.PROGRESSIONS, "symptoms.progression")
    severity = forms.IntegerField(
        label=question("symptoms.severity"),
        min_value=0,
        max_value=codes.SEVERITY_MAX,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    associated = multiple(codes.ASSOCIATED, "symptoms.associated")
    leg_changes = multiple(codes.ASKED_LEG_CHANGES, "symptoms.leg_changes")
    other_symptoms = multiple(codes.OTHER_SYMPTOMS, "symptoms.other_symptoms")

    class Meta:
        model = Intake
        fields = [
            "sides", "locations", "onset", "duration_days", "suddenly_changed",
            "last_changed_days", "pattern", "frequency", "positional", "relieved_by_moving",
            "progression", "severity", "associated", "leg_changes", "other_symptoms",
            "description",
        ]  # fmt: skip
        labels = {"description": question("symptoms.description")}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # An older intake's leg-change codes stay ticked, named as the older question.
        legacy = [code for code in self.instance.leg_changes if code in codes.LEGACY_LEG_CHANGES]
        if legacy:
            self.fields["leg_changes"].choices += choices(tuple(legacy))

    def clean(self):
        data = super().clean()
        if data.get("pattern") == "constant" and data.get("frequency"):
            self.add_error(
                "frequency",
                _("You said it is there all the time: choose “%(none)s”.")
                % {"none": FREQUENCY_DOES_NOT_APPLY},
            )
        elif (
            data.get("pattern") == "comes_and_goes"
            and not data.get("frequency")
            and not self.as_you_go
        ):
            self.add_error("frequency", _("Please say how often it comes back."))
        changed, days = data.get("suddenly_changed"), data.get("last_changed_days")
        if changed and days is None:
            if "last_changed_days" not in self.errors and not self.as_you_go:
                self.add_error(
                    "last_changed_days", _("Please give the number of days (0 if today).")
                )
        elif changed is False and days is not None:
            self.add_error(
                "last_changed_days",
                _("You answered that it has not changed: leave the days empty, or answer yes."),
            )
        return data


class RedFlagsForm(PlainErrors, forms.ModelForm):
    """The warning signs, then the risk factors asked of everyone (§1), all yes or no."""

    class Meta:
        model = Intake
        fields = [*codes.ALL_RED_FLAG_CODES, *codes.RISK_FACTOR_CODES]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for code in codes.ALL_RED_FLAG_CODES:
            self.fields[code] = YesNoField(label=question(f"red_flags.{code}"))
        for code in codes.RISK_FACTOR_CODES:
            self.fields[code] = YesNoField(label=question(f"risk_factors.{code}"))


class ReaskForm(PlainErrors, forms.Form):
    """Red-flag questions put back before submitting (clinical-content.md §2, its end): the
    person's own words bear on each, and they answered "no". Each is asked again with the
    words quoted, yes or no with nothing pre-selected; fields are named by red-flag code."""

    prefix = "reask"

    def __init__(self, words_by_question: Mapping[str, Sequence[str]], data=None) -> None:
        super().__init__(data)
        for code, words in words_by_question.items():
            # Built when the form is, in the language of the page it is for.
            label = gettext("You wrote %(words)s. Please check your answer to: %(question)s") % {
                "words": ", ".join(words),
                "question": question(f"red_flags.{code}"),
            }
            self.fields[code] = YesNoField(label=label)


class TreatmentsForm(PlainErrors, forms.ModelForm):
    treatments = multiple(codes.TREATMENTS, "treatments")

    class Meta:
        model = Intake
        fields = ["treatments"]


class HistoryForm(PlainErrors, forms.ModelForm):
    conditions = multiple(codes.CONDITIONS, "conditions")
    cancer_active = asked_when(
        YesNoField(label=question("risk_factors.cancer_active"), required=False),
        "conditions",
        "cancer",
    )
    exposures = multiple(codes.EXPOSURES, "exposures")
    alcohol_drinks_per_week = forms.IntegerField(
        label=question("lifestyle.alcohol_drinks_per_week"),
        min_value=0,
        max_value=codes.ALCOHOL_DRINKS_PER_WEEK_MAX,
        required=False,
    )
    diet = single(codes.DIETS, "lifestyle.diet", required=False)
    smoking = single(codes.SMOKING, "lifestyle.smoking", required=False)

    class Meta:
        model = Intake
        fields = [
            "conditions", "cancer_active", "exposures", "alcohol_drinks_per_week", "diet",
            "smoking", "notes",
        ]  # fmt: skip
        labels = {"notes": question("notes")}
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        had_cancer = "cancer" in data.get("conditions", ())
        if had_cancer and data.get("cancer_active") is None:
            if "cancer_active" not in self.errors and not self.as_you_go:
                self.add_error("cancer_active", _("Please answer yes or no."))
        elif not had_cancer and data.get("cancer_active"):
            # Cancer now, but not ticked: the safer reading is to ask, not to drop the answer.
            self.add_error(
                "conditions", _("You answered that you have cancer now: please tick Cancer.")
            )
        elif not had_cancer:
            data["cancer_active"] = None  # asked only after cancer (§1): absent otherwise
        return data


class MedicationForm(PlainErrors, forms.ModelForm):
    class Meta:
        model = Medication
        fields = ROW_FIELDS["medications"]
        labels = {
            "name": question("medications.name"),
            "dose": question("medications.dose"),
            "kind": question("medications.kind"),
        }


class EventDateForm(PlainErrors, forms.ModelForm):
    """A row with a date of something that happened: between birth and the answers' day (§1)."""

    def __init__(self, *args, intake: Intake, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.reported_on = intake.reported_on
        self.date_of_birth = intake.patient.date_of_birth

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day is not None and day > self.reported_on:
            raise ValidationError(
                _("This date is after the day of these answers (%(day)s).")
                % {"day": self.reported_on.isoformat()}
            )
        if day is not None and self.date_of_birth and day < self.date_of_birth:
            raise ValidationError(_("This date is before the date of birth."))
        return day


class VaccinationForm(EventDateForm):
    class Meta:
        model = Vaccination
        fields = ROW_FIELDS["vaccinations"]
        labels = {"name": question("vaccinations.name"), "date": question("vaccinations.date")}
        widgets = {"date": DateInput()}


class InjuryForm(EventDateForm):
    """The app asks when every injury happened: a day, or "more than two weeks ago" (§1)."""

    older_than_14_days = forms.BooleanField(
        label=question("injuries.older_than_14_days"), required=False
    )

    class Meta:
        model = Injury
        fields = ROW_FIELDS["injuries"]
        labels = {
            "kind": question("injuries.kind"),
            "date": question("injuries.date"),
            "mechanism": question("injuries.mechanism"),
            "description": question("injuries.description"),
        }
        widgets = {"date": DateInput(), "description": forms.Textarea(attrs={"rows": 2})}

    def clean_older_than_14_days(self):
        return True if self.cleaned_data["older_than_14_days"] else None  # unticked: no answer

    def clean(self):
        data = super().clean()
        day, older = data.get("date"), data.get("older_than_14_days")
        if "date" in self.errors:
            return data
        if day is None and not older:
            self.add_error(
                "date",
                _("Please give the date, or tick “%(older)s”.")
                % {"older": question("injuries.older_than_14_days")},
            )
        elif day is not None and older and (self.reported_on - day).days <= RECENT_INJURY_DAYS:
            self.add_error(
                "older_than_14_days",
                _("That date is within the last two weeks: check the date, or untick this box."),
            )
        return data


def row_formset(form: type[forms.ModelForm], max_num: int) -> type[forms.BaseModelFormSet]:
    """Add and remove rows: blank extra rows are ignored, ticked ones are deleted."""
    return forms.modelformset_factory(
        form.Meta.model,
        form=form,
        extra=1,
        can_delete=True,
        max_num=max_num,
        validate_max=True,
    )


MedicationFormSet = row_formset(MedicationForm, codes.MAX_MEDICATIONS)
VaccinationFormSet = row_formset(VaccinationForm, codes.MAX_VACCINATIONS)
InjuryFormSet = row_formset(InjuryForm, codes.MAX_INJURIES)
