"""Plain paper that carries a district's hatch lines is that district, crowded by streets."""

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

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

    orientation: int  # index into the `gis.texture_spectrum` orientations
    level: float  # median power there over the cells the class confidently holds
    cut: float  # least power there of a cell that carries them


def orientation_power(features: F32, bands: int) -> F32:
    """(rows, cols, orientations) AC power of the ink in each orientation, per cell.

    `features` are `gis.texture_spectrum` spectra: square roots of the orientation x band
    shares after the ink and the log of the total power.
    """
    shares = np.square(features[..., 2:]).reshape(*features.shape[:-1], ORIENTATIONS, bands)
    power: F32 = (shares.sum(axis=-1) * np.exp(features[..., 1:2])).astype(np.float32)
    return power


def class_lines(power: F32, posteriors: F32, blank: int) -> dict[int, Lines]:
    """Measure on the map the hatch lines of each class (by class value) that has some.

    A class's lines are its strongest orientation. A cell carries them when its power
    there is nearer (in ratio) the class's level than the plain-paper class's, and above
    what paper shows in nine cells out of ten. Classes whose level does not stand out of
    that (solid ink, dot screens, unlearned classes) have none.
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
        orientation = int(np.argmax(typical))
        level = float(typical[orientation])
        busy = float(np.quantile(paper[:, orientation], _PAPER_QUANTILE))
        if level > busy:
            midway = np.sqrt(level * max(float(np.median(paper[:, orientation])), 1e-9))
            found[index + 1] = Lines(orientation, level, max(busy, float(midway)))
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
            if k in lines and np.mean(cells[:, lines[k].orientation] > lines[k].cut) > _MOST
        ]
        if lined:
            result[grown][inside] = min(lined, key=lambda k: _mismatch(cells, lines[k]))
    return result


def _mismatch(cells: F32, lines: Lines) -> float:
    """How far, in log ratio, the cells' median power in the lines' orientation is off."""
    return abs(float(np.log(np.median(cells[:, lines.orientation]) / lines.level)))
