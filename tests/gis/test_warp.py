import numpy as np
import pytest
import rasterio

from gis.gcps import GroundControlPoints
from gis.georef import fit_transform
from gis.warp import warp_scan, write_cog

ORIGIN = (521_000.0, 2_384_000.0)


def _sheet():
    image = np.full((400, 300, 3), 240, np.uint8)
    image[100:200, 50:150] = (200, 30, 30)  # a red square: 100 px = 50 m at 0.5 m/px
    return image


def _transform(method="affine", rotate_deg=0.0):
    angle = np.radians(rotate_deg)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pixel = np.array(
        [[0, 0], [300, 0], [0, 400], [300, 400], [150, 200], [60, 330], [250, 90]], float
    )
    local = (pixel * [0.5, -0.5]) @ rot.T
    return fit_transform(GroundControlPoints(pixel=pixel, map=local + ORIGIN), method=method)


def test_north_up_affine_keeps_geometry():
    rgba, affine = warp_scan(_sheet(), _transform())
    assert affine.a == pytest.approx(0.5) and affine.e == pytest.approx(-0.5)
    assert (affine.c, affine.f) == pytest.approx(ORIGIN)
    red = (rgba[:, :, 0] == 200) & (rgba[:, :, 1] == 30)
    rows, cols = np.nonzero(red)
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (100, 199, 50, 149)


@pytest.mark.parametrize("method", ["affine", "projective", "poly2", "tps"])
def test_rotated_sheet_lands_where_transform_says(method):
    transform = _transform(method, rotate_deg=5.0)
    rgba, affine = warp_scan(_sheet(), transform)
    centre = transform.apply([[100.0, 150.0]])[0]  # centre of the red square
    col, row = ~affine @ tuple(centre)
    assert tuple(rgba[int(row), int(col), :3]) == (200, 30, 30)
    assert rgba[0, 0, 3] == 0  # the rotated sheet leaves transparent corners


def test_cog_is_valid_and_georeferenced(tmp_path):
    rgba, affine = warp_scan(_sheet(), _transform())
    path = write_cog(rgba, affine, crs="EPSG:32637", path=tmp_path / "scan.tif")
    with rasterio.open(path) as dataset:
        assert dataset.crs.to_epsg() == 32637
        assert dataset.count == 4
        assert dataset.transform == affine
        assert dataset.profile["tiled"] and dataset.profile["compress"] == "deflate"


def test_not_rgb_refused():
    with pytest.raises(ValueError, match="must be \\(rows, cols, 3\\) RGB"):
        warp_scan(np.zeros((10, 10), np.uint8), _transform())
