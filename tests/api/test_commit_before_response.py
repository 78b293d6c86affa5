"""A write is committed before its answer is sent (no 200 for a write that is then lost)."""

from fastapi.testclient import TestClient
from pyproj import CRS
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.app import create_app
from api.settings import Settings
from plans.demo import load_sample
from plans.storage.models import PermitCheck


def test_checks_are_stored_when_answered(fresh_url, tmp_path):
    engine = create_engine(fresh_url)
    with Session(engine) as session, session.begin():
        load_sample(session, tmp_path / "sample", storage_crs=CRS.from_epsg(32637))
    app = create_app(Settings(database_url=fresh_url, data_dir=tmp_path))
    with TestClient(app) as client, engine.connect() as observer:
        for _ in range(10):
            answer = client.post("/permits/check", json={"parcel": "101-01", "use": "residential"})
            assert answer.status_code == 200
            stored = observer.scalar(
                select(PermitCheck.id).where(PermitCheck.reference == answer.json()["reference"])
            )
            observer.rollback()
            assert stored is not None
    engine.dispose()
