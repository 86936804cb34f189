"""The production image, replayed without a Docker engine (docs/decisions/0010).

The wheel is built from exactly the files the Dockerfile's first stage copies, installed
in a fresh virtualenv with the pinned versions, and run outside the source tree as the
last stage runs it: its own collectstatic command, `check --deploy`, migrate, gunicorn
with its CMD and a Celery worker, with DJANGO_ENV=production and DEBUG off. Nothing
here imports the project from the development virtualenv.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from tests.config.dockerfile import ROOT, runtime_stage, wheel_stage
from tests.integration.throwaway import ThrowawayRedis, free_port, wait_until
from tests.services import unavailable

HOST = "clinic.example.org"
DATABASE = "legintake_wheel"
PASSWORD = secrets.token_urlsafe(16)
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")  # ManifestStaticFilesStorage's names
# docker-compose's two worker pools, in one process.
WORKER = shlex.split(
    "celery -A config worker -P prefork -c 1 -Q default,summaries --without-gossip --without-mingle"
)
EMERGENCY = json.loads((ROOT / "tests/data/vignettes/02-bladder-loss.json").read_text())

# Users for the smoke, made with the installed package's own models and role groups.
ADD_USERS = """
import os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from accounts.roles import Role
users = get_user_model().objects
clinician = users.create_user("casey", password=os.environ["SMOKE_PASSWORD"])
clinician.groups.add(Group.objects.get(name=Role.CLINICIAN))
desk = users.create_user("fran")
desk.groups.add(Group.objects.get(name=Role.FRONT_DESK))
print(Token.objects.create(user=desk).key)
"""


def postgres_url(database: str) -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{database}"


def run(command: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 300) -> str:
    result = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{command[:3]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@dataclass
class Installed:
    """The wheel installed in its own virtualenv, with the environment the image gives it."""

    folder: Path
    static_root: Path
    base_env: dict[str, str]

    @property
    def bin(self) -> Path:
        return self.folder / "venv" / "bin"

    def production_env(self, **extra: str) -> dict[str, str]:
        return {
            **self.base_env,
            "DJANGO_ENV": "production",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "ALLOWED_HOSTS": HOST,
            "CLINIC_NAME": "Riverside Neurology",
            "CLINIC_PHONE": "(617) 555-0123",
            "PUBLIC_BASE_URL": f"https://{HOST}",
            "EMAIL_HOST": "127.0.0.1",
            **extra,
        }

    def django_admin(self, *args: str, env: dict[str, str]) -> str:
        return run([str(self.bin / "django-admin"), *args], env=env, cwd=self.folder / "run")


def copy_build_context(source: Path) -> Path:
    """Only what the image's first stage copies, so nothing else can slip into the wheel."""
    source.mkdir()
    for name in wheel_stage().copied_from_context():
        if (ROOT / name).is_dir():
            shutil.copytree(
                ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(ROOT / name, source / name)
    return source


@pytest.fixture(scope="module")
def installed(postgresql, tmp_path_factory) -> Installed:
    """Stage one (build the wheel), then stage two up to its collectstatic."""
    folder = tmp_path_factory.mktemp("wheel")
    source = copy_build_context(folder / "source")
    (folder / "run").mkdir()  # a working directory with no project in it
    base_env = {
        # The machine's pip settings (its package index), and nothing else of this process.
        **{name: value for name, value in os.environ.items() if name.startswith("PIP_")},
        "PATH": f"{folder / 'venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(folder),
        "LANG": "C.UTF-8",
        **runtime_stage().env(),
        "STATIC_ROOT": str(folder / "static"),
        "PRIVATE_FILES_ROOT": str(folder / "private"),
    }
    # The development venv's Python only lends its interpreter: venv starts from the base one.
    run([sys.executable, "-m", "venv", str(folder / "venv")], env=base_env, cwd=folder)
    pip = [str(folder / "venv" / "bin" / "pip"), "--disable-pip-version-check", "-q"]
    run(
        [*pip, "wheel", "--no-deps", "-w", str(folder / "wheels"), str(source)],
        env=base_env,
        cwd=folder,
    )
    [wheel] = (folder / "wheels").glob("legintake-*.whl")
    run(
        [*pip, "install", "-c", str(ROOT / "constraints.txt"), str(wheel)], env=base_env, cwd=folder
    )
    # The Dockerfile's own command, its placeholder settings inline, as `RUN` runs it.
    run(
        ["/bin/sh", "-c", runtime_stage().run_with("collectstatic")],
        env=base_env,
        cwd=folder / "run",
    )
    return Installed(folder=folder, static_root=folder / "static", base_env=base_env)


@pytest.fixture(scope="module")
def postgresql() -> None:
    # The module's fixtures run before the integration pass's per-test check: check here too.
    if connection.vendor != "postgresql":
        unavailable("the production smoke needs DATABASE_URL pointing at PostgreSQL")


@pytest.fixture(scope="module")
def database_url(postgresql):
    statements = [
        sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)),
        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)),
    ]
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as server:
        for statement in statements:
            server.execute(statement)
    yield postgres_url(DATABASE)
    with psycopg.connect(postgres_url("postgres"), autocommit=True) as server:
        server.execute(statements[0])


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Client:
    """Plain HTTP to gunicorn, as the TLS proxy forwards it: the allowed Host and
    `X-Forwarded-Proto: https`. Keeps its cookies itself, Secure ones included."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, **headers: str):
        sent = {"Host": HOST, "X-Forwarded-Proto": "https", **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        server = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            server.request(method, path, body=body, headers=sent)
            answer = server.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            server.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update({name: m.value for name, m in SimpleCookie(header).items()})
        return response

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, **headers)


@dataclass
class Site:
    port: int
    desk_token: str

    def client(self) -> Client:
        return Client(self.port)


def start(command: list[str], *, env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the group this test started (gunicorn's or the worker's children too)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@pytest.fixture(scope="module")
def site(installed, database_url):
    """Migrated, two users, then gunicorn (the image's CMD, on a free local port) and a
    worker on a Redis of its own: the deployment, minus the proxy and the engine."""
    redis = ThrowawayRedis(installed.folder)
    redis.start()
    env = installed.production_env(
        DATABASE_URL=database_url, REDIS_URL=redis.url, SMOKE_PASSWORD=PASSWORD
    )
    installed.django_admin("migrate", "--noinput", env=env)
    token = installed.django_admin("shell", "-c", ADD_USERS, env=env).split()[-1]
    port = free_port()
    command = runtime_stage().cmd()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    run_dir = installed.folder / "run"
    server_log, worker_log = installed.folder / "gunicorn.log", installed.folder / "worker.log"
    processes = [
        start(command, env=env, cwd=run_dir, log=server_log),
        start(WORKER, env=env, cwd=run_dir, log=worker_log),
    ]

    def healthy() -> bool:
        try:
            return Client(port).get("/healthz").status == 200
        except OSError:  # not listening yet
            return False

    try:
        wait_until(healthy, 90, "gunicorn did not answer /healthz")
        yield Site(port=port, desk_token=token)
    finally:
        for process in processes:
            stop(process)
        redis.stop()
        for log in (server_log, worker_log):  # on failure, pytest shows what they said
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}")


class Assets(HTMLParser):
    """The stylesheets, scripts and images a page names."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"link": "href", "script": "src", "img": "src"}.get(tag)
        self.urls += [value for name, value in attrs if name == wanted and value]


def assert_assets_answer(client: Client, page: Response) -> list[str]:
    urls = Assets(page.text).urls
    static = [url for url in urls if url.startswith("/static/")]
    assert static and static == urls  # everything from our own static files, nothing else
    for url in static:
        assert HASHED.search(url), url  # the manifest's name, cacheable for ever
        asset = client.get(url)
        assert asset.status == 200, url
        assert "immutable" in asset.headers["Cache-Control"], url
    return static


def sign_in(site: Site) -> Client:
    client = site.client()
    page = client.get("/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    form = f"csrfmiddlewaretoken={token}&username=casey&password={quote(PASSWORD)}"
    signed_in = client.request(
        "POST",
        "/login/",
        form.encode(),
        **{"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{HOST}"},
    )
    assert signed_in.status == 302, signed_in.text[:500]
    cookies = signed_in.headers.get_all("Set-Cookie")
    assert cookies and all("; Secure" in cookie for cookie in cookies)  # HTTPS-only cookies
    return client


def submit_emergency(site: Site) -> str:
    """Through the REST API, as a front-desk system would: the PDF is rendered by the worker."""
    answer = site.client().request(
        "POST",
        "/api/v1/intakes",
        json.dumps(EMERGENCY["document"]).encode(),
        **{"Content-Type": "application/json", "Authorization": f"Token {site.desk_token}"},
    )
    assert answer.status == 201, answer.text[:500]
    return json.loads(answer.body)["id"]


def test_collectstatic_under_production_settings_writes_hashed_names_and_the_maps(installed):
    manifest = json.loads((installed.static_root / "staticfiles.json").read_text())["paths"]
    for name in ("vendor/bootstrap.min.css", "vendor/bootstrap.bundle.min.js", "app/app.js"):
        assert HASHED.search(manifest[name]), name
    assert "vendor/bootstrap.min.css.map" in manifest
    assert (installed.static_root / manifest["vendor/bootstrap.min.css"]).is_file()


def test_the_deployment_check_is_clean_under_production_settings(installed, database_url):
    env = installed.production_env(DATABASE_URL=database_url)
    output = installed.django_admin("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert "no issues" in output


def test_the_login_page_and_every_asset_it_names_answer_200(site):
    client = site.client()
    page = client.get("/login/")
    assert page.status == 200
    assert "max-age=31536000" in page.headers["Strict-Transport-Security"]
    assert len(assert_assets_answer(client, page)) >= 6  # Bootstrap, htmx and the app's own


def test_plain_http_is_sent_to_https(site):
    answer = site.client().request("GET", "/login/", **{"X-Forwarded-Proto": "http"})
    assert answer.status == 301
    assert answer.headers["Location"] == f"https://{HOST}/login/"


def test_a_clinician_signs_in_and_the_worklist_shows_the_emergency_with_its_assets(site):
    intake_id = submit_emergency(site)
    client = sign_in(site)
    assert client.get("/").headers["Location"] == "/worklist/"
    worklist = client.get("/worklist/")
    assert worklist.status == 200
    assert f'data-intake="{intake_id}"' in worklist.text
    assert_assets_answer(client, worklist)


def test_the_worker_renders_the_summary_and_the_clinician_downloads_the_pdf(site):
    intake_id = submit_emergency(site)
    desk = {"Authorization": f"Token {site.desk_token}"}
    # The summary is clinical: the desk's read of the intake leaves it out (issue 14, item 2).
    desk_read = json.loads(site.client().get(f"/api/v1/intakes/{intake_id}", **desk).body)
    assert "summary" not in desk_read and desk_read["triage"]["level"] == "emergency"
    clinician = sign_in(site)
    summary = {}

    def ready() -> bool:
        nonlocal summary
        answer = clinician.get(f"/api/v1/intakes/{intake_id}")
        summary = json.loads(answer.body)["summary"]
        assert summary["status"] in {"pending", "ready"}, summary
        return summary["status"] == "ready"

    wait_until(ready, 90, "the summary did not become ready")
    pdf = clinician.get(summary["pdf_url"])
    assert pdf.status == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.body.startswith(b"%PDF-")
