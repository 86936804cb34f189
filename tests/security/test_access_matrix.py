"""Every URL, for every role, gives exactly what the access matrix says; refusals change nothing.

The matrix is tests/security/access_matrix.py; docs/security.md shows it as a table.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve, reverse

from tests.security.access_matrix import (
    ADMIN_LOGIN,
    ADMIN_SERVED,
    DOC,
    LOGIN,
    MATRIX,
    REFUSED,
    ROLES,
    Page,
    expected,
    is_admin_site,
    markdown_table,
    with_table,
)
from tests.security.conftest import Clinic, clinic_state, rolled_back
from tests.urlwalk import Route, all_routes

ROUTES = all_routes()
PARAMETER = re.compile(r"<(\w+):(\w+)>")


def outcome(response: HttpResponse) -> str:
    """The status, or for a redirect `302→` and the name of the view it points to."""
    if response.status_code in (301, 302, 303, 307):
        return f"{response.status_code}→{resolve(urlsplit(response.url).path).view_name}"
    return str(response.status_code)


def ask(client: Client, page: Page, url: str, method: str | None = None) -> HttpResponse:
    body = {"data": "{}", "content_type": "application/json"} if page.json else {}
    return client.generic(method or page.method, url, **body)


def kept_by_no_cache(response: HttpResponse) -> bool:
    """Any answer may show patient data (a page, a refusal naming the intake, a redirect):
    neither a browser nor a proxy may keep it."""
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def url_for(route: Route, page: Page, clinic: Clinic) -> str:
    if is_admin_site(route.name):
        return route.path  # the admin's sample arguments: its own pages show no patient data
    return clinic.url(route, subject=page.subject)


def test_every_route_is_in_the_matrix():
    missing = [route.name for route in ROUTES if expected(route) is None]
    assert not missing, f"add these routes to tests/security/access_matrix.py: {missing}"


def test_the_matrix_names_only_routes_that_exist():
    assert set(MATRIX) <= {route.name for route in ROUTES}


def test_docs_security_md_shows_the_matrix():
    doc = DOC.read_text(encoding="utf-8")
    assert doc == with_table(doc, markdown_table(ROUTES)), (
        "docs/security.md's access matrix is out of date; regenerate it with "
        "`.venv/bin/python -m tests.security.access_matrix`"
    )


def meets(got: str, want: str) -> bool:
    if want == ADMIN_SERVED:  # the admin's own answer by model permission, not a login page
        return got[:3] in {"200", "302", "403", "404"} and got not in {ADMIN_LOGIN, LOGIN}
    return got == want


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_each_role_gets_what_the_matrix_says_and_a_refusal_changes_nothing(
    clinic, client_as, route
):
    page = expected(route)
    if page is None:
        pytest.fail(f"{route.name} is not in the access matrix")
    url = url_for(route, page, clinic)
    wrong = {}
    for role in ROLES:
        with rolled_back():
            client = client_as(role)
            before = clinic_state()
            response = ask(client, page, url)
            got = outcome(response)
            if not meets(got, page.outcomes[role]):
                wrong[role] = f"got {got}, the matrix says {page.outcomes[role]}"
            elif got in REFUSED and clinic_state() != before:
                wrong[role] = f"refused ({got}) but data changed"
            elif not kept_by_no_cache(response):
                wrong[role] = f"Cache-Control is {response.get('Cache-Control')!r}"
    assert not wrong, (route.name, url, wrong)


STRANGER_REFUSED = [
    route for route in ROUTES if (page := expected(route)) and page.outcomes["anonymous"] in REFUSED
]


@pytest.mark.django_db
@pytest.mark.parametrize("route", STRANGER_REFUSED, ids=lambda route: route.name)
def test_a_stranger_is_refused_by_every_method(clinic, route):
    page = expected(route)
    url = url_for(route, page, clinic)
    before = clinic_state()

    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        got = outcome(ask(Client(), page, url, method))
        assert got in REFUSED, (route.name, method, got)
    assert clinic_state() == before


def test_intakes_and_patients_are_never_addressed_by_an_integer():
    """Their ids are UUIDs in every URL; an integer (a flag, an assessment, a summary
    version) only ever rides under an intake's UUID, and the view checks it belongs."""
    for route in ROUTES:
        if is_admin_site(route.name):
            continue
        found = PARAMETER.findall(resolve(route.path).route)
        parameters = {name: converter for converter, name in found}
        for name in ("intake_id", "patient_id"):
            assert parameters.get(name, "uuid") == "uuid", route.name
        if "int" in parameters.values():
            assert parameters.get("intake_id") == "uuid", route.name


@pytest.mark.django_db
def test_a_flag_assessment_or_summary_under_another_intakes_uuid_opens_nothing(
    clinic, client_for, clinician
):
    submitted, other = clinic.submitted, clinic.draft
    assessment = submitted.assessments.get()
    version = clinic.summary.intake_version  # a ready PDF: only the wrong intake stands in the way
    client = client_for(clinician)
    before = clinic_state()

    acknowledge = client.post(
        reverse("triage:acknowledge", args=[other.pk, assessment.flags.first().pk])
    )
    escalate = client.post(reverse("intake:escalated", args=[other.pk, assessment.pk]))
    pdf = client.get(reverse("reports:summary-pdf", args=[other.pk, version]))

    assert (acknowledge.status_code, escalate.status_code, pdf.status_code) == (404, 400, 404)
    assert clinic_state() == before
