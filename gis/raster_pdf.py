"""Render one page of a PDF scan to RGB with PDFium, checking its size before rendering.

A scanned plan usually arrives as a PDF page holding one full-page image. Such a page is
rendered at the image's own pixel size, so the raster is the embedded scan pixel for pixel
and GCPs measured on the original scan still apply. Other pages (vector drawings, several
images, an image with margins) are rendered at `PDF_DPI` or the resolution asked for.
"""

import ctypes
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from gis.errors import PdfEncryptedError, PdfPageError, PdfReadError, ScanTooLargeError
from gis.types import RGBImage, Window

PDF_DPI: Final = 300
"""Resolution a PDF page is rendered at when it is not a single full-page image."""

PDF_MAGIC: Final = b"%PDF-"
"""A PDF's header; readers accept it anywhere in the first 1024 bytes."""

_POINTS_PER_INCH: Final = 72.0
_FULL_PAGE: Final = 0.01  # image edges within 1 % of the page box: the image is the page
_RENDER_FLAGS: Final = pdfium_c.FPDF_ANNOT | pdfium_c.FPDF_REVERSE_BYTE_ORDER  # RGB order
_PDFIUM = threading.Lock()  # PDFium is not thread-safe: one call at a time per process


@dataclass(frozen=True)
class PdfPageLayout:
    """How a PDF page is rendered.

    Attributes
    ----------
    page, pages
        The page rendered (from 1) and the document's page count.
    shape
        (height, width) of the rendered raster in pixels.
    dpi
        Horizontal and vertical resolution of the rendered raster.
    native
        True when the page is one full-page image rendered at its own pixel size.
    """

    page: int
    pages: int
    shape: tuple[int, int]
    dpi: tuple[float, float]
    native: bool


class PdfScan:
    """A rendered PDF page held in memory, read through the `gis.raster.Scan` interface."""

    def __init__(self, image: RGBImage, layout: PdfPageLayout) -> None:
        self._image = image
        self.layout = layout

    @property
    def shape(self) -> tuple[int, int]:
        """(height, width) in pixels."""
        return self._image.shape[0], self._image.shape[1]

    def read(self, window: Window) -> RGBImage:
        """Return the RGB block of `window` (a view of the rendered page, not a copy)."""
        return self._image[window]


def is_pdf(path: Path) -> bool:
    """Tell whether a file starts like a PDF (``%PDF-`` within its first 1024 bytes).

    Examples
    --------
    >>> is_pdf(Path("/no/such/file.pdf"))
    False
    """
    try:
        with path.open("rb") as file:
            return PDF_MAGIC in file.read(1024)
    except OSError:
        return False


def render_pdf_page(
    path: str | Path, *, page: int = 1, dpi: float | None = None, max_pixels: int
) -> PdfScan:
    """Render one page of a PDF to an RGB raster (white where nothing is drawn).

    Parameters
    ----------
    path
        The PDF file.
    page
        Page number, from 1.
    dpi
        Resolution to render at. None: the embedded image's own resolution when the page
        is one full-page image (the raster is then that image, pixel for pixel), else
        `PDF_DPI`.
    max_pixels
        Refuse pages whose raster (or any embedded image) would have more pixels.

    Raises
    ------
    PdfReadError
        Not a PDF, or corrupt.
    PdfEncryptedError
        The PDF needs a password.
    PdfPageError
        `page` is not a page of the document (the message names the page count).
    ScanTooLargeError
        The raster would exceed `max_pixels`; checked before rendering.

    Notes
    -----
    The whole page is rendered at once and held in memory, 3 bytes per pixel (about 210 MB
    for an A1 sheet at 300 dpi); `PdfScan.read` returns views of it. While rendering, PDFium
    also holds the decoded embedded image: measured on the real 150-dpi JPEG 2000 scans,
    peak memory was about 15 bytes per pixel (130 MB for 8.7 Mpx, 0.8 s). Pixel coordinates
    (GCPs) refer to the rendered raster: with ``native`` they are the embedded scan's own
    pixels, in the page's displayed orientation (``/Rotate`` applied).

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> path = Path(tempfile.mkdtemp()) / "sheet.pdf"
    >>> Image.new("P", (30, 20), 7).save(path, resolution=150)
    >>> scan = render_pdf_page(path, max_pixels=10_000)
    >>> scan.shape, scan.layout.native, scan.layout.dpi
    ((20, 30), True, (150.0, 150.0))
    """
    if dpi is not None and not 0 < dpi <= 2400:
        raise ValueError(f"dpi must be in (0, 2400], got {dpi}")
    path = Path(path)
    with _PDFIUM:
        document = _open_document(path)
        try:
            pdf_page = _page(document, path, page)
            layout = _layout(pdf_page, page, len(document), dpi, path, max_pixels)
            image = _extract(pdf_page, layout) if layout.native else None
            if image is None:
                image = _render(pdf_page, layout.shape, path)
        finally:
            document.close()
    return PdfScan(image, layout)


def _open_document(path: Path) -> pdfium.PdfDocument:
    if not is_pdf(path):
        raise PdfReadError(
            f"cannot read scan {path}: not a PDF (no {PDF_MAGIC.decode()} header); "
            "expected a PDF file, or give the image with its own suffix (.tif, .png, .jpg)"
        )
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise PdfEncryptedError(
                f"cannot read scan {path}: the PDF is encrypted and needs a password; "
                "expected an unprotected PDF, so save a copy without the password"
            ) from error
        raise PdfReadError(
            f"cannot read scan {path}: {error}; expected a valid PDF, re-export or re-scan it"
        ) from error


