"""`make bench`: the benchmark suite against PostgreSQL and Redis; writes docs/performance.md.

    .venv/bin/python bench/run_bench.py [--report-only]

Environment (all optional):
    BENCH_SIZES="1000 1000000"   intakes per database: bench_1k, bench_1m, ...
    BENCH_QUICK=1                a smoke run: sizes "1000 20000" unless BENCH_SIZES; few runs
    BENCH_REGENERATE=1           regenerate the databases even when they match
    BENCH_SEED=2026
    BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432   the server for the bench databases
    BENCH_REDIS_URL=redis://127.0.0.1:6379/5            broker for the worker under test
    BENCH_PORT=8771              first port for gunicorn (one server per size)
    BENCH_OUTPUT=docs/performance.md

A database is reused when its comment (set after a complete generation) names the same
size, seed and generator version; otherwise it is dropped and generated again. Redis db
5 is flushed before and after. Everything measured is written to var/bench/results.json;
--report-only renders docs/performance.md from that file again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import GENERATOR_VERSION, load, report  # noqa: E402

VENV_BIN = Path(sys.executable).parent
RESULTS = ROOT / "var" / "bench" / "results.json"
Json = dict[str, Any]


@dataclass(frozen=True)
class Config:
    sizes: tuple[int, ...]
    quick: bool
    regenerate: bool
    seed: int
    postgres: str
    redis_url: str
    port: int
    output: Path
    runs: int  # sequential requests per measured case
    rounds: int  # throughput: rounds of bursts
    burst: int  # throughput: requests per burst
    concurrency: int
    e2e_runs: int
    pdf_renders: int
    pdf_long_renders: int
    engine_runs: int
    alert_runs: int  # saves timed from the warning-signs step to the board
    sweep_alerts: int
    sweep_runs: int

    @classmethod
    def from_env(cls) -> Config:
        env = os.environ.get
        quick = env("BENCH_QUICK", "") not in ("", "0")
        sizes = env("BENCH_SIZES") or ("1000 20000" if quick else "1000 1000000")
        return cls(
            sizes=tuple(sorted(int(size) for size in sizes.split())),
            quick=quick,
            regenerate=env("BENCH_REGENERATE", "") not in ("", "0"),
            seed=int(env("BENCH_SEED", "2026")),
            postgres=env("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/"),
            redis_url=env("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
            port=int(env("BENCH_PORT", "8771")),
            output=ROOT / env("BENCH_OUTPUT", "docs/performance.md"),
            runs=15 if quick else 150,
            rounds=2 if quick else 4,
            burst=30 if quick else 100,
            concurrency=4,
            e2e_runs=4 if quick else 30,
            pdf_renders=25 if quick else 200,
            pdf_long_renders=2 if quick else 10,
            engine_runs=2_000 if quick else 20_000,
            alert_runs=4 if quick else 30,
            sweep_alerts=1_000 if quick else 10_000,
            sweep_runs=3 if quick else 10,
        )

    def database(self, size: int) -> str:
        return f"bench_{report.label(size).lower()}"  # bench_1k, bench_1m

    def url(self, size: int) -> str:
        return f"{self.postgres}/{self.database(size)}"


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def environment(config: Config, size: int, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": config.url(size),
        "REDIS_URL": config.redis_url,
        "DJANGO_ENV": "development",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


# --- databases -------------------------------------------------------------------------


def _admin(config: Config) -> psycopg.Connection:
    return psycopg.connect(f"{config.postgres}/postgres", autocommit=True)


def _marker(config: Config, size: int) -> Json | None:
    with _admin(config) as db:
        row = db.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [config.database(size)],
        ).fetchone()
    try:
        return json.loads(row[0]) if row and row[0] else None
    except json.JSONDecodeError:
        return None


def ensure_database(config: Config, size: int) -> Json:
    """The bench database for `size`, reused when it matches, else made again."""
    name, wanted = (
        config.database(size),
        {"n": size, "seed": config.seed, "version": GENERATOR_VERSION},
    )
    marker = _marker(config, size)
    manage = [sys.executable, str(ROOT / "manage.py")]
    env = environment(config, size)
    if marker and not config.regenerate and {k: marker.get(k) for k in wanted} == wanted:
        say(f"{name}: reusing ({size:,} intakes, generated {marker['at']})")
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
        return {**marker, "name": name, "reused": True}
    say(f"{name}: creating, migrating and generating {size:,} intakes")
    with _admin(config) as db:
        db.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    with tempfile.NamedTemporaryFile(suffix=".json") as stats_file:
        began = time.monotonic()
        subprocess.run(
            [
                *manage,
                "generate_intakes",
                str(size),
                "--seed",
                str(config.seed),
                "--stats-json",
                stats_file.name,
            ],
            env=env,
            check=True,
        )
        seconds = time.monotonic() - began
        stats = json.loads(Path(stats_file.name).read_text())
    marker = {
        **wanted,
        "seconds": round(seconds, 1),  # the whole command, Django start-up included
        "phases": {k: round(v, 1) for k, v in stats["phases"].items()},
        "rows": stats["rows"],
        "levels": stats["levels"],
        "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "loadavg": os.getloadavg(),
    }
    with _admin(config) as db:
        db.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(marker))
            )
        )
    return {**marker, "name": name, "reused": False}


# --- processes -------------------------------------------------------------------------


class Service:
    """A server process started here, stopped by its own pid only."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self.stream = log.open("wb")
        self.process = subprocess.Popen(
            argv, env=env, stdout=self.stream, stderr=subprocess.STDOUT, cwd=ROOT
        )

    def check(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"{self.name} exited; see {self.log}:\n{self.log.read_text()[-2000:]}"
            )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.stream.close()


