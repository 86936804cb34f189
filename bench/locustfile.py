"""The load scenario, a busy clinic: front desks submitting intakes through the API, and
clinicians with the worklist open (its refresh and the emergency count poll as the page
does) who now and then open an intake whose summary is ready and download its PDF.
Run by bench/run_load.py (`make load`); think times are in docs/reliability.md.
"""

from __future__ import annotations

import copy
import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.stats import StatsEntry

VIGNETTES = [
    json.loads(path.read_text())["document"]
    for path in sorted((Path(__file__).parents[1] / "tests" / "data" / "vignettes").glob("*.json"))
]
TOKEN = os.environ["LOAD_FRONT_DESK_TOKEN"]
CLINICIAN_PASSWORD = os.environ["LOAD_CLINICIAN_PASSWORD"]
CLINICIANS = int(os.environ["LOAD_CLINICIANS"])
# One line per intake the API accepted (201): run_load.py checks each was stored once.
ACCEPTED = Path(os.environ["LOAD_ACCEPTED_FILE"])
FIGURES = Path(os.environ["LOAD_FIGURES_FILE"])
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INTAKE_LINK = re.compile(r'href="(/worklist/intakes/[0-9a-f-]{36}/)"')
PDF_LINK = re.compile(r'href="(/reports/intakes/[0-9a-f-]{36}/v\d+/summary\.pdf)"')
# Locust runs every user in this one process: a counter gives each clinician an account
# of its own, so no two share a session.
ACCOUNTS = itertools.count()


def percentile(entry: StatsEntry, fraction: float) -> int:
    # Locust keeps times rounded to 2 significant figures above 100 ms (412 ms as 410, 275
    # as 280): a percentile is shown no higher than the slowest request really took.
    return min(entry.get_response_time_percentile(fraction), round(entry.max_response_time))


@events.test_stop.add_listener
def write_figures(environment: Environment, **_: object) -> None:
    """Per-endpoint figures for run_load.py, written once every user has stopped (locust's
    own CSV files are rewritten every second and can miss the last requests)."""
    stats = environment.stats
    entries = sorted(stats.entries.values(), key=lambda entry: entry.name)
    endpoints = [
        {
            "name": "all requests" if entry is stats.total else entry.name,
            "requests": entry.num_requests,
            "failures": entry.num_failures,
            "median": percentile(entry, 0.5),
            "p95": percentile(entry, 0.95),
            "p99": percentile(entry, 0.99),
            "max": round(entry.max_response_time),
        }
        for entry in [*entries, stats.total]
    ]
    errors = [
        {"name": error.name, "error": str(error.error), "count": error.occurrences}
        for error in stats.errors.values()
    ]
    FIGURES.write_text(json.dumps({"endpoints": endpoints, "errors": errors}, indent=1))


class FrontDesk(HttpUser):
    """A front-desk integration submitting whole intakes, one every 10-30 s per desk."""

    weight = 1
    wait_time = between(10, 30)

    @task
    def submit_intake(self) -> None:
        document = copy.deepcopy(random.choice(VIGNETTES))
        # A new patient each time (no MRN, a unique name): a stored duplicate shows up as
        # two intakes under one name.
        document["patient"]["family_name"] = f"Load{uuid.uuid4().hex[:16]}"
        document.pop("reported_on", None)  # today: recent-injury dates stay meaningful
        with self.client.post(
            "/api/v1/intakes",
            json=document,
            headers={"Authorization": f"Token {TOKEN}"},
            name="POST /api/v1/intakes",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"status {response.status_code}")
                return
            with ACCEPTED.open("a") as accepted:
                accepted.write(response.json()["id"] + "\n")


class Clinician(HttpUser):
    """A clinician with the worklist open, reviewing an intake about once a minute.

    Task weights match the page's own polling: the worklist rows every 10 s, the
    emergency count every 15 s; with a 3-8 s wait between tasks that is about one
    poll of each per 10 and 15 s, and one intake (3 requests) per minute.
    """

    weight = 4
    wait_time = between(3, 8)

    def on_start(self) -> None:
        username = f"load-clinician-{next(ACCOUNTS) % CLINICIANS}"
        page = self.client.get("/login/", name="GET /login/")
        token = CSRF_FIELD.search(page.text)
        with self.client.post(
            "/login/",
            {
                "username": username,
                "password": CLINICIAN_PASSWORD,
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            name="POST /login/ (→ worklist)",
            catch_response=True,
        ) as response:
            # A refused sign-in answers 200 with the form again; a good one lands on the worklist.
            if not response.url.endswith("/worklist/"):
                response.failure(f"not signed in (status {response.status_code})")

    def _get(
        self, path: str, name: str, *, poll: bool = False, expect: re.Pattern[str] | None = None
    ) -> str | None:
        """The page's text, or None after counting a failure: an error status, a sign-in
        page served with 200 in place of the page (signed out), or `expect` not found."""
        headers = {"HX-Request": "true"} if poll else {}
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif "/login/" in response.url or "HX-Redirect" in response.headers:
                response.failure("signed out")
            elif expect and not expect.search(response.text):
                response.failure(f"no match for {expect.pattern}")
            else:
                return response.text
        return None

    @task(6)
    def poll_worklist(self) -> None:
        self._get("/worklist/", "GET /worklist/ (10 s refresh)", poll=True)

    @task(4)
    def poll_emergency_count(self) -> None:
        self._get("/worklist/emergencies/count/", "GET emergency count (15 s poll)", poll=True)

    @task(1)
    def review_intake(self) -> None:
        """Filter the worklist to ready summaries, open one, download its PDF."""
        worklist = self._get("/worklist/?summary_status=ready", "GET /worklist/?summary=ready")
        links = INTAKE_LINK.findall(worklist or "")
        if not links:
            return  # nothing ready yet (the first seconds of the run)
        # Listed as ready, so its page must offer the PDF.
        page = self._get(random.choice(links), "GET /worklist/intakes/<id>/", expect=PDF_LINK)
        if page is None:
            return
        pdf, name = PDF_LINK.search(page).group(1), "GET /reports/…/summary.pdf"
        with self.client.get(pdf, name=name, catch_response=True) as response:
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                response.failure(f"status {response.status_code}, not a PDF")
