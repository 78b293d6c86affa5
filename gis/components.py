"""Connected parts of a mask and how long each one runs."""

from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage

EIGHT: Final = np.ones((3, 3), bool)
"""8-connectivity: pixels touching at a corner belong to one part (a diagonal stroke)."""

FOUR: Final = ndimage.generate_binary_structure(2, 1)
"""4-connectivity: pixels (or cells) that only touch at a corner are not neighbours."""


def label_spans(
    mask: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.intp]]:
    """Label the 8-connected parts of `mask` and measure the longer side of each one's box.

    Returns the (height, width) part numbers (0 off the mask) and, indexed by part number,
    the longer side of its bounding box in pixels (0 for index 0): a line runs long, a
    letter or a dot does not.

    Examples
    --------
    >>> mask = np.zeros((4, 9), bool)
    >>> mask[1, :7] = mask[3, 8] = True
    >>> parts, spans = label_spans(mask)
    >>> spans.tolist()
    [0, 7, 1]
    """
    parts, count = ndimage.label(mask, structure=EIGHT)
    spans = np.zeros(count + 1, np.intp)
    for number, box in enumerate(ndimage.find_objects(parts), start=1):
        if box is not None:
            spans[number] = max(piece.stop - piece.start for piece in box)
    return parts, spans


def long_parts(mask: npt.NDArray[np.bool_], min_length: int) -> npt.NDArray[np.bool_]:
    """Keep the 8-connected parts of `mask` whose box is at least `min_length` long.

    Examples
    --------
    >>> mask = np.zeros((5, 30), bool)
    >>> mask[1, :20] = mask[3, 25:] = True
    >>> long_parts(mask, 10).sum(axis=1).tolist()
    [0, 20, 0, 0, 0]
    """
    parts, spans = label_spans(mask)
    long = spans >= min_length
    long[0] = False
    result: npt.NDArray[np.bool_] = long[parts]
    return result


def large_parts(
    mask: npt.NDArray[np.bool_], min_area: float
) -> tuple[npt.NDArray[np.signedinteger], npt.NDArray[np.bool_]]:
    """Label the 4-connected parts of `mask` and tell which cover at least `min_area` pixels.

    Returns the part numbers (0 off the mask) and, indexed by part number, whether that
    part is large enough (never index 0): a blob among specks, a letter among noise.

    Examples
    --------
    >>> mask = np.zeros((4, 9), bool)
    >>> mask[:2, :3] = mask[3, 8] = True
    >>> parts, large = large_parts(mask, 4)
    >>> large.tolist(), int(large[parts].sum())
    ([False, True, False], 6)
    """
    parts, _ = ndimage.label(mask, structure=FOUR)
    large: npt.NDArray[np.bool_] = np.bincount(parts.ravel()) >= min_area
    large[0] = False
    return parts, large
