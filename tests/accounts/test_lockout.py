"""Passwords, the lockout after repeated failed sign-ins, and the sign-in audit trail."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import AuditEvent
from tests.config.test_settings import run_python
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-2026"
Action = AuditEvent.Action


def attempt(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def fail(client, username: str, times: int, address: str = "127.0.0.1"):
    return [attempt(client, username, WRONG, address) for _ in range(times)][-1]


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- passwords -------------------------------------------------------------------------------


def test_new_passwords_are_hashed_with_argon2(front_desk):
    front_desk.set_password("a-brand-new-password-2026")
    assert identify_hasher(front_desk.password).algorithm == "argon2"


@pytest.mark.parametrize(
    "password", ["short-1", "qwertyuiop123", "1234567890123"], ids=["short", "common", "numeric"]
)
def test_the_validators_refuse_weak_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_the_validators_accept_a_long_uncommon_password():
    validate_password("violet-harbour-tuesday-41")


# --- lockout ---------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_sign_in_even_for_the_right_one(client, front_desk):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert [fail(client, "fran", 1).status_code for _ in range(4)] == [200] * 4
    fifth = fail(client, "fran", 1)
    assert fifth.status_code == 429
    assert b"Sign-in paused" in fifth.content

    sixth = attempt(client, "fran", TEST_PASSWORD)
    assert sixth.status_code == 429
    assert not signed_in(client)


def test_the_lockout_policy_comes_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds())"
    )
    result = run_python(code, {"LOGIN_FAILURE_LIMIT": "3", "LOGIN_LOCKOUT_MINUTES": "30"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "1800.0"]


def test_the_lockout_page_says_when_to_try_again_and_names_no_account(client, front_desk):
    page = fail(client, "fran", 5).content.decode()
    assert "paused for 15 minutes" in page and "Try again after" in page
    assert "fran" not in page


def main_text(response) -> str:
    """The page's own words, without the time to try again (it may turn a minute)."""
    main = re.search(r"<main.*</main>", response.content.decode(), re.S).group()
    return re.sub(r"\d\d:\d\d", "", main)


def test_an_unknown_username_locks_the_same_way(client, front_desk):
    """The lockout must not tell which usernames exist."""
    known, unknown = fail(client, "fran", 5), fail(client, "nobody-here", 5)
    assert known.status_code == unknown.status_code == 429
    assert main_text(known) == main_text(unknown)


def test_the_lockout_is_per_username_and_address(client, front_desk, clinician):
    fail(client, "fran", 5)
    assert attempt(client, "fran", TEST_PASSWORD, address="10.0.0.9").status_code == 302
    client.logout()
    assert attempt(client, "casey", TEST_PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, front_desk):
    fail(client, "fran", 4)
    assert attempt(client, "fran", TEST_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert fail(client, "fran", 4).status_code == 200  # four more: still not locked
    assert attempt(client, "fran", TEST_PASSWORD).status_code == 302


# --- audit -----------------------------------------------------------------------------------


def test_each_failure_and_the_lockout_are_audited_without_the_password(client, front_desk):
    fail(client, "fran", 5)
    attempt(client, "fran", TEST_PASSWORD)

    failures = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED)
    assert failures.count() == 6
    assert {(e.actor, e.actor_label, e.client_address) for e in failures} == {
        (None, "fran", "127.0.0.1")
    }
    lockout = AuditEvent.objects.filter(action=Action.LOCKOUT).first()
    assert lockout.actor_label == "fran"
    assert lockout.detail == {"failure_limit": 5, "minutes": 15}
    for event in AuditEvent.objects.all():
        recorded = f"{event.actor_label} {event.detail} {event.object_id}"
        assert WRONG not in recorded and TEST_PASSWORD not in recorded


def test_sign_in_and_sign_out_are_audited(client, front_desk):
    attempt(client, "fran", TEST_PASSWORD)
    client.post(reverse("accounts:logout"))

    events = AuditEvent.objects.order_by("id")
    assert [(e.action, e.actor, e.detail) for e in events] == [
        (Action.SIGN_IN, front_desk, {"factor": "password"}),
        (Action.SIGN_OUT, front_desk, {"reason": "user"}),
    ]


def test_signing_out_a_stranger_records_nothing(client):
    client.post(reverse("accounts:logout"))
    assert not AuditEvent.objects.exists()


# --- behind a proxy ----------------------------------------------------------------------------

PROXY = "10.0.0.2"  # what REMOTE_ADDR is for everyone behind nginx


def via_proxy(client, username: str, password: str, client_address: str, sent: str = ""):
    """A sign-in through one proxy, which appends the address it saw to what the client sent."""
    forwarded = f"{sent}, {client_address}" if sent else client_address
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_behind_the_proxy_the_lockout_and_the_trail_see_the_client(client, settings, front_desk):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):  # someone guessing, claiming to be the front desk's own address
        via_proxy(client, "fran", WRONG, "203.0.113.9", sent="192.0.2.50")

    assert via_proxy(client, "fran", WRONG, "203.0.113.9").status_code == 429
    # The front desk, behind the same proxy, is not locked out by a stranger's guesses.
    assert via_proxy(client, "fran", TEST_PASSWORD, "192.0.2.50").status_code == 302
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED)
    assert set(failed.values_list("client_address", flat=True)) == {"203.0.113.9"}


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(client, settings, front_desk):
    settings.TRUSTED_PROXY_COUNT = 0
    via_proxy(client, "fran", WRONG, "203.0.113.9")
    assert AuditEvent.objects.get(action=Action.SIGN_IN_FAILED).client_address == PROXY
