"""Which plan versions are shown, kept in memory until the database says they changed.

A tile answers with an ETag naming the versions it shows; checking `If-None-Match` against the
database costs a query (about as long as a whole small tile). Migration 0005 makes PostgreSQL
notify `CHANNEL` whenever a statement changes `plan_version`, on commit; `watch_versions`
listens and empties the `VersionCache`, so a published version is seen at once by every process
on every machine. While the listening connection is down the cache answers nothing (every
lookup goes to the database), and it starts empty again once the connection is back.
"""

import asyncio
import datetime as dt
import logging
from collections import OrderedDict
from typing import Final

import psycopg
from sqlalchemy import make_url

CHANNEL: Final = "mukhattat_plan_versions"
HEARTBEAT_S: Final = 5.0
"""How often a quiet listening connection is checked (a lost one stops the cache at once)."""
RETRY_S: Final = 1.0
"""Pause before listening again after the connection was lost."""

logger = logging.getLogger("mukhattat")

VersionKey = tuple[int | None, dt.date]
"""(named plan version id or None, the date whose versions in force are shown)."""


class VersionCache:
    """Version ids shown per `VersionKey`, trusted only while the database is being listened to.

    `generation` guards against a lookup that read the database before a change but is stored
    after the change's notification: `put` keeps it only if no invalidation happened since the
    caller read `generation`.
    """

    def __init__(self, *, size: int = 256) -> None:
        self._entries: OrderedDict[VersionKey, list[int]] = OrderedDict()
        self._size = size
        self.generation = 0
        self.listening = False

    def get(self, key: VersionKey) -> list[int] | None:
        """Return the cached ids for `key`, or None (not cached, or not listening)."""
        ids = self._entries.get(key) if self.listening else None
        if ids is not None:
            self._entries.move_to_end(key)
        return ids

    def put(self, key: VersionKey, ids: list[int], *, generation: int) -> None:
        """Keep `ids` for `key` if nothing changed since `generation` was read."""
        if not self.listening or generation != self.generation:
            return
        self._entries[key] = ids
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def invalidate(self) -> None:
        """Forget every entry (plan versions changed, or may have)."""
        self.generation += 1
        self._entries.clear()

    def set_listening(self, listening: bool) -> None:
        """Trust the cache from now on, or stop trusting it; either way start empty."""
        self.listening = listening
        self.invalidate()


async def watch_versions(url: str, cache: VersionCache) -> None:
    """Listen on `CHANNEL` and invalidate `cache` on every notification, until cancelled.

    A lost connection (server restart, network) stops the cache and is retried every
    `RETRY_S`; a quiet connection is checked every `HEARTBEAT_S`.
    """
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    while True:
        try:
            await _listen(conninfo, cache)
        except (psycopg.Error, OSError) as exc:
            logger.warning(
                "plan version notifications interrupted (%s); retrying", type(exc).__name__
            )
        finally:
            cache.set_listening(False)
        await asyncio.sleep(RETRY_S)


async def _listen(conninfo: str, cache: VersionCache) -> None:
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        await conn.execute(f"LISTEN {CHANNEL}")
        cache.set_listening(True)
        while True:
            async for _ in conn.notifies(timeout=HEARTBEAT_S):
                cache.invalidate()
            await conn.execute("SELECT 1")  # quiet for HEARTBEAT_S: is the server still there?
