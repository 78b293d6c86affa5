"""Solid-filled districts of a pattern sheet, found per pixel rather than per analysis window.

A key entry printed as solid ink (a business strip along a street, say) is often narrower than
the analysis window, which is sized for the sparsest hatching: a window over such a strip also
sees the white streets crossing it and reads as a thick grid. Per pixel the strip is plain to
see: ink too wide for any stroke of the other entries' patterns.
"""

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt

from gis.components import large_parts
from gis.strokes import INKED, close_gaps, wider_than

F32 = npt.NDArray[np.float32]

SOLID_SHARE: Final = 0.95
"""Least share of printed pixels in a key entry's samples for it to count as a solid fill."""


def solid_class(patches: Sequence[Sequence[F32]]) -> int | None:
    """Index of the one entry whose samples are (nearly) all ink, or None (none or several).

    Counted in printed pixels rather than mean ink: faded toner leaves a solid fill
    printed everywhere, but lighter.
    """
    solid = [i for i, share in enumerate(printed_shares(patches)) if share >= SOLID_SHARE]
    return solid[0] if len(solid) == 1 else None


def printed_shares(patches: Sequence[Sequence[F32]]) -> list[float]:
    """Share of printed pixels in each entry's samples (ink over half, however faint the toner).

    Ink is measured against the local ink tone, so a mark (a hatch line, a dot) is printed
    at its centre however faintly it came out, while paper noise, stains and JPEG ringing
    are not.
    """
    return [float(np.mean([np.mean(patch > INKED) for patch in boxes])) for boxes in patches]


def solid_mask(ink: F32, radius: float, min_area: int, gap: float) -> npt.NDArray[np.bool_]:
    """Pixels of the ink areas wider than `2 * radius` (an opening), gaps closed.

    Areas under `min_area` pixels (a boundary dot, a thick crossing of grid lines) are
    dropped; white gaps narrower than `2 * gap` (a street or parcel line printed across a
    solid strip, or a street between two strips of it) are closed, as the district runs on
    under them.
    """
    parts, large = large_parts(wider_than(ink, radius), min_area)
    return close_gaps(large[parts], gap)
