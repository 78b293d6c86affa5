import numpy as np
import pytest
import rasterio
import rasterio.errors
from PIL import Image

from gis.errors import (
    PdfEncryptedError,
    PdfPageError,
    PdfReadError,
    ScanReadError,
    ScanTooLargeError,
)
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
        (b"%PDF-1.4\n%%EOF\n", "expected a valid PDF"),
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


# --- PDF pages -------------------------------------------------------------------------------


def write_pdf(path, image, dpi):
    """A one-page PDF holding `image` losslessly (Flate) as a full page at `dpi`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.imsave(path, image, dpi=dpi, format="pdf")
    return path


def test_read_scan_pdf_page_is_the_embedded_image_pixel_for_pixel(tmp_path, rgb):
    path = write_pdf(tmp_path / "scan.pdf", rgb, dpi=150)
    with open_scan(path) as scan:
        assert scan.layout.native and scan.layout.dpi == (150.0, 150.0)
        assert scan.shape == (30, 40)
        blocks = [scan.read(core) for core, _ in iter_windows(scan.shape, rows=7)]
    assert np.array_equal(np.concatenate(blocks), rgb)


def test_read_scan_pdf_detected_by_header_not_suffix(tmp_path, rgb):
    path = write_pdf(tmp_path / "scan.pdf", rgb, dpi=100)
    renamed = path.rename(tmp_path / "upload.bin")
    assert np.array_equal(read_scan(renamed), rgb)


def test_read_scan_pdf_at_a_given_dpi(tmp_path, rgb):
    path = write_pdf(tmp_path / "scan.pdf", rgb, dpi=100)
    image = read_scan(path, dpi=200)
    assert image.shape == (60, 80, 3)
    assert np.abs(image[1::2, 1::2].astype(int) - rgb).mean() < 40  # resampled, same picture


def test_read_scan_pdf_second_page_and_rotation(tmp_path):
    first = Image.new("P", (40, 30), 1)
    second = Image.fromarray(np.tile(np.arange(50, dtype=np.uint8), (20, 1))).convert("P")
    path = tmp_path / "two.pdf"
    first.save(path, save_all=True, append_images=[second], resolution=72)
    assert read_scan(path, page=2).shape == (20, 50, 3)
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=path)
    writer.pages[1].rotate(90)
    writer.write(tmp_path / "rotated.pdf")
    assert read_scan(tmp_path / "rotated.pdf", page=2).shape == (50, 20, 3)


def test_read_scan_pdf_without_images_renders_at_300_dpi(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=72, height=36)  # one inch by half an inch
    writer.write(tmp_path / "blank.pdf")
    with open_scan(tmp_path / "blank.pdf") as scan:
        assert scan.shape == (150, 300) and not scan.layout.native
        assert (scan.read((slice(0, 150), slice(0, 300))) == 255).all()


@pytest.mark.parametrize("page", [0, 3, -1])
def test_read_scan_pdf_page_out_of_range_names_the_page_count(tmp_path, page):
    path = tmp_path / "two.pdf"
    Image.new("P", (4, 4)).save(path, save_all=True, append_images=[Image.new("P", (4, 4))])
    with pytest.raises(PdfPageError, match=r"has 2 page\(s\); expected a page number from 1 to 2"):
        read_scan(path, page=page)


def test_read_scan_image_has_no_page_two(tmp_path, rgb):
    Image.fromarray(rgb).save(tmp_path / "scan.png")
    with pytest.raises(ScanReadError, match="only a PDF has pages"):
        read_scan(tmp_path / "scan.png", page=2)


def test_read_scan_pdf_encrypted_needs_password(tmp_path, rgb):
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=write_pdf(tmp_path / "scan.pdf", rgb, dpi=72))
    writer.encrypt("secret", algorithm="RC4-128")
    writer.write(tmp_path / "locked.pdf")
    with pytest.raises(PdfEncryptedError, match="encrypted and needs a password"):
        read_scan(tmp_path / "locked.pdf")


@pytest.mark.parametrize(
    ("content", "error", "match"),
    [
        (b"GIF89a not a pdf", PdfReadError, "not a PDF"),
        (b"%PDF-1.7\n1 0 obj\n<<", PdfReadError, "expected a valid PDF"),
    ],
)
def test_read_scan_rejects_bad_pdfs(tmp_path, content, error, match):
    path = tmp_path / "scan.pdf"
    path.write_bytes(content)
    with pytest.raises(error, match=match):
        read_scan(path)


def test_read_scan_pdf_guard_is_checked_before_rendering(tmp_path, monkeypatch):
    from pypdf import PdfWriter

    import gis.raster_pdf

    writer = PdfWriter()
    writer.add_blank_page(width=72 * 200, height=72 * 200)  # 200 inches square: 3.6 Gpx
    writer.write(tmp_path / "huge.pdf")
    monkeypatch.setattr(gis.raster_pdf, "_render", lambda *args: pytest.fail("rendered"))
    with pytest.raises(ScanTooLargeError, match=r"60000 x 60000 = 3,600,000,000 pixels at 300"):
        read_scan(tmp_path / "huge.pdf")


def test_read_scan_pdf_embedded_image_is_guarded(tmp_path, rgb):
    path = write_pdf(tmp_path / "scan.pdf", rgb, dpi=150)
    with pytest.raises(ScanTooLargeError, match=r"embeds a 40 x 30 image"):
        read_scan(path, max_pixels=1000, dpi=10)


@pytest.mark.parametrize(
    ("name", "shape"), [("west-hartford-1958", (3382, 2571)), ("bloomfield-1958", (3245, 2644))]
)
def test_real_pdf_renders_as_its_extracted_scan(shared_data, name, shape):
    # Bloomfield's page carries /Rotate 270: its scan.jpg was turned to match the display.
    folder = shared_data / "real" / "hartford-ct-1950s-zoning-scans" / name
    with open_scan(folder / "source_scan.pdf") as scan:
        assert scan.layout.native
        rendered = scan.read((slice(0, scan.shape[0]), slice(0, scan.shape[1])))
    extracted = np.asarray(Image.open(folder / "scan.jpg").convert("RGB"))
    assert rendered.shape == extracted.shape == (*shape, 3)
    assert np.abs(rendered.astype(np.int16) - extracted).mean() < 3  # JPEG 95 vs JPEG 2000
