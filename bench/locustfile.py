"""The load scenario: front desk submitting intakes, clinicians polling the worklist,
opening intakes and downloading PDFs. Run by bench/run_load.py (`make load`).
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

VIGNETTES = [
    json.loads(path.read_text())["document"]
    for path in sorted((Path(__file__).parents[1] / "tests" / "data" / "vignettes").glob("*.json"))
]
TOKEN = os.environ["LOAD_FRONT_DESK_TOKEN"]
CLINICIAN_PASSWORD = os.environ["LOAD_CLINICIAN_PASSWORD"]
INTAKE_LINK = re.compile(r'href="(/worklist/intakes/[0-9a-f-]{36}/)"')
PDF_LINK = re.compile(r'href="(/reports/intakes/[0-9a-f-]{36}/v\d+/summary\.pdf)"')


class FrontDesk(HttpUser):
    """Submits whole intakes through the API, as a front-desk integration would."""

    weight = 2
    wait_time = between(5, 10)  # a busy desk; PDFs are rendered by one small worker

    @task
    def submit_intake(self) -> None:
        document = copy.deepcopy(random.choice(VIGNETTES))
        document["patient"]["family_name"] = f"Load{random.randrange(10**9)}"
        document.pop("reported_on", None)  # today: recent-injury dates stay meaningful
        self.client.post(
            "/api/v1/intakes",
            json=document,
            headers={"Authorization": f"Token {TOKEN}"},
            name="POST /api/v1/intakes",
        )


class Clinician(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        number = random.randrange(int(os.environ.get("LOAD_CLINICIANS", "10")))
        page = self.client.get("/login/", name="GET /login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/login/",
            {"username": f"load-clinician-{number}", "password": CLINICIAN_PASSWORD,
             "csrfmiddlewaretoken": token},
            name="POST /login/",
        )  # fmt: skip

    @task(5)
    def poll_worklist(self) -> None:
        self.client.get("/worklist/", headers={"HX-Request": "true"}, name="GET /worklist/ (poll)")

    @task(2)
    def open_intake_and_pdf(self) -> None:
        worklist = self.client.get("/worklist/", name="GET /worklist/")
        links = INTAKE_LINK.findall(worklist.text)
        if not links:
            return
        page = self.client.get(random.choice(links), name="GET /worklist/intakes/<id>/")
        pdf = PDF_LINK.search(page.text)
        if pdf:
            self.client.get(pdf.group(1), name="GET /reports/…/summary.pdf")
