"""`make load`: 50 simulated users for 2 minutes against gunicorn + PostgreSQL + Redis + a worker.

Sets up its own database (`load_test`) and Redis db 6, runs locust headless, then checks
that every accepted intake is stored once and every summary ends ready, and writes the
figures into docs/reliability.md between its load markers.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DATABASE_URL = os.environ.get("LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/load_test")
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/6")
USERS = int(os.environ.get("LOAD_USERS", "50"))
DURATION = os.environ.get("LOAD_DURATION", "2m")
PORT = int(os.environ.get("LOAD_PORT", "8781"))
PASSWORD = "load-test-password-2026"
DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- load:start -->", "<!-- load:end -->"

ENV = {**os.environ, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL, "DEBUG": "false",
       "LOG_LEVEL": "WARNING"}  # fmt: skip

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

CHECK = """
from django.db.models import Count
from intake.models import Intake
from reports.models import PreVisitSummary
intakes = Intake.objects.exclude(status="draft")
duplicates = intakes.values("patient__family_name").annotate(n=Count("id")).filter(n__gt=1).count()
statuses = dict(PreVisitSummary.objects.values_list("status").annotate(n=Count("id")))
print("RESULT", intakes.count(), duplicates, statuses.get("pending", 0), statuses.get("ready", 0),
      statuses.get("failed", 0))
"""


def manage(*args: str, stdin: str | None = None) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, input=stdin,
                            capture_output=True, text=True, check=True)  # fmt: skip
    return result.stdout


def reset_database() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    admin = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", admin, "-qc", sql], check=True)
    subprocess.run(["redis-cli", "-u", REDIS_URL, "flushdb"], check=True, capture_output=True)


def main() -> int:
    reset_database()
    manage("migrate", "--noinput", "-v", "0")
    token = next(line.split()[1] for line in manage("shell", stdin=SETUP).splitlines()
                 if line.startswith("TOKEN"))  # fmt: skip
    logs = Path(tempfile.mkdtemp(prefix="legintake-load-"))
    worker = subprocess.Popen(
        [PYTHON, "-m", "celery", "-A", "config", "worker", "-P", "prefork", "-c", "2",
         "-Q", "default,summaries", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=ROOT, env=ENV, stdout=(logs / "worker.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    web = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "config.wsgi", "-w", "3", "-b", f"127.0.0.1:{PORT}",
         "--timeout", "60"],
        cwd=ROOT, env=ENV, stdout=(logs / "web.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        time.sleep(5)
        subprocess.run(
            [PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(USERS), "-r", "10", "-t", DURATION, "--host", f"http://127.0.0.1:{PORT}",
             "--csv", str(logs / "load"), "--only-summary"],
            cwd=ROOT, check=False,
            env={**ENV, "LOAD_FRONT_DESK_TOKEN": token, "LOAD_CLINICIAN_PASSWORD": PASSWORD,
                 "LOAD_CLINICIANS": str(USERS)},
        )  # fmt: skip
        drained_after = drain()
        result = manage("shell", stdin=CHECK)
    finally:
        web.terminate()
        worker.terminate()
        web.wait(30)
        worker.wait(60)
    counts = next(line.split()[1:] for line in result.splitlines() if line.startswith("RESULT"))
    write_report(load_stats(logs / "load_stats.csv"), [int(n) for n in counts], drained_after)
    print(f"load report written to {DOC}; logs in {logs}")
    return 0


def drain(limit: float = 900) -> float:
    """Seconds until no summary is pending (the worker catching up after the load)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        pending = manage("shell", "-c", "from reports.models import PreVisitSummary as S; "
                         "print(S.objects.filter(status='pending').count())").strip()  # fmt: skip
        if pending == "0":
            break
        time.sleep(5)
    return time.monotonic() - started


def load_stats(path: Path) -> list[dict[str, str]]:
    with path.open() as stats:
        return list(csv.DictReader(stats))


def write_report(rows: list[dict[str, str]], counts: list[int], drained_after: float) -> None:
    intakes, duplicates, pending, ready, failed = counts
    accepted = next(
        (int(r["Request Count"]) - int(r["Failure Count"]) for r in rows
         if r["Name"] == "POST /api/v1/intakes"), 0,
    )  # fmt: skip
    lines = [
        START,
        f"Measured {time.strftime('%Y-%m-%d %H:%M')} with `make load`: {USERS} users for "
        f"{DURATION} against gunicorn (3 workers) + PostgreSQL + Redis + one Celery worker "
        f"(2 processes) on this 2-core machine (load average {os.getloadavg()[0]:.1f} at the end).",
        "",
        "| endpoint | requests | failures | median ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['Median Response Time']} | {row['95%']} | {row['99%']} |"
        )
    lines += [
        "",
        f"Intakes accepted by the API: {accepted}; stored: {intakes} "
        f"(lost: {max(accepted - intakes, 0)}); duplicates: {duplicates}.",
        f"Summaries: {ready} ready, {failed} failed, {pending} still pending; the worker "
        f"finished the backlog {drained_after:.0f} s after the load stopped.",
        END,
    ]
    text = DOC.read_text() if DOC.exists() else f"# Reliability\n\n{START}\n{END}\n"
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    DOC.write_text(before + "\n".join(lines) + after)


if __name__ == "__main__":
    sys.exit(main())
