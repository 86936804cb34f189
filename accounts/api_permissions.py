"""Who may call the REST and FHIR endpoints: integration tokens by scope, people by role."""

from __future__ import annotations

from oauth2_provider.models import AbstractAccessToken
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts.roles import has_role
from accounts.scopes import permits


class InsufficientScope(PermissionDenied):
    """A valid token without the scope this needs: 403, with RFC 6750's challenge."""

    def __init__(self, needed: str) -> None:
        super().__init__(f"This token's scopes do not allow this; it needs {needed}.")
        self.auth_header = f'Bearer realm="fhir",error="insufficient_scope",scope="{needed}"'


class HasRole(BasePermission):
    """Lets in an active user holding one of `roles`: `HasRole.of(*STAFF_ROLES)`, or an
    integration's token holding the scope the view names for the method (`token_scopes`,
    method to scope: `{"GET": "system/Patient.r"}`).

    The bare class names no role, so it lets nobody in, and a view that names no scope for
    a method lets no token in (a view that forgot to say whom it serves is closed, not open).
    """

    roles: frozenset[str] = frozenset()
    message = "Your role does not allow this."

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        # DRF instantiates permission classes itself, so the roles ride on a subclass.
        return type(cls.__name__, (cls,), {"roles": frozenset(roles)})

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, AbstractAccessToken):
            needed = getattr(view, "token_scopes", {}).get(request.method)
            if needed is None:
                raise PermissionDenied("Integration tokens are not accepted here.")
            if not permits(request.auth.scope.split(), needed):
                raise InsufficientScope(needed)
            return True
        return has_role(request.user, self.roles)
