from datetime import timedelta

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from accounts import two_factor
from accounts.forms import CodeForm, SignInForm, StaffSettingsForm
from accounts.models import settings_of
from accounts.roles import STAFF_ROLES, Role, has_role, role_required, roles_of


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


@role_required(*STAFF_ROLES)
def home(request):
    """Clinicians land on their worklist; others see the tools their role may use."""
    if roles_of(request.user) == {Role.CLINICIAN}:
        return redirect("triage:worklist")
    return render(request, "accounts/home.html")


@role_required(*STAFF_ROLES)
def staff_settings(request: HttpRequest) -> HttpResponse:
    """The user's own settings: on call for escalations (clinicians), the alert sound."""
    form = StaffSettingsForm(
        request.POST or None,
        instance=settings_of(request.user),
        clinician=has_role(request.user, [Role.CLINICIAN]),
    )
    if form.is_valid():
        form.save()
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


@require_GET
def keepalive(request: HttpRequest) -> HttpResponse:
    """session.js's "Stay signed in": the request itself renews the session."""
    return HttpResponse(status=204)


@sensitive_post_parameters("code")
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator secret (QR code and key); the first right code turns it on."""
    if two_factor.confirmed_device(request.user) is not None:
        # Replacing a device needs the old one's code first, or an administrator removing it.
        return _go_on(request, "accounts:otp-verify")
    device = two_factor.pending_device(request.user)
    form = CodeForm(device, request.POST or None, submit_label="Turn on two-step sign-in")
    if form.is_valid():
        two_factor.complete(request, device)
        return redirect(_next_url(request))
    context = {
        "form": form,
        "qr_svg": two_factor.provisioning_svg(device),
        "secret": two_factor.secret_of(device),
        "required": two_factor.must_use_two_factor(request.user),
    }
    return render(request, "accounts/otp_setup.html", context)


@sensitive_post_parameters("code")
def otp_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the user's authenticator app."""
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return _go_on(request, "accounts:otp-setup")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm(device, request.POST or None, submit_label="Continue")
    if form.is_valid():
        two_factor.complete(request, device)
        return redirect(_next_url(request))
    if form.is_bound:
        two_factor.code_refused(request)
    return render(request, "accounts/otp_verify.html", {"form": form})


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes' lockout page (AXES_LOCKOUT_CALLABLE): when to try again, nothing more.

    It names no account, and an unknown username locks the same way: no enumeration.
    """
    cool_off: timedelta = get_cool_off(request)
    context = {
        "retry_at": timezone.now() + cool_off,
        "minutes": int(cool_off.total_seconds() // 60),
    }
    return render(request, "accounts/locked_out.html", context, status=429)


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get(REDIRECT_FIELD_NAME, "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _go_on(request: HttpRequest, view_name: str) -> HttpResponse:
    """To the other code page, keeping where the user was going."""
    query = request.GET.urlencode()
    return redirect(reverse(view_name) + (f"?{query}" if query else ""))
