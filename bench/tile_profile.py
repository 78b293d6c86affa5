"""Where a tile request's server time goes: py-spy samples of the running service, by category.

Used by `http_tiles.py --profile`; the categories follow the tile route's path
(api/routes/tiles.py -> plans/storage/reads.py -> psycopg).
"""

import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from service import Service


def profile(
    service: Service, request: Callable[[], object], out: Path, seconds: float, spy: str
) -> None:
    """Sample the server with py-spy while `request` is repeated; print the hot frames."""
    command = [spy, "record", "--format", "raw", "--rate", "500", "--subprocesses"]
    command += ["--pid", str(service.process.pid), "--output", str(out), "--nonblocking"]
    recorder = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline, sent = time.monotonic() + seconds, 0
    try:
        time.sleep(1.0)  # py-spy attaches
        while time.monotonic() < deadline:
            request()
            sent += 1
    finally:
        recorder.send_signal(signal.SIGINT)
        _, err = recorder.communicate(timeout=60)
    if not out.exists():
        print(f"py-spy wrote nothing: {err.decode(errors='replace')[-500:]}")
        return
    print(f"\npy-spy: {sent} requests in {seconds:g} s, collapsed stacks in {out}")
    print(hot_frames(out.read_text().splitlines()))


CATEGORIES = (  # the route's path: api/routes/tiles.py -> plans/storage/reads.py -> psycopg
    ("tile query (checkout, bind, execute, fetch)", "scalar (plans/storage/reads.py"),
    ("version lookup (select_version_ids)", "select_version_ids ("),
    ("tile parameters (api/params.py)", "api/params.py"),
    ("FastAPI on the event loop (routing, dependencies, response)", "fastapi/"),
    ("Starlette and middleware", "starlette/"),
    ("asyncio event loop and sockets", "asyncio/"),
)


def hot_frames(lines: Sequence[str], top: int = 15) -> str:
    """Return the CPU samples per category and the hottest leaf frames, as text."""
    categories: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for line in lines:
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        name = next((name for name, key in CATEGORIES if key in stack), "other")
        categories[name] += int(count)
        leaves[stack.rsplit(";", 1)[-1]] += int(count)
    total = max(categories.total(), 1)
    text = [f"{100 * n / total:5.1f}%  {name}" for name, n in categories.most_common()]
    text += ["", "hottest leaf frames:"]
    text += [f"{100 * n / total:5.1f}%  {frame}" for frame, n in leaves.most_common(top)]
    return "\n".join(text)
