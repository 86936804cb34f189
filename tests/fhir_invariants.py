"""FHIRPath invariants of R4 (https://hl7.org/fhir/R4/), run with fhirpathpy on what the server
emits. No package here ships R4's StructureDefinitions, so the invariants of the resources
the intake's clients render and send back are written out below, each with its key, its
context and its expression as the specification gives them."""

from __future__ import annotations

import functools
import json

from fhirpathpy import evaluate
from fhirpathpy.models import models

# (key, context, expression): the context is evaluated on the resource, the expression on
# each node it finds, which must hold.
INVARIANTS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "Questionnaire": (
        ("que-2", "Questionnaire", "descendants().linkId.isDistinct()"),
        # (R4 writes `type.trace('type')` and `item.trace('item')`: trace() returns its input
        # and prints it, so it is left out here.)
        (
            "que-1",
            "Questionnaire.repeat(item)",
            "(type='group' implies item.empty().not()) and (type='display' implies item.empty())",
        ),
        ("que-3", "Questionnaire.repeat(item)", "type!='display' or code.empty()"),
        ("que-4", "Questionnaire.repeat(item)", "answerOption.empty() or answerValueSet.empty()"),
        (
            "que-5",
            "Questionnaire.repeat(item)",
            "(type ='choice' or type = 'open-choice' or type = 'decimal' or type = 'integer' or type = 'date' or type = 'dateTime' or type = 'time' or type = 'string' or type = 'quantity') or (answerValueSet.empty() and answerOption.empty())",
        ),
        (
            "que-6",
            "Questionnaire.repeat(item)",
            "type!='display' or (required.empty() and repeats.empty())",
        ),
        (
            "que-7",
            "Questionnaire.repeat(item).enableWhen",
            "operator = 'exists' implies (answer is Boolean)",
        ),
        (
            "que-8",
            "Questionnaire.repeat(item)",
            "(type!='group' and type!='display') or initial.empty()",
        ),
        ("que-9", "Questionnaire.repeat(item)", "type!='display' or readOnly.empty()"),
        (
            "que-10",
            "Questionnaire.repeat(item)",
            "(type in ('boolean' | 'decimal' | 'integer' | 'string' | 'text' | 'url' | 'open-choice')) or maxLength.empty()",
        ),
        ("que-11", "Questionnaire.repeat(item)", "answerOption.empty() or initial.empty()"),
        (
            "que-12",
            "Questionnaire.repeat(item)",
            "enableWhen.count() > 2 implies enableBehavior.exists()",
        ),
        ("que-13", "Questionnaire.repeat(item)", "repeats=true or initial.count() <= 1"),
    ),
    "QuestionnaireResponse": (
        (
            "qrs-1",
            "QuestionnaireResponse.repeat(item)",
            "(answer.exists() and item.exists()).not()",
        ),
        ("qrs-2", "QuestionnaireResponse.repeat(answer)", "item.all(linkId.exists())"),
    ),
    "Bundle": (
        ("bdl-1", "Bundle", "total.empty() or (type = 'searchset') or (type = 'history')"),
        ("bdl-2", "Bundle", "entry.search.empty() or (type = 'searchset')"),
        (
            "bdl-3",
            "Bundle",
            "entry.request.empty() or type = 'batch' or type = 'transaction' or type = 'history'",
        ),
        (
            "bdl-4",
            "Bundle",
            "entry.response.empty() or type = 'batch-response' or type = 'transaction-response' or type = 'history'",
        ),
        ("bdl-5", "Bundle.entry", "resource.exists() or request.exists() or response.exists()"),
    ),
    "RiskAssessment": (
        (
            "ras-2",
            "RiskAssessment.prediction",
            "probability is decimal implies (probability as decimal) <= 100",
        ),
    ),
    "Observation": (
        ("obs-6", "Observation", "dataAbsentReason.empty() or value.empty()"),
        (
            "obs-7",
            "Observation",
            "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()",
        ),
    ),
}


def broken_invariants(resource: dict) -> list[str]:
    """The keys of the invariants `resource` (and, in a Bundle, each entry's) breaks."""
    return list(_broken(json.dumps(resource, sort_keys=True)))


@functools.lru_cache(maxsize=512)  # the suite serves the same Questionnaire many times
def _broken(text: str) -> tuple[str, ...]:
    return tuple(_broken_in(json.loads(text)))


def _broken_in(resource: dict) -> list[str]:
    broken = []
    for key, context, expression in INVARIANTS.get(resource.get("resourceType", ""), ()):
        nodes = evaluate(resource, context, {"resource": resource}, models["r4"])
        for node in nodes:
            if evaluate(node, expression, {"resource": resource}, models["r4"]) == [False]:
                broken.append(key)
                break
    for entry in resource.get("entry", []) if resource.get("resourceType") == "Bundle" else []:
        if isinstance(entry.get("resource"), dict):
            broken += _broken_in(entry["resource"])
    return broken
