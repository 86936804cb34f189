"""Automatic sign-out after SESSION_COOKIE_AGE seconds (SESSION_IDLE_SECONDS) of inactivity.

The session cookie's own expiry is not enough: open pages poll (the worklist every 10 s,
the emergency count every 15 s), each poll would renew the session, and a screen left
open would never sign out. So the time of the last *activity* is kept in the session:
page loads, form posts and the keepalive count; htmx GETs (polling) do not.
config/static/app/session.js counts the same way to warn the user in time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect

from accounts.signals import SIGN_OUT_REASON

LAST_ACTIVITY = "last_activity"


def is_background(request: HttpRequest) -> bool:
    return request.method == "GET" and request.headers.get("HX-Request") == "true"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(LAST_ACTIVITY, now) >= settings.SESSION_COOKIE_AGE:
                setattr(request, SIGN_OUT_REASON, "idle")
                logout(request)
                if request.headers.get("HX-Request"):
                    # A poll swapping the login page into a table cell helps nobody.
                    current = urlsplit(request.headers.get("HX-Current-URL", "")).path or "/"
                    return HttpResponseClientRedirect(redirect_to_login(current).url)
            elif not is_background(request):
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)
