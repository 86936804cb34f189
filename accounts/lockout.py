"""django-axes' database handler (AXES_HANDLER), plus a throttle per client address.

axes locks a username+address pair after AXES_FAILURE_LIMIT failures. Guessing one password
for many usernames never trips that, so failures from one address over all usernames are
counted too: at LOGIN_ADDRESS_FAILURE_LIMIT within the lockout window, every sign-in from
that address is paused, with the same page and the same wait (decisions/0011).
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# The `counted_per` of a lockout signal this module sends; axes' own are per pair.
PER_ADDRESS = "address"
PER_USERNAME_AND_ADDRESS = "username+address"


def address_failures(request: HttpRequest) -> int:
    """Failed sign-ins from the request's address within the lockout window, any username.

    A success resets only its own username's count there (AXES_RESET_ON_SUCCESS), so one
    account the guesser holds cannot wipe the count for the others.
    """
    recent = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return recent.aggregate(total=Sum("failures_since_start"))["total"] or 0


def address_throttled(request: HttpRequest) -> bool:
    return address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or address_throttled(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or self.is_whitelisted(request, credentials):
            return
        # A locked pair: axes has just sent its own lockout signal, one is enough per try.
        pair_failures = getattr(request, "axes_failures_since_start", 0)
        pair_locked = pair_failures >= get_failure_limit(request, credentials)
        if pair_locked or not address_throttled(request):
            return
        request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
            counted_per=PER_ADDRESS,
        )
