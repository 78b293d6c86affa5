"""Read a sheet's printed key: its swatch boxes and the label beside each, as a draft legend.

The swatches are found by `gis.legend_swatches`. Keys are often printed sideways, so the key
region is turned by 0, 90, 180 and 270 degrees and the text on the reading-right of each
swatch (up to the next swatch or a wide gap) is read by tesseract; the turn whose readings
tesseract is most confident in wins. Each reading gives the zone's English name and, by
`zone_code`, its code. The planner confirms or edits the draft.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import tesserocr
from PIL import Image, ImageDraw, ImageFont

from gis.errors import LegendDetectError
from gis.legend_swatches import Box, find_swatches, ink_mask
from gis.ocr import find_tessdata, prepare_crop
from gis.types import RGBImage

COLOUR_CHROMA: Final = 40
"""Least spread of a swatch's median red, green and blue for it to count as coloured."""

_MARGIN: Final = 8.0  # key region around the swatches, in swatch long sides
_TEXT_HEIGHT: Final = 40  # about the capital height tesseract reads best, pixels
_GAP: Final = 3.0  # a blank run this many text-line heights ends a label
_GENERIC = ("DISTRICTS", "DISTRICT", "ZONES", "ZONE")
_SHORT_CODE = re.compile(r"^[A-Z]{1,4}$")
_DIGIT_CODE = re.compile(r"^[A-Z]{1,4}[-_]?[A-Z0-9]*\d[A-Z0-9]*$|^[A-Z]+_[A-Z0-9]+$")
_AS_DIGIT = str.maketrans("IlOo", "1100")
_DASH = re.compile(r"\s*[-\u2010-\u2015~=]+\s*")


@dataclass(frozen=True)
class KeyEntry:
    """One swatch of the key and what was read beside it.

    Attributes
    ----------
    code
        The zone code derived from `text` by `zone_code`.
    text
        The label as read (whitespace collapsed), possibly empty.
    sample
        The swatch's interior, scan pixels.
    confidence
        Tesseract's mean word confidence in `text`, 0..1.
    color
        The swatch's median colour when it is clearly coloured, else None.
    """

    code: str
    text: str
    sample: Box
    confidence: float
    color: tuple[int, int, int] | None


@dataclass(frozen=True)
class DetectedKey:
    """The key found on a sheet: entries in reading order and the quarter turns that read it."""

    entries: tuple[KeyEntry, ...]
    quarter_turns: int
    region: Box

    def to_legend_json(self) -> dict[str, Any]:
        """Return the draft as legend JSON (`gis.legend.parse_legend`), codes made unique."""
        zones: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index, entry in enumerate(self.entries, start=1):
            code = entry.code or f"ZONE_{index}"
            if code in seen:
                code = f"{code}_{index}"
            seen.add(code)
            zone: dict[str, Any] = {
                "code": code,
                "label": code,
                "pattern": True,
                "samples": [list(entry.sample)],
                "name": {"en": entry.text},
            }
            if entry.color is not None:
                zone["color"] = "#{:02x}{:02x}{:02x}".format(*entry.color)
            zones.append(zone)
        return {"zones": zones}


def zone_code(text: str) -> str:
    """Return the short zone designation in a key label.

    A leading code (one to four capitals, or capitals with digits, ``-`` or ``_``) followed
    by more words is the code; otherwise the label without quotes, "No." and generic words
    (District, Zone) is, title-cased.

    Examples
    --------
    >>> zone_code("AAA—RESIDENCE DISTRICT"), zone_code("R-15 RESIDENCE")
    ('AAA', 'R-15')
    >>> zone_code("BUSINESS NO. 1"), zone_code('"SECTION 15" BUSINESS')
    ('Business 1', 'Section 15 Business')
    >>> zone_code("RES_A  Residential A"), zone_code("Parking District")
    ('RES_A', 'Parking')
    """
    clean = " ".join(re.sub(r"[\"'`\u201c\u201d\u2018\u2019\u201e|]", " ", text).split()).strip(
        " .,;:"
    )
    head = clean.split()[0] if clean.split() else ""
    if len(clean.split()) > 1 and _DIGIT_CODE.match(_digits(head)):
        return _digits(head)
    first, _, rest = _DASH.sub("\0", clean, count=1).partition("\0")
    if rest and _SHORT_CODE.match(first.upper()):
        return first.upper()
    if len(clean.split()) > 1 and _SHORT_CODE.match(head):
        return head
    return _name_code(clean)


def _digits(token: str) -> str:
    """Letters misread for digits after a code's dash ("R-I5" for "R-15")."""
    letters, dash, number = token.partition("-")
    if not dash or not any(c.isdigit() for c in number):
        return token
    return f"{letters}-{number.translate(_AS_DIGIT)}"


