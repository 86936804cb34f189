"""The clinic's roles as a DRF permission, for the REST and FHIR endpoints."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from accounts.roles import has_role


class HasRole(BasePermission):
    """Lets in an active user holding one of `roles`: `HasRole.of(*STAFF_ROLES)`.

    The bare class names no role, so it lets nobody in (a view that forgot to say
    which roles it serves is closed, not open).
    """

    roles: frozenset[str] = frozenset()
    message = "Your role does not allow this."

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        # DRF instantiates permission classes itself, so the roles ride on a subclass.
        return type(cls.__name__, (cls,), {"roles": frozenset(roles)})

    def has_permission(self, request, view) -> bool:
        return has_role(request.user, self.roles)
