import io

import morecantile
import numpy as np
import pytest
from PIL import Image
from pyproj import Transformer

from gis.gcps import GroundControlPoints
from gis.georef import fit_transform
from gis.warp import warp_scan, write_cog
from tiles.raster import ScanTileMissingError, scan_tile

TMS = morecantile.tms.get("WebMercatorQuad")


@pytest.fixture(scope="module")
def cog(tmp_path_factory):
    image = np.full((400, 300, 3), 240, np.uint8)
    image[:, :, 2] = 90
    pixel = [[0, 0], [300, 0], [0, 400], [300, 400]]
    gcps = GroundControlPoints(
        pixel=pixel, map=[[521_000 + x * 0.5, 2_384_000 - y * 0.5] for x, y in pixel]
    )
    rgba, affine = warp_scan(image, fit_transform(gcps, method="affine"))
    return write_cog(
        rgba, affine, crs="EPSG:32637", path=tmp_path_factory.mktemp("cog") / "scan.tif"
    )


def _tile_at(easting, northing, zoom):
    lon, lat = Transformer.from_crs(32637, 4326, always_xy=True).transform(easting, northing)
    return TMS.tile(lon, lat, zoom)


def test_tile_inside_scan_is_png_with_scan_colours(cog):
    tile = _tile_at(521_075, 2_383_900, 18)
    picture = Image.open(io.BytesIO(scan_tile(cog, tile.z, tile.x, tile.y)))
    assert picture.format == "PNG" and picture.size == (256, 256)
    pixels = np.asarray(picture.convert("RGBA"))
    opaque = pixels[pixels[:, :, 3] == 255]
    assert len(opaque) > 0 and tuple(opaque[0][:3]) == (240, 240, 90)


def test_tile_outside_scan_refused(cog):
    with pytest.raises(ScanTileMissingError, match="outside the scan"):
        scan_tile(cog, 15, 0, 0)


def test_missing_cog_refused(tmp_path):
    with pytest.raises(ScanTileMissingError, match="no georeferenced scan"):
        scan_tile(tmp_path / "none.tif", 15, 0, 0)
