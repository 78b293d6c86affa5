"""Open the deployment's database from its settings: engine, sessions, one transaction per use."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.settings import Settings
from plans.storage.database import check_storage_srid, make_engine
from plans.storage.lifecycle import resolve_url


def open_engine(settings: Settings) -> Engine:
    """Return an engine on the configured database, after checking its storage SRID."""
    url = resolve_url(
        data_dir=settings.data_dir, server_url=settings.server_url, pg_bindir=settings.pg_bindir
    )
    engine = make_engine(url)
    check_storage_srid(engine, settings.storage_srid)
    return engine


@contextmanager
def transaction(settings: Settings) -> Iterator[Session]:
    """Yield a session whose work is committed at the end, or rolled back on any error."""
    engine = open_engine(settings)
    try:
        with sessionmaker(engine)() as session, session.begin():
            yield session
    finally:
        engine.dispose()
