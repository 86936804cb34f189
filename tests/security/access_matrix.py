"""Who gets what from every URL: the access matrix, as data, in one place.

`tests/security/test_access_matrix.py` holds every route to it, and docs/security.md's
table is generated from it. Regenerate the table with:
`.venv/bin/python -m tests.security.access_matrix` (rewrites it in place).

An outcome is the status code, or for a redirect `302→` and the view it lands on.
Each page is asked once, with the method it is for, its URL arguments filled from a
small clinic (tests/security/conftest.py): a submitted emergency, a complete draft with
a patient link, a ready summary. The POST body is empty (`{}` for JSON endpoints):
what matters here is who is let in, not what they send.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from django.urls import resolve

from tests.urlwalk import Route

# The matrix's columns: a stranger, each role, a deactivated user, a signed-in user with
# no role, and the clinic's tablet once the front desk handed it to a patient (kiosk).
ROLES = ("anonymous", "front_desk", "clinician", "admin", "deactivated", "no_role", "kiosk")
ROLE_TITLES = {
    "anonymous": "anonymous",
    "front_desk": "front desk",
    "clinician": "clinician",
    "admin": "admin",
    "deactivated": "deactivated",
    "no_role": "no role",
    "kiosk": "kiosk tablet",
}

LOGIN = "302→accounts:login"
ADMIN_LOGIN = "302→admin:login"
KIOSK = "302→patient:kiosk-step"  # the kiosk lock: the tablet shows only its patient's steps
# The Django admin's own answer for an administrator (200, 302, 403 or 404 by model
# permission and object), anything but its login page.
ADMIN_SERVED = "admin site"
# Outcomes that let nobody in: such a request must change nothing.
REFUSED = frozenset({LOGIN, ADMIN_LOGIN, KIOSK, "401", "403", "404", "405"})


@dataclass(frozen=True)
class Page:
    method: str
    outcomes: dict[str, str]  # role -> outcome
    subject: str = "submitted"  # what it addresses: "submitted", "draft", "summary", "refused"
    json: bool = False  # an API endpoint: the body is JSON


def row(method: str, *outcomes: str, subject: str = "submitted", json: bool = False) -> Page:
    """One row of the table: the outcomes in the order of ROLES."""
    assert len(outcomes) == len(ROLES), outcomes
    return Page(method, dict(zip(ROLES, outcomes, strict=True)), subject, json)


def staff(method: str, front_desk: str, clinician: str, admin: str, **kw: str) -> Page:
    """A staff page: strangers sign in first, a user without a role is refused."""
    return row(method, LOGIN, front_desk, clinician, admin, LOGIN, "403", KIOSK, **kw)


def desk(method: str, ok: str, subject: str = "submitted") -> Page:
    """The front desk's pages (the admin may stand in): not the clinician's."""
    return staff(method, ok, "403", ok, subject=subject)


def clinical(method: str, ok: str, subject: str = "submitted") -> Page:
    """The clinician's pages (and the admin's): never the front desk's."""
    return staff(method, "403", ok, ok, subject=subject)


def api(method: str, ok: str) -> Page:
    """REST and FHIR: DRF answers 401 with its Bearer challenge to strangers, 403 to users
    without a role, never a login page (integration tokens: tests/accounts/test_integrations)."""
    return row(method, "401", ok, ok, ok, "401", "403", KIOSK, json=method == "POST")


def public_fhir(method: str, ok: str) -> Page:
    """FHIR resources that hold no patient data (the Questionnaire): anyone reads them."""
    return row(method, ok, ok, ok, ok, ok, ok, KIOSK)


def oauth(method: str, outcome: str) -> Page:
    """The token endpoints: a client's own credentials are the key, a person's session is not."""
    return row(method, outcome, outcome, outcome, outcome, outcome, outcome, KIOSK)


def patient_link(method: str, ok: str) -> Page:
    """The patient's link pages: the signed token is the key, whoever holds it."""
    return row(method, ok, ok, ok, ok, ok, ok, KIOSK)


def kiosk(method: str, ok: str) -> Page:
    """The tablet's pages: only its kiosk session reaches them; anyone else is sent to sign in."""
    return row(method, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, ok)


