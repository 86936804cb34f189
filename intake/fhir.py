"""The intake in FHIR R4: the Questionnaire, and QuestionnaireResponses to and from documents.

Each `linkId` is the intake document's dotted path (`symptoms.sides`) and each
answer code is the document's code, so a QuestionnaireResponse converts to the
document and back without a mapping table. One item is FHIR's own: FHIR answers
have no null, so `symptoms.suddenly_changed` (yes/no) carries what the document's
`last_changed_days: null` says (docs/decisions/0015). fhir.resources checks a response's
FHIR structure (its R4B model, which R4 resources of this kind satisfy); the
answers are then checked by `parse_document`, like every other way in. Plain data in
and out: the endpoints are `clinic.api.fhir`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from intake.document import ROOT_PATH, DocumentInvalid, Problem, codes, document_schema
from intake.document.nesting import TOO_DEEP, Location, too_deep
from intake.questions import OPTION_LABELS, QUESTIONS, RECENTLY_MEANS

FHIR_JSON = "application/fhir+json"
CODE_SYSTEM = "urn:legintake:codes"
QUESTIONNAIRE_ID = "leg-numbness-intake"
# The canonical before it could be resolved: responses that name it are still read.
LEGACY_QUESTIONNAIRE_URL = f"urn:legintake:questionnaire:{QUESTIONNAIRE_ID}"


def fhir_base() -> str:
    """The FHIR endpoints' address, at the one staff open the app at (`PUBLIC_BASE_URL`,
    https in production): the root of every canonical this server publishes."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/fhir"


def questionnaire_url() -> str:
    """The Questionnaire's canonical: where it is read."""
    return f"{fhir_base()}/Questionnaire/{QUESTIONNAIRE_ID}"


def mrn_system() -> str:
    """The identifier system of the clinic's medical record numbers."""
    return f"{fhir_base()}/sid/mrn"


# An intake's status as a QuestionnaireResponse's, and back (FHIR's questionnaire-answers-status).
RESPONSE_STATUS = {
    "draft": "in-progress",
    "submitted": "completed",
    "amended": "amended",
    "withdrawn": "entered-in-error",
}


def is_this_questionnaire(reference: str, *, version: str | None = None) -> bool:
    """A canonical reference to this Questionnaire (`url|version`): of any version, or, given
    `version`, of that one (a reference without a version names the current one)."""
    canonical, _bar, named = reference.partition("|")
    if version is not None and named not in ("", version):
        return False
    return canonical in (questionnaire_url(), LEGACY_QUESTIONNAIRE_URL)


@dataclass(frozen=True, slots=True)
class Question:
    """One Questionnaire item: `link_id` is the answer's path in the intake document."""

    link_id: str
    type: str  # the FHIR item type
    options: tuple[str, ...] = ()  # answer codes, for `choice`
    required: bool = False
    repeats: bool = False  # a list in the document
    max_length: int | None = None
    items: tuple[Question, ...] = ()  # for `group`
    # (linkId, code or yes/no): asked only after that answer
    enable_when: tuple[str, str | bool] | None = None

    @property
    def key(self) -> str:
        """The answer's key in its part of the document."""
        return self.link_id.rpartition(".")[2]


_NAME = codes.PERSON_NAME_MAX_LENGTH
_FREE_TEXT = codes.FREE_TEXT_MAX_LENGTH

# FHIR answers have no null, so `symptoms.last_changed_days` is asked in two: a yes/no whose
# false is the document's null ("it has not changed"), then the days, enabled by its true.
# The yes/no's key is no document code (a test keeps it so).
SUDDENLY_CHANGED = "symptoms.suddenly_changed"
_CHANGED = Question(SUDDENLY_CHANGED, "boolean")
_CHANGED_DAYS = Question(
    "symptoms.last_changed_days", "integer", required=True, enable_when=(SUDDENLY_CHANGED, True)
)

