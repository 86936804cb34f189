"""Random and hostile input: never a server error, free text always comes out as text, and
what is too long, holds a NUL or is too big is refused without storing anything."""

from __future__ import annotations

import csv
import io
import json
import operator

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from audit.models import AuditEvent
from intake.document import codes
from intake.fhir import questionnaire_response
from intake.forms import PatientForm
from intake.models import Intake
from intake.steps import REVIEW, ROW_FIELDS, STEP_BY_SLUG, STEPS, Step
from reports import building as pipeline
from reports.models import PreVisitSummary
from tests.builders import with_answers
from tests.intake.conftest import VIGNETTES
from tests.intake.factories import IntakeFactory
from tests.intake.formdata import as_the_forms_ask, step_data
from tests.security.access_matrix import REFUSED, expected, is_admin_site
from tests.security.conftest import Clinic, clinic_state
from tests.strategies import (
    TYPED,
    deep_json,
    extension_laden_responses,
    invalid_documents,
    json_values,
    valid_documents,
)
from tests.urlwalk import Route, all_routes

# What an attacker, or a copy-paste from anywhere, puts into a text box: as typed, and
# what the PDF's text must show of it.
CORPUS = {
    "script": ("<script>alert(1)</script>", "<script>alert(1)</script>"),
    "attribute": ('"><img src=x onerror=alert(1)>', '"><img src=x onerror=alert(1)>'),
    "sql": ("'; DROP TABLE intake_intake; --", "'; DROP TABLE intake_intake; --"),
    "formula": ('=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
    # A script written right to left (the PDF's text comes out in drawing order: the word alone).
    "right-to-left": ("ميتفورمين 500 mg", "ميتفورمين"),
    "zero-width": ("Ome\u200bprazole", "Omeprazole"),  # drawn without the invisible space
    "emoji": ("Numb 🦵😬", "Numb"),  # the emoji font's glyphs do not extract as text
}
HOSTILE = {name: typed for name, (typed, _) in CORPUS.items()}
ONE_MEGABYTE = "x" * 1_000_000  # with the rest of a step's fields, just under the 1 MiB limit

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def step_fields(step: Step) -> list[str]:
    """Every name a step's forms read, the formsets' management fields and two rows included."""
    names = list(step.form_class.base_fields) if step.form_class else []
    for prefix, _ in step.formsets:
        names += [f"{prefix}-{n}" for n in ("TOTAL_FORMS", "INITIAL_FORMS", "MAX_NUM_FORMS")]
        names += [
            f"{prefix}-{row}-{name}"
            for row in (0, 1)
            for name in (*ROW_FIELDS[prefix], "id", "DELETE")
        ]
    return names


STEP_FIELDS = (*sorted({name for step in STEPS for name in step_fields(step)}), "revision")
# The fields a page adds around the answers: where the view goes, what it saves against.
CONTROLS = frozenset({"revision", "go", "add_row", "reason", "confirm_new"})
# The fields each page's forms read; any other route is posted random fields only.
FIELDS: dict[str, tuple[str, ...]] = {
    "intake:patient-new": (*PatientForm.base_fields, "confirm_new"),
    "intake:step": (*STEP_FIELDS, "go", "add_row"),
    "intake:amend": (*STEP_FIELDS, "reason"),
    "patient:kiosk-step": (*STEP_FIELDS, "add_row"),
    "patient:link-step": (*STEP_FIELDS, "add_row"),
    "triage:acknowledge": ("note",),
    "triage:note": ("text",),
    "accounts:login": ("username", "password"),
    "accounts:otp-verify": ("code",),
    "patient:set_language": ("language", "next"),
    "intake:desk": ("search",),
    "intake:desk-search": ("q",),
    "triage:worklist": (
        "level",
        "reviewed",
        "open_only",
        "submitted_from",
        "submitted_to",
        "summary_status",
        "after",
        "search",
    ),
    "triage:worklist-search": (
        "q",
        "level",
        "reviewed",
        "open_only",
        "submitted_from",
        "submitted_to",
        "summary_status",
    ),
    "audit:export": ("from", "to", "action", "object_type"),
}
JSON_ENDPOINTS = ("api:intakes", "api:evaluate", "fhir:questionnaire-responses")
ROUTES = [route for route in all_routes() if not is_admin_site(route.name)]
SLUGS = [step.slug for step in STEPS] + [REVIEW, "no-such-step"]

TEXT = st.one_of(
    st.text(TYPED, max_size=40),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),  # NUL and controls too
    st.sampled_from([*HOSTILE.values(), "", "yes", "no", "on", "-1", "1e99", "2026-02-30"]),
    st.integers(-(10**20), 10**20).map(str),
    # Longer than any field takes (cheap to draw: one character repeated).
    st.builds(operator.mul, st.sampled_from(["x", "é", "<", "\x00"]), st.integers(4001, 5000)),
)
VALUES = st.one_of(TEXT, st.lists(TEXT, max_size=3))


