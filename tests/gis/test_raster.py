import numpy as np
import pytest
import rasterio
import rasterio.errors
from PIL import Image

from gis.errors import ScanReadError
from gis.raster import ArrayScan, iter_windows, open_scan, read_scan, to_rgb

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")


def write_tiff(path, bands, **extra):
    count, height, width = bands.shape
    profile = {
        "driver": "GTiff",
        "count": count,
        "dtype": bands.dtype.name,
        "height": height,
        "width": width,
        **extra,
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(bands)
    return path


@pytest.fixture
def rgb():
    return np.random.default_rng(0).integers(0, 256, (30, 40, 3), dtype=np.uint8)


@pytest.mark.parametrize("suffix", ["png", "tif"])
def test_read_scan_lossless_formats_round_trip(tmp_path, rgb, suffix):
    path = tmp_path / f"scan.{suffix}"
    Image.fromarray(rgb).save(path)
    assert np.array_equal(read_scan(path), rgb)


def test_read_scan_jpeg_is_close(tmp_path, rgb):
    smooth = np.full((30, 40, 3), (200, 120, 40), np.uint8)
    Image.fromarray(smooth).save(tmp_path / "scan.jpg", quality=95)
    assert np.abs(read_scan(tmp_path / "scan.jpg").astype(int) - smooth).max() <= 3


def test_read_scan_grey_palette_and_16_bit(tmp_path):
    grey = write_tiff(tmp_path / "grey.tif", np.full((1, 4, 5), 77, np.uint8))
    assert read_scan(grey)[0, 0].tolist() == [77, 77, 77]
    deep = write_tiff(tmp_path / "deep.tif", np.full((3, 4, 5), 65535, np.uint16))
    assert read_scan(deep)[0, 0].tolist() == [255, 255, 255]
    image = Image.fromarray(np.zeros((4, 5), np.uint8), mode="P")
    image.putpalette([10, 20, 30] + [0] * 765)
    image.save(tmp_path / "palette.png")
    assert read_scan(tmp_path / "palette.png")[0, 0].tolist() == [10, 20, 30]


def test_open_scan_reads_windows_equal_to_whole(tmp_path, rgb):
    path = write_tiff(
        tmp_path / "scan.tif", np.moveaxis(rgb, -1, 0), tiled=True, blockxsize=16, blockysize=16
    )
    with open_scan(path) as scan:
        assert scan.shape == (30, 40)
        blocks = [scan.read(core) for core, _ in iter_windows(scan.shape, rows=7)]
    assert np.array_equal(np.concatenate(blocks), rgb)


def test_iter_windows_cover_every_row_once():
    cores = [core[0] for core, _ in iter_windows((101, 3), rows=10, halo=4)]
    rows = np.concatenate([np.arange(c.start, c.stop) for c in cores])
    assert rows.tolist() == list(range(101))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "cannot read scan"),
        (b"not an image at all", "cannot read scan"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "cannot read scan"),
        (b"%PDF-1.4\n%%EOF\n", "render the page to TIFF"),
    ],
)
def test_read_scan_rejects_corrupt_files(tmp_path, content, match):
    path = tmp_path / ("scan.pdf" if content.startswith(b"%PDF") else "scan.png")
    path.write_bytes(content)
    with pytest.raises(ScanReadError, match=match):
        read_scan(path)


def test_read_scan_rejects_missing_file(tmp_path):
    with pytest.raises(ScanReadError, match="no such file"):
        read_scan(tmp_path / "missing.tif")


def test_read_scan_refuses_too_many_pixels_before_decoding(tmp_path, rgb):
    path = tmp_path / "scan.png"
    Image.fromarray(rgb).save(path)
    with pytest.raises(ScanReadError, match=r"1,200 pixels, more than max_pixels=1,000"):
        read_scan(path, max_pixels=1000)


def test_truncated_tiff_fails_on_read(tmp_path, rgb):
    path = write_tiff(tmp_path / "scan.tif", np.moveaxis(rgb, -1, 0), compress="deflate")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ScanReadError, match="cannot"):
        read_scan(path)


def test_array_scan_and_to_rgb_reject_bad_arrays():
    with pytest.raises(ScanReadError, match=r"uint8 RGB array, got shape \(4, 4\)"):
        ArrayScan(np.zeros((4, 4), np.uint8))
    with pytest.raises(ScanReadError, match="unsupported pixel type float32"):
        to_rgb(np.zeros((3, 2, 2), np.float32))
