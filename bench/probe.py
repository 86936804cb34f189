"""The Django side of the benchmark: `python -m bench.probe TASK`, one JSON object on stdout.

run_bench.py calls it with DATABASE_URL set to one bench database:

    prepare   users, sessions and a token; the worklist cases (URLs) with their query
              counts; sample intakes; intake documents to submit; the alerts board's
              open and handled alerts, and drafts for the save-to-board latency
    sweep     the escalation sweep over many open emergency alerts, in this process
    cpu       where a worklist request's CPU time goes, in this process
    engine    triage + test suggestions alone, the database refused
    render    serve: render the summary of each intake id read from stdin again
    cleanup   delete what the submit benchmarks created
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.backends import ModelBackend  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Exists, OuterRef  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.middleware.csrf import get_token  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from accounts.models import StaffSettings  # noqa: E402
from accounts.roles import Role, sync_role_groups  # noqa: E402
from bench.generate.documents import random_document  # noqa: E402
from bench.generate.names import COMMON_SURNAMES  # noqa: E402
from bench.generate.submissions import submission_documents  # noqa: E402
from clinic import escalation, search_terms, submission  # noqa: E402
from clinic.clinician.worklist import (  # noqa: E402
    PAGE_SIZE,
    WorklistFilters,
    rows_etag,
    worklist_page,
)
from intake.document import parse_document  # noqa: E402
from intake.levels import Level  # noqa: E402
from intake.models import Intake, Patient  # noqa: E402
from reports.models import PreVisitSummary  # noqa: E402
from reports.pdf import render_summary_pdf, warm_up  # noqa: E402
from reports.suggestions import suggest_tests  # noqa: E402
from tests.builders import VIGNETTES, load_vignette  # noqa: E402
from tests.intake.factories import IntakeFactory  # noqa: E402
from tests.intake.formdata import red_flags, step_data  # noqa: E402
from triage.alerts import acknowledge_alert_on_board, escalate_after  # noqa: E402
from triage.engine import evaluate_triage  # noqa: E402
from triage.models import Alert  # noqa: E402

CLINICIAN, DESK = "bench-http-clinician", "bench-http-desk"
DEEP_PAGE = 200
Json = dict[str, Any]
Case = dict[str, str]  # a worklist page measured: its "path" and the session "cookie" to ask with
SEARCH_TOKEN = "bench-search"  # what the search form would put in the URL for the term
SADDLE = "saddle_numbness"  # the warning sign the desk answers "yes" to (an emergency)
BOARD_OPEN, BOARD_HANDLED = 50, 10  # the board at every size: open, acknowledged today


def _user(username: str, role: str) -> Any:
    user, created = get_user_model().objects.get_or_create(username=username)
    if created:
        user.set_unusable_password()  # signed in by session below, never by the login form
        user.save()
        user.groups.add(Group.objects.get(name=role))
    return user


def session_cookie(user: Any, search: str = "") -> str:
    """The cookies a signed-in browser sends: a session made directly (the login form would
    trip the lockout), with the worklist search `search` kept in it as the search form
    would, and the CSRF cookie the first page it loaded set (without it every page that
    holds a form would make and set a new one, which a browser's second page does not)."""
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if issubclass(import_string(path), ModelBackend)
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if search:
        store[search_terms.SESSION_KEY] = {SEARCH_TOKEN: search}
    store.create()
    first_page = HttpRequest()
    get_token(first_page)
    return (
        f"{settings.SESSION_COOKIE_NAME}={store.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={first_page.META['CSRF_COOKIE']}"
    )


def _deep_cursor() -> str | None:
    """The cursor of worklist page DEEP_PAGE, walked as a clinician would."""
    cursor = ""
    for _ in range(DEEP_PAGE - 1):
        cursor = worklist_page(WorklistFilters(), cursor=cursor).next_cursor
        if not cursor:
            return None
    return cursor


def worklist_cases(clinician: Any) -> dict[str, Case]:
    """The worklist pages measured, the same names at every size (the values may differ)."""
    today = timezone.localdate()
    known = (
        Patient.objects.exclude(mrn=None)
        .filter(intakes__status="submitted")
        .order_by("id")
        .values("given_name", "family_name", "mrn")
        .first()
    )
    rarest = (
        Patient.objects.filter(intakes__status="submitted")
        .values("family_name")
        .annotate(count=Count("id"))
        .order_by("count", "family_name")
        .values_list("family_name", flat=True)
        .first()
    )
    family = known["family_name"]
    typo = family[:-3] + family[-2] + family[-3] + family[-1]  # two letters swapped
    queries = {
        "first page": {},
        "filter: emergency": {"level": "emergency"},
        "filter: urgent": {"level": "urgent"},
        "filter: routine": {"level": "routine"},
        "filter: reviewed": {"reviewed": "yes"},
        "filter: not reviewed": {"reviewed": "no"},
        "filter: open flags": {"open_only": "on"},
        "filter: a week, 3 weeks ago": {
            "submitted_from": (today - dt.timedelta(days=21)).isoformat(),
            "submitted_to": (today - dt.timedelta(days=15)).isoformat(),
        },
        "filter: summary ready": {"summary_status": "ready"},
        "filter: summary pending": {"summary_status": "pending"},
        "filter: summary failed": {"summary_status": "failed"},
        "name: commonest surname": {"q": COMMON_SURNAMES[0]},
        "name: rarest surname": {"q": rarest},
        "name: full name": {"q": f"{known['given_name']} {family}"},
        "name: full name, typo": {"q": f"{known['given_name']} {typo}"},
        "MRN: exact": {"q": known["mrn"]},
        "MRN: prefix": {"q": known["mrn"][:-2]},
    }
    cursor = _deep_cursor()
    if cursor:
        queries[f"page {DEEP_PAGE}"] = {"after": cursor}
    # A name or MRN search lives in the session, as the search form leaves it (never in a URL).
    cases = {}
    for name, query in queries.items():
        search = query.pop("q", "")
        if search:
            query[search_terms.PARAMETER] = SEARCH_TOKEN
        cookie = session_cookie(clinician, search=search)
        cases[name] = {"path": f"/worklist/?{urlencode(query)}".rstrip("?"), "cookie": cookie}
    return cases


FRAGMENT = "first page, htmx refresh"  # the same URL, asked for by the 10-second poll


def queries_and_rows(cases: dict[str, Case]) -> tuple[dict[str, int], dict[str, int]]:
    """Each case's query count, and how many intakes its page lists."""
    counts, rows = {}, {}
    for case, page in {**cases, FRAGMENT: cases["first page"]}.items():
        client = Client()
        client.cookies.load(page["cookie"])
        headers = {"HX-Request": "true"} if case == FRAGMENT else {}
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"], headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{case}: {page['path']} answered {response.status_code}")
        counts[case] = len(queries)
        rows[case] = response.content.count(b"data-intake=")  # one per row (_worklist_rows.html)
    return counts, rows