# The admin: only an administrator (staff, with the second factor) is let in. The
# login-required middleware sends strangers to the view's `login_url`, which the admin
# site sets on its own pages only: its model pages send them to the clinic's sign-in.
ADMIN_MODEL_PAGES = row(
    "GET", LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_SERVED, LOGIN, ADMIN_LOGIN, KIOSK
)
ADMIN_SITE_PAGES = row("GET", *[ADMIN_LOGIN] * 3, ADMIN_SERVED, ADMIN_LOGIN, ADMIN_LOGIN, KIOSK)

HOME, WORKLIST = "302→accounts:home", "302→triage:worklist"
OTP_SETUP, OTP_VERIFY = "302→accounts:otp-setup", "302→accounts:otp-verify"
ADMIN_INDEX = "302→admin:index"

# The outcomes of each row are in the order of ROLES:
# anonymous, front desk, clinician, admin, deactivated, no role, kiosk tablet.
MATRIX: dict[str, Page] = {
    "healthz": row("GET", "200", "200", "200", "200", "200", "200", KIOSK),
    # accounts: sign-in, the second factor, the idle keepalive
    "accounts:home": staff("GET", "200", WORKLIST, "200"),
    "accounts:login": row("GET", "200", HOME, HOME, HOME, "200", HOME, "200"),
    "accounts:otp-verify": row("GET", LOGIN, OTP_SETUP, OTP_SETUP, HOME, LOGIN, OTP_SETUP, KIOSK),
    "accounts:otp-setup": row("GET", LOGIN, "200", "200", OTP_VERIFY, LOGIN, "200", KIOSK),
    "accounts:settings": staff("GET", "200", "200", "200"),
    "accounts:keepalive": row("GET", LOGIN, "204", "204", "204", LOGIN, "204", KIOSK),
    "accounts:logout": row("POST", LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, KIOSK),
    # the front desk
    "desk": row("GET", LOGIN, *["302→intake:desk"] * 3, LOGIN, "302→intake:desk", KIOSK),
    "intake:desk": desk("GET", "200"),
    "intake:desk-search": desk("POST", "302→intake:desk"),
    "intake:patient-new": desk("GET", "200"),
    "intake:start": desk("POST", "302→intake:step", subject="draft"),
    # the desk's day: visits, links sent and revoked
    "intake:day": staff("GET", "200", "200", "200"),
    "intake:visits-import": desk("GET", "200"),
    "intake:visit-new": desk("GET", "200", subject="draft"),
    "intake:visit": desk("GET", "200", subject="draft"),
    "intake:visit-start": desk("POST", "302→intake:step", subject="draft"),
    "intake:visit-send": desk("POST", "302→intake:visit", subject="draft"),
    "intake:link-revoke": desk("POST", "302→intake:visit", subject="draft"),
    "intake:step": desk("GET", "200", subject="draft"),
    "intake:resume": desk("GET", "302→intake:step", subject="draft"),
    "intake:review": desk("GET", "200", subject="draft"),
    "intake:submit": desk("POST", "302→intake:submitted", subject="draft"),
    "intake:submitted": staff("GET", "200", "200", "200"),
    "intake:escalated": staff("POST", *["302→intake:submitted"] * 3),
    # the emergency board: whoever is on duty sees it, the desk and the clinicians alike
    "intake:alerts": staff("GET", "200", "200", "200"),
    "intake:alerts-count": staff("GET", "200", "200", "200"),
    "intake:alert-action": desk("POST", "302→intake:desk"),  # the desk says what it did
    "intake:alert-acknowledge": clinical("POST", WORKLIST),
    "intake:alert-attach": desk("POST", "302→intake:desk", subject="refused"),
    "intake:amend": staff("GET", "200", "200", "200"),
    "patient:kiosk-start": desk("POST", KIOSK, subject="draft"),
    "patient:link-new": desk("POST", "200", subject="draft"),
    # the patient, on the tablet or by link
    "patient:kiosk-step": kiosk("GET", "200"),
    "patient:kiosk-submit": kiosk("POST", "302→patient:kiosk-done"),
    "patient:kiosk-done": kiosk("GET", KIOSK),  # not submitted yet: back to the questions
    "patient:link-start": patient_link("GET", "302→patient:link-step"),
    "patient:link-step": patient_link("GET", "200"),
    "patient:link-submit": patient_link("POST", "302→patient:link-done"),
    "patient:link-done": patient_link("GET", "302→patient:link-step"),  # not submitted yet
    "patient:set_language": row("POST", *[HOME] * len(ROLES)),
    # the clinician
    "triage:worklist": clinical("GET", "200"),
    "triage:worklist-search": clinical("POST", WORKLIST),
    "triage:trends": clinical("GET", "200"),
    "triage:emergency-count": clinical("GET", "200"),
    "triage:intake": clinical("GET", "200"),
    "triage:acknowledge": clinical("POST", "302→triage:intake"),
    "triage:reviewed": clinical("POST", "302→triage:intake"),
    "triage:note": clinical("POST", "302→triage:intake"),
    "triage:withdraw": clinical("POST", "302→triage:intake"),
    "reports:summary-status": clinical("GET", "200", subject="summary"),
    "reports:summary-retry": clinical("POST", "302→triage:intake"),
    "reports:summary-pdf": clinical("GET", "200", subject="summary"),
    # the administrator
    "audit:trail": staff("GET", "403", "403", "200"),
    "audit:export": staff("GET", "403", "403", "200"),
    # the REST API and FHIR
    "api:evaluate": row("POST", "401", "403", "400", "400", "401", "403", KIOSK, json=True),
    "api:intakes": api("POST", "400"),
    "api:intake": api("GET", "200"),
    "api:schema": api("GET", "200"),
    "fhir:metadata": public_fhir("GET", "200"),
    "fhir:smart-configuration": public_fhir("GET", "200"),
    "smart-configuration": public_fhir("GET", "200"),
    "fhir:questionnaire": public_fhir("GET", "200"),
    "fhir:questionnaires": public_fhir("GET", "200"),
    "fhir:questionnaire-responses": api("POST", "400"),
    "fhir:questionnaire-response": api("GET", "200"),
    "fhir:questionnaire-response-history": api("GET", "200"),
    "fhir:questionnaire-response-version": api("GET", "200"),
    "fhir:patients": api("GET", "200"),
    "fhir:patient": api("GET", "200"),
    "fhir:transaction": api("POST", "400"),  # the empty body is no Bundle
    "fhir:risk-assessments": api("GET", "200"),
    "fhir:risk-assessment": api("GET", "200"),
    # Flags are clinical detail: the front desk's pages show only those of the level.
    "fhir:flags": row("GET", "401", "403", "200", "200", "401", "403", KIOSK),
    "fhir:flag": row("GET", "401", "403", "200", "200", "401", "403", KIOSK),
    "fhir:code-system": public_fhir("GET", "200"),
    "fhir:populate": api("POST", "400"),  # the empty body names no patient
    "fhir:extract": api("POST", "200"),
    "fhir:value-set": public_fhir("GET", "200"),
    "oauth:token": oauth("POST", "400"),
    "oauth:revoke": oauth("POST", "400"),
    # the Django admin's sign-in, sign-out and index; its other pages are summarised above
    "admin:login": row("GET", "200", "200", "200", ADMIN_INDEX, "200", "200", KIOSK),
    "admin:logout": row(
        "POST", ADMIN_LOGIN, ADMIN_INDEX, ADMIN_INDEX, LOGIN, ADMIN_LOGIN, ADMIN_INDEX, KIOSK
    ),
    "admin:index": row(
        "GET", ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, "200", ADMIN_LOGIN, ADMIN_LOGIN, KIOSK
    ),
}