def _page(document: pdfium.PdfDocument, path: Path, page: int) -> pdfium.PdfPage:
    pages = len(document)
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= pages:
        raise PdfPageError(
            f"cannot read page {page!r} of {path}: the PDF has {pages} page(s); "
            f"expected a page number from 1 to {pages}"
        )
    return document[page - 1]


def _layout(
    page: pdfium.PdfPage, number: int, pages: int, dpi: float | None, path: Path, max_pixels: int
) -> PdfPageLayout:
    images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
    for image in images:
        columns, rows = image.get_px_size()
        if columns * rows > max_pixels:
            raise ScanTooLargeError(
                f"page {number} of {path} embeds a {columns} x {rows} image, more than "
                f"max_pixels={max_pixels:,}; scan at a lower resolution or raise the limit"
            )
    native = _native_scale(page, images) if dpi is None else None
    uniform = (dpi or PDF_DPI) / _POINTS_PER_INCH
    along_x, along_y = native or (uniform, uniform)
    left, bottom, right, top = page.get_cropbox()
    width, height = round((right - left) * along_x), round((top - bottom) * along_y)
    if page.get_rotation() in (90, 270):  # the raster shows the page as displayed
        width, height, along_x, along_y = height, width, along_y, along_x
    resolution = (along_x * _POINTS_PER_INCH, along_y * _POINTS_PER_INCH)
    if width * height > max_pixels:
        raise ScanTooLargeError(
            f"page {number} of {path} renders to {width} x {height} = {width * height:,} "
            f"pixels at {resolution[0]:.0f} dpi, more than max_pixels={max_pixels:,}; "
            "give a lower dpi or raise the limit"
        )
    shape = (max(height, 1), max(width, 1))
    rounded = (round(resolution[0], 3), round(resolution[1], 3))
    return PdfPageLayout(number, pages, shape, rounded, native is not None)


def _native_scale(
    page: pdfium.PdfPage, images: list[pdfium.PdfImage]
) -> tuple[float, float] | None:
    """Pixels per point (x, y) of a single axis-aligned image covering the page, else None."""
    if len(images) != 1:
        return None
    a, b, c, d, _, _ = images[0].get_matrix().get()
    if abs(b) > 1e-6 * abs(a) or abs(c) > 1e-6 * abs(d) or a == 0 or d == 0:
        return None
    box = np.array(page.get_cropbox())
    bounds = np.array(images[0].get_bounds())
    size = np.abs(box[2:] - box[:2])
    if np.any(np.abs(bounds - box) > _FULL_PAGE * np.tile(size, 2)):
        return None
    columns, rows = images[0].get_px_size()
    return columns / abs(a), rows / abs(d)


def _render(page: pdfium.PdfPage, shape: tuple[int, int], path: Path) -> RGBImage:
    height, width = shape
    image = np.full((height, width, 3), 255, np.uint8)  # white paper under the page
    pointer = image.ctypes.data_as(ctypes.c_void_p)
    bitmap = pdfium_c.FPDFBitmap_CreateEx(
        width, height, pdfium_c.FPDFBitmap_BGR, pointer, width * 3
    )
    if not bitmap:
        raise PdfReadError(f"cannot render {path}: PDFium could not allocate the page bitmap")
    try:
        pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, width, height, 0, _RENDER_FLAGS)
    finally:
        pdfium_c.FPDFBitmap_Destroy(bitmap)
    return image


def _extract(page: pdfium.PdfPage, layout: PdfPageLayout) -> RGBImage | None:
    """Decode the page's only content, one image, as stored: exact, no resampling.

    None when the page has anything else to draw (other objects, annotations) or the
    decoded image is not of the expected size; the page is then rendered.
    """
    objects = list(page.get_objects())
    if len(objects) != 1 or pdfium_c.FPDFPage_GetAnnotCount(page) > 0:
        return None
    a, _, _, d, _, _ = objects[0].get_matrix().get()
    bitmap = objects[0].get_bitmap(render=False)
    try:
        pixels = bitmap.to_numpy()
        if bitmap.format == pdfium_c.FPDFBitmap_Gray:
            rgb = np.repeat(pixels.reshape(*pixels.shape[:2], 1), 3, axis=2)
        elif bitmap.format in (pdfium_c.FPDFBitmap_BGR, pdfium_c.FPDFBitmap_BGRx):
            rgb = pixels[:, :, 2::-1] if not bitmap.rev_byteorder else pixels[:, :, :3]
        else:  # alpha or an unusual format: let PDFium compose it on white paper
            return None
        rgb = rgb[::-1] if d < 0 else rgb
        rgb = rgb[:, ::-1] if a < 0 else rgb
        turned = np.rot90(rgb, k=(-page.get_rotation() // 90) % 4)  # /Rotate is clockwise
        image: RGBImage = np.ascontiguousarray(turned)
    finally:
        bitmap.warn_on_close = False  # safe: the pixels were copied out above
        bitmap.close()
    return image if image.shape[:2] == layout.shape else None
