"""The client address the app can trust, through the production layout (decisions/0011).

A TLS load balancer (simulated by a second nginx) -> nginx with deploy/nginx.conf.template
-> gunicorn. Every hop has an address of its own on loopback (Linux routes all of 127/8 to
`lo`), so the addresses are real TCP source addresses, never a header the test makes up:
    clients 127.0.0.2, 127.0.0.3, ...   the load balancer 127.0.0.10 (LOAD_BALANCER_RANGE)
    nginx 127.0.0.20 (TRUSTED_PROXIES)
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest

from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD
from tests.integration import worker
from tests.integration.throwaway import Gunicorn, Nginx, free_port
from tests.services import unavailable

TEMPLATE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf.template"
LOAD_BALANCER, NGINX = "127.0.0.10", "127.0.0.20"
STRANGER, FRAN, DIRECT = "127.0.0.2", "127.0.0.3", "127.0.0.4"
WRONG = "not-the-password-2026"
Action = AuditEvent.Action

pytestmark = pytest.mark.django_db(transaction=True)


def deployed_proxy_config(port: int, upstream: str) -> str:
    """The deploy template as the nginx image renders it, pointed at this test's ports."""
    text = TEMPLATE.read_text()
    for placeholder, value in {
        "${LOAD_BALANCER_RANGE}": f"{LOAD_BALANCER}/32",
        "listen 80;": f"listen 127.0.0.1:{port};",
        "server web:8000;": f"server {upstream};",  # Docker's DNS name, here a loopback port
    }.items():
        assert placeholder in text, f"{placeholder} is gone from {TEMPLATE.name}"
        text = text.replace(placeholder, value)
    # nginx's own source address towards gunicorn, the one TRUSTED_PROXIES names.
    return f"proxy_bind {NGINX};\n{text}"


def load_balancer_config(port: int, upstream_port: int) -> str:
    """A TLS load balancer as clouds run them: it appends the peer it saw to X-Forwarded-For."""
    return f"""
server {{
    listen 127.0.0.1:{port};
    location / {{
        proxy_pass http://127.0.0.1:{upstream_port};
        proxy_bind {LOAD_BALANCER};
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
}}
"""


@dataclass(frozen=True)
class Stack:
    gunicorn: Gunicorn
    proxy: Nginx
    load_balancer: Nginx


@pytest.fixture
def stack(real_services, tmp_path):
    """Load balancer, nginx and gunicorn on the test database; stopped after the test."""
    if Nginx.binary() is None:
        unavailable("nginx is not installed (Debian: apt-get install nginx)")
    environment = {"TRUSTED_PROXIES": NGINX, "LOGIN_ADDRESS_FAILURE_LIMIT": "8"}
    gunicorn = Gunicorn(worker.test_database_url(), tmp_path / "gunicorn.log", environment)
    proxy_port, load_balancer_port = free_port(), free_port()
    proxy = Nginx(
        tmp_path / "proxy",
        deployed_proxy_config(proxy_port, f"127.0.0.1:{gunicorn.port}"),
        proxy_port,
    )
    load_balancer = Nginx(
        tmp_path / "load-balancer",
        load_balancer_config(load_balancer_port, proxy_port),
        load_balancer_port,
    )
    started: list = [gunicorn]
    try:
        for server in (proxy, load_balancer):
            server.start()
            started.append(server)
        yield Stack(gunicorn, proxy, load_balancer)
    finally:
        for server in reversed(started):
            server.stop()


class Visitor:
    """Someone at one address with their own cookies, talking to one server of the stack."""

    def __init__(self, address: str, port: int) -> None:
        self.address, self.port = address, port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form=None, headers=None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=15, source_address=(self.address, 0)
        )
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if form is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(
                method, path, body=urlencode(form) if form else None, headers=sent | (headers or {})
            )
            response = connection.getresponse()
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.read().decode()
        finally:
            connection.close()

    def sign_in(self, username: str, password: str, forwarded: str | None = None) -> int:
        """The login form as a browser sends it; `forwarded`: an X-Forwarded-For of one's own."""
        status, page = self.request("GET", "/login/")
        assert status == 200, page[-500:]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        return self.request("POST", "/login/", form, headers)[0]


def addresses(action: str) -> list[str]:
    events = AuditEvent.objects.filter(action=action).order_by("id")
    return list(events.values_list("client_address", flat=True))


def test_a_stranger_behind_the_load_balancer_cannot_lock_out_the_user_elsewhere(stack, front_desk):
    stranger = Visitor(STRANGER, stack.load_balancer.port)
    # Claiming to be the front desk's address: the load balancer appends the real one.
    tries = [stranger.sign_in("fran", WRONG, forwarded=FRAN) for _ in range(5)]
    assert tries == [200] * 4 + [429]

    assert Visitor(FRAN, stack.load_balancer.port).sign_in("fran", TEST_PASSWORD) == 302
    assert addresses(Action.SIGN_IN_FAILED) == [STRANGER] * 5
    assert addresses(Action.LOCKOUT) == [STRANGER]
    assert addresses(Action.SIGN_IN) == [FRAN]


def test_many_usernames_through_the_load_balancer_pause_that_address_only(stack, front_desk):
    stranger = Visitor(STRANGER, stack.load_balancer.port)
    guesses = [stranger.sign_in(f"guess-{n}", WRONG) for n in range(2) for _ in range(4)]
    assert guesses == [200] * 7 + [429]  # LOGIN_ADDRESS_FAILURE_LIMIT=8 for this stack

    assert stranger.sign_in("fran", TEST_PASSWORD) == 429
    assert Visitor(FRAN, stack.load_balancer.port).sign_in("fran", TEST_PASSWORD) == 302
    assert addresses(Action.SIGN_IN) == [FRAN]


def test_straight_to_gunicorn_a_new_forwarded_address_each_try_still_locks(stack, front_desk):
    direct = Visitor(DIRECT, stack.gunicorn.port)
    tries = [direct.sign_in("fran", WRONG, forwarded=f"198.51.100.{n}") for n in range(5)]
    assert tries == [200] * 4 + [429]
    assert set(addresses(Action.SIGN_IN_FAILED)) == {DIRECT}


def test_past_the_load_balancer_to_nginx_a_forwarded_address_is_not_believed(stack, front_desk):
    Visitor(DIRECT, stack.proxy.port).sign_in("fran", WRONG, forwarded=FRAN)
    assert addresses(Action.SIGN_IN_FAILED) == [DIRECT]
