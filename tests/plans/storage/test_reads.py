"""Prebuilt statements and the reads served on the event loop, against a real PostgreSQL."""

import asyncio

import pytest
from sqlalchemy import Integer, bindparam, literal, select, text
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from plans.storage import database
from plans.storage.database import make_async_engine, make_engine
from plans.storage.models import PlanVersion, VersionStatus
from plans.storage.plan_versions import PUBLISHED
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


def test_prebuilt_rows_are_the_drivers_tuples(session):
    series = Prebuilt.compile(
        select(text("n"), text("n * 2")).select_from(
            text("generate_series(1, :top) AS n").bindparams(bindparam("top", type_=Integer))
        )
    )
    assert series.rows(session, {"top": 3}) == [(1, 2), (2, 4), (3, 6)]
    assert series.rows(session, {"top": 0}) == []


def test_prebuilt_fixed_values_go_as_their_column_type_sends_them(session):
    statuses = Prebuilt.compile(
        select(literal(1)).where(
            text("'in_force' = :status").bindparams(
                bindparam("status", value=VersionStatus.IN_FORCE, type_=PlanVersion.status.type)
            )
        )
    )
    fixed = statuses.constants["status"]
    assert (fixed, type(fixed)) == ("in_force", str)  # the stored text, not the enum member
    assert statuses.rows(session, {}) == [(1,)]


def test_prebuilt_refuses_a_list_it_would_have_to_expand():
    with pytest.raises(ValueError, match="IN"):
        Prebuilt.compile(select(PlanVersion.id).where(PlanVersion.status.in_(PUBLISHED)))


def test_prebuilt_errors_come_out_as_sqlalchemys(session):
    with pytest.raises(DataError):
        SUM.rows(session, {"a": 2**40, "b": 1})  # out of the integer range


def test_prebuilt_rows_on_a_lost_connection_invalidate_it(fresh_url, monkeypatch):
    monkeypatch.setattr(database, "IDLE_PING_S", 3600.0)  # a hot connection: no ping first
    engine = make_engine(fresh_url, pool_size=1)
    try:
        with engine.connect() as conn:
            [(first,)] = PID.rows(conn, {})
            _terminate(fresh_url, first)
            with pytest.raises(OperationalError):
                PID.rows(conn, {})
            assert conn.invalidated
        with engine.connect() as conn:
            [(second,)] = PID.rows(conn, {})
    finally:
        engine.dispose()
    assert second != first


def test_prebuilt_rows_run_in_an_asyncio_session(fresh_url):
    async def scenario() -> list[tuple[int]]:
        engine = make_async_engine(fresh_url)
        try:
            async with AsyncSession(engine) as session:
                return await session.run_sync(SUM.rows, {"a": 40, "b": 2})
        finally:
            await engine.dispose()

    assert asyncio.run(scenario()) == [(42,)]


@pytest.mark.parametrize(
    ("generic", "mode"), [(False, "force_custom_plan"), (True, "force_generic_plan")]
)
def test_async_engines_plan_prepared_statements_as_asked(fresh_url, generic, mode):
    async def scenario() -> tuple[str, str]:
        engine = make_async_engine(fresh_url, short_queries=True, generic_plans=generic)
        try:
            async with engine.connect() as conn:
                plans = (await conn.exec_driver_sql("SHOW plan_cache_mode")).scalar_one()
                jit = (await conn.exec_driver_sql("SHOW jit")).scalar_one()
        finally:
            await engine.dispose()
        return plans, jit

    assert asyncio.run(scenario()) == (mode, "off")


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
