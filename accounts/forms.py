import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import StaffSettings


class SignInForm(AuthenticationForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocomplete="username", autofocus=True)
        self.fields["password"].widget.attrs.update(autocomplete="current-password")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Sign in", css_class="btn-lg w-100"))


class CodeForm(forms.Form):
    """The six-digit code the authenticator app shows, checked against one device."""

    code = forms.CharField(
        label="Six-digit code",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, device: TOTPDevice, *args, submit_label: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit_label, css_class="btn-lg w-100"))

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())  # some apps show "123 456"
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError("Enter the six digits your app shows.")
        problem = two_factor.check_code(self.device, code)
        if problem:
            raise forms.ValidationError(problem)
        return code


class StaffSettingsForm(forms.ModelForm):
    """A user's own settings; "on call" only for those with the clinician role."""

    class Meta:
        model = StaffSettings
        fields = ["on_call", "alert_sound"]
        help_texts = {
            "on_call": "Emergency alerts nobody has acknowledged are e-mailed to you.",
            "alert_sound": "On the board's page, in this browser, once per new emergency.",
        }

    def __init__(self, *args, clinician: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not clinician:
            del self.fields["on_call"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save settings"))
