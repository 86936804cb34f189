"""The scopes an integration client may be granted: SMART v2 scopes for FHIR, one each for REST.

A SMART v2 scope is `system/<Resource>.<permissions>`, the permissions a subset of `cruds`
in that order (create, read, update, delete, search):
https://build.fhir.org/ig/HL7/smart-app-launch/scopes-and-launch-context.html. A client
granted `system/QuestionnaireResponse.cruds` may ask for `system/QuestionnaireResponse.rs`
only; each view says which one permission its method needs (`clinic.api.base`).
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from oauth2_provider.scopes import BaseScopes

SMART_PERMISSIONS = "cruds"
SYSTEM = "system/"

# The widest scope of each kind a client can be granted (or any part of a SMART one), with what
# it lets the client do, as the admin reads it.
GRANTABLE_SCOPES: dict[str, str] = {
    "system/QuestionnaireResponse.cruds": "FHIR intakes: submit, read, update and search",
    "system/Questionnaire.rs": "FHIR: read and search the intake Questionnaire",
    "system/Patient.rs": "FHIR: read and search patients",
    "system/Flag.rs": "FHIR: read and search triage flags",
    "system/RiskAssessment.rs": "FHIR: read and search triage results",
    "system/CodeSystem.rs": "FHIR: read the code systems of the triage",
    "system/ValueSet.rs": "FHIR: read the value sets of the triage",
    "api.evaluate": "REST: POST /api/v1/evaluate (evaluate a document; nothing is saved)",
    "api.intakes.read": "REST: GET /api/v1/intakes/{id}",
    "api.intakes.write": "REST: POST /api/v1/intakes (submit an intake)",
}


def split_smart(scope: str) -> tuple[str, str] | None:
    """`system/Patient.rs` as ("Patient", "rs"); None for a scope of another kind."""
    if not scope.startswith(SYSTEM) or "." not in scope:
        return None
    resource, permissions = scope[len(SYSTEM) :].rsplit(".", 1)
    if not resource or not permissions or not _ordered_subset(permissions):
        return None
    return resource, permissions


def _ordered_subset(permissions: str) -> bool:
    """`rs` and `cruds` are; `sr`, `rr` and `x` are not (SMART v2 fixes the order)."""
    letters = iter(SMART_PERMISSIONS)
    return all(letter in letters for letter in permissions)


def narrower_scopes(scope: str) -> list[str]:
    """The scope and every scope it includes, which a client holding it may request."""
    smart = split_smart(scope)
    if smart is None:
        return [scope]
    resource, permissions = smart
    return [
        f"{SYSTEM}{resource}.{''.join(chosen)}"
        for size in range(1, len(permissions) + 1)
        for chosen in combinations(permissions, size)
    ]


def permits(held: Iterable[str], needed: str) -> bool:
    """Whether scopes `held` allow `needed`: a SMART scope with one permission
    (`system/Patient.r`), or another scope named exactly (`api.evaluate`)."""
    wanted = split_smart(needed)
    for scope in held:
        if scope == needed:
            return True
        smart = split_smart(scope)
        if wanted and smart and smart[0] == wanted[0] and wanted[1] in smart[1]:
            return True
    return False


_GRANTABLE = {narrower for scope in GRANTABLE_SCOPES for narrower in narrower_scopes(scope)}


def valid_grant(scopes: Iterable[str]) -> list[str]:
    """The scopes that are not grantable (empty when all are)."""
    return [scope for scope in scopes if scope not in _GRANTABLE]


def grant_choices() -> list[tuple[str, str]]:
    """What the admin picks from: each widest scope, and a read-only one beside those that
    also write (an EHR that only reads what was submitted)."""
    choices = []
    for scope, what in GRANTABLE_SCOPES.items():
        choices.append((scope, f"{scope}: {what}"))
        smart = split_smart(scope)
        if smart and smart[1] != "rs":
            choices.append(
                (f"{SYSTEM}{smart[0]}.rs", f"{SYSTEM}{smart[0]}.rs: read and search only")
            )
    return choices


class IntegrationScopes(BaseScopes):
    """django-oauth-toolkit's scopes backend: a client may ask for what it was granted, or
    less; asking for nothing gets everything it was granted."""

    def get_all_scopes(self) -> dict[str, str]:
        return GRANTABLE_SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return [narrower for scope in _granted(application) for narrower in narrower_scopes(scope)]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return _granted(application)


def _granted(application) -> list[str]:
    client = getattr(application, "integration", None) if application is not None else None
    return client.scope_list if client is not None and client.usable else []
