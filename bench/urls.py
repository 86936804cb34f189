"""The app's URLs plus two baselines that exist only under bench.settings."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    """The cost of Django and its middleware alone: no session, no database."""
    return HttpResponse("ok", content_type="text/plain")


def signed_in(request: HttpRequest) -> HttpResponse:
    """An empty page behind the login requirement: session load and save, user lookup."""
    return HttpResponse("", content_type="text/plain")


urlpatterns = [
    path("__bench__/bare", bare, name="bench-bare"),
    path("__bench__/signed-in", signed_in, name="bench-signed-in"),
    path("", include("config.urls")),
]
