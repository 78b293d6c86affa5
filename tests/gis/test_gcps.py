import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gis.errors import GcpError, GisError
from gis.gcps import GroundControlPoints, read_gcps, read_gcps_csv, read_qgis_points

HARTFORD = "real/hartford-ct-1950s-zoning-scans"
HARTFORD_CSV_COLUMNS = ("col", "row", "x_3857", "y_3857")
CSV_HEADER = "pixel_x,pixel_y,map_x,map_y"
POINTS_HEADER = "mapX,mapY,pixelX,pixelY,enable,dX,dY,residual"


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_read_csv_takes_named_columns_and_ignores_others(tmp_path):
    path = write(
        tmp_path,
        "gcps.csv",
        "note, map_y ,pixel_x,MAP_X,pixel_y\n"
        "church,2400000,10.5,500000,20.25\n"
        "x,2399000,90,500100,80\n",
    )
    gcps = read_gcps_csv(path)
    assert gcps.pixel.tolist() == [[10.5, 20.25], [90.0, 80.0]]
    assert gcps.map.tolist() == [[500000.0, 2400000.0], [500100.0, 2399000.0]]
    assert gcps.ids is None
    assert gcps.crs is None


def test_read_csv_takes_ids_and_enable_flag(tmp_path):
    path = write(
        tmp_path,
        "gcps.csv",
        f"gcp_id,{CSV_HEADER},enable\nA,0,0,10,10,1\nB,5,5,20,20,0\n\nC,9,1,30,15,true\n",
    )
    gcps = read_gcps_csv(path)
    assert gcps.ids == ("A", "C")
    assert gcps.pixel.tolist() == [[0.0, 0.0], [9.0, 1.0]]


def test_read_csv_with_custom_columns_and_id_column(tmp_path):
    path = write(tmp_path, "g.csv", "label,col,row,e,n\np1,1,2,3,4\np2,5,6,7,8\n")
    gcps = read_gcps_csv(path, columns=("col", "row", "e", "n"), id_column="label")
    assert gcps.ids == ("p1", "p2")
    assert gcps.map.tolist() == [[3.0, 4.0], [7.0, 8.0]]


def test_read_points_flips_pixel_y_and_skips_disabled(tmp_path):
    path = write(
        tmp_path,
        "scan.tif.points",
        "#CRS: EPSG:32637\r\n"
        f"{POINTS_HEADER}\r\n"
        "521000.5,2383000.25,100.5,-200.5,1,0,0,0\r\n"
        "521100,2383000,300,-400,0,0,0,0\n"
        "521200,2382900,500,-600,1,0.1,0.2,0.3\n",
    )
    gcps = read_qgis_points(path)
    assert gcps.pixel.tolist() == [[100.5, 200.5], [500.0, 600.0]]
    assert gcps.map.tolist() == [[521000.5, 2383000.25], [521200.0, 2382900.0]]
    assert gcps.ids == ("1", "3")
    assert gcps.crs == "EPSG:32637"


def test_read_points_without_crs_line(tmp_path):
    path = write(tmp_path, "a.points", f"{POINTS_HEADER}\n1,2,3,-4,1,0,0,0\n")
    assert read_qgis_points(path).crs is None


def test_read_gcps_dispatches_on_suffix(tmp_path):
    points = write(tmp_path, "a.points", f"{POINTS_HEADER}\n1,2,3,-4,1,0,0,0\n")
    table = write(tmp_path, "a.csv", f"{CSV_HEADER}\n3,4,1,2\n")
    assert read_gcps(points).pixel.tolist() == read_gcps(table).pixel.tolist() == [[3.0, 4.0]]


