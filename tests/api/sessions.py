"""Serve an app's requests from the test's rolled-back session."""

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI
from sqlalchemy.orm import Session

from api.deps import get_async_session, get_reads, get_session, get_version_cache
from plans.storage.prebuilt import Prebuilt
from plans.storage.version_watch import VersionCache


class SyncSessionRunner:
    """The test's session behind what event-loop routes use (`run_sync`, prebuilt `scalar`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    async def run_sync(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return function(self.session, *args, **kwargs)

    async def scalar(self, statement: Prebuilt, params: Mapping[str, Any]) -> Any:
        return statement.scalar(self.session, params)


def use_test_session(app: FastAPI, session: Session) -> None:
    """Make every route of `app` read and write through `session`.

    The versions cache is one that never trusts itself: the test's writes are never committed,
    so no notification would ever tell it they happened.
    """
    app.dependency_overrides[get_session] = lambda: session
    app.dependency_overrides[get_reads] = lambda: SyncSessionRunner(session)
    app.dependency_overrides[get_async_session] = lambda: SyncSessionRunner(session)
    app.dependency_overrides[get_version_cache] = _never_listening


def _never_listening() -> VersionCache:
    # Not `VersionCache` itself: FastAPI would take its `size` keyword for a query parameter.
    return VersionCache()
