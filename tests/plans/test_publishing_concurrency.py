"""Concurrent publishes on real connections: never two versions in force."""

import datetime as dt
import threading

from pyproj import CRS
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plans.errors import ConflictError
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.publishing import publish_version
from plans.storage.database import make_engine
from plans.storage.models import PlanVersion, VersionStatus
from tests.factories import write_layer, zone_layer


def test_concurrent_publishes_serialise(fresh_url, tmp_path):
    engine = make_engine(fresh_url, pool_size=4)
    path = write_layer(zone_layer(), tmp_path / "zones.gpkg")
    with Session(engine) as session, session.begin():
        for start in (dt.date(2020, 1, 1), dt.date(2024, 1, 1), dt.date(2025, 1, 1)):
            request = ZoneImportRequest(
                path=path, municipality="TST", plan_number="P", effective_from=start
            )
            import_zones(session, request, storage_crs=CRS.from_epsg(32637))
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def publish(version: int) -> None:
        barrier.wait()
        try:
            with Session(engine) as session, session.begin():
                publish_version(session, municipality="TST", plan_number="P", version=version)
            outcomes.append(f"published {version}")
        except ConflictError:
            outcomes.append(f"refused {version}")

    threads = [threading.Thread(target=publish, args=(v,)) for v in (1, 2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    with Session(engine) as session:
        in_force = session.scalar(
            select(func.count()).where(PlanVersion.status == VersionStatus.IN_FORCE)
        )
    engine.dispose()
    assert len(outcomes) == 3, outcomes
    assert in_force == 1
    assert any(o.startswith("published") for o in outcomes)
