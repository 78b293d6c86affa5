"""Learn the real colour of each legend class on one sheet, in CIELAB relative to its paper."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from gis.errors import ClassifyError
from gis.legend import RGB, Legend
from gis.raster import Scan, iter_windows
from gis.types import FloatArray, RGBImage

LEVELS: Final = 64
"""Quantisation levels per channel: colours are modelled on a 64**3 histogram, not per pixel."""

BINS: Final = LEVELS**3
UNSURE: Final = 253
"""Class value of a colour far from every learned class (stains, unexpected colours)."""
INK: Final = 254
"""Class value of dark and grey line work: boundaries, text, parcel lines, hatching."""
PAPER: Final = 255
"""Class value of unprinted paper (margins, gaps in colour-pencil fills)."""

_BITS = int(np.log2(LEVELS))
_SHIFT = 8 - _BITS
_M = np.array([[0.4124564, 0.3575761, 0.1804375], [0.2126729, 0.7151522, 0.0721750],
               [0.0193339, 0.1191920, 0.9503041]])  # fmt: skip
_WHITE: FloatArray = np.array([255.0, 255.0, 255.0])
_CAP = 15.0  # delta E beyond which a colour does not vote in the fade fit
_FLOOR = 4.0  # variance floor (delta E squared) of every component
_OUTLIER = 6.0  # Mahalanobis distance beyond which a colour matches no class
_INK_L = 22.0
_GREY_L = 62.0
_NEAR = 12.0  # delta E: a legend colour this close to white or grey replaces paper or grey


@dataclass(frozen=True, eq=False)
class ColourModel:
    """A Gaussian mixture in paper-relative CIELAB, one or more components per class.

    Attributes
    ----------
    paper
        The sheet's paper colour (sRGB): the reference white of the Lab space.
    means, covariances, weights
        (c, 3), (c, 3, 3) and (c,) parameters of the components.
    classes
        (c,) class value of each component: ``i + 1`` for legend entry ``i``, `INK` or `PAPER`.
    fade
        (lightness gain, chroma gain, hue shift in degrees) mapping nominal legend colours
        onto this sheet; (1, 1, 0) for a faithful print.
    """

    paper: RGB
    means: FloatArray
    covariances: FloatArray
    weights: FloatArray
    classes: npt.NDArray[np.intp]
    fade: tuple[float, float, float]

    def lut(self) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.uint8]]:
        """Return (class value, confidence 0..255) for every quantised colour (see `quantise`).

        Notes
        -----
        ``BINS`` x components work, once per sheet; classifying pixels is then a lookup.
        """
        lab = rgb_to_lab(bin_colours(), white=np.array(self.paper, float))
        log_lik, distance = _log_likelihood(lab, self)
        values = np.unique(self.classes)
        posterior = _softmax(log_lik)
        per_class = np.stack([posterior[:, self.classes == v].sum(axis=1) for v in values], 1)
        best = per_class.argmax(axis=1)
        labels = values[best].astype(np.uint8)
        confidence = np.round(per_class.max(axis=1) * 255).astype(np.uint8)
        outlier = distance.min(axis=1) > _OUTLIER
        labels[outlier] = UNSURE
        confidence[outlier] = 0
        return labels, confidence


def quantise(rgb: RGBImage) -> npt.NDArray[np.int32]:
    """Return the histogram bin of every pixel of an RGB image.

    Examples
    --------
    >>> int(quantise(np.array([[[255, 0, 4]]], np.uint8))[0, 0]) == 63 * 64 * 64 + 1
    True
    """
    bins: npt.NDArray[np.int32] = (rgb[..., 0] >> _SHIFT).astype(np.int32)
    for channel in (1, 2):  # in place: (r * LEVELS + g) * LEVELS + b
        bins <<= _BITS
        bins |= rgb[..., channel] >> _SHIFT
    return bins


def bin_colours() -> FloatArray:
    """Return the (BINS, 3) sRGB centre colour of every histogram bin."""
    index = np.arange(BINS)
    step = 256 // LEVELS
    channels = (index // (LEVELS * LEVELS), (index // LEVELS) % LEVELS, index % LEVELS)
    return np.stack(channels, axis=1).astype(float) * step + (step - 1) / 2


def colour_histogram(scan: Scan, *, stride: int = 1, rows: int = 1024) -> npt.NDArray[np.int64]:
    """Count the pixels of a scan in each colour bin, reading one window at a time.

    Parameters
    ----------
    stride
        Count every `stride`-th pixel in each direction (a sample is enough for a large sheet).

    Examples
    --------
    >>> from gis.raster import ArrayScan
    >>> int(colour_histogram(ArrayScan(np.zeros((4, 4, 3), np.uint8)))[0])
    16
    """
    total = np.zeros(BINS, np.int64)
    for core, _ in iter_windows(scan.shape, rows=rows * stride):
        block = scan.read(core)[::stride, ::stride]
        total += np.bincount(quantise(block).ravel(), minlength=BINS)
    return total


def rgb_to_lab(rgb: npt.ArrayLike, *, white: npt.ArrayLike = _WHITE) -> FloatArray:
    """Convert (n, 3) sRGB (0-255) to CIELAB with `white` (sRGB) as the reference white.

    Examples
    --------
    >>> rgb_to_lab([[255, 255, 255], [0, 0, 0]]).round(3).tolist()
    [[100.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    """
    xyz = _linear(np.asarray(rgb, float)) @ _M.T
    reference = _linear(np.asarray(white, float)) @ _M.T
    t = xyz / np.maximum(reference, 1e-6)
    delta = 6 / 29
    f = np.where(t > delta**3, np.cbrt(t), t / (3 * delta**2) + 4 / 29)
    return np.stack(
        [116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1
    )


def fit_colour_model(
    histogram: npt.NDArray[np.int64],
    legend: Legend,
    *,
    samples: Mapping[int, Sequence[RGB]] | None = None,
    border: npt.NDArray[np.int64] | None = None,
    iterations: int = 8,
) -> ColourModel:
    """Fit the colour of paper, ink and every filled legend class to one sheet's histogram.

    The paper colour is the most common bright, nearly neutral colour; Lab is taken relative
    to it, which removes paper yellowing. A global fade (lightness and chroma gains and a hue
    shift) maps the nominal legend colours onto the sheet, found by a grid search that
    minimises a truncated colour distance; sampled colours are used as they are. A few EM
    iterations of a Gaussian mixture then learn each class's mean and covariance.

    Parameters
    ----------
    histogram
        Pixel counts per colour bin (`colour_histogram`).
    samples
        Mean sRGB colours measured on this sheet, by legend entry index.
    border
        Histogram of the sheet's edges (`border_histogram`): where the paper is looked for
        first.

    Raises
    ------
    ClassifyError
        The legend has no filled entry, or the sheet is empty.
    """
    colours = bin_colours()
    used = histogram > 0
    if not used.any():
        raise ClassifyError("the scan has no pixels")
    paper = _find_paper(colours, histogram, border)
    lab = rgb_to_lab(colours[used], white=np.array(paper, float))
    weights = histogram[used].astype(float)
    nominal, owners = _nominal(legend)
    fade = _fit_fade(lab, weights, nominal)
    means, classes = _components(_apply_fade(nominal, fade), owners, samples or {}, paper)
    model = ColourModel(
        paper=paper,
        means=means,
        covariances=np.repeat(np.eye(3)[None] * 36.0, len(means), axis=0),
        weights=np.full(len(means), 1.0 / len(means)),
        classes=classes,
        fade=fade,
    )
    for _ in range(iterations):
        model = _em_step(lab, weights, model)
    return model


def _linear(rgb: FloatArray) -> FloatArray:
    c = rgb / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _paper(colours: FloatArray, counts: npt.NDArray[np.int64]) -> RGB | None:
    """Return the commonest bright, nearly neutral colour among the brightest, if any."""
    lab = rgb_to_lab(colours)
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    candidates = np.flatnonzero((lab[:, 0] > 70) & (chroma < 18))
    if not len(candidates):
        return None
    order = candidates[np.argsort(lab[candidates, 0])]
    cumulative = np.cumsum(counts[order]) / counts[order].sum()
    bright = order[cumulative >= 0.8]  # a faded fill is darker than the paper it is on
    mode = bright[np.argmax(counts[bright])]
    near = np.linalg.norm(lab - lab[mode], axis=1) < 8
    mean = np.average(colours[near], axis=0, weights=counts[near])
    red, green, blue = (round(float(c)) for c in mean)
    return red, green, blue


def border_histogram(scan: Scan, *, width: int = 8) -> npt.NDArray[np.int64]:
    """Colour histogram of a strip `width` pixels wide along the edges of a scan.

    The margins of a sheet are paper, so this finds the paper colour even when a faded fill
    covers more of the sheet than the margins do.
    """
    height, full = scan.shape
    strip = max(1, min(width, height // 4, full // 4))
    windows = [
        (slice(0, strip), slice(0, full)),
        (slice(height - strip, height), slice(0, full)),
        (slice(strip, height - strip), slice(0, strip)),
        (slice(strip, height - strip), slice(full - strip, full)),
    ]
    total = np.zeros(BINS, np.int64)
    for window in windows:
        total += np.bincount(quantise(scan.read(window)).ravel(), minlength=BINS)
    return total


def _find_paper(
    colours: FloatArray, histogram: npt.NDArray[np.int64], border: npt.NDArray[np.int64] | None
) -> RGB:
    for counts in (border, histogram):
        if counts is not None and counts.any():
            used = counts > 0
            paper = _paper(colours[used], counts[used])
            if paper is not None:
                return paper
    return 255, 255, 255


def _nominal(legend: Legend) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    rows = [
        (colour, index + 1)
        for index, entry in enumerate(legend.entries)
        if entry.fill
        for colour in entry.colors
    ]
    if not rows and not any(e.fill and e.samples for e in legend.entries):
        raise ClassifyError('the legend has no filled zone with a "color" or "samples"')
    if not rows:
        return np.zeros((0, 3)), np.zeros(0, np.intp)
    return rgb_to_lab([c for c, _ in rows]), np.array([o for _, o in rows], np.intp)


def _apply_fade(lab: FloatArray, fade: tuple[float, float, float]) -> FloatArray:
    gain_l, gain_c, hue = fade
    angle = np.radians(hue)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    light = 100 - gain_l * (100 - lab[:, :1])
    return np.hstack([light, gain_c * lab[:, 1:] @ rotation.T])


def _fit_fade(
    lab: FloatArray, weights: FloatArray, nominal: FloatArray
) -> tuple[float, float, float]:
    # Only printed colours vote: not paper, not ink, and only the commonest bins.
    chroma = np.hypot(lab[:, 1], lab[:, 2])
    printed = (lab[:, 0] > 35) & ((lab[:, 0] < 94) | (chroma > 6))
    if not len(nominal) or not printed.any():
        return 1.0, 1.0, 0.0
    order = np.argsort(weights[printed])[::-1][:3000]
    points, mass = lab[printed][order], weights[printed][order]
    best, best_cost = (1.0, 1.0, 0.0), np.inf
    for gain_l in np.linspace(0.3, 1.0, 8):
        fades = [
            (float(gain_l), float(gain_c), float(hue))
            for gain_c in np.linspace(0.2, 1.2, 11)
            for hue in np.arange(-20.0, 21.0, 5.0)
        ]
        centres = np.concatenate([_apply_fade(nominal, fade) for fade in fades])
        nearest = _nearest_d2(points, centres).reshape(len(points), len(fades), -1).min(axis=2)
        nearest = np.ascontiguousarray(nearest.T)  # a row per fade: same sums as one at a time
        for fade, row in zip(fades, nearest, strict=True):
            _, gain_c, hue = fade
            penalty = 1 + 0.05 * (abs(1 - gain_l) + abs(1 - gain_c) + abs(hue) / 20)
            cost = float(np.sum(mass * np.minimum(row, _CAP**2))) * penalty
            if cost < best_cost:
                best, best_cost = fade, cost
    return best


def _nearest_d2(points: FloatArray, centres: FloatArray) -> FloatArray:
    """(points, centres) squared distances, summed channel by channel in L, a, b order.

    The same values as ``((points[:, None] - centres[None]) ** 2).sum(axis=2)``, several
    times faster than a sum over a short last axis.
    """
    total = np.zeros((len(points), len(centres)))
    for channel in range(3):
        step = points[:, channel, None] - centres[None, :, channel]
        step *= step
        total += step
    return total


def _components(
    zone_means: FloatArray,
    owners: npt.NDArray[np.intp],
    samples: Mapping[int, Sequence[RGB]],
    paper: RGB,
) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    sampled = [(c, i + 1) for i, cs in samples.items() for c in cs]
    if sampled:
        sample_lab = rgb_to_lab([c for c, _ in sampled], white=np.array(paper, float))
        zone_means = np.vstack([zone_means, sample_lab])
        owners = np.concatenate([owners, [o for _, o in sampled]]).astype(np.intp)
    means, classes = [*zone_means], [*owners]
    for centre, value in (((100.0, 0, 0), PAPER), ((_INK_L, 0, 0), INK), ((_GREY_L, 0, 0), INK)):
        distance = np.linalg.norm(zone_means - np.array(centre), axis=1)
        if value == PAPER or not (distance < _NEAR).any():
            near_white = distance < _NEAR
            owner = int(owners[np.argmin(distance)]) if near_white.any() else value
            means.append(np.array(centre, float))
            classes.append(owner)
    return np.array(means, float), np.array(classes, np.intp)


def _log_likelihood(lab: FloatArray, model: ColourModel) -> tuple[FloatArray, FloatArray]:
    inverse = np.linalg.inv(model.covariances)
    _, logdet = np.linalg.slogdet(model.covariances)
    diff = lab[:, None, :] - model.means[None]
    maha = np.einsum("nci,cij,ncj->nc", diff, inverse, diff)
    log_lik = -0.5 * (maha + logdet) + np.log(np.maximum(model.weights, 1e-6))
    return log_lik, np.sqrt(maha)


def _softmax(log_lik: FloatArray) -> FloatArray:
    shifted = np.exp(log_lik - log_lik.max(axis=1, keepdims=True))
    result: FloatArray = shifted / shifted.sum(axis=1, keepdims=True)
    return result


def _em_step(lab: FloatArray, weights: FloatArray, model: ColourModel) -> ColourModel:
    log_lik, distance = _log_likelihood(lab, model)
    inlier = distance.min(axis=1) <= _OUTLIER
    resp = _softmax(log_lik) * (weights * inlier)[:, None]
    mass = resp.sum(axis=0)
    keep = mass > 1e-9 * max(float(weights.sum()), 1.0)
    means = model.means.copy()
    covariances = model.covariances.copy()
    safe = np.maximum(mass, 1e-12)
    means[keep] = (resp.T @ lab)[keep] / safe[keep, None]
    for c in np.flatnonzero(keep):
        diff = lab - means[c]
        covariances[c] = (resp[:, c, None] * diff).T @ diff / safe[c] + np.eye(3) * _FLOOR
    return ColourModel(
        paper=model.paper,
        means=means,
        covariances=covariances,
        weights=mass / max(float(mass.sum()), 1e-12),
        classes=model.classes,
        fade=model.fade,
    )
