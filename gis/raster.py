"""Read scanned plan sheets (TIFF, PNG, JPEG, a PDF page) as RGB, whole or window by window."""

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Final, Protocol, Self

import numpy as np
import numpy.typing as npt
import rasterio
from rasterio.enums import ColorInterp
from rasterio.errors import NotGeoreferencedWarning, RasterioError
from rasterio.windows import Window as RioWindow

from gis.errors import ScanReadError, ScanTooLargeError
from gis.raster_pdf import PdfScan, is_pdf, render_pdf_page
from gis.types import RGBImage, Window

DEFAULT_MAX_PIXELS: Final = 250_000_000
"""Refuse larger scans before decoding them: an A0 sheet at 400 dpi is about 220 Mpx."""

_FORMATS = "a TIFF, PNG or JPEG image or a PDF page"


class Scan(Protocol):
    """A scan that can be read block by block: an opened file or an in-memory array."""

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) in pixels."""
        ...

    def read(self, window: Window) -> RGBImage:
        """Return the (rows, cols, 3) RGB block of `window`."""
        ...


class ArrayScan:
    """An RGB image held in memory, read through the `Scan` interface.

    Examples
    --------
    >>> scan = ArrayScan(np.zeros((4, 6, 3), np.uint8))
    >>> scan.shape, scan.read((slice(0, 2), slice(1, 4))).shape
    ((4, 6), (2, 3, 3))
    """

    def __init__(self, image: npt.ArrayLike) -> None:
        array = np.asarray(image)
        if array.ndim != 3 or array.shape[2] != 3 or array.dtype != np.uint8:
            raise ScanReadError(
                f"expected an (height, width, 3) uint8 RGB array, got shape {array.shape} "
                f"and dtype {array.dtype}"
            )
        self._image: RGBImage = array

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) in pixels."""
        return self._image.shape[0], self._image.shape[1]

    def read(self, window: Window) -> RGBImage:
        """Return the RGB block of `window` (a view, not a copy)."""
        return self._image[window]