# The document's shape (intake.schema.json), in its order, but for the risk factors: they
# follow the history, whose `conditions: cancer` enables `cancer_active`. `required` as the
# schema says; the days of a sudden change are required once "it has changed" enables them.
ITEMS: tuple[Question, ...] = (
    Question("reported_on", "date"),
    Question(
        "patient",
        "group",
        required=True,
        items=(
            Question("patient.mrn", "string", max_length=codes.MRN_MAX_LENGTH),
            Question("patient.given_name", "string", required=True, max_length=_NAME),
            Question("patient.family_name", "string", required=True, max_length=_NAME),
            Question("patient.date_of_birth", "date", required=True),
            Question("patient.sex", "choice", codes.SEXES),
            Question("patient.phone", "string", max_length=codes.PHONE_MAX_LENGTH),
            Question("patient.email", "string", max_length=codes.EMAIL_MAX_LENGTH),
            Question("patient.preferred_language", "choice", codes.LANGUAGES),
        ),
    ),
    Question(
        "symptoms",
        "group",
        required=True,
        items=(
            Question("symptoms.sides", "choice", codes.SIDES, required=True),
            Question("symptoms.locations", "choice", codes.LOCATIONS, required=True, repeats=True),
            Question("symptoms.onset", "choice", codes.ONSETS, required=True),
            Question("symptoms.duration_days", "integer", required=True),
            _CHANGED,
            _CHANGED_DAYS,
            Question("symptoms.pattern", "choice", codes.PATTERNS, required=True),
            Question(
                "symptoms.frequency",
                "choice",
                codes.FREQUENCIES,
                enable_when=("symptoms.pattern", "comes_and_goes"),
            ),
            Question("symptoms.positional", "boolean", required=True),
            Question("symptoms.relieved_by_moving", "boolean", required=True),
            Question("symptoms.progression", "choice", codes.PROGRESSIONS, required=True),
            Question("symptoms.severity", "integer", required=True),
            Question("symptoms.associated", "choice", codes.ASSOCIATED, repeats=True),
            # Offered: what the app asks. Older documents' legacy codes still import (the
            # parser reads them) and export as stored: an old code stays readable.
            Question("symptoms.leg_changes", "choice", codes.ASKED_LEG_CHANGES, repeats=True),
            Question("symptoms.other_symptoms", "choice", codes.OTHER_SYMPTOMS, repeats=True),
            Question("symptoms.description", "text", max_length=_FREE_TEXT),
        ),
    ),
    Question(
        "red_flags",
        "group",
        required=True,
        items=tuple(
            Question(f"red_flags.{code}", "boolean", required=code in codes.RED_FLAG_CODES)
            for code in codes.ALL_RED_FLAG_CODES
        ),
    ),
    Question(
        "medications",
        "group",
        repeats=True,
        items=(
            Question(
                "medications.name", "string", required=True, max_length=codes.ITEM_NAME_MAX_LENGTH
            ),
            Question("medications.dose", "string", max_length=codes.DOSE_MAX_LENGTH),
            Question("medications.kind", "choice", codes.MEDICATION_KINDS),
        ),
    ),
    Question("treatments", "choice", codes.TREATMENTS, repeats=True),
    Question(
        "vaccinations",
        "group",
        repeats=True,
        items=(
            Question(
                "vaccinations.name", "string", required=True, max_length=codes.ITEM_NAME_MAX_LENGTH
            ),
            Question("vaccinations.date", "date"),
        ),
    ),
    Question(
        "injuries",
        "group",
        repeats=True,
        items=(
            Question("injuries.kind", "choice", codes.INJURY_KINDS, required=True),
            Question("injuries.date", "date"),
            Question("injuries.older_than_14_days", "boolean"),
            Question("injuries.mechanism", "choice", codes.INJURY_MECHANISMS),
            Question(
                "injuries.description", "text", max_length=codes.INJURY_DESCRIPTION_MAX_LENGTH
            ),
        ),
    ),
    Question("conditions", "choice", codes.CONDITIONS, repeats=True),
    Question("exposures", "choice", codes.EXPOSURES, repeats=True),
    Question(
        "risk_factors",
        "group",
        items=(
            *(Question(f"risk_factors.{code}", "boolean") for code in codes.RISK_FACTOR_CODES),
            Question(
                f"risk_factors.{codes.CANCER_ACTIVE}",
                "boolean",
                enable_when=("conditions", "cancer"),
            ),
        ),
    ),
    Question(
        "lifestyle",
        "group",
        items=(
            Question("lifestyle.alcohol_drinks_per_week", "integer"),
            Question("lifestyle.diet", "choice", codes.DIETS),
            Question("lifestyle.smoking", "choice", codes.SMOKING),
        ),
    ),
    Question("notes", "text", max_length=_FREE_TEXT),
)

