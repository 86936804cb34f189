"""Sign-in events to the audit trail; connected in AccountsConfig.ready().

Never the attempted password: Django hands it over masked, and it is not read here anyway.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from accounts.lockout import PER_ADDRESS, PER_USERNAME_AND_ADDRESS
from audit.services import Action, record

# The attribute a caller sets on the request before logout() to say why (e.g. "idle").
SIGN_OUT_REASON = "sign_out_reason"


def signed_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    # The admin's own login form takes the code with the password; it sets user.otp_device.
    factor = "password+totp" if getattr(user, "otp_device", None) else "password"
    record(Action.SIGN_IN, actor=user, request=request, detail={"factor": factor})


def sign_in_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    # The attempted username is a staff login name, not patient data; it may not exist.
    username = str(credentials.get("username") or "")[:150]
    record(Action.SIGN_IN_FAILED, actor_label=username or "(no username)", request=request)


def signed_out(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if user is None:  # signing out a session that was not signed in
        return
    reason = getattr(request, SIGN_OUT_REASON, "user")
    record(Action.SIGN_OUT, actor=user, request=request, detail={"reason": reason})


def locked_out(
    sender,
    request: HttpRequest,
    username: str | None,
    counted_per: str = PER_USERNAME_AND_ADDRESS,  # axes' own signal: a username+address pair
    **kwargs,
) -> None:
    per_address = counted_per == PER_ADDRESS
    record(
        Action.LOCKOUT,
        actor_label=(username or "(no username)")[:150],
        request=request,
        detail={
            "counted_per": counted_per,
            "failure_limit": (
                settings.LOGIN_ADDRESS_FAILURE_LIMIT if per_address else settings.AXES_FAILURE_LIMIT
            ),
            "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )
