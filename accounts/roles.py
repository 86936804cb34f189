"""The three roles of the clinic and what each may do.

A role is a Django group. ``ROLE_PERMISSIONS`` is the one place that says
which model permissions each group holds; ``sync_role_groups`` makes the
database match it (from a migration, and after every ``migrate``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    FRONT_DESK = "front_desk", "Front desk"
    CLINICIAN = "clinician", "Clinician"
    ADMIN = "admin", "Administrator"
    # Not a person's: the service identity of an integration client (accounts/integrations.py).
    INTEGRATION = "integration", "Integration client"


ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.FRONT_DESK: (),
    Role.CLINICIAN: (),
    Role.INTEGRATION: (),
    Role.ADMIN: (
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "authtoken.view_tokenproxy",
        "authtoken.add_tokenproxy",
        "authtoken.delete_tokenproxy",
        # Unlock a locked-out sign-in early; remove a lost authenticator so its owner sets up anew.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "otp_totp.view_totpdevice",
        "otp_totp.delete_totpdevice",
        # Integrations: register one, renew its secret, revoke it (accounts/admin.py).
        "accounts.view_integrationclient",
        "accounts.add_integrationclient",
        "accounts.change_integrationclient",
    ),
}

STAFF_ROLES = (Role.FRONT_DESK, Role.CLINICIAN, Role.ADMIN)
CLINICAL_ROLES = (Role.CLINICIAN, Role.ADMIN)


def roles_of(user) -> frozenset[str]:
    """The roles of an active, signed-in user; cached on the user for the request."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            names.add(Role.ADMIN)
        cached = frozenset(name for name in names if name in Role.values)
        user._role_cache = cached
    return cached


def has_role(user, roles: Iterable[str]) -> bool:
    return bool(roles_of(user) & set(roles))


def role_required(*roles: str) -> Callable:
    """View decorator: anonymous users go to the login page, others without the role get 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)
        return wrapper

    return decorator


def sync_role_groups(apps=None) -> None:
    """Create the role groups and give each exactly the permissions listed above.

    ``apps`` is the migration state when called from a migration, else the live registry.
    """
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = [code.split(".", 1) for code in codes]
        permissions = [
            permission
            for app_label, codename in wanted
            for permission in permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        ]
        group.permissions.set(permissions)