BAD_CSV = [
    ("pixel_x,pixel_y,map_x\n1,2,3\n", r"g\.csv:1: missing column\(s\) map_y"),
    ("", r"g\.csv: empty file"),
    (f"{CSV_HEADER}\n", r"g\.csv: no enabled control points"),
    (f"{CSV_HEADER},enable\n1,2,3,4,0\n", r"g\.csv: no enabled control points"),
    (f"{CSV_HEADER},enable\n1,2,3,4,maybe\n", r"g\.csv:2: enable is 'maybe'; use 1 or 0"),
    (f"{CSV_HEADER}\n1,2,3,4\n1,abc,5,6\n", r"g\.csv:3: pixel_y is 'abc', not a number"),
    (f"{CSV_HEADER}\n1,2,3,4\n\n5,6,7,\n", r"g\.csv:4: map_y is '', not a number"),
    (f"{CSV_HEADER}\n1,2,3,nan\n", r"g\.csv:2: map_y is 'nan'; it must be a finite number"),
    (f"{CSV_HEADER}\n1,2,3,4\n1,2,3\n", r"g\.csv:3: 3 fields, but the header has 4"),
    (f"{CSV_HEADER}\n1,2,'; DROP TABLE zone; --,4\n", r"map_x is \"'; DROP TABLE zone; --\""),
    (
        f"{CSV_HEADER}\n1,2,3,4\n5,6,7,8\n1,2,9,9\n",
        r"g\.csv: line 4 repeats the pixel position \(1\.0, 2\.0\) of line 2",
    ),
    (
        f"{CSV_HEADER}\n1,2,3,4\n5,6,3,4\n",
        r"g\.csv: line 3 repeats the map position \(3\.0, 4\.0\) of line 2",
    ),
    (
        f"id,{CSV_HEADER}\na,1,2,3,4\na,5,6,7,8\n",
        r"g\.csv: line 3 repeats the id 'a' of line 2",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD_CSV)
def test_read_csv_rejects_bad_files_naming_file_and_line(tmp_path, text, message):
    path = write(tmp_path, "g.csv", text)
    with pytest.raises(GcpError, match=message):
        read_gcps_csv(path)


def test_read_csv_missing_file(tmp_path):
    with pytest.raises(GcpError, match=r"GCP file not found: .*nothing\.csv"):
        read_gcps(tmp_path / "nothing.csv")


def test_read_csv_unknown_id_column(tmp_path):
    path = write(tmp_path, "g.csv", f"{CSV_HEADER}\n1,2,3,4\n")
    with pytest.raises(GcpError, match="no id column 'gcp'"):
        read_gcps_csv(path, id_column="gcp")


def test_read_csv_needs_four_column_names(tmp_path):
    with pytest.raises(ValueError, match="columns must name"):
        read_gcps_csv(tmp_path / "g.csv", columns=("x", "y"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mapX,mapY,pixelX\n1,2,3\n", r"a\.points:1: missing column\(s\) pixely"),
        (f"{POINTS_HEADER}\n1,2,3,4,1,0,0,0\n", r"a\.points:2: pixelY is '4', but QGIS stores"),
        (f"#CRS: EPSG:3857\n{POINTS_HEADER}\n1,2,x,-4,1,0,0,0\n", r"a\.points:3: pixelx is 'x'"),
    ],
)
def test_read_points_rejects_bad_files(tmp_path, text, message):
    path = write(tmp_path, "a.points", text)
    with pytest.raises(GcpError, match=message):
        read_qgis_points(path)


def test_gcp_error_is_a_value_error_of_the_gis_layer():
    assert issubclass(GcpError, GisError)
    assert issubclass(GcpError, ValueError)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"pixel": [[0, 0, 0]], "map": [[0, 0]]}, r"pixel positions must be an \(n, 2\) array"),
        ({"pixel": [[0, 0]], "map": [[0, 0], [1, 1]]}, "1 pixel positions but 2 map positions"),
        ({"pixel": [[0, np.nan]], "map": [[0, 0]]}, "pixel position of point 0 .* not finite"),
        ({"pixel": [[0, 0]], "map": [[np.inf, 0]]}, "map position of point 0 .* not finite"),
        ({"pixel": [[0, 0]], "map": [[0, 0]], "ids": ("a", "b")}, "2 ids for 1 points"),
        ({"pixel": [[0, 0], [0, 0]], "map": [[0, 0], [1, 1]]}, "point 1 repeats the pixel"),
        ({"pixel": [["a", 0]], "map": [[0, 0]]}, "pixel positions are not numbers"),
    ],
)
def test_ground_control_points_validate_arrays(kwargs, message):
    with pytest.raises(GcpError, match=message):
        GroundControlPoints(**kwargs)


def test_ground_control_points_are_immutable():
    gcps = GroundControlPoints(pixel=[[0, 0]], map=[[1, 1]])
    with pytest.raises(ValueError, match="read-only"):
        gcps.pixel[0, 0] = 5.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        gcps.crs = "EPSG:4326"  # type: ignore[misc]


coordinates = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 12), st.just(4)),
    elements=st.floats(-1e7, 1e7, allow_nan=False),
    unique=True,
)


@given(values=coordinates)
def test_csv_and_points_round_trip_exactly(tmp_path_factory, values):
    pixel, map_ = np.abs(values[:, :2]), values[:, 2:]
    folder = tmp_path_factory.mktemp("round-trip")
    rows = [",".join(repr(v) for v in row) for row in np.hstack([pixel, map_]).tolist()]
    csv_path = write(folder, "g.csv", "\n".join([CSV_HEADER, *rows]) + "\n")
    qgis = [
        f"{m[0]!r},{m[1]!r},{p[0]!r},{-p[1]!r},1,0,0,0"
        for p, m in zip(pixel.tolist(), map_.tolist(), strict=True)
    ]
    points_path = write(folder, "g.points", "\n".join([POINTS_HEADER, *qgis]) + "\n")
    for gcps in (read_gcps_csv(csv_path), read_qgis_points(points_path)):
        np.testing.assert_array_equal(gcps.pixel, pixel)
        np.testing.assert_array_equal(gcps.map, map_)


def test_hartford_gcp_files_agree(shared_data):
    for town, count in (("west-hartford-1958", 23), ("bloomfield-1958", 18)):
        folder = shared_data / HARTFORD / town
        points = read_gcps(folder / "scan.jpg.points")
        table = read_gcps_csv(folder / "gcps.csv", columns=HARTFORD_CSV_COLUMNS)
        upstream = read_gcps(folder / "gcps_upstream_300dpi.points")
        assert len(points) == len(table) == len(upstream) == count
        assert points.crs == "EPSG:3857"
        assert table.ids == tuple(str(k) for k in range(1, count + 1))
        # The CSV rounds map coordinates to millimetres; the JPEG is half the upstream scale.
        np.testing.assert_allclose(table.pixel, points.pixel)
        np.testing.assert_allclose(table.map, points.map, rtol=0, atol=1e-3)
        np.testing.assert_allclose(upstream.pixel / 2, points.pixel, rtol=0, atol=1e-3)
        assert (points.pixel > 0).all()