def poster(route: Route) -> str:
    """The first role the access matrix lets through: its pages are the ones worth attacking."""
    page = expected(route)
    for role in ("front_desk", "clinician", "admin", "kiosk", "anonymous"):
        if page.outcomes[role] not in REFUSED:
            return role
    return "anonymous"


def valid_form(route: Route, slug: str, clinic: Clinic) -> dict[str, object]:
    """A step's answers as its page would post them, for the fuzzer to spoil: random fields
    alone rarely get past validation, where the rest of the view's code is."""
    if slug not in STEP_BY_SLUG or "slug" not in resolve(route.path).kwargs:
        return {}
    intake = clinic.draft if expected(route).subject == "draft" else clinic.submitted
    intake.refresh_from_db()
    return step_data(slug, DOC_WITH_ROWS, revision=intake.revision) | {"reason": "Corrected"}


def a_form(route: Route, slug: str, clinic: Clinic, data: st.DataObject) -> dict[str, object]:
    """Random fields; or a step's own answers, some of them spoiled."""
    form = data.draw(st.dictionaries(st.text(min_size=1, max_size=12), TEXT, max_size=3))
    fields = [name for name in FIELDS.get(route.name, ()) if name not in CONTROLS]
    if not fields:
        return form
    valid = valid_form(route, slug, clinic)
    if valid and data.draw(st.booleans(), label="spoil a valid form"):
        return valid | data.draw(
            st.dictionaries(st.sampled_from(fields), VALUES, min_size=1, max_size=2)
        )
    return form | data.draw(st.dictionaries(st.sampled_from(fields), VALUES, max_size=6))


def attack(client: Client, url: str, form: dict[str, object], method: str) -> None:
    # The test client raises a view's exception: a 500 fails here with its traceback.
    response = client.get(url, form) if method == "GET" else client.post(url, form)
    assert response.status_code < 500


FORM_ROUTES = [route for route in ROUTES if route.name in FIELDS]
OTHER_ROUTES = [route for route in ROUTES if route.name not in FIELDS]
STEP_PAGES = [
    (route, step.slug)
    for route in FORM_ROUTES
    if "slug" in resolve(route.path).kwargs
    for step in STEPS
]


@pytest.mark.django_db
@pytest.mark.parametrize("route", FORM_ROUTES + OTHER_ROUTES, ids=lambda route: route.name)
@FUZZ
@given(data=st.data())
def test_a_random_or_hostile_form_is_never_a_server_error(clinic, client_as, route, data):
    slug = data.draw(st.sampled_from(SLUGS), label="slug")
    url = clinic.url(route, subject=expected(route).subject, slug=slug)
    form = a_form(route, slug, clinic, data)
    attack(client_as(poster(route)), url, form, data.draw(st.sampled_from(["GET", "POST"])))


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "slug"), STEP_PAGES, ids=lambda x: getattr(x, "name", x))
@settings(FUZZ, max_examples=10)
@given(controls=st.dictionaries(st.sampled_from(sorted(CONTROLS)), TEXT, min_size=1))
def test_a_steps_own_controls_with_any_value_are_never_a_server_error(
    clinic, client_as, route, slug, controls
):
    """Valid answers, so the view gets past validation to where it reads its controls."""
    url = clinic.url(route, subject=expected(route).subject, slug=slug)
    attack(client_as(poster(route)), url, valid_form(route, slug, clinic) | controls, "POST")


def json_bodies(name: str) -> st.SearchStrategy[object]:
    documents = st.one_of(valid_documents(), invalid_documents(), json_values(), deep_json())
    if name.startswith("fhir:"):
        responses = valid_documents().map(questionnaire_response)
        return st.one_of(responses, extension_laden_responses(), documents)
    return documents


@pytest.mark.django_db
@pytest.mark.parametrize("name", JSON_ENDPOINTS)
@FUZZ
@given(data=st.data())
def test_a_random_or_hostile_json_body_is_never_a_server_error(client_for, front_desk, name, data):
    client = client_for(front_desk)
    body = data.draw(
        st.one_of(json_bodies(name).map(json.dumps), st.binary(max_size=200)), label="body"
    )

    response = client.post(reverse(name), body, content_type="application/json")

    assert response.status_code < 500
    assert response.status_code in (200, 201) or response["Content-Type"].endswith("json")


# --- hostile text in every field comes out as text --------------------------------------


