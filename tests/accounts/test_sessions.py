"""Idle sign-out: the server ends a quiet session; session.js warns before it does."""

import datetime as dt
import json
import time

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.idle import LAST_ACTIVITY
from audit.models import AuditEvent
from tests.config.test_settings import run_python

pytestmark = pytest.mark.django_db

HOME = reverse("accounts:home")
LOGIN = reverse("accounts:login")
POLL = reverse("triage:emergency-count")
KEEPALIVE = reverse("accounts:keepalive")


def last_active(client, seconds_ago: int) -> None:
    session = client.session
    session[LAST_ACTIVITY] = int(time.time()) - seconds_ago
    session.save()


def test_the_session_lasts_the_idle_setting_and_is_renewed_by_every_request():
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_the_idle_timeout_comes_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_AGE, s.SESSION_WARNING_SECONDS)"
    )
    result = run_python(code, {"SESSION_IDLE_SECONDS": "600"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["600", "120"]


def test_an_expired_session_goes_to_the_login_page(client_for, front_desk):
    client = client_for(front_desk)
    session = client.session
    session.set_expiry(timezone.now() - dt.timedelta(seconds=1))
    session.save()

    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_a_quiet_session_is_signed_out_and_audited(client_for, clinician):
    client = client_for(clinician)
    last_active(client, settings.SESSION_COOKIE_AGE + 1)

    response = client.get(reverse("triage:worklist"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_OUT)
    assert (event.actor, event.detail) == (clinician, {"reason": "idle"})


def test_polling_does_not_keep_a_session_alive(client_for, clinician):
    client = client_for(clinician)
    last_active(client, 100)
    before = client.session[LAST_ACTIVITY]

    assert client.get(POLL, headers={"HX-Request": "true"}).status_code == 200
    assert client.session[LAST_ACTIVITY] == before


def test_a_poll_after_the_timeout_sends_the_whole_page_to_the_login(client_for, clinician):
    client = client_for(clinician)
    last_active(client, settings.SESSION_COOKIE_AGE + 1)

    response = client.get(
        POLL, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/worklist/"}
    )
    assert response["HX-Redirect"] == f"{LOGIN}?next=/worklist/"


def test_a_page_load_counts_as_activity(client_for, front_desk):
    client = client_for(front_desk)
    last_active(client, settings.SESSION_COOKIE_AGE - 5)

    assert client.get(HOME).status_code == 200
    assert client.session[LAST_ACTIVITY] >= int(time.time()) - 2


def test_keepalive_renews_the_session(client_for, front_desk):
    client = client_for(front_desk)
    last_active(client, settings.SESSION_COOKIE_AGE - 5)

    response = client.get(KEEPALIVE)
    assert response.status_code == 204
    assert "no-store" in response["Cache-Control"]
    assert client.session[LAST_ACTIVITY] >= int(time.time()) - 2
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE


def test_keepalive_needs_a_signed_in_user(client):
    response = client.get(KEEPALIVE)
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_a_signed_in_page_tells_session_js_the_timeout(client_for, front_desk):
    page = client_for(front_desk).get(HOME).content.decode()
    assert f'data-session-timeout="{settings.SESSION_COOKIE_AGE}"' in page
    assert f'data-session-warning="{settings.SESSION_WARNING_SECONDS}"' in page
    assert f'data-keepalive-url="{KEEPALIVE}"' in page
    assert "app/session.js" in page
    assert 'id="session-warning"' in page and "Stay signed in" in page


def test_a_signed_out_page_has_no_timeout(client):
    page = client.get(LOGIN).content.decode()
    assert "data-session-timeout" not in page and 'id="session-warning"' not in page


def test_htmx_injects_no_inline_style(client):
    """htmx 2 adds an indicator <style> unless told not to: the CSP would block it."""
    page = client.get(LOGIN).content.decode()
    config = page.split('name="htmx-config" content=\'')[1].split("'")[0]
    assert json.loads(config)["includeIndicatorStyles"] is False
