"""A pattern sheet's ink, measured against its local paper and ink tones."""

from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.raster import Scan, iter_windows
from gis.texture import F32, InkLevels, ink_levels, to_grey

PAPER_STEP: Final = 16
"""Grid step (pixels) of the local paper-tone map."""


def read_ink(scan: Scan, rows: int) -> tuple[npt.NDArray[np.uint8], InkLevels, F32]:
    """Read a sheet's grey levels (`rows` at a time), its paper and ink levels, and its ink.

    Ink is the share 0..1 of the way from the local paper tone to the local ink tone, so
    stains, yellowed paper and faint toner read alike.
    """
    grey = _read_grey(scan, rows)
    decimate = max(1, int(np.sqrt(grey.size / 1_000_000)))
    levels = ink_levels(grey[::decimate, ::decimate].astype(np.float32))
    return grey, levels, _ink(grey, _paper_map(grey, levels))


def _read_grey(scan: Scan, rows: int) -> npt.NDArray[np.uint8]:
    grey = np.empty(scan.shape, np.uint8)
    for core, _ in iter_windows(scan.shape, rows=rows):
        grey[core] = np.round(to_grey(scan.read(core))).astype(np.uint8)
    return grey


def _paper_map(grey: npt.NDArray[np.uint8], levels: InkLevels) -> F32:
    """Local paper and ink tones on a `PAPER_STEP` grid, shape (2, rows, cols).

    The paper tone is the bright level around each cell (stains, yellowing, uneven light);
    the ink tone the dark level (faded, uneven toner), so a faint solid fill still reads as
    full ink. Where a neighbourhood has no paper, or no ink, the sheet's level is used.
    """
    height, width = grey.shape
    rows, cols = -(-height // PAPER_STEP), -(-width // PAPER_STEP)
    padded = np.pad(grey, ((0, rows * PAPER_STEP - height), (0, cols * PAPER_STEP - width)), "edge")
    blocks = padded.reshape(rows, PAPER_STEP, cols, PAPER_STEP)
    bright, dark = np.percentile(blocks, (90, 5), axis=(1, 3)).astype(np.float32)
    span = levels.paper - levels.black
    paper = ndimage.uniform_filter(ndimage.maximum_filter(bright, 5, mode="nearest"), 5)
    paper = np.where(paper < levels.black + 0.6 * span, levels.paper, paper)
    ink = ndimage.uniform_filter(ndimage.minimum_filter(dark, 7, mode="nearest"), 7)
    ink = np.where(ink > levels.black + 0.6 * span, levels.black, ink)
    return np.stack([paper, np.minimum(ink, paper - 32.0)]).astype(np.float32)


def _ink(grey: npt.NDArray[np.uint8], paper: F32, row0: int = 0) -> F32:
    """Ink share 0..1 of a block of rows starting at `row0` (a multiple of `PAPER_STEP`)."""
    first = row0 // PAPER_STEP
    last = -(-(row0 + grey.shape[0]) // PAPER_STEP)
    tones = np.repeat(np.repeat(paper[:, first:last], PAPER_STEP, 1), PAPER_STEP, 2)
    offset = row0 - first * PAPER_STEP
    tone = tones[0, offset : offset + grey.shape[0], : grey.shape[1]]
    dark = tones[1, offset : offset + grey.shape[0], : grey.shape[1]]
    ink: F32 = np.clip((tone - grey) / np.maximum(tone - dark, 16.0), 0.0, 1.0).astype(np.float32)
    return ink