def everywhere(text: str) -> dict[str, object]:
    """An emergency whose every typed answer is `text`, with every question the forms ask."""
    return as_the_forms_ask(
        with_answers(
            VIGNETTES["02-bladder-loss"]["document"],
            {
                "patient.given_name": text,
                "patient.family_name": text,
                "symptoms.description": text,
                "medications": [{"name": text, "dose": text, "kind": "prescription"}],
                "vaccinations": [{"name": text}],
                "injuries": [{"kind": "other", "description": text}],
                "notes": text,
            },
        )
    )


def entered_at_the_desk(desk: Client, doc: dict) -> Intake:
    patient = doc["patient"]
    desk.post(
        reverse("intake:patient-new"),
        {
            "given_name": patient["given_name"],
            "family_name": patient["family_name"],
            "date_of_birth": patient["date_of_birth"],
            "preferred_language": "en",
            "confirm_new": "yes",
        },
    )
    intake = Intake.objects.latest("created_at")
    for step in STEPS[1:]:
        intake.refresh_from_db()
        data = step_data(step.slug, doc, revision=intake.revision)
        response = desk.post(reverse("intake:step", args=[intake.pk, step.slug]), data)
        assert response.status_code == 302, step.slug
    return intake


def assert_shown_as_text(page: str, text: str) -> None:
    assert escape(text) in page
    if escape(text) != text:
        assert text not in page


def pdf_text(intake: Intake) -> str:
    summary = PreVisitSummary.objects.get(intake=intake, intake_version=intake.version)
    assert pipeline.build_summary(summary.pk) == PreVisitSummary.Status.READY
    summary.refresh_from_db()
    with summary.pdf.open("rb") as pdf:
        text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    # pypdf reads a page that mixes in the emoji font as UTF-16: drop the padding.
    return " ".join(text.replace("\x00", "").split())


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "in_pdf"), CORPUS.values(), ids=CORPUS.keys())
def test_hostile_text_in_every_field_comes_out_as_text_on_the_pages_in_the_pdf_and_csv(
    client_for, front_desk, clinician, admin_user, text, in_pdf
):
    desk = client_for(front_desk)
    intake = entered_at_the_desk(desk, everywhere(text))
    assert_shown_as_text(
        desk.get(reverse("intake:review", args=[intake.pk])).content.decode(), text
    )
    desk.post(reverse("intake:submit", args=[intake.pk]))
    intake.refresh_from_db()

    clinic = client_for(clinician)
    for flag in intake.assessments.get().flags.all():
        clinic.post(reverse("triage:acknowledge", args=[intake.pk, flag.pk]), {"note": text})
    clinic.post(reverse("triage:note", args=[intake.pk]), {"text": text})
    page = clinic.get(reverse("triage:intake", args=[intake.pk])).content.decode()
    assert_shown_as_text(page, text)
    assert page.count(escape(text)) >= 10  # names, answers, rows, the notes
    assert in_pdf in pdf_text(intake)

    export = client_for(admin_user).get(reverse("audit:export"))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode(), newline="")))
    assert text not in str(rows)  # the trail holds ids and codes, never what was typed
    assert Intake.objects.filter(pk=intake.pk, notes=text).exists()  # stored as typed


# --- too long, NUL, too big: refused, nothing stored ----------------------------------------

# Each typed field of the front desk's steps, with its limit.
TYPED_FIELDS = [
    ("patient", "given_name", codes.PERSON_NAME_MAX_LENGTH),
    ("patient", "family_name", codes.PERSON_NAME_MAX_LENGTH),
    ("symptoms", "description", codes.FREE_TEXT_MAX_LENGTH),
    ("medications", "medications-0-name", codes.ITEM_NAME_MAX_LENGTH),
    ("medications", "medications-0-dose", codes.DOSE_MAX_LENGTH),
    ("medications", "vaccinations-0-name", codes.ITEM_NAME_MAX_LENGTH),
    ("injuries", "injuries-0-description", codes.INJURY_DESCRIPTION_MAX_LENGTH),
    ("history", "notes", codes.FREE_TEXT_MAX_LENGTH),
]
DOC_WITH_ROWS = everywhere("Fine")


def field_errors(bound, name: str) -> list[str]:
    """The errors shown beside `name` (`medications-0-name` for a row's field)."""
    prefix, _, rest = name.partition("-")
    if rest:
        row, _, field = rest.partition("-")
        return bound.formsets[prefix].forms[int(row)].errors.get(field, [])
    return bound.form.errors.get(name, [])


def bad_values(limit: int) -> dict[str, str]:
    return {
        "too-long": "x" * (limit + 1),
        "one-megabyte": ONE_MEGABYTE,
        "nul": "before\x00after",
        # Invisible, and redraws what follows: "Metformin 500 mg" would show "gm 005".
        "direction-override": "Metformin \u202e500 mg",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["too-long", "one-megabyte", "nul", "direction-override"])
