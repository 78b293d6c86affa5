"""Districts printed as a stipple of fine dots, found per pixel: they are often under a window.

West Hartford's two Parking districts (a stipple of one- and two-pixel dots) are 17 and 30
pixels across, set in Business 2's solid fill and beside Business 1's bold hatching: a window
over them sees mostly those. Per pixel a stipple shows: dots as fine as its key's, apart (no
fainter line joins them, as it joins a faded cross-hatch's printed crossings), about as dense,
and few larger marks among them (lettering, Section 15's scallops).
"""

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.components import label_spans, large_parts
from gis.strokes import INKED
from gis.types import LabelArray

F32 = npt.NDArray[np.float32]

_DOT_SIDE: Final = 3  # longest side (pixels) of a dot's box
_MARK_SIDE: Final = 8  # longest side (pixels) of a mark that is no line
_FAINT: Final = 0.3  # ink share of a mark however faint (a faded line between printed crossings)
_SPREAD: Final = 2  # pixels of faint print spread around a line or fill, joining no dot to it
_PRINTED: Final = 0.01  # least share of a stipple sample's pixels that is printed
_DOTTED: Final = 0.8  # least share of a stipple sample's marks that lie in dots
_DOT_AREA: Final = 2.0  # a dot on the map covers at most this many times the samples' median
_COUNTED: Final = 8  # dots the samples show in the square a stipple's dots are counted over
_DENSE: Final = 0.5  # least dot density of a stipple on the map, over its samples' density
_MARKS: Final = 0.15  # most share of larger marks (up to `_MARK_SIDE`) among the dots
_ROOM: Final = 0.25  # least share of a square left free by lines and fills that dots count in


def stipple_entries(patches: Sequence[Sequence[F32]]) -> list[int]:
    """Find the entries (indices) printed as a stipple: fine dots, apart, however faint.

    Examples
    --------
    >>> dots, lines = np.zeros((20, 40), np.float32), np.zeros((20, 40), np.float32)
    >>> dots[2::6, 3::7] = 1.0
    >>> lines[:, ::8] = 1.0
    >>> stipple_entries([[lines], [dots]])
    [1]
    """
    return [index for index, boxes in enumerate(patches) if all(_is_stipple(p) for p in boxes)]


def stipple_pixels(
    ink: F32,
    patches: Sequence[Sequence[F32]],
    entries: Sequence[int],
    window: int,
    district: float,
) -> LabelArray:
    """Give each pixel of a small stipple the class value of its entry (0 elsewhere).

    Lone dots (`_lone_dots`, no larger than the samples' by `_DOT_AREA`) are counted over a
    square a third of a window wide, or wider where the samples' stipple is so sparse that
    it would hold fewer than `_COUNTED`, per pixel of the square that lines and fills leave
    free (a small stipple in a fill fills only part of its square). Where they are at least
    `_DENSE` times as dense as in an entry's samples (a stipple on the map prints fainter
    than its key: fewer dots come out) and larger marks are under `_MARKS` of the marks
    there, the pixels are the entry's, but for the ink of longer marks (lines, a fill).
    Patches under a square a sixth of a window wide (a few stray dots) are dropped, and so
    are patches of `district` pixels or more (the smallest district the windows find), with
    the fringes that a boundary line cuts from them: the windows read those, with all their
    texture. Where
    two stipple entries claim a pixel, the one whose density is nearer (in ratio) takes it.
    """
    parts, spans, lone = _lone_dots(ink)
    areas = np.bincount(parts.ravel(), minlength=len(spans))
    long_ink = (spans > _MARK_SIDE)[parts]
    result = np.zeros(ink.shape, np.uint8)
    nearest = np.full(ink.shape, np.inf, np.float32)
    for entry in entries:
        density, largest = _sample_dots(patches[entry])
        side = max(window // 3, int(np.ceil(np.sqrt(_COUNTED / density))))
        room = np.maximum(ndimage.uniform_filter((~long_ink).astype(np.float32), side), _ROOM)
        dots = _density(parts, lone & (areas <= largest), side) / room
        marks = _density(parts, (spans > _DOT_SIDE) & (spans <= _MARK_SIDE), side) / room
        found = (dots >= _DENSE * density) & (marks < _MARKS * (dots + marks))
        found = _small_patches(found, (window // 6) ** 2, district) & ~long_ink
        off = np.abs(np.log(np.maximum(dots, 1e-9) / density)).astype(np.float32)
        claim = found & (off < nearest)
        nearest[claim] = off[claim]
        result[claim] = entry + 1
    return result


def _lone_dots(
    ink: F32,
) -> tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Label the printed marks; return their numbers, box sides and which are lone dots.

    A lone dot is a printed mark no longer than `_DOT_SIDE` whose faint mark (the ink over
    `_FAINT` around it) is no longer than `_MARK_SIDE`: not a crossing of a faded grid.
    The faint print spread along longer marks (`_SPREAD` pixels) joins no dot to them: a
    grey stipple set in a solid fill.
    """
    printed = ink > INKED
    parts, spans = label_spans(printed)
    long_marks = (spans > _MARK_SIDE)[parts]
    marked = ink > _FAINT
    marked &= ~ndimage.binary_dilation(long_marks, iterations=_SPREAD)
    marked |= printed & ~long_marks
    faint, faint_spans = label_spans(marked)
    reach = np.zeros(len(spans), np.intp)
    np.maximum.at(reach, parts[printed], faint_spans[faint[printed]])
    lone = (spans <= _DOT_SIDE) & (reach <= _MARK_SIDE)
    lone[0] = False
    return parts, spans, lone


def _is_stipple(patch: F32) -> bool:
    """Whether a sample is printed in lone dots (most of its printed pixels lie in them)."""
    printed = patch > INKED
    if printed.mean() < _PRINTED:
        return False
    parts, _, lone = _lone_dots(patch)
    return bool(np.count_nonzero(lone[parts]) >= _DOTTED * np.count_nonzero(printed))


def _sample_dots(boxes: Sequence[F32]) -> tuple[float, float]:
    """Lone dots per pixel in a stipple entry's samples, and the most a map dot may cover."""
    count, pixels, areas = 0, 0, []
    for patch in boxes:
        parts, _, lone = _lone_dots(patch)
        areas.extend(np.bincount(parts.ravel(), minlength=len(lone))[lone].tolist())
        count, pixels = count + int(lone.sum()), pixels + patch.size
    median = float(np.median(areas)) if areas else 1.0
    return max(count, 1) / max(pixels, 1), _DOT_AREA * median


def _density(parts: npt.NDArray[np.signedinteger], chosen: npt.NDArray[np.bool_], side: int) -> F32:
    """Centres per pixel of the `chosen` marks (indexed by mark number), over a square."""
    numbers = np.flatnonzero(chosen)
    numbers = numbers[numbers > 0]
    centres = np.zeros(parts.shape, np.float32)
    if len(numbers):
        found = np.array(ndimage.center_of_mass(parts > 0, parts, numbers))
        rows, cols = np.round(found).astype(np.intp).T
        np.add.at(centres, (rows, cols), 1.0)
    density: F32 = ndimage.uniform_filter(centres, side)
    return density


def _small_patches(
    found: npt.NDArray[np.bool_], smallest: float, largest: float
) -> npt.NDArray[np.bool_]:
    """Keep the (4-connected) patches of `found` from `smallest` to under `largest` pixels."""
    pieces, large = large_parts(found, smallest)
    areas = np.bincount(pieces.ravel(), minlength=len(large))
    kept: npt.NDArray[np.bool_] = (large & (areas < largest))[pieces]
    return kept