def gunicorn(config: Config, size: int, port: int, logs: Path) -> Service:
    """The app under bench.settings: the same configuration serves all three kinds of page."""
    service = Service(
        f"gunicorn:{port}",
        [
            str(VENV_BIN / "gunicorn"),
            "config.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        environment(config, size, PRIVATE_FILES_ROOT=str(logs / "files")),
        logs / f"gunicorn-{size}.log",
    )
    deadline = time.monotonic() + 60
    while True:
        service.check()
        try:
            load.send(port, load.Request("GET", "/__bench__/bare"), timeout=5)
            return service
        except (OSError, load.UnexpectedStatus):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def celery_worker(config: Config, size: int, logs: Path) -> Service:
    """One worker process on the summaries queue, as the summaries service runs it."""
    return Service(
        "celery worker",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "-P",
            "prefork",
            "-c",
            "1",
            "-Q",
            "summaries",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
            "-n",
            "bench@%h",
        ],
        environment(config, size, PRIVATE_FILES_ROOT=str(logs / "files")),
        logs / "celery-worker.log",
    )


def probe(config: Config, size: int, *args: str) -> Json:
    result = subprocess.run(
        [sys.executable, "-m", "bench.probe", *args],
        env=environment(config, size),
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
    )
    return json.loads(result.stdout)


# --- measurements ----------------------------------------------------------------------


