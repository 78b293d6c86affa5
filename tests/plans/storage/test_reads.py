"""Prebuilt statements and the reads served on the event loop, against a real PostgreSQL."""

import asyncio

import pytest
from sqlalchemy import Integer, bindparam, literal, select, text
from sqlalchemy.exc import OperationalError

from plans.storage import database
from plans.storage.database import make_async_engine, make_engine
from plans.storage.prebuilt import Prebuilt
from plans.storage.reads import EngineReads

SUM = Prebuilt.compile(select(bindparam("a", type_=Integer) + bindparam("b", type_=Integer)))
PID = Prebuilt.compile(select(literal(1) * text("pg_backend_pid()")))


def test_prebuilt_keeps_fixed_values_and_asks_for_the_others():
    statement = Prebuilt.compile(select(literal(40) + bindparam("n", type_=Integer)))
    assert statement.required == {"n"}
    assert statement.bind({"n": 2}) == {**statement.constants, "n": 2}
    with pytest.raises(TypeError, match=r"\['n'\]"):
        statement.bind({})


def test_prebuilt_runs_in_a_session(session):
    assert SUM.scalar(session, {"a": 40, "b": 2}) == 42


def test_engine_reads_run_prebuilt_statements_and_storage_functions(fresh_url):
    async def scenario() -> tuple[int, int]:
        engine = make_async_engine(fresh_url, autocommit=True)
        reads = EngineReads(engine)
        try:
            total = await reads.scalar(SUM, {"a": 40, "b": 2})
            counted = await reads.run_sync(
                lambda s: s.execute(text("SELECT count(*) FROM zone")).scalar_one()
            )
        finally:
            await engine.dispose()
        return total, counted

    assert asyncio.run(scenario()) == (42, 0)


def test_engine_reads_report_a_lost_connection_and_recover(fresh_url, monkeypatch):
    monkeypatch.setattr(database, "IDLE_PING_S", 3600.0)  # a hot connection: no ping first

    async def scenario() -> tuple[int, int]:
        engine = make_async_engine(fresh_url, pool_size=1, autocommit=True)
        reads = EngineReads(engine)
        try:
            first = await reads.scalar(PID, {})
            await asyncio.to_thread(_terminate, fresh_url, first)
            with pytest.raises(OperationalError):
                await reads.scalar(PID, {})
            return first, await reads.scalar(PID, {})  # the lost connection was discarded
        finally:
            await engine.dispose()

    first, second = asyncio.run(scenario())
    assert second != first


def _terminate(url: str, pid: int) -> None:
    killer = make_engine(url, pool_size=1)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()
