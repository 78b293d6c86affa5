"""The real app on the test database; each request shares the test's rolled-back session."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from api.settings import Settings
from plans.access import create_api_key
from plans.demo import load_sample
from plans.storage.municipalities import ensure_municipality
from tests.api.sessions import use_test_session


@pytest.fixture
def client(engine, session: Session, tmp_path) -> Iterator[TestClient]:
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False), data_dir=tmp_path
    )
    app = create_app(settings)
    use_test_session(app, session)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def sample(session, storage_crs, tmp_path):
    return load_sample(session, tmp_path / "sample", storage_crs=storage_crs)


def key_headers(session: Session, role: str, label: str) -> dict[str, str]:
    """Headers carrying a new API key of `role` (actor ``<role>:<label>``) for the demo town."""
    ensure_municipality(session, "JED-DEMO")
    key = create_api_key(session, role=role, municipality="JED-DEMO", label=label, created_by="t")
    return {"X-API-Key": key}


@pytest.fixture
def planner(session):
    """Headers with the key of a planner of the demo municipality."""
    return key_headers(session, "planner", "p")


@pytest.fixture
def clerk(session):
    """Headers with the key of a clerk of the demo municipality."""
    return key_headers(session, "clerk", "counter")
