"""An intake as FHIR resources: the response as it stands, with its version and status, and
each version submitted or amended. Built from `intake.fhir`'s conversion and the stored rows.

The version is the intake's: 1 when submitted, +1 each amendment (the stored versions are the
history). A draft's changes are not kept one by one: it is version `0.<revision>`, which
changes with every save, so its ETag does too.
"""

from __future__ import annotations

import re

from django.db.models import JSONField, OuterRef, QuerySet, Subquery

from clinic.api.base import intake_document
from intake.document import DocumentInvalid, Problem
from intake.fhir import RESPONSE_STATUS, questionnaire_response
from intake.models import Intake, IntakeVersion

AMENDED_THROUGH_FHIR = "Amended through the FHIR API"
SUBMITTED_STAYS_SUBMITTED = "must be completed or amended: a submitted intake is not a draft again"
WITHDRAWN_STAYS_WITHDRAWN = "is entered-in-error: an intake withdrawn by staff is not updated"
_ETAG = re.compile(r'^\s*(?:W/)?"([A-Za-z0-9.\-]{1,64})"\s*$')


def version_id(intake: Intake) -> str:
    return f"0.{intake.revision}" if intake.is_draft else str(intake.version)


def etag(intake: Intake) -> str:
    return f'W/"{version_id(intake)}"'


def if_match(header: str | None) -> str | None:
    """The version an If-Match names (None without one); a malformed one is refused."""
    if header is None:
        return None
    found = _ETAG.match(header)
    if found is None:
        raise DocumentInvalid((Problem("If-Match", 'must be an ETag this server gave: W/"2"'),))
    return found.group(1)


def with_latest_document(intakes: QuerySet[Intake]) -> QuerySet[Intake]:
    """Each intake with its last version's document, in the same query (a page of results)."""
    latest = IntakeVersion.objects.filter(intake=OuterRef("pk")).order_by("-number")
    return intakes.select_related("patient").annotate(
        latest_document=Subquery(latest.values("document")[:1], output_field=JSONField())
    )


def _with_context(
    resource: dict, intake: Intake, *, version: str, updated, sent: dict | None
) -> dict:
    """The resource with its version, its subject (the clinic's Patient), and what its sender
    said of it: author and source, and when authored (else when it last changed here)."""
    sent = sent or {}
    return {
        **resource,
        "meta": {"versionId": version, "lastUpdated": updated.isoformat()},
        "subject": {"reference": f"Patient/{intake.patient_id}"},
        "authored": sent.get("authored", updated.isoformat()),
        **{key: sent[key] for key in ("author", "source") if key in sent},
    }


def intake_questionnaire_response(intake: Intake) -> dict[str, object]:
    resource = questionnaire_response(
        intake_document(intake), resource_id=str(intake.pk), status=RESPONSE_STATUS[intake.status]
    )
    return _with_context(
        resource,
        intake,
        version=version_id(intake),
        updated=intake.updated_at,
        sent=intake.sender_context,
    )


def _version_status(intake: Intake, number: int) -> str:
    if number == intake.version and intake.status == Intake.Status.WITHDRAWN:
        return RESPONSE_STATUS[intake.status]
    return "completed" if number == 1 else "amended"


def version_resources(intake: Intake) -> list[dict[str, object]]:
    """Every version, newest first: a draft has only itself."""
    if intake.is_draft:
        return [intake_questionnaire_response(intake)]
    return [
        _with_context(
            questionnaire_response(
                stored.document,
                resource_id=str(intake.pk),
                status=_version_status(intake, stored.number),
            ),
            intake,
            version=str(stored.number),
            updated=stored.created_at,
            sent=intake.sender_context if stored.number == intake.version else None,
        )
        for stored in intake.versions.order_by("-number")
    ]
