"""Two-factor sign-in with an authenticator app (TOTP, django-otp).

Required for administrators (staff, superusers, the admin role); open to everyone else.
Whoever has a confirmed device must enter its code after the password, every sign-in.
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import auth
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role, roles_of
from audit.services import Action, record

# What a signed-in user who still owes the code may open: the code pages, sign-out,
# the idle keepalive, and the health check. Nothing else, the API included.
OPEN_BEFORE_CODE = frozenset(
    {
        "accounts:otp-setup",
        "accounts:otp-verify",
        "accounts:logout",
        "accounts:keepalive",
        "healthz",
    }
)


def must_use_two_factor(user) -> bool:
    """Administrators must: they manage accounts and see everything."""
    return user.is_staff or user.is_superuser or Role.ADMIN in roles_of(user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def pending_device(user) -> TOTPDevice:
    """The device being set up: the same secret on every reload until it is confirmed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in: base32, in groups of four."""
    key = b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def provisioning_svg(device: TOTPDevice) -> SafeString:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    # Our own markup: qrcode draws one <path> (no text, no styles) from the otpauth URL.
    # Reviewed for bandit B308/B703: nothing in it comes from a request.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308  # nosec B308 B703


def check_code(device: TOTPDevice, code: str) -> str | None:
    """None when the code is right, else why not. Wrong codes slow the device down."""
    with transaction.atomic():
        # Locked, so two requests cannot both spend the same code.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return "Too many wrong codes. Wait a minute, then enter the newest code."
        if device.verify_token(code):
            return None
    return "That code is not right. Enter the code your app shows now."


def complete(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session as verified by `device` (confirming a new one), and audit it."""
    if not device.confirmed:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(Action.CREATE, request=request, obj=device, detail={"what": "totp_device"})
        TOTPDevice.objects.devices_for_user(request.user, confirmed=False).delete()
    request.session.cycle_key()  # the session just gained rights: give it a new id
    otp_login(request, device)
    record(Action.SIGN_IN, request=request, detail={"factor": "totp"})


def code_refused(request: HttpRequest) -> None:
    record(Action.SIGN_IN_FAILED, request=request, detail={"factor": "totp"})


class TwoFactorRequiredMiddleware:
    """Send a signed-in user who owes the code to enter it (or to set up an app first).

    Goes after LoginRequiredMiddleware: strangers are its business, signed-in users ours.
    The patient's own pages need no staff sign-in, so they need no code either.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified() or _open_before_code(request, view_func):
            return None
        if confirmed_device(user) is not None:
            return _redirect_keeping_next(request, "accounts:otp-verify")
        if must_use_two_factor(user):
            return _redirect_keeping_next(request, "accounts:otp-setup")
        return None


def _open_before_code(request: HttpRequest, view_func: Callable) -> bool:
    match = request.resolver_match
    if match.view_name in OPEN_BEFORE_CODE:
        return True
    # Public patient pages (kiosk, link) only: the staff pages in that namespace need the code.
    return match.namespace == "patient" and not getattr(view_func, "login_required", True)


def _redirect_keeping_next(request: HttpRequest, view_name: str) -> HttpResponse:
    url = reverse(view_name)
    if request.method == "GET" and not request.headers.get("HX-Request"):
        url += "?" + urlencode({auth.REDIRECT_FIELD_NAME: request.get_full_path()})
    return redirect(url)


class TwoFactorAdminSite(OTPAdminSite):
    """The admin site, open only to staff whose session passed the second factor.

    The middleware already sends them to the code page; this keeps the admin closed
    even if a page were ever exempted there.
    """

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)  # OTPAdminSite's default name would rename every admin URL
