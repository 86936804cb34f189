"""The official FHIR R4 JSON schema (`fhir.schema.json`, from the npm package in
tests/data/npm, as published): every resource the FHIR endpoints render is checked against it
in the API tests (tests/clinic/api/conftest.py). fhir.resources 8 validates R4B, not R4, and
lets some invalid codes through; this is R4's own schema."""

from __future__ import annotations

import functools
import json
import tarfile
from pathlib import Path

import jsonschema_rs

PACKAGE = next((Path(__file__).parent / "data" / "npm").glob("*fhir-json-schema-validator-*.tgz"))


# The package ships R4's schema as built for 4.0.0; 4.0.1, the technical correction the server
# declares (`fhirVersion`), adds its own code to the FHIR versions and nothing else a schema says.
R4_TECHNICAL_CORRECTION = "4.0.1"


@functools.cache
def _definitions() -> tuple[str, dict]:
    with tarfile.open(PACKAGE) as packed:
        schema = json.load(packed.extractfile("package/fhir.schema.json"))
    definitions = schema["definitions"]
    for definition in definitions.values():
        version = definition.get("properties", {}).get("fhirVersion", {})
        if "4.0.0" in version.get("enum", ()):
            version["enum"] = [*version["enum"], R4_TECHNICAL_CORRECTION]
    return schema["$schema"], definitions


@functools.cache
def _validator(resource_type: str) -> jsonschema_rs.Draft6Validator:
    dialect, definitions = _definitions()
    if resource_type not in definitions:
        raise AssertionError(f"{resource_type} is no R4 resource")
    schema = {
        "$schema": dialect,
        "definitions": definitions,
        "$ref": f"#/definitions/{resource_type}",
    }
    return jsonschema_rs.Draft6Validator(schema)


def r4_problems(resource: dict) -> list[str]:
    """What R4's schema refuses in `resource` (nested resources too: the schema follows them)."""
    validator = _validator(str(resource.get("resourceType")))
    return [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(resource)]
