"""`make load`: 50 simulated users for 2 minutes against gunicorn + PostgreSQL + Redis + a worker.

Sets up its own database (`load_test`) and Redis db 6, runs bench/locustfile.py headless,
waits (within a bound) for the worker to finish the summaries, then checks that every
intake the API accepted is stored once and every summary ended ready, and writes the
figures into docs/reliability.md between its load markers. Exits 1 when any request
failed or any of those checks did not hold.

LOAD_USERS and LOAD_DURATION shorten a debugging run (e.g. 10 and 30s); LOAD_DRAIN_LIMIT
bounds the wait for the backlog (seconds, default 300).
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/load_test")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/6")
USERS = int(os.environ.get("LOAD_USERS", "50"))
DURATION = os.environ.get("LOAD_DURATION", "2m")
# Staff sign in over the first seconds, not all at once: a sign-in is an Argon2 hash
# (~0.2 s of CPU by design), and 40 of them in 4 s would measure little but that.
SPAWN_RATE = float(os.environ.get("LOAD_SPAWN_RATE", "2"))
RAMP_SECONDS = math.ceil(USERS / SPAWN_RATE)
DRAIN_LIMIT = float(os.environ.get("LOAD_DRAIN_LIMIT", "300"))
PORT = int(os.environ.get("LOAD_PORT", "8781"))
WEB_WORKERS = 3
PASSWORD = "load-test-password-2026"
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
}

SETUP = f"""
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from accounts.roles import Role, sync_role_groups
from django.contrib.auth.models import Group
sync_role_groups()
desk, _ = User.objects.get_or_create(username="load-desk")
desk.groups.add(Group.objects.get(name=Role.FRONT_DESK))
print("TOKEN", Token.objects.get_or_create(user=desk)[0].key)
for number in range({USERS}):
    user, _ = User.objects.get_or_create(username=f"load-clinician-{{number}}")
    user.set_password("{PASSWORD}")
    user.save()
    user.groups.add(Group.objects.get(name=Role.CLINICIAN))
"""

PENDING = "SELECT count(*) FROM reports_previsitsummary WHERE status = 'pending'"
# Each load submission is a new patient with a unique family name (bench/locustfile.py):
# the intakes stored beyond the first under one name.
DUPLICATES = """
SELECT coalesce(sum(n - 1), 0)::int FROM (
    SELECT count(*) AS n FROM intake_intake i JOIN intake_patient p ON p.id = i.patient_id
    WHERE i.status <> 'draft' GROUP BY p.family_name
) AS per_name
"""
NO_SUMMARY = """
SELECT count(*) FROM intake_intake i WHERE i.status <> 'draft' AND NOT EXISTS (
    SELECT 1 FROM reports_previsitsummary s
    WHERE s.intake_id = i.id AND s.intake_version = i.version
)
"""
# From the summary row's insert, in the submit request's transaction, to its ready_at.
READY_LATENCY = """
SELECT count(*),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY ready_at - created_at),
       percentile_disc(0.95) WITHIN GROUP (ORDER BY ready_at - created_at),
       max(ready_at - created_at)
FROM reports_previsitsummary WHERE status = 'ready'
"""


@dataclass(frozen=True)
class Outcome:
    accepted: int  # 201 answers from the API, by intake id
    stored: int  # of those, stored and submitted
    stored_in_all: int  # every submitted intake in the database
    duplicates: int  # extra copies of one submission
    statuses: dict[str, int]
    without_summary: int
    retried: int  # summaries that needed more than one attempt
    pending_at_stop: int
    drained_after: float | None  # None: still pending when the drain bound ran out
    latency_ms: tuple[int, int, int, int]  # n, median, p95, max

    @property
    def lost(self) -> int:
        return self.accepted - self.stored

    @property
    def unanswered(self) -> int:
        """Stored, but the API's 201 never reached the user, and not a duplicate."""
        return self.stored_in_all - self.stored - self.duplicates

    def problems(self) -> list[str]:
        checks = {
            "intakes lost": self.lost,
            "intakes stored without a 201": self.unanswered,
            "duplicate intakes": self.duplicates,
            "intakes without a summary": self.without_summary,
            "summaries failed": self.statuses.get("failed", 0),
            "summaries still pending": self.statuses.get("pending", 0),
        }
        return [f"{name}: {count}" for name, count in checks.items() if count]


