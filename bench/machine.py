"""The machine a benchmark ran on, and the rows `bench/RESULTS.md` records runs in."""

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def describe_machine() -> str:
    """Return e.g. '2 cores, 24 GB, AMD EPYC' (usable cores, memory, CPU make and family)."""
    info = {
        line.split(":")[0].strip(): line.split(":", 1)[1].strip()
        for path in ("/proc/cpuinfo", "/proc/meminfo")
        for line in Path(path).read_text().splitlines()
        if ":" in line
    }
    memory_gb = round(int(info.get("MemTotal", "0 kB").split()[0]) / 1024**2)
    model = " ".join(info.get("model name", "?").split()[:2])
    return f"{len(os.sched_getaffinity(0))} cores, {memory_gb} GB, {model}"


def append_results(rows: Sequence[tuple[str, str, str, str, str]], command: str) -> None:
    """Append rows (benchmark, median, baseline, ratio, notes; formatted) to bench/RESULTS.md.

    Each row gets today's date, this machine and the `command` that ran it.
    """
    today, machine = dt.date.today().isoformat(), describe_machine()
    with RESULTS.open("a") as results:
        for name, median, baseline, ratio, notes in rows:
            results.write(
                f"| {today} | {machine} | {name} | `{command}` | {median} | {baseline} | {ratio} "
                f"| {notes} |\n"
            )
