"""The machine a benchmark ran on, as `bench/RESULTS.md` records it."""

import os
from pathlib import Path


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
