"""A small HTTP load client for the gunicorn under test: loopback only, bounded counts.

Gunicorn's sync workers close the connection after each response, so a request is one
connection: send prepared bytes, read to EOF. That keeps the client's own CPU per request
(it shares the machine with the server) to a few tens of microseconds.
"""

from __future__ import annotations

import math
import socket
import statistics
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    expect: int | tuple[int, ...] = 200

    def raw(self) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.body or self.method == "POST":
            lines.append(f"Content-Length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    seconds: float
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case


class UnexpectedStatus(RuntimeError):
    pass


def send(port: int, request: Request, timeout: float = 60) -> Response:
    """One request; raises UnexpectedStatus unless the status is the expected one."""
    raw = request.raw()
    start = time.perf_counter()
    with socket.create_connection((HOST, port), timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    seconds = time.perf_counter() - start
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n") if head else [""]
    status = int(status_line.split(" ", 2)[1]) if status_line else 0
    if status not in (request.expect if isinstance(request.expect, tuple) else (request.expect,)):
        raise UnexpectedStatus(f"{request.method} {request.path}: {status} {body[:300]!r}")
    headers = dict(line.split(": ", 1) for line in header_lines if ": " in line)
    return Response(status, body, seconds, {k.lower(): v for k, v in headers.items()})


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (0 < share ≤ 1)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Sample:
    """Latencies in milliseconds, and the wall time they took when run concurrently."""

    ms: list[float] = field(default_factory=list)
    wall: float = 0.0

    @property
    def n(self) -> int:
        return len(self.ms)

    @property
    def median(self) -> float:
        return statistics.median(self.ms)

    @property
    def p95(self) -> float:
        return percentile(self.ms, 0.95)

    @property
    def p99(self) -> float:
        return percentile(self.ms, 0.99)

    @property
    def per_second(self) -> float:
        return self.n / self.wall if self.wall else 0.0

    def as_dict(self) -> dict[str, float]:
        return {
            "n": self.n,
            "median": self.median,
            "p95": self.p95,
            "p99": self.p99,
            "per_second": self.per_second,
        }


Target = tuple[int, Callable[[int], Request]]  # (port, the i-th request)


def repeat(request: Request) -> Callable[[int], Request]:
    """The same request every time."""
    return lambda i: request


def interleaved(targets: dict[str, Target], runs: int, warm_up: int = 3) -> dict[str, Sample]:
    """Sequential requests, round-robin over the targets: `runs` each, after `warm_up`.

    Taking turns spreads whatever else the machine is doing evenly over the targets, so
    their ratios hold even when the absolute figures move.
    """
    samples = {name: Sample() for name in targets}
    for i in range(-warm_up, runs):
        for name, (port, request) in targets.items():
            response = send(port, request(max(i, 0)))
            if i >= 0:
                samples[name].ms.append(response.seconds * 1000)
    return samples


def burst(port: int, request: Callable[[int], Request], count: int, concurrency: int) -> Sample:
    """`count` requests from `concurrency` threads as fast as they complete."""
    sample = Sample()
    numbers: Iterator[int] = iter(range(count))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        while True:
            with lock:
                i = next(numbers, None)
            if i is None or errors:
                return
            try:
                response = send(port, request(i))
            except (OSError, UnexpectedStatus) as error:
                errors.append(error)
                return
            with lock:
                sample.ms.append(response.seconds * 1000)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sample.wall = time.perf_counter() - start
    if errors:
        raise errors[0]
    return sample


def throughput(
    targets: dict[str, Target], *, rounds: int, count: int, concurrency: int
) -> dict[str, Sample]:
    """Closed-loop bursts, the targets taking turns for `rounds` rounds; totals per target."""
    totals = {name: Sample() for name in targets}
    for _ in range(rounds):
        for name, (port, request) in targets.items():
            sample = burst(port, request, count, concurrency)
            totals[name].ms += sample.ms
            totals[name].wall += sample.wall
    return totals


class Background:
    """Steady load from `concurrency` threads until stopped (the "under load" scenario)."""

    def __init__(self, port: int, requests: Sequence[Request], concurrency: int) -> None:
        self.port, self.requests = port, requests
        self.stopping = threading.Event()
        self.sample = Sample()
        self.errors = 0
        self.threads = [
            threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(concurrency)
        ]

    def _run(self, offset: int) -> None:
        for i in range(offset, 10**9, len(self.threads)):
            if self.stopping.is_set():
                return
            try:
                response = send(self.port, self.requests[i % len(self.requests)])
                self.sample.ms.append(response.seconds * 1000)
            except (OSError, UnexpectedStatus):
                self.errors += 1

    def __enter__(self) -> Background:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()
        self.sample.wall = time.perf_counter() - self.started
