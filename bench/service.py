"""The app served by uvicorn on a free loopback port, for the benchmarks that talk HTTP.

One process group per service, so stopping it ends the supervisor and every worker.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

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
    """Return the uvicorn supervisor's child processes (the workers)."""
    pid = service.process.pid
    with contextlib.suppress(OSError):
        return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    return set()


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
