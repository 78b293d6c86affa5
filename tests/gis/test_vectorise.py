import numpy as np
import shapely

from gis.gcps import GroundControlPoints
from gis.georef import fit_transform
from gis.vectorise import polygonise


def test_polygonise_maps_pixel_corners_through_the_transform():
    labels = np.zeros((10, 10), np.uint8)
    labels[2:8, 2:5] = 1
    labels[2:8, 5:8] = 2
    pixel = [[0, 0], [10, 0], [0, 10], [10, 10]]
    gcps = GroundControlPoints(pixel=pixel, map=[[100 + 2 * x, 50 - 2 * y] for x, y in pixel])
    mapper = fit_transform(gcps, method="affine").apply
    regions = polygonise(labels, np.full(labels.shape, 204, np.uint8), ["A", "B"], mapper)
    assert [r.code for r in regions] == ["A", "B"]
    assert shapely.equals(regions[0].geometry.envelope, shapely.box(104, 34, 110, 46))
    assert regions[0].geometry.area == 6 * 3 * 4
    assert regions[0].confidence == 0.8


def test_polygonise_one_region_per_connected_component():
    labels = np.array([[1, 0, 1], [1, 0, 1], [2, 2, 2]], np.uint8)
    conf = np.array([[255, 0, 0], [255, 0, 0], [0, 0, 0]], np.uint8)
    regions = polygonise(labels, conf, ["A", "B"])
    assert sorted((r.code, r.geometry.area, r.confidence) for r in regions) == [
        ("A", 2.0, 0.0),
        ("A", 2.0, 1.0),
        ("B", 3.0, 0.0),
    ]


def test_polygonise_empty():
    assert polygonise(np.zeros((3, 3), np.uint8), np.zeros((3, 3), np.uint8), ["A"]) == []
