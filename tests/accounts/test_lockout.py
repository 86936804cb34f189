"""Passwords, the lockout after repeated failed sign-ins, and the sign-in audit trail."""

import ipaddress
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
    assert lockout.detail == {"counted_per": "username+address", "failure_limit": 5, "minutes": 15}
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


# --- many usernames from one address -----------------------------------------------------------


def spray(client, address: str, usernames: int, prefix: str = "guess"):
    """Four guesses for each of many usernames: each stays under the per-username limit."""
    return [fail(client, f"{prefix}-{n}", 4, address) for n in range(usernames)][-1]


def test_many_usernames_from_one_address_pause_every_sign_in_from_it(client, front_desk):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 20
    assert spray(client, "198.51.100.7", usernames=4).status_code == 200  # 16 failures
    assert fail(client, "guess-4", 3, "198.51.100.7").status_code == 200  # 19
    assert fail(client, "guess-4", 1, "198.51.100.7").status_code == 429  # 20: paused

    assert attempt(client, "fran", TEST_PASSWORD, "198.51.100.7").status_code == 429
    assert not signed_in(client)
    # From anywhere else the front desk signs in as usual.
    assert attempt(client, "fran", TEST_PASSWORD, "192.0.2.50").status_code == 302


def test_an_address_pause_is_audited_as_one(client, front_desk):
    spray(client, "198.51.100.7", usernames=5)
    lockouts = AuditEvent.objects.filter(action=Action.LOCKOUT)
    assert [(e.actor_label, e.client_address, e.detail) for e in lockouts] == [
        (
            "guess-4",
            "198.51.100.7",
            {"counted_per": "address", "failure_limit": 20, "minutes": 15},
        )
    ]


def test_a_sign_in_from_the_address_does_not_clear_the_other_usernames(client, front_desk):
    """A guesser holding one account cannot wipe the count by signing in with it."""
    spray(client, "198.51.100.7", usernames=4)  # 16 failures
    assert attempt(client, "fran", TEST_PASSWORD, "198.51.100.7").status_code == 302
    client.post(reverse("accounts:logout"))
    assert spray(client, "198.51.100.7", usernames=1, prefix="more").status_code == 429


def test_the_address_limit_comes_from_the_environment_and_is_never_below_the_pair_limit():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.LOGIN_ADDRESS_FAILURE_LIMIT)"
    )
    assert run_python(code, {"LOGIN_ADDRESS_FAILURE_LIMIT": "50"}).stdout.split() == ["50"]
    below = run_python(code, {"LOGIN_FAILURE_LIMIT": "5", "LOGIN_ADDRESS_FAILURE_LIMIT": "4"})
    assert below.returncode != 0
    assert "LOGIN_ADDRESS_FAILURE_LIMIT must be at least LOGIN_FAILURE_LIMIT" in below.stderr


# --- behind nginx -----------------------------------------------------------------------------

NGINX = "10.0.0.2"  # REMOTE_ADDR of everything that comes through the proxy


@pytest.fixture
def behind_nginx(settings):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/29"),)


def from_peer(client, peer: str, username: str, password: str, forwarded: str | None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=peer,
        **headers,
    )


def via_nginx(client, username: str, password: str, client_address: str):
    """nginx, after real_ip, writes the one address it trusts: X-Forwarded-For $remote_addr."""
    return from_peer(client, NGINX, username, password, client_address)


def failed_addresses() -> set[str]:
    failed = AuditEvent.objects.filter(action=Action.SIGN_IN_FAILED)
    return set(failed.values_list("client_address", flat=True))


def test_behind_nginx_a_stranger_cannot_lock_out_the_user_elsewhere(
    client, behind_nginx, front_desk
):
    for _ in range(5):
        via_nginx(client, "fran", WRONG, "203.0.113.9")

    assert via_nginx(client, "fran", WRONG, "203.0.113.9").status_code == 429
    assert via_nginx(client, "fran", TEST_PASSWORD, "192.0.2.50").status_code == 302
    assert failed_addresses() == {"203.0.113.9"}


def test_behind_nginx_only_the_entry_nginx_wrote_is_read(client, behind_nginx, front_desk):
    """A proxy that appends: what the client sent before nginx's own entry is not believed."""
    from_peer(client, NGINX, "fran", WRONG, "192.0.2.50, 203.0.113.9")
    assert failed_addresses() == {"203.0.113.9"}


@pytest.mark.parametrize("forwarded", [None, "", "unknown", "203.0.113.9:4711"])
def test_from_nginx_without_a_readable_address_the_peer_is_kept(
    client, behind_nginx, front_desk, forwarded
):
    from_peer(client, NGINX, "fran", WRONG, forwarded)
    assert failed_addresses() == {NGINX}


def test_straight_to_gunicorn_a_new_forwarded_address_each_try_still_locks(
    client, behind_nginx, front_desk
):
    """A peer that is not nginx: X-Forwarded-For is its own invention and is ignored."""
    responses = [from_peer(client, "172.16.5.5", "fran", WRONG, f"203.0.113.{n}") for n in range(5)]
    assert [r.status_code for r in responses] == [200] * 4 + [429]
    assert failed_addresses() == {"172.16.5.5"}


def test_with_no_trusted_proxy_a_forwarded_header_is_ignored(client, front_desk):
    assert settings.TRUSTED_PROXIES == ()
    from_peer(client, NGINX, "fran", WRONG, "203.0.113.9")
    assert failed_addresses() == {NGINX}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "[]"),
        ("172.30.70.2", "['172.30.70.2/32']"),
        ("10.0.0.0/24, fd00::/64", "['10.0.0.0/24', 'fd00::/64']"),
    ],
    ids=["unset", "one-address", "ranges"],
)
def test_trusted_proxies_come_from_the_environment(value, expected):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print([str(n) for n in s.TRUSTED_PROXIES])"
    )
    result = run_python(code, {"TRUSTED_PROXIES": value})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"TRUSTED_PROXIES": "nginx"}, "TRUSTED_PROXIES must be comma-separated addresses"),
        ({"TRUSTED_PROXIES": "10.0.0.1/24"}, "TRUSTED_PROXIES must be comma-separated addresses"),
        ({"TRUSTED_PROXY_COUNT": "1"}, "TRUSTED_PROXY_COUNT is replaced by TRUSTED_PROXIES"),
    ],
    ids=["a-name", "host-bits-set", "the-old-count"],
)
def test_a_proxy_setting_that_cannot_be_right_stops_the_start_up(variables, message):
    result = run_python("import django; django.setup()", variables)
    assert result.returncode != 0
    assert message in result.stderr