@dataclass
class Site:
    """One size's server and what `probe prepare` found in its database."""

    size: int
    port: int
    prepared: Json

    def get(self, path: str, cookie: str = "", **headers: str) -> load.Request:
        cookie_header = ("Cookie", cookie or self.prepared["clinician_cookie"])
        return load.Request("GET", path, (cookie_header, *headers.items()))

    def board(self, etag: str = "") -> load.Request:
        """The desk's poll of the alerts board (a conditional GET once it has an ETag)."""
        headers = {"HX-Request": "true", **({"If-None-Match": etag} if etag else {})}
        request = self.get("/intakes/alerts/", self.prepared["desk_cookie"], **headers)
        return load.Request(request.method, request.path, request.headers, expect=(200, 304))

    def save_red_flags(self, draft: Json, answer: str) -> load.Request:
        """The desk saving the warning-signs step of a draft: "yes" or "no" to saddle
        numbness; the form answers with a redirect to the next step."""
        headers = (
            ("Cookie", self.prepared["desk_cookie"]),
            ("X-CSRFToken", self.prepared["desk_csrf"]),
            ("Content-Type", "application/x-www-form-urlencoded"),
        )
        return load.Request("POST", draft["path"], headers, draft[answer].encode(), expect=302)

    def case(self, name: str, **headers: str) -> load.Request:
        """A worklist case, asked with its own session (which may hold a search)."""
        page = self.prepared["cases"][name]
        return self.get(page["path"], page["cookie"], **headers)

    def intake_page(self, i: int) -> load.Request:
        ids = self.prepared["intake_ids"]
        return self.get(f"/worklist/intakes/{ids[i % len(ids)]}/")

    def submit(self, document: str) -> load.Request:
        headers = (
            ("Authorization", f"Token {self.prepared['token']}"),
            ("Content-Type", "application/json"),
        )
        return load.Request("POST", "/api/v1/intakes", headers, document.encode(), expect=201)


class Documents:
    """Intake documents to submit, each used once (by several threads in a burst)."""

    def __init__(self, documents: list[str]) -> None:
        self.documents, self.lock = iter(documents), threading.Lock()

    def take(self) -> str:
        with self.lock:
            return next(self.documents)


def measure_worklist(config: Config, sites: list[Site]) -> dict[str, dict[str, Json]]:
    """Every worklist case at every size, all taking turns, so their ratios share conditions."""
    targets: dict[str, load.Target] = {}
    for site in sites:
        for case in site.prepared["cases"]:
            targets[f"{case}|{site.size}"] = (site.port, load.repeat(site.case(case)))
        fragment = site.case("first page", **{"HX-Request": "true"})
        targets[f"{site.prepared['fragment']}|{site.size}"] = (site.port, load.repeat(fragment))
        targets[f"{report.BOARD}|{site.size}"] = (site.port, load.repeat(site.board()))
    samples = load.interleaved(targets, config.runs)
    figures: dict[str, dict[str, Json]] = {}
    for key, sample in samples.items():
        case, size = key.split("|")
        figures.setdefault(case, {})[size] = sample.as_dict()
    return figures


BOARD_POLL = 5.0  # seconds: hx-trigger="every 5s" on the desk's page and the worklist


