"""Validators for typed text, shared by the models' forms and the plain forms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from intake.document.parser import (
    CONTROL_CHARACTERS,
    DIRECTION_CONTROLS,
    is_phone_number,
    text_problem,
)

MESSAGES = {
    CONTROL_CHARACTERS: _("Remove the invisible control characters from this text."),
    DIRECTION_CONTROLS: _(
        "Remove the invisible text-direction characters from this text: "
        "they change how it is displayed."
    ),
}


def validate_typed_text(value: str) -> None:
    """Refuse what the intake document refuses (intake.document.parser.text_problem), at
    the field, as soon as it is typed rather than at submission."""
    if problem := text_problem(value):
        raise ValidationError(MESSAGES[problem], code="typed_text")


def validate_phone(value: str) -> None:
    """A phone number as the intake document takes it, refused at the field."""
    if not is_phone_number(value):
        raise ValidationError(
            _("Enter a phone number: 7 to 15 digits, with spaces, dots, dashes or brackets."),
            code="phone",
        )
