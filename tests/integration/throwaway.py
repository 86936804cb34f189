"""Throwaway Redis, PostgreSQL and gunicorn servers on their own ports, for fault injection.

Tests that stop or kill a service use these, never the machine's own servers.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise TimeoutError(f"{what} within {timeout}s")


class ThrowawayRedis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _answers(self) -> bool:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
        )
        return result.stdout.strip() == "PONG"

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "yes",
                "--dir",
                str(self.directory),
                "--pidfile",
                str(self.directory / "redis.pid"),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            check=True,
        )
        wait_until(self._answers, 10, "throwaway Redis did not answer")

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True
        )
        wait_until(lambda: not self._answers(), 10, "throwaway Redis did not stop")


class ThrowawayPostgres:
    """A PostgreSQL cluster of its own (initdb refuses root: it runs as `postgres`)."""

    def __init__(self) -> None:
        self.port = free_port()
        # Its own folder under /tmp: the `postgres` user cannot enter pytest's root-only tmp.
        self.directory = Path(tempfile.mkdtemp(prefix="legintake-pg-"))
        self.data = self.directory / "data"
        self.bin = self._bin_dir()

    @staticmethod
    def _bin_dir() -> Path:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not versions:
            raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql")
        return versions[-1]

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._as_postgres(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        self._as_postgres(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
            "start",
        )

    def restart(self) -> None:
        # -l: the server must not inherit our pipe, or capturing its output would never end.
        self._as_postgres(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-m",
            "fast",
            "-w",
            "restart",
        )

    def stop(self) -> None:
        self._as_postgres(
            "pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False
        )
        shutil.rmtree(self.directory, ignore_errors=True)


class Gunicorn:
    """The app under gunicorn, as in production (`DEBUG=false`, no Redis: tasks in-process)."""

    def __init__(self, database_url: str, log: Path, extra_env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false", **(extra_env or {})}
        env.pop("REDIS_URL", None)
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{self.port}",
                    "--timeout",
                    "30",
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_until(lambda: self.get("/healthz")[0] == 200, 30, "gunicorn did not start")
        except TimeoutError:
            self.stop()
            raise TimeoutError(f"gunicorn did not start:\n{self.log()}") from None

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as response:  # noqa: S310 (http on loopback)
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return 0, ""

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(20)


class Nginx:
    """Debian's nginx with a config of its own, in its own folder, stopped by its pid.

    `http` is the inside of the config's http block. One process, no workers (master_process
    off): nothing drops privileges, so it reads and writes only what the test's user can.
    """

    def __init__(self, directory: Path, http: str, port: int) -> None:
        self.directory = directory
        self.port = port
        directory.mkdir(parents=True, exist_ok=True)
        temp = "\n".join(
            f"{kind}_temp_path {directory / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (directory / "nginx.conf").write_text(
            f"master_process off;\n"
            f"pid {directory / 'nginx.pid'};\n"
            f"error_log {directory / 'error.log'} info;\n"
            "events { worker_connections 64; }\n"
            f"http {{\naccess_log {directory / 'access.log'};\n{temp}\n{http}\n}}\n"
        )
        self.process: subprocess.Popen | None = None

    @staticmethod
    def binary() -> str | None:
        return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")

    def _listening(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx exited at start:\n{self.log()}")
        with socket.socket() as sock:
            sock.settimeout(1)
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def start(self) -> None:
        command = [self.binary() or "nginx", "-p", str(self.directory), "-e", "error.log"]
        self.process = subprocess.Popen(
            [*command, "-c", str(self.directory / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until(self._listening, 10, "nginx did not listen")
        except TimeoutError:
            self.stop()
            raise TimeoutError(f"nginx did not listen:\n{self.log()}") from None

    def log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: nginx's fast shutdown
            self.process.wait(10)