def _name_code(clean: str) -> str:
    text = re.sub(r"\bNO\.?\s*[IlTti](?![A-Za-z])", "1", clean, flags=re.I)
    text = re.sub(r"\bNO\.?\s*(?=\d)", "", text, flags=re.I)
    for word in _GENERIC:
        text = re.sub(r"\b" + r"\s*".join(word) + r"\b", " ", text, flags=re.I)
    words = text.split() or clean.split()
    return " ".join(w if any(c.isdigit() for c in w) else w.capitalize() for w in words)


def detect_key(image: RGBImage, *, tessdata: str | Path | None = None) -> DetectedKey:
    """Find the printed key of a sheet and read its labels.

    Parameters
    ----------
    image
        The sheet, (height, width, 3) RGB.
    tessdata
        Folder of tesseract's models (`gis.ocr.find_tessdata` when None).

    Returns
    -------
    DetectedKey
        The swatches in reading order (columns left to right, top to bottom, in the upright
        key), their labels, codes and colours.

    Raises
    ------
    LegendDetectError
        No group of at least three aligned swatch boxes of one size: the sheet has no key
        this method can see.

    Examples
    --------
    >>> detect_key(np.full((50, 50, 3), 255, np.uint8))
    Traceback (most recent call last):
    ...
    gis.errors.LegendDetectError: no printed key found: no group of 3 or more aligned \
swatch boxes of one size on the sheet; write the legend by hand
    """
    grey = np.asarray(image, np.uint16).sum(axis=2) // 3
    grey8 = grey.astype(np.uint8)
    # faint outlines vanish at Otsu's threshold, bold keys merge with text at the faint one
    swatches = max((find_swatches(ink_mask(grey8, faint=f)) for f in (False, True)), key=len)
    if not swatches:
        raise LegendDetectError(
            "no printed key found: no group of 3 or more aligned swatch boxes of one size on "
            "the sheet; write the legend by hand"
        )
    region = _region(swatches, grey8.shape)
    crop = grey8[region.y0 : region.y1, region.x0 : region.x1]
    local = [_shift(box, -region.x0, -region.y0) for box in swatches]
    with _Tesseract(tessdata) as api:
        turns = [_read_turn(api, crop, local, k) for k in range(4)]
    best = max(range(4), key=lambda k: sum(_weight(text, conf) for text, conf in turns[k]))
    order = _reading_order(local, crop.shape, best)
    entries = tuple(
        KeyEntry(
            zone_code(turns[best][i][0]),
            turns[best][i][0],
            _interior(swatches[i]),
            turns[best][i][1],
            _colour(image, _interior(swatches[i])),
        )
        for i in order
    )
    return DetectedKey(entries, best, region)


def _weight(text: str, confidence: float) -> float:
    return confidence * min(sum(c.isalnum() for c in text), 20)


def _region(swatches: Sequence[Box], shape: tuple[int, ...]) -> Box:
    margin = round(_MARGIN * max(max(b.width, b.height) for b in swatches))
    return Box(
        max(0, min(b.x0 for b in swatches) - margin),
        max(0, min(b.y0 for b in swatches) - margin),
        min(shape[1], max(b.x1 for b in swatches) + margin),
        min(shape[0], max(b.y1 for b in swatches) + margin),
    )


def _shift(box: Box, dx: int, dy: int) -> Box:
    return Box(box.x0 + dx, box.y0 + dy, box.x1 + dx, box.y1 + dy)


def _turn(box: Box, shape: tuple[int, ...], k: int) -> Box:
    """`box` in an array of `shape` turned by ``np.rot90(array, k)``."""
    height, width = shape[0], shape[1]
    for _ in range(k % 4):
        box = Box(box.y0, width - box.x1, box.y1, width - box.x0)
        height, width = width, height
    return box