# Words the catalogue (intake.questions) does not have: the sections the forms show as
# headings. The sudden change is two questions there as here (a yes/no, then the days).
_QUESTIONNAIRE_WORDS = {
    "patient": _("About the patient"),
    "symptoms": _("Numbness or tingling"),
    # The red-flag questions say "Recently": the group says what that means (§1).
    "red_flags": format_lazy(
        "{}. {}", _("Warning signs: call 911 if any answer is yes"), RECENTLY_MEANS
    ),
    "risk_factors": _("A few more questions about your health"),
    "lifestyle": _("Lifestyle"),
}

# The answer's value[x] for each item type.
_VALUE_KEYS = {
    "choice": "valueCoding",
    "boolean": "valueBoolean",
    "integer": "valueInteger",
    "date": "valueDate",
    "string": "valueString",
    "text": "valueString",
}


def _coding(code: str) -> dict[str, str]:
    coding = {"system": CODE_SYSTEM, "code": code}
    if code in OPTION_LABELS:
        coding["display"] = str(OPTION_LABELS[code])
    return coding


# --- the Questionnaire -------------------------------------------------------------


def questionnaire(*, version: str | None = None) -> dict[str, object]:
    """The intake as a FHIR Questionnaire, worded in the active language; `version` is the
    rules version it asks for (triage's, which this app cannot import)."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "url": questionnaire_url(),
        **({"version": version} if version else {}),
        "language": get_language(),
        "name": "LegNumbnessIntake",
        "title": str(_("Leg numbness or tingling: pre-visit intake")),
        "status": "active",
        "subjectType": ["Patient"],
        "item": [_questionnaire_item(question) for question in ITEMS],
    }


LOINC = "http://loinc.org"
# The items with a standard LOINC code, by linkId: (code, LOINC's long common name). Where each
# came from: docs/fhir-codes.md.
LOINC_CODES = {
    "patient.date_of_birth": ("21112-8", "Birth date"),
    "patient.sex": ("46098-0", "Sex"),
    "symptoms.severity": (
        "72514-3",
        "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
    ),
    "lifestyle.smoking": ("72166-2", "Tobacco smoking status"),
    "lifestyle.alcohol_drinks_per_week": ("44940-5", "Alcoholic drinks per week - Reported"),
}


# SDC's rendering hints (https://hl7.org/fhir/uv/sdc/rendering.html, behavior.html): what the
# parser enforces of each answer alone, read from the document's JSON Schema, which is built
# from the parser's own checks, so a renderer refuses what the server would.
_EXTENSION = "http://hl7.org/fhir/StructureDefinition/"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
ENTRY_FORMATS = {
    "date": "YYYY-MM-DD",
    "patient.phone": "+1 555 010 0199",
    "patient.email": "name@example.org",
}


# The date checks that compare answers, as SDC targetConstraints in FHIRPath on their item
# (its `answer`; `%resource` the response): what the parser checks against the day reported
# and the date of birth (intake.document.parser: _read_birth_date, _read_event_date).
_REPORTED_ON = (
    "iif(%resource.item.where(linkId='reported_on').answer.exists(), "
    "%resource.item.where(linkId='reported_on').answer.value.first(), today())"
)
_BORN = "%resource.repeat(item).where(linkId='patient.date_of_birth').answer.value"
_NOT_AFTER_REPORTED = f"answer.all(value <= {_REPORTED_ON})"
_NOT_BEFORE_BIRTH = f"{_BORN}.empty() or answer.all(value >= {_BORN}.first())"
DATE_CONSTRAINTS = {
    "patient.date_of_birth": (
        ("born-not-after-reported", _NOT_AFTER_REPORTED, "must not be after the day reported"),
    ),
    **{
        link_id: (
            ("not-after-reported", _NOT_AFTER_REPORTED, "must not be after the day reported"),
            ("not-before-birth", _NOT_BEFORE_BIRTH, "must not be before the date of birth"),
        )
        for link_id in ("injuries.date", "vaccinations.date")
    },
}


def _target_constraint(key: str, expression: str, human: str) -> dict[str, object]:
    return _extension(
        "targetConstraint",
        extension=[
            {"url": "key", "valueId": key},
            {"url": "severity", "valueCode": "error"},
            {
                "url": "expression",
                "valueExpression": {"language": "text/fhirpath", "expression": expression},
            },
            {"url": "human", "valueString": human},
        ],
    )


@functools.cache
def _answers_schema() -> dict[str, object]:
    # Built once, when a Questionnaire is first drawn: not at every process's start.
    return document_schema()


def answer_schema(link_id: str) -> dict[str, object]:
    """The JSON Schema of one answer (`medications.name`: of each medication's name)."""
    node: dict = _answers_schema()
    for part in link_id.split("."):
        if node.get("type") == "array":
            node = node.get("items", {})
        node = node.get("properties", {}).get(part, {})
    for alternative in node.get("anyOf", ()):  # a nullable answer: its non-null form
        if alternative.get("type") != "null":
            return alternative
    return node


def _extension(name: str, **value: object) -> dict[str, object]:
    return {"url": f"{_EXTENSION}{name}", **value}


def rendering_hints(question: Question) -> list[dict[str, object]]:
    schema = answer_schema(question.link_id)
    hints = []
    if question.type == "group" and "maxItems" in schema:
        hints.append(_extension("questionnaire-maxOccurs", valueInteger=schema["maxItems"]))
    if question.type == "integer":
        for bound, name in (("minimum", "minValue"), ("maximum", "maxValue")):
            if bound in schema:
                hints.append(_extension(name, valueInteger=schema[bound]))
    if question.type in ("string", "text") and "pattern" in schema:
        hints.append(_extension("regex", valueString=schema["pattern"]))
    entry_format = ENTRY_FORMATS.get(question.link_id) or ENTRY_FORMATS.get(question.type)
    if entry_format:
        hints.append(_extension("entryFormat", valueString=entry_format))
    hints += [_target_constraint(*rule) for rule in DATE_CONSTRAINTS.get(question.link_id, ())]
    if question.type == "choice":
        control = "check-box" if question.repeats else "radio-button"
        coding = {"system": ITEM_CONTROL_SYSTEM, "code": control}
        hints.append(
            _extension("questionnaire-itemControl", valueCodeableConcept={"coding": [coding]})
        )
    return hints


def _questionnaire_item(
    question: Question, *, in_optional_repeat: bool = False
) -> dict[str, object]:
    """One item. `required` only on an answer the document requires: never on a group (its
    answers say what is required) nor inside an optional repeating group (a medication's name
    is required only once there is a medication), so a renderer checks a form as the server
    does."""
    text = _QUESTIONNAIRE_WORDS.get(question.link_id) or QUESTIONS[question.link_id]
    item: dict[str, object] = {
        "linkId": question.link_id,
        "text": str(text),
        "type": question.type,
        "required": question.required and question.type != "group" and not in_optional_repeat,
        "repeats": question.repeats,
    }
    if hints := rendering_hints(question):
        item["extension"] = hints
    if question.link_id in LOINC_CODES:
        code, display = LOINC_CODES[question.link_id]
        item["code"] = [{"system": LOINC, "code": code, "display": display}]
    if max_length := answer_schema(question.link_id).get("maxLength") or question.max_length:
        item["maxLength"] = max_length
    if question.enable_when:
        asked_after, answer = question.enable_when
        value = (
            {"answerBoolean": answer}
            if isinstance(answer, bool)
            else {"answerCoding": _coding(answer)}
        )
        item["enableWhen"] = [{"question": asked_after, "operator": "=", **value}]
    if question.options:
        item["answerOption"] = [{"valueCoding": _coding(code)} for code in question.options]
    if question.items:
        optional_repeat = in_optional_repeat or (question.repeats and not question.required)
        item["item"] = [
            _questionnaire_item(child, in_optional_repeat=optional_repeat)
            for child in question.items
        ]
    return item


# --- document -> QuestionnaireResponse ------------------------------------------------------


def questionnaire_response(
    answers: dict[str, object], *, resource_id: str | None = None, status: str = "completed"
) -> dict[str, object]:
    """A QuestionnaireResponse holding `answers` (an intake document, or a draft's answers)."""
    resource: dict[str, object] = {"resourceType": "QuestionnaireResponse"}
    if resource_id:
        resource["id"] = resource_id
    resource["questionnaire"] = questionnaire_url()
    resource["status"] = status
    resource["item"] = _response_items(_with_change_asked(answers), ITEMS)
    return resource


def _with_change_asked(answers: dict[str, object]) -> dict[str, object]:
    """`answers` with the yes/no that says in FHIR what `last_changed_days` says: absent,
    neither is answered; null, "it has not changed"; days, "it has" and the days."""
    symptoms = answers.get("symptoms")
    if not isinstance(symptoms, dict) or _CHANGED_DAYS.key not in symptoms:
        return answers
    changed = symptoms[_CHANGED_DAYS.key] is not None
    return {**answers, "symptoms": {**symptoms, _CHANGED.key: changed}}


def _response_items(answers: dict, questions: tuple[Question, ...]) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for question in questions:
        value = answers.get(question.key)
        if value is None or value in ("", [], {}):
            continue  # unanswered: FHIR leaves the item out
        values = value if question.repeats else [value]
        if question.type == "group":
            groups = [_response_items(group, question.items) for group in values]
            items += [{"linkId": question.link_id, "item": group} for group in groups if group]
        else:
            answer_key = _VALUE_KEYS[question.type]
            answers_given = [
                {answer_key: _coding(v) if question.type == "choice" else v} for v in values
            ]
            items.append({"linkId": question.link_id, "answer": answers_given})
    return items


# --- QuestionnaireResponse -> document ------------------------------------------------------


FINISHED = ("completed", "amended")
IN_PROGRESS = "in-progress"


def response_status(data: object) -> object:
    return data.get("status") if isinstance(data, dict) else None


# What a response says beside its answers that is kept and sent back (intake.sender_context).
SENDER_ELEMENTS = ("subject", "author", "authored", "source")


def sender_context(data: dict) -> dict[str, object] | None:
    """The response's author, source, authored and subject as sent (checked as FHIR by
    `document_from_response` first)."""
    return {key: data[key] for key in SENDER_ELEMENTS if key in data} or None


def document_from_response(data: object, *, draft: bool = False) -> dict[str, object]:
    """The intake document a QuestionnaireResponse answers, for `parse_document` (or, of an
    in-progress one with `draft`, the answers so far, for `read_draft`).

    Raises `DocumentInvalid` when `data` is not a completed (or in-progress) response of
    this questionnaire, or an item is not one of its questions.
    """
    if not isinstance(data, dict) or data.get("resourceType") != "QuestionnaireResponse":
        raise DocumentInvalid((Problem("resourceType", "must be QuestionnaireResponse"),))
    if (location := too_deep(data)) is not None:
        raise DocumentInvalid((Problem(fhir_path(location), TOO_DEEP),))
    try:
        QuestionnaireResponse.model_validate(data)
    except ValidationError as error:
        raise DocumentInvalid(
            tuple(Problem(fhir_path(e["loc"]), e["msg"]) for e in error.errors())
        ) from None
    reader = _ResponseReader()
    # The model accepts an extension (`_status`, `_linkId`) in place of a required value.
    status = data.get("status")
    if status is None:
        reader.fail("status", "is required: only finished answers are submitted")
    elif draft and status != IN_PROGRESS:
        reader.fail("status", "must be in-progress: answers so far are saved as a draft")
    elif not draft and status not in FINISHED:
        reader.fail(
            "status", "must be completed, or in-progress for answers so far (saved as a draft)"
        )
    named = data.get("questionnaire")
    if named and not (isinstance(named, str) and is_this_questionnaire(named)):
        reader.fail("questionnaire", f"must be {questionnaire_url()}")
    answers = reader.group(data.get("item") or [], ITEMS, "", ("item",))
    if isinstance(symptoms := answers.get("symptoms"), dict):
        reader.last_change(symptoms)
    if reader.problems:
        raise DocumentInvalid(tuple(reader.located(problem) for problem in reader.problems))
    return answers


def locate(problems: tuple[Problem, ...], data: object) -> tuple[Problem, ...]:
    """`parse_document`'s problems with a read response (document paths: `symptoms.severity`)
    as FHIRPath into the response as sent (`QuestionnaireResponse.item[0].item[9].answer[0]`).
    """
    if not isinstance(data, dict) or not isinstance(data.get("item"), list):
        return problems
    if too_deep(data) is not None:
        return problems
    try:  # refused before it was read (its FHIR structure): its problems are located already
        QuestionnaireResponse.model_validate(data)
    except ValidationError:
        return problems
    reader = _ResponseReader()
    reader.group(data["item"], ITEMS, "", ("item",))
    return tuple(reader.located(problem) for problem in problems)


# The resource's own elements a problem may name (the rest are answers, by document path).
_RESOURCE_ELEMENTS = ("id", "status", "questionnaire")


def fhir_path(location: Location) -> str:
    """A location (pydantic's error locations too) as a FHIRPath:
    QuestionnaireResponse.item[0].answer[1]."""
    path = "QuestionnaireResponse"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


class _ResponseReader:
    """Turns structurally valid items into document answers, collecting problems by path.

    Values are taken as sent: `parse_document` then checks them strictly (FHIR's
    model would read "yes" as true; the document parser does not). The model lets
    JSON nulls through, so an absent part is read as `x.get(...) or []`.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        # Where each answer read (by its document path) is in the resource: its item, or its
        # answer when the question takes one.
        self.locations: dict[str, Location] = {}

    def located(self, problem: Problem) -> Problem:
        """The problem at its FHIRPath. One about an answer that is not there (a required
        question not answered) is put on the nearest group that is, naming the question."""
        path = problem.path
        if path == ROOT_PATH or path.startswith("QuestionnaireResponse"):
            return problem
        if path in _RESOURCE_ELEMENTS:
            return Problem(fhir_path((path,)), problem.message)
        if path in self.locations:
            return Problem(fhir_path(self.locations[path]), problem.message)
        parent = path
        while "." in parent:
            parent = parent.rsplit(".", 1)[0]
            if parent in self.locations:
                return Problem(fhir_path(self.locations[parent]), f"{path}: {problem.message}")
        return Problem("QuestionnaireResponse", f"{path}: {problem.message}")

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path or ROOT_PATH, message))

    def failed(self, path: str) -> bool:
        return any(problem.path == path for problem in self.problems)

    def group(
        self, items: list[dict], questions: tuple[Question, ...], path: str, at: Location
    ) -> dict:
        """The answers of `items`, the list at `at` in the resource."""
        by_link_id = {question.link_id: question for question in questions}
        answers: dict[str, object] = {}
        for index, item in enumerate(items):
            link_id = item.get("linkId")
            if link_id is None:
                self.fail(fhir_path((*at, index, "linkId")), "is required")
                continue
            question = by_link_id.get(link_id)
            if question is None:
                self.locations.setdefault(link_id, (*at, index))
                self.fail(link_id, "is not a question in this part of the questionnaire")
                continue
            item_path = f"{path}.{question.key}" if path else question.key
            if question.key in answers and not question.repeats:
                self.fail(item_path, "must be answered once")
            elif question.type == "group":
                self._group_item(item, question, item_path, answers, (*at, index))
            else:
                self._question_item(item, question, item_path, answers, (*at, index))
        return answers

    def _group_item(
        self, item: dict, question: Question, path: str, answers: dict, at: Location
    ) -> None:
        if question.repeats:
            entries = answers.setdefault(question.key, [])
            path = f"{path}.{len(entries)}"
        self.locations[path] = at
        if item.get("answer"):
            self.fail(path, "is a group: it holds items, not answers")
        children = self.group(item.get("item") or [], question.items, path, (*at, "item"))
        if question.repeats:
            entries.append(children)
        else:
            answers[question.key] = children

    def _question_item(
        self, item: dict, question: Question, path: str, answers: dict, at: Location
    ) -> None:
        self.locations[path] = at
        if item.get("item"):
            self.fail(path, "is a question: it holds answers, not items")
        given = item.get("answer") or []
        if question.repeats:
            for i in range(len(given)):
                self.locations[f"{path}.{i}"] = (*at, "answer", i)
            answers[question.key] = [
                self._value(answer, question, f"{path}.{i}") for i, answer in enumerate(given)
            ]
        elif len(given) > 1:
            self.fail(path, "must have one answer")
        elif given:
            answers[question.key] = self._value(given[0], question, path)
            self.locations[path] = (*at, "answer", 0)

    def last_change(self, symptoms: dict) -> None:
        """Replace the yes/no `suddenly_changed` by the document's `last_changed_days`.

        No yes/no: the days as answered, or not asked. No: null, and no days. Yes: the days,
        which are then required. FHIR has no null answer: a null number is refused rather
        than read as "it has not changed". An answer already refused is not judged again.
        """
        asked = _CHANGED.key in symptoms
        changed = symptoms.pop(_CHANGED.key, None)
        days_answered = _CHANGED_DAYS.key in symptoms
        if self.failed(_CHANGED.link_id) or self.failed(_CHANGED_DAYS.link_id):
            return
        if asked and not isinstance(changed, bool):
            self.fail(_CHANGED.link_id, "must be true or false")
        elif changed is False and days_answered:
            self.fail(
                _CHANGED_DAYS.link_id, f"must not be answered when {SUDDENLY_CHANGED} is false"
            )
        elif changed is False:
            symptoms[_CHANGED_DAYS.key] = None
        elif changed and not days_answered:
            self.fail(_CHANGED_DAYS.link_id, f"is required when {SUDDENLY_CHANGED} is true")
        elif days_answered and symptoms[_CHANGED_DAYS.key] is None:
            self.fail(
                _CHANGED_DAYS.link_id,
                f"must be a whole number (to say it has not changed, answer {SUDDENLY_CHANGED} "
                "false)",
            )

    def _value(self, answer: dict, question: Question, path: str) -> object:
        expected = _VALUE_KEYS[question.type]
        if answer.get("item"):
            self.fail(path, "must not hold items under its answer")
        if [key for key in answer if key.startswith("value")] != [expected]:
            self.fail(path, f"must be answered with {expected}")
            return None
        value = answer[expected]
        if question.type != "choice":
            return value
        coding = value or {}
        if (coding.get("system") or CODE_SYSTEM) != CODE_SYSTEM:
            self.fail(path, f"must be a code of {CODE_SYSTEM}")
        return coding.get("code")


def operation_outcome(issues: list[dict[str, object]]) -> dict[str, object]:
    return {"resourceType": "OperationOutcome", "issue": issues}


def r4_string(text: str) -> str:
    """`text` as an R4 string may hold it: whitespace other than space, tab and line breaks
    (a form feed in a client's key that a path echoes) written as its `\\u` escape."""
    return "".join(
        f"\\u{ord(char):04x}" if char.isspace() and char not in " \r\n\t" else char for char in text
    )


def problem_issues(
    problems: tuple[Problem, ...], *, code: str = "invalid"
) -> list[dict[str, object]]:
    """One error issue per problem; `expression` is its FHIRPath (`locate`)."""
    return [
        {"severity": "error", "code": code, "diagnostics": r4_string(problem.message)}
        | ({"expression": [r4_string(problem.path)]} if problem.path != ROOT_PATH else {})
        for problem in problems
    ]


def emergency_issues(data: object) -> list[dict[str, object]]:
    """A refused response's emergency answers, one `fatal` issue each (§4): never thrown
    away. Each `expression` is the FHIRPath of the "yes" answer in the response as sent."""
    return [
        {
            "severity": "fatal",
            "code": "informational",
            "diagnostics": f"emergency answer in a refused response: {link_id}",
            "expression": [where],
        }
        for link_id, where in _emergency_answers_at(data).items()
    ]


def response_emergency_answers(data: object) -> tuple[str, ...]:
    """The red-flag items answered `valueBoolean: true` (the JSON true), read from the
    response as sent, so that one refused at any stage, its FHIR structure included, still
    reports them (clinical-content §4). Each linkId once, in response order; unknown red-flag
    linkIds included, as `emergency_answers` includes unknown keys. Reads a fixed depth only:
    safe on any JSON value."""
    return tuple(_emergency_answers_at(data))


def _emergency_answers_at(data: object) -> dict[str, str]:
    """Each red-flag linkId answered true, with the FHIRPath of its first such answer."""
    found: dict[str, str] = {}
    sections = data.get("item") if isinstance(data, dict) else None
    for s, section in _indexed_objects(sections):
        if section.get("linkId") != "red_flags":
            continue
        for i, item in _indexed_objects(section.get("item")):
            link_id = item.get("linkId")
            if not isinstance(link_id, str) or not link_id.startswith("red_flags."):
                continue
            for a, answer in _indexed_objects(item.get("answer")):
                if answer.get("valueBoolean") is True and link_id not in found:
                    found[link_id] = fhir_path(("item", s, "item", i, "answer", a))
    return found


def _indexed_objects(value: object) -> list[tuple[int, dict]]:
    """The objects of a list as sent, with their places; none when it is not a list."""
    if not isinstance(value, list):
        return []
    return [(index, entry) for index, entry in enumerate(value) if isinstance(entry, dict)]


# --- Patient ------------------------------------------------------------------------------


def patient_resource(patient) -> dict[str, object]:
    """A Patient as FHIR's: who it is, no contact details (those stay with each intake)."""
    resource: dict[str, object] = {"resourceType": "Patient", "id": str(patient.pk)}
    if patient.mrn:
        resource["identifier"] = [{"system": mrn_system(), "value": patient.mrn}]
    resource["name"] = [{"family": patient.family_name, "given": [patient.given_name]}]
    if patient.sex:
        resource["gender"] = patient.sex  # the document's codes are FHIR's genders
    resource["birthDate"] = patient.date_of_birth.isoformat()
    return resource


# --- the answers' codes as a CodeSystem and ValueSets ------------------------------------------

ANSWERS_CODE_SYSTEM_ID = "intake-answers"
# The value sets list the answers of the rules 2026.12.1 questions: expanded once, for them.
EXPANDED_AT = "2026-12-01T00:00:00Z"


def choice_questions() -> list[Question]:
    """Every question answered with a code, in the Questionnaire's order."""
    found: list[Question] = []
    pending = list(ITEMS)
    while pending:
        question = pending.pop(0)
        if question.type == "choice":
            found.append(question)
        pending[:0] = question.items
    return found


def answer_codes() -> list[str]:
    """Every answer code, once, in the order the questions first offer them."""
    return list(dict.fromkeys(code for q in choice_questions() for code in q.options))


def answers_code_system() -> dict[str, object]:
    """The answer codes of every choice question. Its canonical is the system the responses
    have always used (`urn:legintake:codes`): a public contract, never renamed."""
    concepts = [
        {"code": code, **({"display": str(OPTION_LABELS[code])} if code in OPTION_LABELS else {})}
        for code in answer_codes()
    ]
    title = str(_("Leg numbness or tingling: pre-visit intake")) + ": answers"
    return code_system(ANSWERS_CODE_SYSTEM_ID, CODE_SYSTEM, title, concepts)


def code_system(
    system_id: str, url: str, title: str, concepts: list, *, version: str | None = None
) -> dict[str, object]:
    """A complete CodeSystem of this server's, named after its id (`triage-flags`:
    TriageFlags)."""
    return {
        "resourceType": "CodeSystem",
        "id": system_id,
        "url": url,
        **({"version": version} if version else {}),
        "name": "".join(word.capitalize() for word in system_id.split("-")),
        "title": title,
        "status": "active",
        "publisher": settings.CLINIC_NAME,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": concepts,
    }


def value_set_id(question: Question) -> str:
    return question.link_id.replace(".", "-").replace("_", "-")


def value_set(question: Question) -> dict[str, object]:
    """The answers one choice question offers, with their expansion for a renderer."""
    codings = [_coding(code) for code in question.options]
    return {
        "resourceType": "ValueSet",
        "id": value_set_id(question),
        "url": f"{fhir_base()}/ValueSet/{value_set_id(question)}",
        "name": "".join(part.capitalize() for part in value_set_id(question).split("-")),
        "title": str(QUESTIONS[question.link_id]),
        "status": "active",
        "compose": {
            "include": [
                {
                    "system": CODE_SYSTEM,
                    "concept": [
                        {key: value for key, value in coding.items() if key != "system"}
                        for coding in codings
                    ],
                }
            ]
        },
        "expansion": {
            "timestamp": EXPANDED_AT,
            "total": len(codings),
            "contains": codings,
        },
    }


def value_sets() -> dict[str, Question]:
    return {value_set_id(question): question for question in choice_questions()}


# --- $extract: the coded answers as Observations --------------------------------------------

_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
# Which coded answers are Observations (birth date and sex are the Patient's own), and how
# each is valued. Units of alcohol drinks: UCUM's "per week", as LOINC 44940-5 gives it.
EXTRACTED = {
    "symptoms.severity": ("survey", lambda value: {"valueInteger": value}),
    "lifestyle.smoking": (
        "social-history",
        lambda code: {"valueCodeableConcept": {"coding": [_coding(code)]}},
    ),
    "lifestyle.alcohol_drinks_per_week": (
        "social-history",
        lambda value: {
            "valueQuantity": {
                "value": value,
                "unit": "/wk",
                "system": "http://unitsofmeasure.org",
                "code": "/wk",
            }
        },
    ),
}


def observations(
    document: dict[str, object], *, subject: str, derived_from: str | None
) -> list[dict]:
    """The Observations a response's coded answers make (SDC's $extract), as plain data."""
    found = []
    for link_id, (category, value_of) in EXTRACTED.items():
        section, key = link_id.split(".")
        value = (document.get(section) or {}).get(key)
        if value is None or value == "":
            continue
        code, display = LOINC_CODES[link_id]
        found.append(
            {
                "resourceType": "Observation",
                "status": "final",
                "category": [{"coding": [{"system": _OBSERVATION_CATEGORY, "code": category}]}],
                "code": {"coding": [{"system": LOINC, "code": code, "display": display}]},
                "subject": {"reference": subject},
                **({"derivedFrom": [{"reference": derived_from}]} if derived_from else {}),
                "effectiveDateTime": str(document.get("reported_on", "")),
                **value_of(value),
            }
        )
    return found
