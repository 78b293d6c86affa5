"""Map furniture around a synthetic sheet: double frame with ticks, legend, title, north arrow.

The legend's swatches carry the zones' own fill colours (or patterns) outside the map: the
content that fools a classifier which looks at the whole sheet instead of the map frame.
"""

from collections.abc import Sequence
from typing import Final

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from gis.legend import RGB
from gis.synthetic_patterns import PATTERNS, pattern_mask
from gis.types import RGBImage

FURNITURE_PAD: Final = 44
"""Paper between the map frame and the canvas edge on the left, top and bottom, pixels."""

FRAME_GAP: Final = 6
"""Distance of the outer line of the double frame outside the map frame, pixels."""

_BLACK = (20, 20, 20)
_SWATCH = (34, 18)  # width, height of a legend swatch


def add_furniture(
    canvas: RGBImage,
    pad: int,
    entries: Sequence[tuple[str, str, RGB | None]],
    rng: np.random.Generator,
) -> tuple[RGBImage, int]:
    """Place a drawn map on a larger sheet with a double frame, ticks, legend and title block.

    Parameters
    ----------
    canvas
        The map, its frame's top-left corner at (`pad`, `pad`).
    pad
        Paper around the frame in `canvas`.
    entries
        (code, name, fill colour) of each legend entry; a colour of None draws the code's
        black-and-white pattern (`gis.synthetic_patterns.PATTERNS`).
    rng
        Random numbers (tick labels, plan number).

    Returns
    -------
    tuple
        The sheet and the offset of the map frame's top-left corner in it (both axes).

    Examples
    --------
    >>> map_ = np.full((108, 208, 3), 255, np.uint8)
    >>> sheet, offset = add_furniture(map_, 4, [("A", "Zone A", (200, 0, 0))],
    ...                               np.random.default_rng(0))
    >>> sheet.shape, offset
    ((188, 438, 3), 44)
    """
    height, width = canvas.shape[0] - 2 * pad, canvas.shape[1] - 2 * pad
    panel = max(150, width // 3)
    shape = (height + 2 * FURNITURE_PAD, width + 2 * FURNITURE_PAD + panel)
    sheet = np.full((*shape, 3), 255, np.uint8)
    at = FURNITURE_PAD - pad
    sheet[at : at + canvas.shape[0], at : at + canvas.shape[1]] = canvas
    image = Image.fromarray(sheet)
    draw = ImageDraw.Draw(image)
    _double_frame(draw, width, height, rng)
    left = FURNITURE_PAD + width + FURNITURE_PAD // 2
    bottom = _legend(image, draw, (left, FURNITURE_PAD, panel), entries)
    bottom = _title(draw, (left, bottom + 14, panel), rng)
    _north_arrow(draw, (left + panel // 2, bottom + 30))
    return np.asarray(image, np.uint8), FURNITURE_PAD


def _double_frame(
    draw: ImageDraw.ImageDraw, width: int, height: int, rng: np.random.Generator
) -> None:
    """Outer frame line `FRAME_GAP` outside the map's, with ticks and coordinate labels."""
    x0, y0 = FURNITURE_PAD - FRAME_GAP - 0.5, FURNITURE_PAD - FRAME_GAP - 0.5
    x1, y1 = FURNITURE_PAD + width + FRAME_GAP - 0.5, FURNITURE_PAD + height + FRAME_GAP - 0.5
    draw.rectangle((x0, y0, x1, y1), outline=_BLACK, width=2)
    font = ImageFont.load_default(size=9)
    base = int(rng.integers(1000, 9000)) * 100
    for x in range(FURNITURE_PAD + 50, FURNITURE_PAD + width, 100):
        draw.line([(x, y0 - 8), (x, y0)], fill=_BLACK, width=1)
        draw.line([(x, y1), (x, y1 + 8)], fill=_BLACK, width=1)
        draw.text((x, y0 - 10), str(base + x), fill=_BLACK, font=font, anchor="mb")
    for y in range(FURNITURE_PAD + 50, FURNITURE_PAD + height, 100):
        draw.line([(x0 - 8, y), (x0, y)], fill=_BLACK, width=1)
        draw.line([(x1, y), (x1 + 8, y)], fill=_BLACK, width=1)
        draw.text((x0 - 10, y), str(base + y), fill=_BLACK, font=font, anchor="rm")


def _legend(
    image: Image.Image,
    draw: ImageDraw.ImageDraw,
    box: tuple[int, int, int],
    entries: Sequence[tuple[str, str, RGB | None]],
) -> int:
    """Draw the legend box with one swatch and label per entry; return its bottom edge."""
    left, top, width = box
    font = ImageFont.load_default(size=11)
    draw.text((left + 10, top + 8), "LEGEND", fill=_BLACK, font=font)
    row = top + 30
    for code, name, colour in entries:
        tile = _swatch(code, colour)
        image.paste(Image.fromarray(tile), (left + 10, row))
        draw.rectangle((left + 10, row, left + 10 + _SWATCH[0], row + _SWATCH[1]), outline=_BLACK)
        draw.text((left + 20 + _SWATCH[0], row + 2), f"{code}  {name}", fill=_BLACK, font=font)
        row += _SWATCH[1] + 10
    bottom = row + 4
    draw.rectangle((left, top, left + width - 12, bottom), outline=_BLACK, width=2)
    return bottom


def _swatch(code: str, colour: RGB | None) -> RGBImage:
    shape = (_SWATCH[1], _SWATCH[0])
    if colour is not None:
        return np.full((*shape, 3), colour, np.uint8)
    name = next(pattern for c, pattern, _ in PATTERNS if c == code)
    grey = np.where(pattern_mask(name, shape), 0, 255).astype(np.uint8)
    return np.repeat(grey[:, :, None], 3, axis=2)


def _title(draw: ImageDraw.ImageDraw, box: tuple[int, int, int], rng: np.random.Generator) -> int:
    """Draw the title block (title, plan number, scale, scale bar); return its bottom edge."""
    left, top, width = box
    big, small = ImageFont.load_default(size=15), ImageFont.load_default(size=10)
    draw.text((left + 10, top + 8), "ZONING PLAN", fill=_BLACK, font=big)
    draw.text((left + 10, top + 46), f"Plan {rng.integers(100, 999)}/1958", fill=_BLACK, font=small)
    draw.text((left + 10, top + 62), "Scale 1:2500", fill=_BLACK, font=small)
    bar = top + 84
    for step in range(4):
        x = left + 10 + step * 25
        draw.rectangle((x, bar, x + 25, bar + 5), outline=_BLACK, fill=_BLACK if step % 2 else None)
    bottom = bar + 16
    draw.rectangle((left, top, left + width - 12, bottom), outline=_BLACK, width=2)
    return bottom


def _north_arrow(draw: ImageDraw.ImageDraw, tip: tuple[int, int]) -> None:
    x, y = tip
    draw.polygon([(x, y), (x - 9, y + 34), (x, y + 26), (x + 9, y + 34)], fill=_BLACK)
    draw.text((x, y - 4), "N", fill=_BLACK, font=ImageFont.load_default(size=14), anchor="mb")
