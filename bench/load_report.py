"""What the load test and fault run measured: latency percentiles, failures, the fault's phases,
and their Markdown tables and bench/RESULTS.md rows (the runs themselves: `load.py`).
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from machine import append_results


@dataclass(frozen=True)
class Sample:
    """One answered (or failed) request; times in seconds since the run started."""

    kind: str
    start: float
    seconds: float
    status: int  # 0: no HTTP answer (transport error or timeout)
    note: str = ""  # the error's code and request id, or the transport error's class
    reference: str = ""  # of an answered check or extract, to look for in the database

    @property
    def end(self) -> float:
        """When the answer arrived."""
        return self.start + self.seconds

    @property
    def ok(self) -> bool:
        """A 2xx or 3xx answer."""
        return 200 <= self.status < 400


@dataclass(frozen=True)
class Outage:
    """When PostgreSQL went down and came back, in seconds since the fault run started."""

    down_at: float
    up_at: float


# --- analysis ------------------------------------------------------------------------------------


def percentiles_ms(samples: Sequence[Sample]) -> dict[str, float]:
    """Return p50/p90/p99/max latency in ms (NaN for no samples)."""
    if not samples:
        return dict.fromkeys(("p50", "p90", "p99", "max"), float("nan"))
    ms = np.array([s.seconds for s in samples]) * 1000
    p50, p90, p99 = np.percentile(ms, [50, 90, 99])
    return {"p50": float(p50), "p90": float(p90), "p99": float(p99), "max": float(ms.max())}


def by_kind(samples: Sequence[Sample], kinds: Sequence[str]) -> dict[str, list[Sample]]:
    """Group the samples by request kind, in the order of `kinds`, with 'overall' last."""
    groups: dict[str, list[Sample]] = {}
    for sample in samples:
        groups.setdefault(sample.kind, []).append(sample)
    return {kind: groups[kind] for kind in kinds if kind in groups} | {"overall": list(samples)}


def failures(samples: Sequence[Sample]) -> Counter[str]:
    """Count the failed requests by status and note (code, transport error)."""
    return Counter(
        f"{s.status or 'transport'} {s.note.split(' ')[0]}".strip() for s in samples if not s.ok
    )


def recovery(samples: Sequence[Sample], outage: Outage) -> float | None:
    """Return when the first check sent after the database came back succeeded, else None."""
    ends = [s.end for s in samples if s.kind == "check" and s.ok and s.start >= outage.up_at]
    return min(ends) if ends else None


def phases(samples: Sequence[Sample], outage: Outage, recovered: float) -> dict[str, list[Sample]]:
    """Split the fault run: before the stop, the outage (until recovery), after the recovery."""
    return {
        "before": [s for s in samples if s.end < outage.down_at],
        "outage": [s for s in samples if s.end >= outage.down_at and s.start < recovered],
        "after": [s for s in samples if s.start >= recovered],
    }


# --- reporting -----------------------------------------------------------------------------------


def load_table(groups: dict[str, list[Sample]], seconds: float) -> str:
    """Return the load run as a Markdown table."""
    lines = ["| kind | requests | req/s | errors | p50 | p90 | p99 | max |", "|---" * 8 + "|"]
    for kind, group in groups.items():
        p = percentiles_ms(group)
        lines.append(
            f"| {kind} | {len(group):,} | {len(group) / seconds:.1f} | {failures(group).total()} "
            f"| {_ms(p['p50'])} | {_ms(p['p90'])} | {_ms(p['p99'])} | {_ms(p['max'])} |"
        )
    return "\n".join(lines)


def fault_table(parts: dict[str, list[Sample]]) -> str:
    """Return the fault run's phases as a Markdown table."""
    lines = ["| phase | requests | ok | 503 | other failures | check p50 |", "|---" * 6 + "|"]
    for name, group in parts.items():
        fails = failures(group)
        other = {k: v for k, v in fails.items() if not k.startswith("503")}
        checks = [s for s in group if s.kind == "check" and s.ok]
        lines.append(
            f"| {name} | {len(group):,} | {sum(s.ok for s in group):,} "
            f"| {sum(s.status == 503 for s in group):,} | {dict(other) or 'none'} "
            f"| {_ms(percentiles_ms(checks)['p50'])} |"
        )
    return "\n".join(lines)


def record_rows(rows: Sequence[tuple[str, float, float, str]], command: str) -> None:
    """Append rows (benchmark, median ms, baseline ms, notes) to bench/RESULTS.md."""
    append_results(
        [(name, _ms(median), _ms(baseline), f"{median / baseline:.2f}", notes)
         for name, median, baseline, notes in rows],
        command,
    )  # fmt: skip


def load_rows(groups: dict[str, list[Sample]], seconds: float, context: str) -> list[tuple]:
    """The load run's RESULTS rows: one per kind, baseline the /health p50 of the same run."""
    floor = percentiles_ms(groups["health"])["p50"]
    rows = []
    for kind, group in groups.items():
        p = percentiles_ms(group)
        notes = (
            f"{len(group):,} requests, {len(group) / seconds:.1f} req/s, "
            f"{failures(group).total()} errors, p90 {_ms(p['p90'])}, p99 {_ms(p['p99'])}, "
            f"max {_ms(p['max'])}; baseline = /health p50"
        )
        notes += f"; {context}" if kind == "overall" else ""
        rows.append((f"load {kind}", p["p50"], floor, notes))
    return rows


def _ms(value: float) -> str:
    if value != value:  # NaN
        return "n/a"
    return f"{value:.3g} ms" if value < 100 else f"{value:.0f} ms"


def fault_rows(
    samples: Sequence[Sample], outage: Outage, recovered: float | None, verdict: str, context: str
) -> list[tuple[str, float, float, str]]:
    """The fault run's RESULTS row: post-recovery check p50 against the pre-fault one."""
    parts = phases(samples, outage, recovered if recovered is not None else float("inf"))
    before = percentiles_ms([s for s in parts["before"] if s.kind == "check" and s.ok])["p50"]
    after = percentiles_ms([s for s in parts["after"] if s.kind == "check" and s.ok])["p50"]
    fails = failures(samples)
    other = {k: v for k, v in fails.items() if not k.startswith("503")}
    back = f"{recovered - outage.up_at:.2f} s" if recovered is not None else "never"
    notes = (
        f"PostgreSQL stopped at {outage.down_at:.1f} s for {outage.up_at - outage.down_at:.1f} s; "
        f"{len(samples):,} requests, {fails.get('503 unavailable', 0):,} answered 503, "
        f"other failures {dict(other) or 'none'}; first successful check {back} after the "
        f"database was back; {verdict}; baseline = pre-fault check p50; {context}"
    )
    return [("fault check (PostgreSQL restart)", after, before, notes)]
