"""Engines: idle connections are pinged and replaced, hot ones are not pinged."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from plans.storage import database
from plans.storage.database import make_engine


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(url: str, pid: int) -> None:
    killer = make_engine(url, pool_size=1)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def test_idle_connection_lost_is_replaced_before_use(fresh_url, monkeypatch):
    monkeypatch.setattr(database, "IDLE_PING_S", 0.0)
    engine = make_engine(fresh_url, pool_size=1)
    first = _backend_pid(engine)
    _terminate(fresh_url, first)
    assert _backend_pid(engine) != first  # the ping found it dead; a new one answered
    engine.dispose()


def test_hot_connection_is_not_pinged_and_the_pool_recovers(fresh_url, monkeypatch):
    monkeypatch.setattr(database, "IDLE_PING_S", 3600.0)
    engine = make_engine(fresh_url, pool_size=1)
    first = _backend_pid(engine)
    _terminate(fresh_url, first)
    with pytest.raises(OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) != first  # the failure discarded the pooled connection
    engine.dispose()


def test_short_query_connections_run_without_jit_and_parallel_workers(fresh_url):
    engine = make_engine(fresh_url, pool_size=1, short_queries=True)
    with engine.connect() as conn:
        assert conn.execute(text("SHOW jit")).scalar_one() == "off"
        assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar_one() == "0"
        assert conn.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"
    engine.dispose()
