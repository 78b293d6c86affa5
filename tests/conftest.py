"""Test session: a throwaway PostGIS cluster, migrated once; each test rolled back."""

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pyproj import CRS
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.settings import get_settings
from plans.storage import cluster as local
from plans.storage.database import create_database, database_url, drop_database, make_engine
from plans.storage.migrate import upgrade

STORAGE_SRID = 32637
TEMPLATE_DB = "mukhattat_template"
SHARED_DATA = Path(
    os.environ.get("MUKHATTAT_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On CI a skipped test is a failure: what CI cannot run, nobody has checked."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"{len(skipped)} test(s) skipped on CI: failing the run", red=True)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """URL of the `postgres` database of a cluster started for this test session."""
    folder = Path(tempfile.mkdtemp(prefix="mukhattat-test-"))
    folder.chmod(0o755)  # the cluster may run as the postgres user, who must reach it
    cluster = local.locate_cluster(folder)
    local.initialise(cluster)
    port = local.start(cluster, durable=False)
    try:
        yield local.superuser_url(cluster, port, "postgres")
    finally:
        local.destroy(cluster)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def template_url(server_url: str) -> str:
    """A database migrated once, used as the template of every test database."""
    create_database(server_url, TEMPLATE_DB)
    url = database_url(server_url, TEMPLATE_DB)
    engine = make_engine(url, pool_size=1)
    upgrade(engine, srid=STORAGE_SRID)
    engine.dispose()  # a template must have no open connections
    return url


@pytest.fixture(scope="session")
def engine(server_url: str, template_url: str) -> Iterator[Engine]:
    """Engine on the shared test database (tests roll back everything they write)."""
    create_database(server_url, "mukhattat_test", template=TEMPLATE_DB)
    shared = make_engine(database_url(server_url, "mukhattat_test"))
    yield shared
    shared.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session joined to an outer transaction that is rolled back after the test."""
    with engine.connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, join_transaction_mode="create_savepoint") as db:
            yield db
        outer.rollback()


@pytest.fixture
def fresh_url(server_url: str, template_url: str) -> Iterator[str]:
    """A new migrated database of its own, for tests that commit (CLI, concurrency)."""
    name = f"mukhattat_{uuid.uuid4().hex[:10]}"
    create_database(server_url, name, template=TEMPLATE_DB)
    yield database_url(server_url, name)
    drop_database(server_url, name)


@pytest.fixture
def empty_url(server_url: str) -> Iterator[str]:
    """A new database with nothing in it, not even PostGIS."""
    name = f"mukhattat_empty_{uuid.uuid4().hex[:10]}"
    create_database(server_url, name)
    yield database_url(server_url, name)
    drop_database(server_url, name)


@pytest.fixture
def session_in(empty_url: str) -> Iterator[Callable[[int], Session]]:
    """Open sessions on a database migrated with the storage SRID a test asks for."""
    engines: list[Engine] = []

    def open_session(srid: int) -> Session:
        engine = make_engine(empty_url, pool_size=1)
        upgrade(engine, srid=srid)
        engines.append(engine)
        return Session(engine)

    yield open_session
    for engine in engines:
        engine.dispose()


@pytest.fixture
def storage_crs() -> CRS:
    """The storage CRS of the test databases."""
    return CRS.from_epsg(STORAGE_SRID)


@pytest.fixture
def env_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """Clear MUKHATTAT_* variables and the settings cache; tests then set what they need."""
    for key in list(os.environ):
        if key.startswith("MUKHATTAT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("MUKHATTAT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.fixture
def shared_data() -> Path:
    """The real public data in ../shared/data; skipped with the reason where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real data not found at {SHARED_DATA} (only CI and developers have ../shared/)"
        )
    return SHARED_DATA