# --- what each role reads in the API and FHIR answers -------------------------------------
# Every field of each route's successful answer, per role: exactly what that role's HTML
# pages show (tests/security/test_api_fields.py). The answers themselves (the intake
# document, a QuestionnaireResponse's items) count as one field: every staff role sees them.
STAFF = ("front_desk", "clinician", "admin")
ANSWER_FIELDS = frozenset({"document", "item"})

_DESK_FLAG = {"code", "severity", "title"}  # the result page: what to do now
_FLAG = _DESK_FLAG | {"evidence", "evidence[]", "source"}
_SUGGESTED_TEST = {"code", "name", "reasons", "reasons[]", "first_line", "note"}


def fields(*names: str, **nested: set[str]) -> frozenset[str]:
    """`names`, and for each `nested` list of objects its `list`, `list[]` and `list[].key`s."""
    paths = set(names)
    for name, keys in nested.items():
        name = name.replace("__", ".")
        paths |= {name, f"{name}[]"} | {f"{name}[].{key}" for key in keys}
    return frozenset(paths)


_INTAKE = ("id", "status", "version", "channel", "document", "triage", "triage.level")
_SUMMARY = ("summary", "summary.status", "summary.rules_version", "summary.pdf_url")
_SUBMISSION = ("id", "status", "version", "level")
_RESPONSE = fields(
    "resourceType", "id", "questionnaire", "status", "item", "authored",
    "meta", "meta.versionId", "meta.lastUpdated", "subject", "subject.reference",
)  # fmt: skip
# The small clinic's patient has no MRN: one with it has `identifier` too, as the desk's
# pages show it (tests/clinic/api/test_fhir_search.py).
_PATIENT = fields(
    "resourceType", "id", "gender", "birthDate", "name", "name[]", "name[].family",
    "name[].given", "name[].given[]",
)  # fmt: skip


