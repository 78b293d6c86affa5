"""The app served by uvicorn on a free loopback port, for the benchmarks that talk HTTP.

One process group per service, so stopping it ends the supervisor and every worker.
"""

import contextlib
import http.client
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT_S = 90.0


@dataclass(frozen=True)
class Service:
    """The running uvicorn: its process, base URL, log file and the database admin URL."""

    process: subprocess.Popen[bytes]
    base: str
    log: Path
    admin_url: str


def start_service(
    url: str,
    folder: Path,
    workers: int,
    *,
    admin_url: str = "",
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
    log_name: str = "uvicorn.log",
) -> Service:
    """Start `api.app:app_from_env` on the database `url`; `env` and `args` add to the defaults."""
    port = free_port()
    environment = {**os.environ, "MUKHATTAT_DATABASE_URL": url, "MUKHATTAT_DATA_DIR": str(folder)}
    environment |= dict(env or {})
    command = [sys.executable, "-m", "uvicorn", "api.app:app_from_env", "--factory"]
    command += ["--workers", str(workers), "--host", "127.0.0.1", "--port", str(port)]
    command += ["--no-access-log", *args]
    log = folder / log_name
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Service(process, f"http://127.0.0.1:{port}", log, admin_url)


@dataclass(frozen=True)
class LeanResponse:
    """What the benchmarks read of an answer: status, headers (lower-case names), body."""

    status_code: int
    headers: dict[str, str]
    content: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.content)


class LeanClient:
    """One keep-alive HTTP/1.1 connection from the standard library, for timing a server.

    httpx costs about a millisecond of client CPU a request here (measured beside it in
    `http_tiles.py`), as much as the server's whole answer to a 304: timing with it would
    measure the client. This one costs about a tenth of that.
    """

    def __init__(self, base: str, *, timeout: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(base)
        self._connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=timeout
        )

    def get(self, path: str, headers: Mapping[str, str] | None = None) -> LeanResponse:
        """GET `path` and read the whole body."""
        self._connection.request("GET", path, headers=dict(headers or {}))
        answer = self._connection.getresponse()
        body = answer.read()
        names = {key.lower(): value for key, value in answer.getheaders()}
        return LeanResponse(answer.status, names, body)

    def close(self) -> None:
        """Close the connection."""
        self._connection.close()


def server_stack() -> str:
    """Name the HTTP parser and event loop uvicorn picks here ("auto": the fast ones if present)."""
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return f"{http}, {loop}"


def wait_ready(service: Service) -> float:
    """Poll `/ready` until it answers 200; return the seconds it took."""
    start = time.perf_counter()
    while time.perf_counter() - start < READY_TIMEOUT_S:
        if service.process.poll() is not None:
            raise RuntimeError(f"uvicorn exited early:\n{log_tail(service.log)}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{service.base}/ready", timeout=5).status_code == 200:
                return time.perf_counter() - start
        time.sleep(0.3)
    raise RuntimeError(f"/ready not 200 after {READY_TIMEOUT_S:.0f} s:\n{log_tail(service.log)}")


def stop_service(service: Service) -> None:
    """Stop uvicorn and its workers (the whole process group): TERM, then KILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(service.process.pid, signal.SIGTERM)
    try:
        service.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(service.process.pid, signal.SIGKILL)
        service.process.wait(timeout=5)


def worker_pids(service: Service) -> set[int]:
    """Return the processes that serve requests: the supervisor's workers, or uvicorn itself.

    With one worker uvicorn serves from its own process and has no children.
    """
    pid = service.process.pid
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return {int(p) for p in children} or {pid}
    return {pid}


def log_tail(log: Path, lines: int = 20) -> str:
    """Return the last `lines` lines of a log (empty when it cannot be read)."""
    with contextlib.suppress(OSError):
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    return ""


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
