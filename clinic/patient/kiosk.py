"""The kiosk lock: a tablet handed to a patient reaches nothing but that patient's intake."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from clinic.patient import access as patient_access
from intake.steps import STEPS

# Staff unlock the tablet by signing in; the language switch works on every kiosk page.
_ALWAYS_OPEN = frozenset({"accounts:login", "patient:set_language"})
OPEN_WHILE_FILLING = _ALWAYS_OPEN | {"patient:kiosk-step", "patient:kiosk-submit"}
OPEN_WHEN_DONE = _ALWAYS_OPEN | {"patient:kiosk-done"}


class KioskLockMiddleware:
    """In a kiosk session, redirect every page but the kiosk's own back to the kiosk.

    Goes right after AuthenticationMiddleware, so it runs before the login requirement.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        mode = patient_access.kiosk_mode(request)
        if mode is None:
            return self.get_response(request)
        if request.user.is_authenticated:
            # The kiosk session is anonymous: a signed-in user means staff took the tablet back.
            patient_access.end_kiosk(request)
            return self.get_response(request)
        open_pages = OPEN_WHEN_DONE if mode == "done" else OPEN_WHILE_FILLING
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return self.get_response(request)
        try:
            view_name = resolve(request.path_info).view_name
        except Resolver404:
            view_name = ""
        if view_name in open_pages:
            return self.get_response(request)
        if mode == "done":
            return redirect("patient:kiosk-done")
        return redirect(
            "patient:kiosk-step", slug=patient_access.kiosk_page(request) or STEPS[1].slug
        )