_CODING = {"system", "code", "display"}
_RISK_ASSESSMENT = fields(
    "resourceType", "id", "status", "method", "method.text", "subject", "subject.reference",
    "occurrenceDateTime", "prediction[].outcome", "prediction[].outcome.text",
    "prediction[].qualitativeRisk", "prediction[].qualitativeRisk.coding",
    "prediction[].qualitativeRisk.coding[]",
    *(f"prediction[].qualitativeRisk.coding[].{key}" for key in _CODING),
    basis={"reference"}, prediction=set(),
)  # fmt: skip
_TRIAGE_FLAG = fields(
    "resourceType", "id", "status", "extension[].valueReference",
    "extension[].valueReference.reference", "category[].coding", "category[].coding[]",
    *(f"category[].coding[].{key}" for key in _CODING),
    "code", "code.text", "code.coding", "code.coding[]",
    *(f"code.coding[].{key}" for key in _CODING),
    "subject", "subject.reference", "period", "period.start",
    extension={"url", "valueString"}, category=set(),
)  # fmt: skip


# A new response pre-filled for the patient ($populate): who they are, what is carried.
_POPULATED = fields(
    "resourceType", "questionnaire", "status", "item", "subject", "subject.reference"
)
# The coded answers as Observations ($extract): the small clinic's intake answers the severity.
_OBSERVATION = fields(
    "resourceType", "status", "category[].coding", "category[].coding[]",
    "category[].coding[].system", "category[].coding[].code", "code", "code.coding",
    "code.coding[]", *(f"code.coding[].{key}" for key in _CODING), "subject",
    "subject.reference", "effectiveDateTime", "valueInteger",
    category=set(), derivedFrom={"reference"},
)  # fmt: skip


def transaction(*resources: frozenset[str]) -> frozenset[str]:
    """A transaction-response Bundle of `resources`: each entry created, with its location."""
    inside = {f"entry[].resource.{f}" for resource in resources for f in resource}
    return fields(
        "resourceType", "type", "entry[].fullUrl", "entry[].resource", *inside,
        "entry[].response", "entry[].response.status", "entry[].response.location",
        "entry[].response.etag", entry=set(),
    )  # fmt: skip


def bundle(resource: frozenset[str], *, search: bool = True) -> frozenset[str]:
    """A Bundle of `resource`s: its links, and each entry's."""
    entry = {"entry[].fullUrl", "entry[].resource"} | {f"entry[].resource.{f}" for f in resource}
    entry |= {"entry[].search", "entry[].search.mode"} if search else set()
    return fields("resourceType", "type", "entry", "entry[]", *entry, link={"relation", "url"})