@pytest.mark.parametrize(("slug", "name", "limit"), TYPED_FIELDS, ids=[f[1] for f in TYPED_FIELDS])
def test_too_long_or_nul_is_a_field_error_and_nothing_is_saved(
    client_for, front_desk, slug, name, limit, kind
):
    intake = IntakeFactory()
    value = bad_values(limit)[kind]
    data = step_data(slug, DOC_WITH_ROWS, revision=intake.revision) | {name: value}
    desk = client_for(front_desk)
    before = clinic_state()

    response = desk.post(reverse("intake:step", args=[intake.pk, slug]), data)

    assert response.status_code == 200
    assert field_errors(response.context["bound"], name)
    assert clinic_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["too-long", "nul", "direction-override"])
def test_the_patients_own_pages_refuse_them_the_same_way(clinic, kind):
    value = bad_values(codes.FREE_TEXT_MAX_LENGTH)[kind]
    data = step_data("history", DOC_WITH_ROWS, revision=clinic.draft.revision) | {"notes": value}
    before = clinic_state()

    response = Client().post(reverse("patient:link-step", args=[clinic.token, "history"]), data)

    assert response.status_code == 200 and field_errors(response.context["bound"], "notes")
    assert clinic_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["too-long", "one-megabyte", "nul", "direction-override"])
def test_an_amendments_reason_is_refused_the_same_way(clinic, client_for, clinician, kind):
    reason = bad_values(codes.FREE_TEXT_MAX_LENGTH)[kind]
    data = step_data("history", DOC_WITH_ROWS, revision=clinic.submitted.revision)
    client = client_for(clinician)
    before = clinic_state()

    response = client.post(
        reverse("intake:amend", args=[clinic.submitted.pk, "history"]), data | {"reason": reason}
    )

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert clinic_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["symptoms.description", "medications.0.name", "notes"])
@pytest.mark.parametrize("kind", ["too-long", "nul", "direction-override"])
def test_the_api_refuses_them_by_path(client_for, front_desk, path, kind):
    value = bad_values(codes.FREE_TEXT_MAX_LENGTH)[kind]
    doc = with_answers(DOC_WITH_ROWS, {path: value})
    desk = client_for(front_desk)
    before = clinic_state()

    response = desk.post(reverse("api:intakes"), json.dumps(doc), content_type="application/json")

    assert response.status_code == 400
    assert path in {problem["path"] for problem in response.json()["problems"]}
    # The document is an emergency: its alert is raised and on record (issue #15, item 5),
    # with the name as given and the answers' paths; nothing else is kept, the bad text
    # included.
    after = clinic_state()
    (alert,) = after.pop("triage.Alert")
    assert alert["intake_id"] is None and value not in str(alert)
    assert AuditEvent.objects.filter(action="raise", object_id=str(alert["id"])).exists()
    before.pop("triage.Alert")
    assert after == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["too-long", "nul", "direction-override"])
def test_a_refused_note_names_its_field_and_nothing_is_kept_not_even_the_acknowledgement(
    clinic, client_for, clinician, kind
):
    value = bad_values(4000)[kind]
    flag = clinic.submitted.assessments.get().flags.first()
    client = client_for(clinician)

    note = client.post(reverse("triage:note", args=[clinic.submitted.pk]), {"text": value})
    acknowledged = client.post(
        reverse("triage:acknowledge", args=[clinic.submitted.pk, flag.pk]), {"note": value}
    )

    told = [str(m) for m in client.get(acknowledged["Location"]).context["messages"]]
    assert any(m.startswith("The note was not added. Add a note: ") for m in told), told
    assert any(m.startswith(f"Not acknowledged: {flag.title}. Note (optional): ") for m in told)
    assert note.status_code == acknowledged.status_code == 302
    assert not clinic.submitted.clinician_notes.exists()
    flag.refresh_from_db()
    assert (flag.acknowledged_at, flag.acknowledgement_note) == (None, "")


@pytest.mark.django_db
def test_two_megabytes_are_refused_before_any_view_and_nothing_is_stored(
    clinic, client_for, front_desk
):
    client = client_for(front_desk)
    big = "x" * 2 * 1024 * 1024
    before = clinic_state()

    form = client.post(reverse("intake:patient-new"), {"given_name": big})
    api = client.post(
        reverse("api:intakes"), json.dumps({"notes": big}), content_type="application/json"
    )
    step = client.post(reverse("intake:step", args=[clinic.draft.pk, "history"]), {"notes": big})

    assert (form.status_code, api.status_code, step.status_code) == (400, 400, 400)
    assert clinic_state() == before
