"""The OpenAPI document's shared parts, added to every operation in one place.

Every operation needs a staff role, and DRF refuses before the view runs: a missing or bad
credential with 401, or 403 when the first authentication scheme (the session) has no
challenge to send, and a user without a staff role with 403. A request body, where there
is one, is the intake document and is required.

A response shaped by role is one of its shapes, but the shapes nest (a clinician's answer
has every field of the front desk's, and more), so a clinician's answer matches both and
"exactly one of" (`oneOf`) cannot hold: such alternatives are published as `anyOf`.
"""

from __future__ import annotations

REFUSAL = "Refusal"
_REFUSALS = {
    "401": "No valid credentials (a token client may be answered 403 instead).",
    "403": "No valid credentials, or a user without a staff role.",
}


def document_refusals_and_bodies(result, generator, request, public):
    """A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS)."""
    result.setdefault("components", {}).setdefault("schemas", {})[REFUSAL] = {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    }
    refused = {"$ref": f"#/components/schemas/{REFUSAL}"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if "requestBody" in operation:
                operation["requestBody"]["required"] = True
            for status, description in _REFUSALS.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": refused}},
                    },
                )
    return result


def alternatives_as_any_of(result, generator, request, public):
    """A drf-spectacular postprocessing hook: every `oneOf` without a discriminator (the
    role-shaped answers, and the nullable references) as `anyOf`."""
    pending: list[object] = [result]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            if "oneOf" in value and "discriminator" not in value:
                value["anyOf"] = value.pop("oneOf")
            pending += value.values()
        elif isinstance(value, list):
            pending += value
    return result
