"""Tile ETags on the real app and a committed database: publishing is seen at once."""

import datetime as dt
import time

from fastapi.testclient import TestClient
from pyproj import CRS
from sqlalchemy import text
from sqlalchemy.orm import Session

from api.app import create_app
from api.settings import Settings
from plans.demo import load_sample
from plans.storage.database import make_engine
from tests.api.test_tiles import URL


def _wait_for_etag_change(client: TestClient, old: str, seconds: float = 10.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        response = client.get(URL, headers={"If-None-Match": old})
        if response.status_code == 200:
            return response.headers["etag"]
        time.sleep(0.02)
    raise AssertionError(f"ETag still {old} after {seconds} s")


def test_committed_change_of_versions_changes_the_etag(fresh_url, tmp_path):
    engine = make_engine(fresh_url, pool_size=1)
    with Session(engine) as session, session.begin():
        load_sample(session, tmp_path / "sample", storage_crs=CRS.from_epsg(32637))
    app = create_app(Settings(database_url=fresh_url, data_dir=tmp_path))
    with TestClient(app) as client:
        before = client.get(URL)
        etag = before.headers["etag"]
        assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
        assert app.state.versions.get((None, dt.date.today())) is not None  # served from memory
        with engine.begin() as conn:  # the town's plan takes effect only tomorrow
            conn.execute(text("UPDATE plan_version SET effective_from = current_date + 1"))
        new = _wait_for_etag_change(client, etag)
        after = client.get(URL, headers={"If-None-Match": new})
        assert after.status_code == 304
        assert client.get(URL).content == b""  # nothing in force today
    engine.dispose()