def seconds(timespan: str) -> int:
    """A run time as locust writes it: 90, 90s, 2m, 1m30s, 1h. (Not locust's own parser:
    importing locust monkey-patches this process for gevent.)"""
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?", timespan.strip())
    if not timespan.strip() or parts is None:
        raise ValueError(f"a run time like 2m, 30s or 1m30s, not {timespan!r}")
    hours, minutes, secs = (int(part or 0) for part in parts.groups())
    return hours * 3600 + minutes * 60 + secs


def manage(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=ENV,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def query(sql: str, *params: object) -> list[tuple]:
    with psycopg.connect(DATABASE_URL) as connection:
        return connection.execute(sql, params).fetchall()


def reset_database() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", sql], check=True)
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)


def get(path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def wait_until_ready(limit: float = 90) -> None:
    """The web answers and the worker takes tasks; then every gunicorn worker has served a
    page, so the first users do not pay for its imports (production has been up a while)."""
    deadline = time.monotonic() + limit
    while True:
        try:
            if get("/healthz") == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("gunicorn did not answer /healthz")
        time.sleep(0.5)
    ping = [PYTHON, "-m", "celery", "-A", "config", "inspect", "ping", "--timeout", "5"]
    while subprocess.run(ping, cwd=ROOT, env=ENV, capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise RuntimeError("the Celery worker did not answer a ping")
    with ThreadPoolExecutor(WEB_WORKERS) as pool:
        list(pool.map(get, ["/login/"] * 4 * WEB_WORKERS))


def drain(limit: float) -> float | None:
    """Seconds until no summary is pending (the worker catching up after the load), or
    None when some still are after `limit`."""
    started = time.monotonic()
    while query(PENDING)[0][0]:
        if time.monotonic() - started > limit:
            return None
        time.sleep(1)
    return time.monotonic() - started


def outcome(accepted: list[uuid.UUID], pending_at_stop: int, drained: float | None) -> Outcome:
    (n, median, p95, longest), *_ = query(READY_LATENCY)

    def ms(interval: timedelta | None) -> int:
        return round(interval.total_seconds() * 1000) if interval is not None else 0

    return Outcome(
        accepted=len(accepted),
        stored=query(
            "SELECT count(*) FROM intake_intake WHERE status <> 'draft' AND id = ANY(%s)",
            accepted,
        )[0][0],
        stored_in_all=query("SELECT count(*) FROM intake_intake WHERE status <> 'draft'")[0][0],
        duplicates=query(DUPLICATES)[0][0],
        statuses=dict(query("SELECT status, count(*) FROM reports_previsitsummary GROUP BY 1")),
        without_summary=query(NO_SUMMARY)[0][0],
        retried=query("SELECT count(*) FROM reports_previsitsummary WHERE attempts > 1")[0][0],
        pending_at_stop=pending_at_stop,
        drained_after=drained,
        latency_ms=(n, ms(median), ms(p95), ms(longest)),
    )


def stop(process: subprocess.Popen, grace: float) -> None:
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    load_before = os.getloadavg()
    reset_database()
    manage("migrate", "--noinput", "-v", "0")
    token = next(
        line.split()[1]
        for line in manage("shell", stdin=SETUP).splitlines()
        if line.startswith("TOKEN")
    )
    logs = Path(tempfile.mkdtemp(prefix="legintake-load-"))
    accepted_file, figures_file = logs / "accepted.txt", logs / "figures.json"
    accepted_file.touch()
    # The throwaway database's PDFs stay beside its logs, out of the project's var/private.
    services_env = {**ENV, "PRIVATE_FILES_ROOT": str(logs / "private")}
    worker = subprocess.Popen(
        # -B: the sweeper's beat inside the one worker, as production runs it beside the workers.
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            "2",
            "-Q",
            "default,summaries",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "INFO",
            "-B",
            "-s",
            str(logs / "celerybeat-schedule"),
        ],
        cwd=ROOT,
        env=services_env,
        stdout=(logs / "worker.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    web = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-w",
            str(WEB_WORKERS),
            "-b",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "60",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=services_env,
        stdout=(logs / "web.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_ready()
        subprocess.run(
            # The full DURATION at USERS users after the ramp; at the end each user finishes
            # the task it is in (--stop-timeout), so no request is cut off half-way.
            [
                PYTHON,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(SPAWN_RATE),
                "-t",
                f"{RAMP_SECONDS + seconds(DURATION)}s",
                "--stop-timeout",
                "30",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--only-summary",
            ],
            cwd=ROOT,
            check=False,
            env={
                **ENV,
                "LOAD_FRONT_DESK_TOKEN": token,
                "LOAD_CLINICIAN_PASSWORD": PASSWORD,
                "LOAD_CLINICIANS": str(USERS),
                "LOAD_ACCEPTED_FILE": str(accepted_file),
                "LOAD_FIGURES_FILE": str(figures_file),
            },
        )
        load_after = os.getloadavg()
        pending_at_stop = query(PENDING)[0][0]
        drained = drain(DRAIN_LIMIT)
        accepted = [uuid.UUID(line) for line in accepted_file.read_text().split()]
        result = outcome(accepted, pending_at_stop, drained)
    finally:
        stop(web, 30)
        stop(worker, 60)
    figures = json.loads(figures_file.read_text())
    write_report(figures, result, load_before, load_after)
    print(f"load report written to {DOC}; logs in {logs}")
    problems = result.problems()
    if figures["errors"]:
        problems.append("failed requests: see the report")
    for problem in problems:
        print(f"NOT MET: {problem}", file=sys.stderr)
    return 1 if problems else 0


def write_report(
    figures: dict[str, list[dict]],
    result: Outcome,
    load_before: tuple[float, float, float],
    load_after: tuple[float, float, float],
) -> None:
    statuses = result.statuses
    n, median, p95, longest = result.latency_ms
    if result.drained_after is None:
        backlog = (
            f"{result.pending_at_stop} summaries pending when the load stopped, **"
            f"{statuses.get('pending', 0)} still pending {DRAIN_LIMIT:.0f} s later** (the wait's "
            "bound)"
        )
    elif result.pending_at_stop:
        backlog = (
            f"{result.pending_at_stop} summaries pending when the load stopped, all done "
            f"{result.drained_after:.0f} s later"
        )
    else:
        backlog = "no summary pending when the load stopped"
    lines = [
        START,
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `make load`: {USERS} users, "
        f"started {SPAWN_RATE:g} a second ({RAMP_SECONDS} s), then {DURATION} at {USERS}, against "
        f"gunicorn ({WEB_WORKERS} sync workers) + PostgreSQL + Redis + one Celery worker "
        "(2 processes, queues `default` and `summaries`, beat embedded) on this 2-core machine; "
        f"load average {load_before[0]:.1f} before the run, {load_after[0]:.1f} when the load "
        "stopped. Response times in ms, from locust (its percentiles are rounded to 2 "
        "significant figures above 100 ms).",
        "",
        "| endpoint | requests | failures | median | p95 | p99 | max |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {e['name']} | {e['requests']} | {e['failures']} | {e['median']} | {e['p95']} | "
            f"{e['p99']} | {e['max']} |"
            for e in figures["endpoints"]
        ),
        "",
        *(f"- Failed: {e['name']}: {e['error']}, {e['count']} of them." for e in figures["errors"]),
        f"- Intakes: {result.accepted} accepted by the API (201); {result.stored} of them "
        f"stored, {result.lost} lost; {result.duplicates} duplicates; {result.unanswered} "
        "stored without a 201.",
        f"- Summaries: {statuses.get('ready', 0)} ready, {statuses.get('failed', 0)} failed, "
        f"{statuses.get('pending', 0)} pending, {statuses.get('superseded', 0)} superseded; "
        f"{result.without_summary} intakes without one; {result.retried} needed a second "
        "attempt.",
        f"- Backlog: {backlog}.",
        f"- Submit → PDF ready under the load (the summary row's insert in the submit request "
        f"to its `ready_at`): median {median} ms, p95 {p95} ms, max {longest} ms (n = {n}).",
        END,
    ]
    text = DOC.read_text() if DOC.exists() else f"# Reliability\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(before + "\n".join(lines) + after)


if __name__ == "__main__":
    sys.exit(main())
