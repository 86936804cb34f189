from django import forms

from clinic.clinician.worklist import LEVELS, WorklistFilters
from intake.forms import SEARCH_TERM_MAX_LENGTH
from intake.validators import validate_typed_text
from reports.models import PreVisitSummary


class WorklistFilterForm(forms.Form):
    q = forms.CharField(label="Name or MRN", required=False, max_length=SEARCH_TERM_MAX_LENGTH)
    level = forms.ChoiceField(
        choices=[("", "Any level"), *[(level, level.capitalize()) for level in LEVELS]],
        required=False,
    )
    reviewed = forms.ChoiceField(
        choices=[("", "Any review"), ("no", "Not reviewed"), ("yes", "Reviewed")],
        required=False,
    )
    open_only = forms.BooleanField(label="Unacknowledged flags only", required=False)
    submitted_from = forms.DateField(
        label="Submitted from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label="to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary_status = forms.ChoiceField(
        label="Summary",
        choices=[("", "Any summary"), *PreVisitSummary.Status.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = {"Select": "form-select", "CheckboxInput": "form-check-input"}
            widget.attrs.setdefault("class", css.get(type(widget).__name__, "form-control"))

    def filters(self) -> WorklistFilters:
        """The filters asked for; a malformed value is simply not applied."""
        data = self.cleaned_data if self.is_valid() else {}
        return WorklistFilters(
            level=data.get("level", ""),
            reviewed=data.get("reviewed", ""),
            open_only=bool(data.get("open_only")),
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            summary_status=data.get("summary_status", ""),
            query=data.get("q", ""),
        )


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        validators=[validate_typed_text],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClinicianNoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=4000,
        validators=[validate_typed_text],
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why it was entered in error",
        max_length=2000,
        validators=[validate_typed_text],
        help_text="The wrong patient, a test, a duplicate…",
    )
