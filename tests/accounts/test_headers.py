"""Security headers on every kind of page, and templates the Content-Security-Policy allows."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.clinic.patient.test_views import intake_for, make_link

ROOT = Path(settings.BASE_DIR)


def directives(response) -> dict[str, set[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: set(values)
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def pages(client_for, front_desk) -> dict:
    """A staff page, the login page and a patient's link page, each as its own client sees it."""
    desk = client_for(front_desk)
    link = make_link(desk, intake_for())
    patient = Client()
    step = patient.get(link).url
    return {
        "staff": desk.get(reverse("intake:desk")),
        "login": Client().get(reverse("accounts:login")),
        "patient": patient.get(step),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["staff", "login", "patient"])
def test_every_page_carries_the_security_headers(pages, page):
    response = pages[page]
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == {"'self'"}
    assert policy["img-src"] == {"'self'", "data:"}
    assert policy["frame-ancestors"] == policy["object-src"] == {"'none'"}
    assert policy["form-action"] == policy["base-uri"] == {"'self'"}
    assert not any("unsafe" in value for values in policy.values() for value in values)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin"  # a Referer never holds a path
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["staff", "login", "patient"])
def test_the_pages_as_served_have_no_inline_code(pages, page):
    html = pages[page].content.decode()
    assert INLINE_SCRIPT.search(html) is None
    assert HANDLER.search(html) is None
    assert STYLE_ATTRIBUTE.search(html) is None
    assert "<style" not in html


# --- the templates themselves ------------------------------------------------------------------

# A <script> without src, an on...= handler, a style= attribute, a javascript: URL.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"javascript:", re.I)


def project_templates() -> list[Path]:
    """Every template of the project: config/templates and each app's templates/."""
    return sorted(ROOT.glob("*/templates/**/*.html"))


def test_the_template_scan_finds_the_templates():
    names = {path.name for path in project_templates()}
    assert {"base.html", "login.html", "otp_setup.html", "worklist.html", "step.html"} <= names


@pytest.mark.parametrize("path", project_templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_has_code_or_styles_the_policy_would_block(path):
    text = path.read_text()
    for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, JAVASCRIPT_URL):
        assert pattern.search(text) is None, (pattern.pattern, pattern.search(text))
