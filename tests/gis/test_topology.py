import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon

from gis.junctions import Reach, place_junctions
from gis.scoring import find_junctions
from gis.topology import clean_zones, coverage_report, dissolve_neighbours, merge_small
from gis.vectorise import ZoneRegion, polygonise


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


def wedge_labels(size=120, centre=(60.0, 60.0), angles=(0.0, 40.0, 200.0), blur=6):
    """Three zones meeting at `centre` (pixel corners, y down) between rays at `angles`
    (degrees); pixels within `blur` of the node take the widest zone's code, as the ink and
    the mode filter round a scan's acute wedge off."""
    y, x = np.mgrid[0:size, 0:size] + 0.5
    theta = np.degrees(np.arctan2(centre[1] - y, x - centre[0])) % 360
    labels = np.ones((size, size), np.uint8)
    labels[(theta >= angles[1]) & (theta < angles[2])] = 2
    labels[(theta >= angles[2]) | (theta < angles[0])] = 3
    labels[np.hypot(x - centre[0], y - centre[1]) < blur] = 3
    return labels


def test_clean_zones_moves_a_rounded_junction_back_where_the_edges_meet():
    labels = wedge_labels()
    regions = polygonise(labels, np.full(labels.shape, 255, np.uint8), ["A", "B", "C"])
    traced = clean_zones(regions, tolerance=1.0, pixel_size=0)
    placed = clean_zones(regions, tolerance=1.0)
    before = find_junctions([z.geometry for z in traced])
    after = find_junctions([z.geometry for z in placed])
    interior = [p for p in after if 0 < p[0] < 120 and 0 < p[1] < 120]
    assert len(interior) == 1 and np.hypot(*(interior[0] - (60, 60))) < 0.5
    assert min(np.hypot(*(p - (60, 60))) for p in before if 0 < p[0] < 120 and 0 < p[1] < 120) > 2
    report = coverage_report([z.geometry for z in placed])
    assert report.valid and report.gap_area == 0 and report.overlap_area < 1e-9
    assert sum(z.geometry.area for z in placed) == pytest.approx(120 * 120)
    assert [z.code for z in placed] == [z.code for z in traced]


def test_place_junctions_keeps_two_zone_coverages_and_exact_nodes():
    reach = Reach.for_pixel(1.0)
    halves = [shapely.box(0, 0, 100, 100), shapely.box(100, 0, 200, 100)]
    assert all(
        g.equals(h) for g, h in zip(place_junctions(halves, reach=reach), halves, strict=True)
    )
    tee = [*halves, shapely.box(0, 100, 200, 200)]  # a T whose node is already exact
    moved = place_junctions(tee, reach=reach)
    assert find_junctions(list(moved)).tolist() == find_junctions(tee).tolist()
    assert [g.area for g in moved] == [g.area for g in tee]


def test_place_junctions_leaves_a_node_whose_edges_are_too_short_to_fit():
    zones = [shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10), shapely.box(0, 10, 20, 20)]
    zones[2] = shapely.Polygon([(0, 10), (10, 10), (20, 10), (20, 20), (0, 20)])
    ring = shapely.box(-1, -1, 21, 21).difference(shapely.box(0, 0, 20, 20))  # node inside
    moved = place_junctions([*zones, ring], reach=Reach.for_pixel(1.0))
    assert all(g.equals(h) for g, h in zip(moved, [*zones, ring], strict=True))