def _draft(desk: Any) -> Intake:
    return IntakeFactory(entered_by=desk, channel=Intake.Channel.FRONT_DESK)


def _red_flags_post(intake: Intake, revision: int, **yes: bool) -> str:
    return urlencode(step_data("red-flags", red_flags(**yes), revision=revision), doseq=True)


def board(desk: Any, clinician: Any, saves: int) -> list[Json]:
    """The board as a busy day has it, raised as the desk raises alerts (the warning-signs
    step saved "yes"): BOARD_OPEN open and BOARD_HANDLED acknowledged today. And `saves`
    drafts more, each with the step's form posts: "yes", then "no" again (which withdraws
    the alert, so the board stays as it was for the next run)."""
    for n in range(BOARD_OPEN + BOARD_HANDLED):
        intake = submission.save_step(_draft(desk), by=desk, answers={SADDLE: True})
        if n < BOARD_HANDLED:
            acknowledge_alert_on_board(Alert.objects.get(intake=intake).pk, by=clinician)
    drafts = []
    for intake in (_draft(desk) for _ in range(saves)):
        drafts.append(
            {
                "intake": str(intake.pk),
                "path": reverse("intake:step", args=[intake.pk, "red-flags"]),
                "yes": _red_flags_post(intake, intake.revision, **{SADDLE: True}),
                "no": _red_flags_post(intake, intake.revision + 1),  # each save adds one
            }
        )
    return drafts


