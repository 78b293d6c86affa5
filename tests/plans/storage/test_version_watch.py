"""The versions cache: trusted only while listening, emptied by committed plan version changes."""

import asyncio
import datetime as dt
import time

from pyproj import CRS
from sqlalchemy import text
from sqlalchemy.orm import Session

from plans.demo import load_sample
from plans.storage import version_watch
from plans.storage.database import make_engine
from plans.storage.version_watch import VersionCache, watch_versions

TODAY = dt.date(2026, 12, 4)


def _listening_cache() -> VersionCache:
    cache = VersionCache(size=2)
    cache.set_listening(True)
    return cache


def test_cache_answers_nothing_until_listening():
    cache = VersionCache()
    cache.put((None, TODAY), [1], generation=cache.generation)
    assert cache.get((None, TODAY)) is None
    cache.set_listening(True)
    assert cache.get((None, TODAY)) is None  # listening starts empty


def test_cache_keeps_a_lookup_made_since_the_last_change():
    cache = _listening_cache()
    cache.put((None, TODAY), [1, 2], generation=cache.generation)
    assert cache.get((None, TODAY)) == [1, 2]
    assert cache.get((7, TODAY)) is None


def test_lookup_older_than_a_change_is_not_kept():
    cache = _listening_cache()
    before = cache.generation
    cache.invalidate()  # a notification arrived while the lookup was running
    cache.put((None, TODAY), [1], generation=before)
    assert cache.get((None, TODAY)) is None


def test_cache_forgets_the_least_recently_used_beyond_its_size():
    cache = _listening_cache()
    for day in (1, 2, 3):
        cache.put((None, dt.date(2026, 1, day)), [day], generation=cache.generation)
    assert cache.get((None, dt.date(2026, 1, 1))) is None
    assert cache.get((None, dt.date(2026, 1, 3))) == [3]


def test_stopped_listening_empties_and_distrusts():
    cache = _listening_cache()
    cache.put((None, TODAY), [1], generation=cache.generation)
    cache.set_listening(False)
    assert cache.get((None, TODAY)) is None


async def _until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


def _commit(url: str, statement: str) -> None:
    engine = make_engine(url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def test_committed_version_change_empties_the_cache(fresh_url, tmp_path):
    engine = make_engine(fresh_url, pool_size=1)
    with Session(engine) as session, session.begin():
        load_sample(session, tmp_path, storage_crs=CRS.from_epsg(32637))
    engine.dispose()

    async def scenario() -> None:
        cache = VersionCache()
        watcher = asyncio.create_task(watch_versions(fresh_url, cache))
        await _until(lambda: cache.listening)
        cache.put((None, TODAY), [1], generation=cache.generation)
        await asyncio.to_thread(_commit, fresh_url, "UPDATE plan_version SET source_name = 'x'")
        await _until(lambda: cache.get((None, TODAY)) is None)
        watcher.cancel()

    asyncio.run(scenario())


def test_lost_listener_distrusts_the_cache_then_listens_again(fresh_url, monkeypatch):
    monkeypatch.setattr(version_watch, "RETRY_S", 0.05)

    async def scenario() -> None:
        cache = VersionCache()
        watcher = asyncio.create_task(watch_versions(fresh_url, cache))
        await _until(lambda: cache.listening)
        cache.put((None, TODAY), [1], generation=cache.generation)
        kill = (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE query = 'LISTEN {version_watch.CHANNEL}' OR query = 'SELECT 1'"
        )
        await asyncio.to_thread(_commit, fresh_url, kill)
        await _until(lambda: cache.get((None, TODAY)) is None)
        await _until(lambda: cache.listening)  # reconnected
        watcher.cancel()

    asyncio.run(scenario())
