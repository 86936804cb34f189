"""The questionnaire's steps, in order, and how each binds its forms to an intake.

The front desk and the patient's own pages walk the same steps; only the
templates and the words around them differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from intake import forms as intake_forms
from intake.answers import ROW_FIELDS
from intake.document import codes
from intake.models import Intake
from intake.questions import RECENTLY_MEANS


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type[forms.ModelForm] | None = None
    formsets: tuple[tuple[str, type[forms.BaseModelFormSet]], ...] = ()
    on_patient: bool = False  # the patient step edits the Patient, not the Intake
    note: str = ""  # said above the questions, to the desk and to the patient


STEPS = (
    Step("patient", _("Patient"), intake_forms.PatientForm, on_patient=True),
    Step("symptoms", _("Symptoms"), intake_forms.SymptomsForm),
    Step("red-flags", _("Warning signs"), intake_forms.RedFlagsForm, note=RECENTLY_MEANS),
    Step(
        "medications",
        _("Medicines, treatments and vaccinations"),
        intake_forms.TreatmentsForm,
        formsets=(
            ("medications", intake_forms.MedicationFormSet),
            ("vaccinations", intake_forms.VaccinationFormSet),
        ),
    ),
    Step("injuries", _("Injuries"), formsets=(("injuries", intake_forms.InjuryFormSet),)),
    Step("history", _("History and lifestyle"), intake_forms.HistoryForm),
)
STEP_BY_SLUG = {step.slug: step for step in STEPS}
STEP_NUMBER = {step.slug: number for number, step in enumerate(STEPS, start=1)}
REVIEW = "review"


def next_slug(step: Step, steps: tuple[Step, ...] = STEPS) -> str:
    index = steps.index(step)
    return steps[index + 1].slug if index + 1 < len(steps) else REVIEW


def previous_slug(step: Step, steps: tuple[Step, ...] = STEPS) -> str | None:
    index = steps.index(step)
    return steps[index - 1].slug if index > 0 else None


@dataclass
class BoundStep:
    step: Step
    form: forms.ModelForm | None
    formsets: dict[str, forms.BaseModelFormSet] = field(default_factory=dict)

    def is_valid(self) -> bool:
        valid = self.form.is_valid() if self.form is not None else True
        return all([valid, *(formset.is_valid() for formset in self.formsets.values())])

    def answers(self) -> dict[str, object]:
        if self.form is None:
            return {}
        return {name: self.form.cleaned_data[name] for name in self.form.Meta.fields}

    def answered_yes(self) -> tuple[str, ...]:
        """The red-flag answers given "yes" on this page as sent, valid or not: a page refused
        for another answer must not throw an emergency away with it (§4)."""
        if self.form is None or not self.form.is_bound:
            return ()
        return tuple(
            f"red_flags.{code}"
            for code in codes.ALL_RED_FLAG_CODES
            if code in self.form.fields and self.form.data.get(code) == "yes"
        )

    def errors(self) -> list[tuple[str, str, str]]:
        """Every problem of the page as sent, in the page's order, for the error summary at
        its top: (the field's id, its label, the message). Empty until the page is sent."""
        found = []
        forms_in_order = [self.form] if self.form is not None else []
        for formset in self.formsets.values():
            forms_in_order += formset.forms
        for form in forms_in_order:
            if not form.is_bound:
                continue
            for name, messages in form.errors.items():
                if name == forms.forms.NON_FIELD_ERRORS:
                    found += [("", "", str(message)) for message in messages]
                    continue
                bound_field = form[name]
                found += [
                    (_first_input_id(bound_field), str(bound_field.label), str(message))
                    for message in messages
                ]
        for formset in self.formsets.values():
            if formset.is_bound:
                found += [("", "", str(message)) for message in formset.non_form_errors()]
        return found

    def rows(self) -> dict[str, list[dict[str, object]]]:
        """Each repeating part's rows as entered: blank extra rows and deleted rows left out."""
        return {
            relation: [
                {name: row.cleaned_data[name] for name in ROW_FIELDS[relation]}
                for row in formset.forms
                if row.cleaned_data and not row.cleaned_data.get("DELETE")
            ]
            for relation, formset in self.formsets.items()
        }


def _first_input_id(bound_field: forms.BoundField) -> str:
    """The id a link to the field goes to: its first input's, for a set of radios or boxes."""
    if isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return bound_field.subwidgets[0].data["attrs"]["id"] if bound_field.subwidgets else ""
    return bound_field.auto_id or ""


def bind_step(step: Step, intake: Intake, data=None, *, as_you_go: bool = False) -> BoundStep:
    """The step's forms, bound to `data` when sent. `as_you_go` binds a save made while the
    person is still answering: a question not answered yet is left empty (the draft is
    checked whole when submitted), but every answer given is checked as usual."""
    instance = intake.patient if step.on_patient else intake
    form = step.form_class(data, instance=instance) if step.form_class else None
    if as_you_go and form is not None:
        form.accept_unanswered()
    formsets = {
        relation: formset_class(
            data,
            prefix=relation,
            queryset=getattr(intake, relation).all(),
            # Dated rows are checked against the answers' day and the date of birth (§1).
            form_kwargs={"intake": intake}
            if issubclass(formset_class.form, intake_forms.EventDateForm)
            else {},
        )
        for relation, formset_class in step.formsets
    }
    return BoundStep(step=step, form=form, formsets=formsets)
