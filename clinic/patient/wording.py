"""What the patient's pages say around the shared questions, in the patient's words."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from clinic.patient import access as patient_access

# What each step says to the patient, above the shared questions.
HEADINGS = {
    "symptoms": (
        gettext_lazy("Tell us about the numbness or tingling"),
        gettext_lazy("Answer as best you can. There are no wrong answers."),
    ),
    "red-flags": (
        gettext_lazy("A few important safety questions"),
        gettext_lazy("Please answer yes or no to each question."),
    ),
    "medications": (
        gettext_lazy("Your medicines, treatments and vaccinations"),
        gettext_lazy(
            "List the medicines, vitamins and supplements you take. "
            "Leave the boxes empty if there is nothing to add."
        ),
    ),
    "injuries": (
        gettext_lazy("Any injuries"),
        gettext_lazy(
            "Tell us about any injury, for example to your back, head, neck or legs. "
            "Leave the boxes empty if you have had none."
        ),
    ),
    "history": (
        gettext_lazy("Your health and habits"),
        gettext_lazy("Tick any that apply. You can skip what you would rather not answer."),
    ),
}

LINK_PROBLEMS = {
    patient_access.LinkInvalid: (
        404,
        gettext_lazy("This link does not work"),
        gettext_lazy("It may be incomplete or mistyped. Please ask the front desk for a new link."),
    ),
    patient_access.LinkExpired: (
        410,
        gettext_lazy("This link has expired"),
        gettext_lazy("Please ask the front desk for a new one."),
    ),
    patient_access.LinkUsed: (
        410,
        gettext_lazy("This link has already been used"),
        gettext_lazy(
            "Your answers were sent to the clinic. "
            "If something needs changing, please tell the front desk."
        ),
    ),
    patient_access.LinkRevoked: (
        410,
        gettext_lazy("This link is no longer active"),
        gettext_lazy("Please ask the front desk for a new one."),
    ),
}
