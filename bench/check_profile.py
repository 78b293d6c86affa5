"""Where a permit check's time goes: cProfile of in-process checks, EXPLAIN ANALYZE of its SQL."""

import cProfile
import io
import pstats
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from plans.storage.database import make_engine
from plans.storage.prebuilt import Prebuilt

Check = Callable[[sessionmaker[Session], str], object]


def profile_service(url: str, numbers: Sequence[str], one_check: Check) -> None:
    """Print a cProfile of in-process checks and EXPLAIN ANALYZE of one check's statements."""
    engine = make_engine(url)
    sessions = sessionmaker(engine)
    try:
        for number in numbers[:50]:
            one_check(sessions, number)
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [one_check(sessions, n) for n in numbers[:500]])
        for order in ("tottime", "cumulative"):
            text = io.StringIO()
            pstats.Stats(profiler, stream=text).sort_stats(order).print_stats(40)
            print(f"\n## cProfile of 500 in-process checks, by {order}\n")
            print("\n".join(text.getvalue().splitlines()[6:]))
        explain_one(engine, sessions, numbers[0], one_check)
    finally:
        engine.dispose()


def explain_one(
    engine: Engine, sessions: sessionmaker[Session], number: str, one_check: Check
) -> None:
    """Capture the statements of one check, then EXPLAIN ANALYZE each (rolled back)."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        captured.append((statement, params))

    prebuilt_rows = Prebuilt.rows  # prebuilt statements skip SQLAlchemy's execution events

    def capture_prebuilt(statement: Prebuilt, session: Any, params: Any) -> list[Any]:
        captured.append((statement.sql, statement.bind(params)))
        return prebuilt_rows(statement, session, params)

    event.listen(engine, "before_cursor_execute", capture)
    Prebuilt.rows = capture_prebuilt  # type: ignore[method-assign]
    try:
        one_check(sessions, number)
    finally:
        Prebuilt.rows = prebuilt_rows  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", capture)
    print(f"\n## EXPLAIN ANALYZE of the {len(captured)} statements of one check\n")
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        for statement, params in captured:
            print_plan(raw, statement, params)
        raw.rollback()


def print_plan(raw: Any, statement: str, params: Any) -> None:
    """Print the first plan lines and timings of one statement."""
    head = " ".join(statement.split())[:110]
    if not statement.lstrip().upper().startswith("SELECT") or params is None:
        print(f"- {head} (not explained: it writes; see the profile)")
        return
    rows = raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).fetchall()
    lines = [r[0] for r in rows]
    keep = [ln for ln in lines if "Time" in ln] + lines[:6]
    print(f"- {head}\n    " + "\n    ".join(keep))
