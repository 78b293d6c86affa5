import shapely
from shapely.geometry import MultiPolygon

from gis.topology import clean_zones, coverage_report, dissolve_neighbours, merge_small
from gis.vectorise import ZoneRegion


def zone(code, geom, confidence=1.0):
    return ZoneRegion(code, MultiPolygon([geom]), confidence)


def test_clean_zones_removes_overlap_and_keeps_coverage_valid():
    zones = [zone("A", shapely.box(0, 0, 10.2, 10)), zone("B", shapely.box(10, 0, 20, 10))]
    cleaned = clean_zones(zones, tolerance=0.5)
    report = coverage_report([z.geometry for z in cleaned])
    assert report.valid and report.overlap_area < 1e-9 and report.gap_area == 0
    assert abs(sum(z.geometry.area for z in cleaned) - 200) < 1e-9


def test_merge_small_picks_longest_border_and_keeps_islands_apart():
    zones = [
        zone("A", shapely.box(0, 0, 10, 10)),
        zone("B", shapely.box(10, 0, 20, 2)),
        zone("C", shapely.box(10, 2, 20, 10)),
        zone("D", shapely.box(30, 30, 31, 31)),
    ]
    merged = merge_small(zones, min_area=25)
    codes = {z.code: z.geometry.area for z in merged}
    assert codes == {"A": 100.0, "C": 100.0, "D": 1.0}  # B shares 10 with C, 2 with A


def test_dissolve_neighbours_joins_same_code_along_edges_only():
    zones = [
        zone("A", shapely.box(0, 0, 1, 1)),
        zone("A", shapely.box(1, 0, 2, 1)),
        zone("A", shapely.box(2, 1, 3, 2)),
    ]  # touches the second at a point only
    assert sorted(z.geometry.area for z in dissolve_neighbours(zones)) == [1.0, 2.0]


def test_coverage_report_finds_gaps():
    ring = shapely.box(0, 0, 10, 10).difference(shapely.box(4, 4, 6, 6))
    assert coverage_report([ring]).gap_area == 4.0