class RasterScan:
    """A scan file opened with rasterio; use `open_scan` to create one."""

    def __init__(self, dataset: rasterio.DatasetReader, name: str) -> None:
        self._dataset = dataset
        self._name = name

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._dataset.close()

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) in pixels."""
        return int(self._dataset.height), int(self._dataset.width)

    def read(self, window: Window) -> RGBImage:
        """Decode only the block of `window` and return it as RGB."""
        rows, cols = window
        rio_window = RioWindow.from_slices(rows, cols, height=self.shape[0], width=self.shape[1])
        try:
            bands = self._dataset.read(window=rio_window)
        except RasterioError as error:
            raise ScanReadError(f"cannot decode scan {self._name}: {error}") from error
        return to_rgb(bands, _palette(self._dataset))


@contextmanager
def open_scan(
    path: str | Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    page: int = 1,
    dpi: float | None = None,
) -> Iterator[RasterScan | PdfScan]:
    """Open a scan file for windowed reading, checking its size before decoding anything.

    Parameters
    ----------
    path
        A TIFF, PNG or JPEG file, or a PDF (told by its ``%PDF-`` header, whatever the
        suffix), rendered with PDFium (`gis.raster_pdf.render_pdf_page`).
    max_pixels
        Refuse scans with more pixels (a decompression-bomb guard); for a PDF checked
        from the page size and resolution before rendering.
    page
        Page of a PDF, from 1; other files have only page 1.
    dpi
        PDF only: resolution to render at. None renders a page that is one full-page
        scanned image at that image's own pixel size (GCPs measured on the original scan
        then apply unchanged), and any other page at `gis.raster_pdf.PDF_DPI`.

    Raises
    ------
    ScanReadError
        Missing, corrupt or unsupported file, or a page other than 1 of an image file.
    ScanTooLargeError
        More pixels than `max_pixels`.
    gis.errors.PdfReadError, gis.errors.PdfEncryptedError, gis.errors.PdfPageError
        A PDF that is corrupt, needs a password, or has no such page.

    Notes
    -----
    Image files: only the header is read here; `RasterScan.read` decodes one window at a
    time. PDF: the page is rendered whole into memory (3 bytes per pixel) and windows are
    views of it.

    Examples
    --------
    >>> with open_scan("/no/such/scan.pdf") as scan:
    ...     pass
    Traceback (most recent call last):
    ...
    gis.errors.ScanReadError: cannot read scan /no/such/scan.pdf: no such file
    """
    source = Path(path)
    if not source.is_file():
        raise ScanReadError(f"cannot read scan {path}: no such file")
    if is_pdf(source) or source.suffix.lower() == ".pdf":
        yield render_pdf_page(source, page=page, dpi=dpi, max_pixels=max_pixels)
        return
    if page != 1:
        raise ScanReadError(
            f"cannot read page {page} of scan {path}: only a PDF has pages; "
            "expected page 1 for a TIFF, PNG or JPEG file"
        )
    with _open_image(source, max_pixels) as scan:
        yield scan


@contextmanager
def _open_image(path: Path, max_pixels: int) -> Iterator[RasterScan]:
    dataset = _open_dataset(path)
    try:
        pixels = dataset.width * dataset.height
        if pixels > max_pixels:
            raise ScanTooLargeError(
                f"scan {path} has {dataset.width} x {dataset.height} = {pixels:,} pixels, more "
                f"than max_pixels={max_pixels:,}; scan at a lower resolution or raise the limit"
            )
        if dataset.count < 1:
            raise ScanReadError(f"scan {path} has no bands")
        with RasterScan(dataset, str(path)) as scan:
            yield scan
    finally:
        dataset.close()


def read_scan(
    path: str | Path,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    page: int = 1,
    dpi: float | None = None,
) -> RGBImage:
    """Read a whole scan (or a PDF page) as an (height, width, 3) uint8 RGB array.

    Grey, palette, grey+alpha, RGB(A) and 16-bit images are converted to 8-bit RGB; a PDF
    page is rendered as `open_scan` says.

    Raises
    ------
    ScanReadError
        As `open_scan`.

    Notes
    -----
    Holds 3 bytes per pixel (about 210 MB for an A1 sheet at 300 dpi); prefer `open_scan`
    and `iter_windows` for large sheets.

    Examples
    --------
    >>> read_scan("/no/such/scan.tif")
    Traceback (most recent call last):
    ...
    gis.errors.ScanReadError: cannot read scan /no/such/scan.tif: no such file
    """
    with open_scan(path, max_pixels=max_pixels, page=page, dpi=dpi) as scan:
        height, width = scan.shape
        return scan.read((slice(0, height), slice(0, width)))


def iter_windows(
    shape: tuple[int, int], *, rows: int = 1024, halo: int = 0
) -> Iterator[tuple[Window, Window]]:
    """Yield (core, padded) windows of full-width row strips covering a raster.

    `padded` is `core` grown by `halo` rows above and below (clipped to the raster), so a
    filter of radius up to `halo` computed on `padded` is exact on `core`.

    Examples
    --------
    >>> [(core[0].start, core[0].stop, pad[0].start, pad[0].stop)
    ...  for core, pad in iter_windows((10, 4), rows=4, halo=1)]
    [(0, 4, 0, 5), (4, 8, 3, 9), (8, 10, 7, 10)]
    """
    if rows < 1 or halo < 0:
        raise ValueError(f"rows must be >= 1 and halo >= 0, got rows={rows}, halo={halo}")
    height, width = shape
    every = slice(0, width)
    for start in range(0, height, rows):
        stop = min(start + rows, height)
        padded = slice(max(0, start - halo), min(height, stop + halo))
        yield (slice(start, stop), every), (padded, every)


def to_rgb(bands: npt.NDArray[np.generic], palette: RGBImage | None = None) -> RGBImage:
    """Convert (count, rows, cols) bands to (rows, cols, 3) uint8 RGB.

    Examples
    --------
    >>> to_rgb(np.full((1, 1, 2), 65535, np.uint16)).tolist()
    [[[255, 255, 255], [255, 255, 255]]]
    """
    data = _to_uint8(bands)
    if palette is not None:
        coloured: RGBImage = palette[data[0]]
        return coloured
    if data.shape[0] < 3:  # grey, or grey + alpha
        return np.repeat(data[0][:, :, None], 3, axis=2)
    # one band at a time: ~7x faster than a contiguous copy of the moved axes
    rgb: RGBImage = np.empty((*data.shape[1:], 3), np.uint8)
    for band in range(3):
        rgb[..., band] = data[band]
    return rgb


def _to_uint8(bands: npt.NDArray[np.generic]) -> npt.NDArray[np.uint8]:
    if bands.dtype == np.uint8:
        return bands.astype(np.uint8, copy=False)
    if bands.dtype == np.uint16:
        return (bands.astype(np.uint32) * 255 // 65535).astype(np.uint8)
    raise ScanReadError(f"unsupported pixel type {bands.dtype}; expected 8- or 16-bit integers")


def _palette(dataset: rasterio.DatasetReader) -> RGBImage | None:
    if dataset.colorinterp[0] != ColorInterp.palette:
        return None
    colormap = dataset.colormap(1)
    table = np.zeros((256, 3), np.uint8)
    for index, colour in colormap.items():
        if 0 <= index < 256:
            table[index] = colour[:3]
    return table


def _open_dataset(path: Path) -> rasterio.DatasetReader:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return rasterio.open(path)
    except RasterioError as error:
        raise ScanReadError(f"cannot read scan {path}: {error}; expected {_FORMATS}") from error
