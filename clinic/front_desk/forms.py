"""The front desk's own forms (the intake's steps are intake.forms)."""

from __future__ import annotations

from django import forms

from intake.validators import validate_typed_text
from triage.models import AlertAction


class AlertActionForm(forms.Form):
    """What the desk did about an open alert, and an optional note."""

    kind = forms.ChoiceField(label="What was done", choices=AlertAction.Kind.choices)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=500,
        validators=[validate_typed_text],
    )


class TabletForm(forms.Form):
    """The hand-off of the waiting-room tablet: which tablet, so an alert says where to go."""

    tablet_name = forms.CharField(
        label="Tablet name (optional)",
        required=False,
        max_length=40,
        validators=[validate_typed_text],
        help_text='For example "tablet 2": an alert raised on it names it.',
    )
