"""No browser or proxy keeps a copy of a page: the one place that says so.

Every response the app makes may carry patient data (a step, the worklist, an API read, a
sign-in page that leads to them), so unless a response sets its own Cache-Control, it gets
`no-store, private` (and one that does is made `private`): no shared cache keeps it, and a
tablet handed back to the desk shows nothing of the last patient when someone presses Back.
Static files are answered by WhiteNoise before this runs and keep their long-lived,
immutable caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

NO_STORE = "no-store, private"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        else:
            # One that says its own (the OAuth2 token's `no-store`) is still nobody else's.
            patch_cache_control(response, private=True)
        return response