def _reading_order(boxes: Sequence[Box], shape: tuple[int, ...], k: int) -> list[int]:
    turned = [_turn(box, shape, k) for box in boxes]
    side = min(min(b.width, b.height) for b in turned)
    return sorted(range(len(turned)), key=lambda i: (turned[i].x0 // (2 * side), turned[i].y0))


def _interior(box: Box) -> Box:
    inset = max(2, round(0.12 * min(box.width, box.height)))
    return Box(box.x0 + inset, box.y0 + inset, box.x1 - inset, box.y1 - inset)


def _colour(image: RGBImage, box: Box) -> tuple[int, int, int] | None:
    pixels = image[box.y0 : box.y1, box.x0 : box.x1].reshape(-1, 3)
    median = np.median(pixels, axis=0)
    if float(median.max() - median.min()) < COLOUR_CHROMA:
        return None
    return int(median[0]), int(median[1]), int(median[2])


def _read_turn(
    api: Any, crop: npt.NDArray[np.uint8], boxes: Sequence[Box], k: int
) -> list[tuple[str, float]]:
    """Read the label right of each swatch in the crop turned by `k` quarter turns."""
    turned_crop = np.ascontiguousarray(np.rot90(crop, k))
    turned = [_turn(box, crop.shape, k) for box in boxes]
    ink = ink_mask(turned_crop)
    return [_read_label(api, turned_crop, ink, box, turned) for box in turned]


def _label_box(
    ink: npt.NDArray[np.bool_], box: Box, others: Sequence[Box]
) -> tuple[int, int, int, int] | None:
    """Rows and columns of the text right of `box`, up to the next swatch or a wide gap."""
    pad = max(2, round(0.3 * box.height))
    top, bottom = max(0, box.y0 - pad), min(ink.shape[0], box.y1 + pad)
    stops = [o.x0 for o in others if o.x0 > box.x1 and o.y0 < bottom and o.y1 > top]
    right = min([ink.shape[1], *stops])
    strip = ink[top:bottom, box.x1 + 2 : right]
    rules = np.flatnonzero(strip.sum(axis=0) >= 0.9 * (bottom - top))  # a frame or box line
    columns = strip[:, : rules[0] if len(rules) else strip.shape[1]].any(axis=0)
    gap = round(_GAP * (bottom - top))
    inked = np.flatnonzero(columns)
    if not len(inked) or inked[0] > gap:
        return None
    runs = np.flatnonzero(np.diff(inked) > gap)
    end = inked[runs[0]] if len(runs) else inked[-1]
    return top, bottom, box.x1 + 2 + int(inked[0]), box.x1 + 3 + int(end)


def _read_label(
    api: Any,
    grey: npt.NDArray[np.uint8],
    ink: npt.NDArray[np.bool_],
    box: Box,
    boxes: Sequence[Box],
) -> tuple[str, float]:
    found = _label_box(ink, box, [b for b in boxes if b != box])
    if found is None:
        return "", 0.0
    top, bottom, left, right = found
    crop = np.ascontiguousarray(grey[top:bottom, max(0, left - 3) : right + 3])
    return max(
        (_ocr(api, image) for image in (prepare_crop(crop), _scaled(crop))), key=lambda r: r[1]
    )


def _scaled(grey: npt.NDArray[np.uint8]) -> Image.Image:
    """Scale a crop to twice tesseract's text height, kept grey (small print keeps detail)."""
    image = Image.fromarray(grey)
    scale = 2 * _TEXT_HEIGHT / max(image.height, 1)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _ocr(api: Any, image: Image.Image) -> tuple[str, float]:
    api.SetImage(image)
    text = " ".join(str(api.GetUTF8Text()).split()).strip(" |")  # "|": a box line
    words = list(api.AllWordConfidences())
    return text, float(np.mean(words)) / 100 if words else 0.0


class _Tesseract:
    """Tesseract's English model, one text line per image, freed on exit."""

    def __init__(self, tessdata: str | Path | None) -> None:
        folder = Path(tessdata) if tessdata is not None else find_tessdata()
        self.api = tesserocr.PyTessBaseAPI(
            path=f"{folder}/",
            lang="eng",
            psm=tesserocr.PSM.SINGLE_LINE,
            oem=tesserocr.OEM.LSTM_ONLY,
        )

    def __enter__(self) -> Any:
        return self.api

    def __exit__(self, *_: object) -> None:
        self.api.End()


def key_preview(image: RGBImage, key: DetectedKey) -> RGBImage:
    """Draw the key region upright, each found swatch boxed in red with its code on it.

    Examples
    --------
    >>> sheet = np.full((40, 60, 3), 255, np.uint8)
    >>> entry = KeyEntry("R-1", "R-1 Residence", Box(5, 5, 20, 12), 0.9, None)
    >>> key_preview(sheet, DetectedKey((entry,), 1, Box(0, 0, 60, 40))).shape
    (60, 40, 3)
    """
    region = key.region
    crop = image[region.y0 : region.y1, region.x0 : region.x1]
    upright = Image.fromarray(np.ascontiguousarray(np.rot90(crop, key.quarter_turns)))
    draw = ImageDraw.Draw(upright)
    boxes = [
        _turn(_shift(e.sample, -region.x0, -region.y0), crop.shape, key.quarter_turns)
        for e in key.entries
    ]
    size = max(8, round(0.8 * min((min(b.width, b.height) for b in boxes), default=10)))
    font = ImageFont.load_default(size=size)
    for entry, box in zip(key.entries, boxes, strict=True):
        draw.rectangle((box.x0, box.y0, box.x1 - 1, box.y1 - 1), outline=(220, 0, 0), width=2)
        corner = (box.x0 + 2, box.y0 + 1)
        draw.rectangle(draw.textbbox(corner, entry.code, font=font), fill=(255, 255, 255))
        draw.text(corner, entry.code, fill=(220, 0, 0), font=font)
    return np.asarray(upright.convert("RGB"), np.uint8)
