import pytest
from sqlalchemy import func, select

from plans.errors import ConflictError, ImportDataError
from plans.imports.parcels import ParcelImportRequest, import_parcels
from plans.storage.models import Parcel
from tests.factories import parcel_layer, write_layer


def _request(path, **overrides):
    return ParcelImportRequest(path=path, **{"municipality": "TST", **overrides})


def _count(session):
    return session.scalar(select(func.count()).select_from(Parcel))


def test_parcels_imported_with_attributes(session, storage_crs, tmp_path):
    path = write_layer(parcel_layer(), tmp_path / "parcels.geojson", crs="EPSG:4326")
    report = import_parcels(session, _request(path), storage_crs=storage_crs)
    assert report.parcels == 4
    assert report.area_m2 == pytest.approx(2000.0, rel=1e-4)
    parcel = session.scalar(select(Parcel).where(Parcel.number == "P-2"))
    assert parcel.attributes == {"owner_kind": "private"}
    assert session.scalar(
        select(func.ST_Area(Parcel.geom)).where(Parcel.number == "P-2")
    ) == pytest.approx(500, rel=1e-4)


def test_duplicate_numbers_in_file_refused(session, storage_crs, tmp_path):
    path = write_layer(parcel_layer(["1", "2", "2", "3", "3"]), tmp_path / "parcels.gpkg")
    with pytest.raises(ImportDataError, match=r"2 parcel number\(s\) appear more than once: 2, 3"):
        import_parcels(session, _request(path), storage_crs=storage_crs)
    assert _count(session) == 0


def test_numbers_already_stored_refused_and_nothing_added(session, storage_crs, tmp_path):
    import_parcels(
        session,
        _request(write_layer(parcel_layer(["1", "2"]), tmp_path / "a.gpkg")),
        storage_crs=storage_crs,
    )
    again = write_layer(parcel_layer(["3", "2", "4"]), tmp_path / "b.gpkg")
    with pytest.raises(
        ConflictError, match=r"1 parcel number\(s\) already exist in municipality 'TST': 2"
    ):
        import_parcels(session, _request(again), storage_crs=storage_crs)
    assert _count(session) == 2


def test_same_numbers_in_another_municipality_allowed(session, storage_crs, tmp_path):
    path = write_layer(parcel_layer(["1", "2"]), tmp_path / "a.gpkg")
    import_parcels(session, _request(path), storage_crs=storage_crs)
    import_parcels(session, _request(path, municipality="OTHER"), storage_crs=storage_crs)
    assert _count(session) == 4


def test_numeric_number_column_read_as_text(session, storage_crs, tmp_path):
    frame = parcel_layer().assign(plot=[101, 102, 103, 104])
    path = write_layer(frame, tmp_path / "parcels.shp")
    import_parcels(session, _request(path, number_column="plot"), storage_crs=storage_crs)
    assert sorted(session.scalars(select(Parcel.number))) == ["101", "102", "103", "104"]
