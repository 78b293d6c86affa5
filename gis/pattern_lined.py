"""Plain paper that carries a district's hatch lines is that district, crowded by streets."""

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

from gis.components import FOUR
from gis.pattern_regions import class_regions, region_neighbours
from gis.texture_spectrum import ORIENTATIONS
from gis.types import LabelArray

F32 = npt.NDArray[np.float32]

_HELD: Final = 0.7  # smoothed posterior of the cells a class's look is measured on
_PAPER_QUANTILE: Final = 0.9  # a class has lines when its typical power beats this of paper's
_MOST: Final = 0.5  # share of a paper region's cells that must carry a neighbour's lines


@dataclass(frozen=True)
class Lines:
    """The hatch lines of one class: where their power is, and how much a cell needs."""

    channel: int  # index of the power's last axis: the orientation and spacing band
    level: float  # median power there over the cells the class confidently holds
    cut: float  # least power there of a cell that carries them


def band_power(features: F32, bands: int) -> F32:
    """(rows, cols, orientations x bands) AC power of the ink per orientation and spacing.

    `features` begin with `gis.texture_spectrum` spectra: square roots of the orientation x
    band shares after the ink and the log of the total power. Hatchings of one direction
    but different spacings (and the streets running that way) fall in different bands.
    """
    spectrum = features[..., 2 : 2 + ORIENTATIONS * bands]
    power: F32 = (np.square(spectrum) * np.exp(features[..., 1:2])).astype(np.float32)
    return power


def class_lines(power: F32, posteriors: F32, blank: int) -> dict[int, Lines]:
    """Measure on the map the hatch lines of each class (by class value) that has some.

    A class's lines are its strongest channel of `power` (`band_power`: an orientation and
    band of spacing). A cell carries them when its power there is nearer (in ratio) the
    class's level than the plain-paper class's, and above what paper shows in nine cells
    out of ten. Classes whose level does not stand out of that (solid ink, dot screens,
    unlearned classes) have none.
    """
    held = posteriors.max(axis=-1) > _HELD
    best = posteriors.argmax(axis=-1)
    paper = power[held & (best == blank - 1)]
    found: dict[int, Lines] = {}
    if len(paper) < 2:
        return found
    for index in range(posteriors.shape[-1]):
        own = power[held & (best == index)]
        if index == blank - 1 or len(own) < 2:
            continue
        typical = np.median(own, axis=0)
        channel = int(np.argmax(typical))
        level = float(typical[channel])
        busy = float(np.quantile(paper[:, channel], _PAPER_QUANTILE))
        if level > busy:
            midway = np.sqrt(level * max(float(np.median(paper[:, channel])), 1e-9))
            found[index + 1] = Lines(channel, level, max(busy, float(midway)))
    return found


def unpaper_lined_regions(
    coarse: LabelArray, power: F32, lines: dict[int, Lines], blank: int
) -> LabelArray:
    """Give each plain-paper region whose cells mostly carry a neighbour's lines to it.

    Where streets, names and parcel lines crowd a sparsely hatched district, its windows
    look more like the broad plain-paper class (learned on paper full of streets) than like
    the hatching learned on open stretches; yet its hatch lines are there, and plain paper
    has none. Among the neighbouring classes whose lines most of the region's cells carry,
    the one whose level is nearest (in ratio) the region's median power takes it.
    """
    regions, _ = class_regions(coarse)
    result = coarse.copy()
    for number, box in enumerate(ndimage.find_objects(regions), start=1):
        if box is None:
            continue
        grown, inside, around = region_neighbours(coarse, regions, number, box)
        if coarse[grown][inside][0] != blank:
            continue
        cells = power[grown][inside]
        lined = [
            int(k)
            for k in around
            if k in lines and np.mean(cells[:, lines[k].channel] > lines[k].cut) > _MOST
        ]
        if lined:
            result[grown][inside] = min(lined, key=lambda k: _mismatch(cells, lines[k]))
    return result


def unpaper_lined_cells(
    coarse: LabelArray, power: F32, lines: dict[int, Lines], blank: int, size: int
) -> LabelArray:
    """Give the patches of plain paper that carry a neighbour's lines to that neighbour.

    `unpaper_lined_regions` for the part of a district the windows took for paper that is
    joined to true paper (one region, mostly unlined): here every cell is tested. A patch is
    the cells that carry a class's lines (`class_lines`), opened by a square of `size`
    cells (a window: a street or a lone line in the hatching's direction is narrower), that
    touches the class. Its median power must lie within the class's own spread of the
    level (no further above it than the cut is below); of several classes claiming a cell,
    the nearest in level takes it.
    """
    paper = coarse == blank
    square = np.ones((size, size), bool)
    nearest = np.full(coarse.shape, np.inf)
    result = coarse.copy()
    for value, own in lines.items():
        lined = ndimage.binary_opening(paper & (power[..., own.channel] > own.cut), square)
        patches, _ = ndimage.label(lined, structure=FOUR)
        beside = ndimage.binary_dilation(coarse == value, structure=FOUR) & (patches > 0)
        for patch in np.unique(patches[beside]):
            cells = patches == patch
            off = _mismatch(power[cells], own)
            if off > np.log(own.level / own.cut):
                continue
            claim = cells & (off < nearest)
            nearest[claim] = off
            result[claim] = value
    return result


def _mismatch(cells: F32, lines: Lines) -> float:
    """How far, in log ratio, the cells' median power in the lines' channel is off."""
    return abs(float(np.log(np.median(cells[:, lines.channel]) / lines.level)))
