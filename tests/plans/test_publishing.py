import datetime as dt

import pytest

from plans.errors import ConflictError, NotFoundError
from plans.imports.zones import ZoneImportRequest, import_zones
from plans.publishing import publish_version
from plans.storage.models import PlanVersion
from plans.storage.plan_versions import versions_in_force_ids
from tests.factories import write_layer, zone_layer


@pytest.fixture
def drafts(session, storage_crs, tmp_path):
    path = write_layer(zone_layer(), tmp_path / "zones.gpkg")
    made = []
    for start in (dt.date(2020, 1, 1), dt.date(2024, 1, 1)):
        request = ZoneImportRequest(
            path=path, municipality="TST", plan_number="P-1", effective_from=start
        )
        made.append(import_zones(session, request, storage_crs=storage_crs))
    return made


def _publish(session, version, **kwargs):
    return publish_version(
        session, municipality="TST", plan_number="P-1", version=version, **kwargs
    )


def test_publish_brings_draft_into_force(session, drafts):
    result = _publish(session, 1)
    assert result.changed
    assert session.get(PlanVersion, drafts[0].plan_version_id).status == "in_force"
    assert versions_in_force_ids(session, dt.date(2021, 1, 1)) == [drafts[0].plan_version_id]


def test_publish_supersedes_previous_version(session, drafts):
    _publish(session, 1)
    result = _publish(session, 2)
    old = session.get(PlanVersion, drafts[0].plan_version_id)
    assert result.superseded_version == 1
    assert (old.status, old.effective_to) == ("superseded", dt.date(2024, 1, 1))
    assert versions_in_force_ids(session, dt.date(2023, 12, 31)) == [drafts[0].plan_version_id]
    assert versions_in_force_ids(session, dt.date(2024, 1, 1)) == [drafts[1].plan_version_id]


def test_publish_is_idempotent(session, drafts):
    _publish(session, 1)
    again = _publish(session, 1)
    assert not again.changed


def test_publish_superseded_version_refused(session, drafts):
    _publish(session, 1)
    _publish(session, 2)
    with pytest.raises(ConflictError, match="version 1 is superseded"):
        _publish(session, 1)


def test_publish_must_take_effect_after_current_version(session, drafts):
    _publish(session, 2)
    with pytest.raises(ConflictError, match="takes effect on 2020-01-01, not after version 2"):
        _publish(session, 1)


def test_publish_with_new_effective_date(session, drafts):
    _publish(session, 1)
    result = _publish(session, 2, effective_from=dt.date(2025, 3, 1))
    assert result.effective_from == dt.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("plan", "version", "message"), [("P-9", 1, "no plan 'P-9'"), ("P-1", 7, "has no version 7")]
)
def test_publish_unknown_plan_or_version(session, drafts, plan, version, message):
    with pytest.raises(NotFoundError, match=message):
        publish_version(session, municipality="TST", plan_number=plan, version=version)