class BoardPoller:
    """The desk's page: polls the board every BOARD_POLL seconds, conditionally, as htmx
    does (data-conditional-refresh), and keeps what each answer said and when it came."""

    def __init__(self, site: Site) -> None:
        self.site, self.stopping = site, threading.Event()
        self.answers: list[tuple[float, bytes]] = []  # (time.time() received, the body)
        self.error: BaseException | None = None
        self.lock = threading.Condition()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self._poll()
        except BaseException as error:  # shown_at raises it: a poll that failed, not a timeout
            self.error = error
            with self.lock:
                self.lock.notify_all()

    def _poll(self) -> None:
        etag, body = "", b""
        while not self.stopping.wait(BOARD_POLL):
            response = load.send(self.site.port, self.site.board(etag))
            if response.status == 200:
                etag, body = response.headers.get("etag", ""), response.body
            with self.lock:
                self.answers.append((time.time(), body))
                self.lock.notify_all()

    def shown_at(self, marker: bytes, since: float, timeout: float = 30) -> float:
        """When the first answer received after `since` showed `marker`."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while time.monotonic() < deadline:
                if self.error is not None:
                    raise self.error
                for at, body in self.answers:
                    if at > since and marker in body:
                        return at
                self.lock.wait(timeout=1)
        raise TimeoutError(f"{marker!r} not on the board after {timeout} s")

    def __enter__(self) -> BoardPoller:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join()


def save_to_board(config: Config, site: Site) -> Json:
    """From the desk saving "yes" to a warning sign to the alert on the board's next poll,
    the save made at a random moment of the poll's cycle; each run's alert then withdrawn
    ("no" saved again), so the board holds its 50 open alerts throughout."""
    rng = random.Random(config.seed)
    total, save = load.Sample(), load.Sample()
    with psycopg.connect(config.url(site.size), autocommit=True) as db, BoardPoller(site) as board:
        for draft in site.prepared["drafts"][: config.alert_runs]:
            time.sleep(rng.uniform(0, BOARD_POLL))
            began = time.time()
            response = load.send(site.port, site.save_red_flags(draft, "yes"))
            (alert_id,) = db.execute(
                "SELECT id FROM triage_alert WHERE intake_id = %s AND withdrawn_at IS NULL",
                [draft["intake"]],
            ).fetchone()
            shown = board.shown_at(f'data-alert="{alert_id}"'.encode(), since=began)
            total.ms.append((shown - began) * 1000)
            save.ms.append(response.seconds * 1000)
            load.send(site.port, site.save_red_flags(draft, "no"))
    return {"total": total.as_dict(), "save": save.as_dict(), "poll_seconds": BOARD_POLL}


def sweep_figures(config: Config, size: int) -> Json:
    args = ("--count", str(config.sweep_alerts), "--runs", str(config.sweep_runs))
    result = probe(config, size, "sweep", *args, "--seed", str(config.seed))
    return {
        **{k: v for k, v in result.items() if not k.endswith("_ms")},
        "due": load.Sample(result["due_ms"]).as_dict(),
        "idle": load.Sample(result["idle_ms"]).as_dict(),
    }


def http_targets(site: Site, documents: Documents) -> dict[str, load.Target]:
    return {
        "bare Django view": (site.port, load.repeat(load.Request("GET", "/__bench__/bare"))),
        "signed-in empty page": (site.port, load.repeat(site.get("/__bench__/signed-in"))),
        "worklist, first page": (site.port, load.repeat(site.get("/worklist/"))),
        "intake page": (site.port, site.intake_page),
        "submit (API, with triage)": (site.port, lambda i: site.submit(documents.take())),
    }


def _ready_at(db: psycopg.Connection, intake_id: str, timeout: float = 180) -> dt.datetime:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = db.execute(
            "SELECT status, ready_at FROM reports_previsitsummary WHERE intake_id = %s "
            "ORDER BY intake_version DESC LIMIT 1",
            [intake_id],
        ).fetchone()
        if row and row[0] == "ready":
            return row[1]
        if row and row[0] == "failed":
            raise RuntimeError(f"the summary of {intake_id} failed; see the worker log")
        time.sleep(0.005)
    raise TimeoutError(f"the summary of {intake_id} was not ready after {timeout} s")


class Renderer:
    """`probe render`: renders a summary again, on request, in a warm process of its own."""

    def __init__(self, config: Config, size: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.probe", "render"],
            env=environment(config, size),
            cwd=ROOT,
            text=True,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def ms(self, intake_id: str) -> float:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{intake_id}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())["ms"]

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


@dataclass
class Pipeline:
    total: load.Sample  # from just before the POST to the summary's ready_at
    response: load.Sample  # the submit request alone
    render: load.Sample  # the same summary rendered again right after, when asked


def submit_to_ready(
    site: Site,
    db: psycopg.Connection,
    documents: Documents,
    runs: int,
    renderer: Renderer | None = None,
) -> Pipeline:
    """Submit, then wait for the PDF; one at a time, so the worker is idle at each submit."""
    figures = Pipeline(load.Sample(), load.Sample(), load.Sample())
    for _ in range(runs):
        began = time.time()
        response = load.send(site.port, site.submit(documents.take()))
        intake_id = json.loads(response.body)["id"]
        figures.total.ms.append((_ready_at(db, intake_id).timestamp() - began) * 1000)
        figures.response.ms.append(response.seconds * 1000)
        if renderer:
            figures.render.ms.append(renderer.ms(intake_id))
    return figures


def load_scenario(site: Site, concurrency: int) -> load.Background:
    """Clinicians at work: worklist pages, its 10-second refresh, filters, intake pages."""
    requests = [site.case("first page"), site.case("first page", **{"HX-Request": "true"})]
    requests += [site.case(name) for name in ("filter: open flags", "MRN: exact")]
    requests += [site.intake_page(i) for i in range(10)]
    return load.Background(site.port, requests, concurrency)


def measure_pipeline(config: Config, site: Site, documents: Documents, logs: Path) -> Json:
    say("submit → PDF ready: starting one worker")
    redis.Redis.from_url(config.redis_url).flushdb()  # the submit benchmarks' queued summaries
    worker, renderer = celery_worker(config, site.size, logs), Renderer(config, site.size)
    try:
        with psycopg.connect(config.url(site.size), autocommit=True) as db:
            # The first renders in each process load fonts and stylesheets.
            submit_to_ready(site, db, documents, 2, renderer)
            worker.check()
            idle = submit_to_ready(site, db, documents, config.e2e_runs, renderer)
            say("submit → PDF ready: under the load scenario")
            with load_scenario(site, config.concurrency) as background:
                busy = submit_to_ready(site, db, documents, config.e2e_runs)
    finally:
        worker.stop()
        renderer.close()
    return {
        "idle": idle.total.as_dict(),
        "idle_response": idle.response.as_dict(),
        "render": idle.render.as_dict(),
        "load": busy.total.as_dict(),
        "load_response": busy.response.as_dict(),
        "background": {**background.sample.as_dict(), "errors": background.errors},
    }


def engine_figures(config: Config, size: int) -> Json:
    result = probe(config, size, "engine", "--count", str(config.engine_runs))
    wall, cpu = load.Sample(result["wall_us"]), load.Sample(result["cpu_us"])
    return {
        "wall_us": wall.as_dict(),
        "cpu_us": cpu.as_dict(),
        "per_second": len(cpu.ms) / (sum(cpu.ms) / 1e6),
        "queries": result["queries"],
        "documents": result["documents"],
    }


def pdf_figures(config: Config) -> Json:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "bench_pdf.py"),
            "--json",
            "--renders",
            str(config.pdf_renders),
            "--long-renders",
            str(config.pdf_long_renders),
        ],
        env=environment(config, config.sizes[0]),
        cwd=ROOT,
        check=True,
        stdout=subprocess.PIPE,
    )
    return {**json.loads(result.stdout), "renders": config.pdf_renders}


# --- the machine -----------------------------------------------------------------------


def machine(config: Config) -> Json:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) / 1024**2
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    with _admin(config) as db:
        postgres = {
            name: db.execute(f"SHOW {name}").fetchone()[0]
            for name in ("server_version", "shared_buffers", "work_mem", "effective_cache_size")
        }
    packages = ("Django", "psycopg", "gunicorn", "celery", "redis", "weasyprint", "reportlab")
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(memory, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": postgres,
        "redis": redis.Redis.from_url(config.redis_url).info("server")["redis_version"],
        "packages": {name: metadata.version(name) for name in packages},
    }


class Phases:
    """Load averages at the start of each phase: the context of every figure."""

    def __init__(self) -> None:
        self.log: list[Json] = []

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        say(f"{name} (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
        entry = {"phase": name, "loadavg": os.getloadavg(), "began": time.time()}
        self.log.append(entry)
        yield
        entry["seconds"] = round(time.time() - entry.pop("began"), 1)
        entry["loadavg_after"] = os.getloadavg()


# --- the run ------------------------------------------------------------------------------


def run(config: Config) -> Json:
    began = dt.datetime.now().astimezone()
    phase = Phases()
    results: Json = {"started": began.isoformat(timespec="seconds"), "quick": config.quick}
    results["machine"] = machine(config)
    results["sizes"] = list(config.sizes)
    with phase("databases"):
        results["databases"] = {str(size): ensure_database(config, size) for size in config.sizes}
    largest = config.sizes[-1]
    documents_needed = config.runs + config.rounds * config.burst + 2 * config.e2e_runs + 10
    logs = Path(tempfile.mkdtemp(prefix="legintake-bench-"))
    redis.Redis.from_url(config.redis_url).flushdb()
    with ExitStack() as stack:
        sites = []
        for offset, size in enumerate(config.sizes):
            count = documents_needed if size == largest else 0
            saves = config.alert_runs if size == largest else 0
            with phase(f"prepare {report.label(size)}"):
                prepared = probe(
                    config,
                    size,
                    "prepare",
                    *("--documents", str(count), "--saves", str(saves)),
                    *("--seed", str(config.seed)),
                )
            service = gunicorn(config, size, config.port + offset, logs)
            stack.callback(service.stop)
            sites.append(Site(size, config.port + offset, prepared))
        for site in sites:
            results["databases"][str(site.size)].update(
                intakes=site.prepared["intakes"], pages=site.prepared["pages"]
            )
        results["queries"] = {str(site.size): site.prepared["queries"] for site in sites}
        results["rows"] = {str(site.size): site.prepared["rows"] for site in sites}
        results["cases"] = {  # the paths only: the cookies are sessions
            str(site.size): {name: case["path"] for name, case in site.prepared["cases"].items()}
            for site in sites
        }
        with phase("worklist at every size"):
            results["worklist"] = measure_worklist(config, sites)
        site, documents = sites[-1], Documents(sites[-1].prepared["documents"])
        with phase(f"pages against the baselines ({report.label(largest)})"):
            results["http_latency"] = {
                name: sample.as_dict()
                for name, sample in load.interleaved(
                    http_targets(site, documents), config.runs
                ).items()
            }
        with phase(f"CPU per request ({report.label(largest)})"):
            results["cpu_ms"] = probe(config, largest, "cpu", "--count", str(config.runs))
        with phase(f"throughput ({report.label(largest)})"):
            results["http_throughput"] = {
                name: sample.as_dict()
                for name, sample in load.throughput(
                    http_targets(site, documents),
                    rounds=config.rounds,
                    count=config.burst,
                    concurrency=config.concurrency,
                ).items()
            }
        with phase("submit → PDF ready"):
            results["pipeline"] = measure_pipeline(config, site, documents, logs)
        with phase(f"warning sign saved → on the alerts board ({report.label(largest)})"):
            results["save_to_board"] = save_to_board(config, site)
        results["board"] = {str(site.size): site.prepared["board"] for site in sites}
    with phase(f"escalation sweep ({config.sweep_alerts:,} open alerts)"):
        results["sweep"] = sweep_figures(config, largest)
    with phase("triage + suggestions alone"):
        results["engine"] = engine_figures(config, largest)
    with phase("PDF rendering"):
        results["pdf"] = pdf_figures(config)
    with phase("clean-up"):
        results["cleanup"] = probe(config, largest, "cleanup")
        redis.Redis.from_url(config.redis_url).flushdb()
        shutil.rmtree(logs, ignore_errors=True)
    results["phases"] = phase.log
    results["finished"] = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    results["settings"] = {
        "runs": config.runs,
        "rounds": config.rounds,
        "burst": config.burst,
        "concurrency": config.concurrency,
        "e2e_runs": config.e2e_runs,
    }
    return results


def main(argv: list[str]) -> None:
    config = Config.from_env()
    if "--report-only" not in argv:
        results = run(config)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1))
    results = json.loads(RESULTS.read_text())
    config.output.write_text(report.render(results))
    say(f"wrote {config.output} (raw figures: {RESULTS})")


if __name__ == "__main__":
    main(sys.argv[1:])