_CLINICAL = {
    "api:intake": (
        200,
        fields(
            *_INTAKE, "triage.rules_version", *_SUMMARY,
            triage__flags=_FLAG, summary__suggested_tests=_SUGGESTED_TEST,
        ),
    ),
    "api:intakes": (201, fields(*_SUBMISSION, flags=_FLAG)),
    "api:evaluate": (
        200, fields("level", "rules_version", flags=_FLAG, suggested_tests=_SUGGESTED_TEST),
    ),
    "fhir:questionnaire-response": (200, _RESPONSE),
    "fhir:questionnaire-responses": (201, _RESPONSE),
    "fhir:questionnaire-response-history": (200, bundle(_RESPONSE, search=False)),
    "fhir:questionnaire-response-version": (200, _RESPONSE),
    "fhir:patients": (200, bundle(_PATIENT)),
    "fhir:patient": (200, _PATIENT),
    "fhir:transaction": (200, transaction(_RESPONSE, _RISK_ASSESSMENT, _TRIAGE_FLAG)),
    "fhir:risk-assessments": (200, bundle(_RISK_ASSESSMENT)),
    "fhir:risk-assessment": (200, _RISK_ASSESSMENT),
    "fhir:flags": (200, bundle(_TRIAGE_FLAG)),
    "fhir:flag": (200, _TRIAGE_FLAG),
    "fhir:populate": (200, fields(
        "resourceType", "parameter[].name", "parameter[].resource",
        *(f"parameter[].resource.{f}" for f in _POPULATED), parameter=set(),
    )),
    "fhir:extract": (200, fields(
        "resourceType", "type", "entry[].request", "entry[].request.method",
        "entry[].request.url", "entry[].resource",
        *(f"entry[].resource.{f}" for f in _OBSERVATION), entry=set(),
    )),
}  # fmt: skip
RESPONSE_FIELDS: dict[str, dict[str, tuple[int, frozenset[str]]]] = {
    name: {"clinician": answer, "admin": answer} for name, answer in _CLINICAL.items()
}
for name, answer in {
    "api:intake": (200, fields(*_INTAKE, triage__flags=_DESK_FLAG)),
    "api:intakes": (201, fields(*_SUBMISSION, flags=_DESK_FLAG)),
    "api:evaluate": (403, frozenset()),
    **{name: _CLINICAL[name] for name in _CLINICAL if name.startswith("fhir:")},
    # The level, as the result page shows it; the flags are not the desk's to read here.
    "fhir:transaction": (200, transaction(_RESPONSE, _RISK_ASSESSMENT)),
    "fhir:flags": (403, frozenset()),
    "fhir:flag": (403, frozenset()),
}.items():
    RESPONSE_FIELDS[name]["front_desk"] = answer


def expected(route: Route) -> Page | None:
    """The route's row, or its admin group's; None: the route is not in the matrix."""
    if route.name in MATRIX:
        return MATRIX[route.name]
    if is_admin_site(route.name):
        own_page = getattr(resolve(route.path).func, "login_url", None) is not None
        return ADMIN_SITE_PAGES if own_page else ADMIN_MODEL_PAGES
    return None


def is_admin_site(route_name: str) -> bool:
    # Unnamed admin routes (its catch-all redirects) are named by their path.
    return route_name.startswith(("admin:", "/admin/"))


# --- docs/security.md -----------------------------------------------------------------------

DOC = Path(__file__).parents[2] / "docs" / "security.md"
BEGIN, END = "<!-- access-matrix:begin -->", "<!-- access-matrix:end -->"


def markdown_table(routes: list[Route]) -> str:
    """The matrix as a Markdown table, one row per route, the admin site's pages as one."""
    header = ("route", "path", "method", *(ROLE_TITLES[role] for role in ROLES))
    rows = [
        (f"`{route.name}`", f"`/{resolve(route.path).route}`", page.method, *page.outcomes.values())
        for route in routes
        if (page := MATRIX.get(route.name)) is not None
    ]
    for group, title in (
        (ADMIN_SITE_PAGES, "the admin site's other pages"),
        (ADMIN_MODEL_PAGES, "the admin's model pages"),
    ):
        count = sum(expected(route) is group for route in routes)
        rows.append((f"{title} ({count})", "`/admin/…`", "GET", *group.outcomes.values()))
    lines = [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}"]
    lines += [f"| {' | '.join(cells)} |" for cells in rows]
    return "\n".join(lines) + "\n"


def with_table(doc: str, table: str) -> str:
    """`doc` with the text between the markers replaced by `table`."""
    pattern = re.compile(f"{re.escape(BEGIN)}\\n.*?{re.escape(END)}", re.DOTALL)
    assert pattern.search(doc), f"docs/security.md lost its {BEGIN} / {END} markers"
    return pattern.sub(lambda _: f"{BEGIN}\n{table}{END}", doc)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from tests.urlwalk import all_routes

    DOC.write_text(with_table(DOC.read_text(encoding="utf-8"), markdown_table(all_routes())))
