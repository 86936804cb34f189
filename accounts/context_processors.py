from django.conf import settings

from accounts.roles import Role, roles_of


def roles(request) -> dict:
    user_roles = roles_of(getattr(request, "user", None))
    return {
        "user_roles": user_roles,
        "role_names": [role.label for role in Role if role in user_roles],  # not the codes
        "is_front_desk": Role.FRONT_DESK in user_roles or Role.ADMIN in user_roles,
        "is_clinician": Role.CLINICIAN in user_roles or Role.ADMIN in user_roles,
        "is_admin": Role.ADMIN in user_roles,
    }


def session_timeout(request) -> dict:
    """For base.html's data- attributes, which session.js reads."""
    return {
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
    }