def prepare(documents: int, saves: int, seed: int) -> Json:
    cleanup()  # leftovers of an interrupted run
    sync_role_groups()
    clinician, desk = _user(CLINICIAN, Role.CLINICIAN), _user(DESK, Role.FRONT_DESK)
    cookie = session_cookie(clinician)
    drafts = board(desk, clinician, saves)
    desk_cookie = session_cookie(desk)
    cases = worklist_cases(clinician)
    queries, rows = queries_and_rows(cases)
    submitted = Intake.objects.exclude(status=Intake.Status.DRAFT)
    return {
        "clinician_cookie": cookie,
        "desk_cookie": desk_cookie,
        "desk_csrf": desk_cookie.rsplit("=", 1)[1],  # the form's token: the cookie's secret
        "drafts": drafts,
        "board": {"open": Alert.objects.open().count(), "handled today": BOARD_HANDLED},
        "token": Token.objects.get_or_create(user=desk)[0].key,
        "cases": cases,
        "fragment": FRAGMENT,
        "queries": queries,
        "rows": rows,
        "intakes": submitted.count(),
        "pages": -(-submitted.count() // PAGE_SIZE),
        "intake_ids": [str(pk) for pk in submitted.order_by("?").values_list("pk", flat=True)[:50]],
        "documents": submission_documents(documents, seed=seed, day=timezone.localdate()),
    }


def _cpu_ms(work: Callable[[], object], runs: int) -> float:
    """Median CPU time of this thread (not wall time: the machine is shared)."""
    for _ in range(3):
        work()
    times = []
    for _ in range(runs):
        start = time.thread_time()
        work()
        times.append((time.thread_time() - start) * 1000)
    return statistics.median(times)


def cpu(runs: int) -> Json:
    """The worklist request's CPU split: its query and rows, the rest, and the baselines."""
    client = Client()
    client.cookies.load(session_cookie(_user(CLINICIAN, Role.CLINICIAN)))

    refresh = {"HX-Request": "true"}
    etag = client.get("/worklist/", headers=refresh)["ETag"]
    unchanged = {**refresh, "If-None-Match": etag}
    return {
        "worklist request": _cpu_ms(lambda: client.get("/worklist/"), runs),
        "worklist htmx refresh, changed (200)": _cpu_ms(
            lambda: client.get("/worklist/", headers=refresh), runs
        ),
        # What most 10-second refreshes are: nothing shown changed, 304 and no rows drawn.
        "worklist htmx refresh, unchanged (304)": _cpu_ms(
            lambda: client.get("/worklist/", headers=unchanged), runs
        ),
        "rows_etag() (the refresh's one query)": _cpu_ms(
            lambda: rows_etag(WorklistFilters(), now=timezone.now()), runs
        ),
        "worklist_page() (query, rows, flags)": _cpu_ms(
            lambda: worklist_page(WorklistFilters()), runs
        ),
        "signed-in empty page": _cpu_ms(lambda: client.get("/__bench__/signed-in"), runs),
        "bare Django view": _cpu_ms(lambda: client.get("/__bench__/bare"), runs),
    }


def engine(count: int, seed: int) -> Json:
    """evaluate_triage + suggest_tests per document, with every database query refused."""
    rng = random.Random(seed)
    documents = [parse_document(load_vignette(path)["document"]) for path in VIGNETTES]
    levels = ("emergency",) * 3 + ("urgent",) * 12 + ("routine",) * 85
    documents += [
        parse_document(random_document(rng, rng.choice(levels)), today=dt.date(2400, 1, 1))
        for _ in range(300)
    ]
    refused: list[str] = []

    def refuse(execute: Any, sql: str, *args: Any) -> None:
        refused.append(sql)
        raise RuntimeError("the triage engine touched the database")

    # Wall time, and this thread's CPU time: on a shared machine a wall-clock p99 mostly
    # measures the scheduler (a preempted call waits a whole time slice, ~4 ms).
    wall, cpu = [], []
    with connection.execute_wrapper(refuse):
        for i in range(count):
            doc = documents[i % len(documents)]
            start, start_cpu = time.perf_counter_ns(), time.thread_time_ns()
            suggest_tests(doc, evaluate_triage(doc))
            cpu.append((time.thread_time_ns() - start_cpu) / 1000)
            wall.append((time.perf_counter_ns() - start) / 1000)
    return {"wall_us": wall, "cpu_us": cpu, "documents": len(documents), "queries": len(refused)}


def render() -> None:
    """Serve: read an intake id per line, render its ready summary again in this warm
    process, answer with one JSON line. run_bench interleaves this with the worker's
    renders, so both see the same machine load."""
    warm_up()
    for line in sys.stdin:
        summary = PreVisitSummary.objects.get(intake_id=line.strip(), status="ready")
        start = time.perf_counter()
        pages = render_summary_pdf(summary.content).pages
        ms = (time.perf_counter() - start) * 1000
        print(json.dumps({"ms": ms, "pages": pages}), flush=True)


def _steady_alerts(count: int, desk: Any, now: dt.datetime, rng: random.Random) -> list[Alert]:
    """`count` open emergency alerts on as many intakes, raised over the last 8 hours and
    e-mailed for every round they were owed (the sweep's steady state): each alert's next
    round is due within the next repeat interval, so a sweep every 30 s finds its share."""
    intakes = (
        Intake.objects.exclude(status=Intake.Status.DRAFT)
        .exclude(Exists(Alert.objects.open().filter(intake=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    alerts = []
    for intake_id in intakes.order_by("pk")[:count]:
        raised = now - escalate_after() - dt.timedelta(seconds=rng.uniform(1, 8 * 3600))
        owed = escalation.due_round(raised, now)
        alerts.append(
            Alert(
                intake_id=intake_id,
                level=Level.EMERGENCY,
                codes=[SADDLE],
                evidence=[f"red_flags.{SADDLE}"],
                channel=Intake.Channel.FRONT_DESK,
                raised_at=raised,
                raised_by=desk,
                next_escalation_at=raised + escalate_after() + owed * escalation.repeat_every(),
            )
        )
    return Alert.objects.bulk_create(alerts, batch_size=1000)


def sweep(count: int, runs: int, seed: int) -> Json:
    """`escalation.sweep()` with `count` open emergency alerts, one on-call clinician and
    e-mail to memory (the SMTP server's time is not the sweep's): after one to warm up, the
    sweeps a beat every 30 s runs over the next `runs` half-minutes, each finding its share
    of the alerts due and sending their e-mails, each followed by one that finds none."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    desk, clinician = _user(DESK, Role.FRONT_DESK), _user(CLINICIAN, Role.CLINICIAN)
    clinician.email = "bench-clinician@example.org"
    clinician.save(update_fields=["email"])
    StaffSettings.objects.update_or_create(user=clinician, defaults={"on_call": True})
    now = timezone.now()
    _steady_alerts(count, desk, now, random.Random(seed))
    try:
        escalation.sweep(now + dt.timedelta(seconds=30))  # warm-up: a beat's worker is warm
        due, idle, sent = [], [], 0
        for n in range(2, runs + 2):
            at = now + dt.timedelta(seconds=30 * n)
            start = time.perf_counter()
            result = escalation.sweep(at)
            due.append((time.perf_counter() - start) * 1000)
            sent += result.sent
            while escalation.sweep(at).sent:  # what one sweep's BATCH left, sent first
                pass
            start = time.perf_counter()
            assert escalation.sweep(at).sent == 0  # the same moment again: nothing is due
            idle.append((time.perf_counter() - start) * 1000)
        return {"alerts": count, "due_ms": due, "idle_ms": idle, "sent": sent, "runs": runs}
    finally:
        _delete_measured_alerts()


def _delete_measured_alerts() -> None:
    """The alerts raised on the generated intakes (the desk's drafts go with their alerts)."""
    Alert.objects.filter(raised_by__username=DESK).exclude(
        intake__entered_by__username=DESK
    ).delete()


def cleanup() -> Json:
    """Remove the intakes (and then patients) that the submit benchmarks created, and the
    alerts the board and the sweep were measured with."""
    _delete_measured_alerts()
    intakes = Intake.objects.filter(entered_by__username=DESK)
    patients = set(intakes.values_list("patient_id", flat=True))
    deleted = intakes.delete()[1].get("intake.Intake", 0)
    Patient.objects.filter(pk__in=patients, intakes__isnull=True).delete()
    return {"deleted": deleted}


def main() -> None:
    logging.disable(logging.WARNING)  # stdout carries the JSON; keep stderr quiet too
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=("prepare", "cpu", "engine", "render", "sweep", "cleanup"))
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--saves", type=int, default=0)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.task == "prepare":
        result = prepare(args.documents, args.saves, args.seed)
    elif args.task == "cpu":
        result = cpu(args.count)
    elif args.task == "engine":
        result = engine(args.count, args.seed)
    elif args.task == "render":
        render()
        return
    elif args.task == "sweep":
        result = sweep(args.count, args.runs, args.seed)
    else:
        result = cleanup()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
