"""Per-sheet texture classifier: seeded by the key's samples, then self-trained on the map."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy import ndimage
from scipy.stats import chi2

from gis.pattern_regions import filled_runs
from gis.texture import InkLevels, TextureScale
from gis.types import FloatArray

F32 = npt.NDArray[np.float32]

_TEMPERATURE: Final = 4.0  # squared standardised distance worth one nat, at the seeding
_MARGIN: Final = 5.0  # a seed cell must be this much nearer its sample than the next one
_BALL: Final = 0.5  # share of the distance to the nearest other class's sample a seed lies in
_CONFIDENT: Final = 0.7  # smoothed posterior of the cells a class is learned from
_OWN_WEIGHT: Final = 5.0  # cells per feature at which a class's own covariance counts half
_SHRINK: Final = 0.2  # covariance shrinkage towards its diagonal
_FIT_CELLS: Final = 4000  # cells per class enough to learn it from
_TRIM: Final = 0.99  # chi-square quantile of the last round's class spread that a cell must fit
_RIDGE: Final = 1e-6  # added to covariance diagonals, so that none is singular
_WIDE_WINDOWS: Final = 3  # side (windows) of the posterior average that can also hold a cell
_UNEXPLAINED: Final = 0.999  # chi-square quantile past which no learned class fits a cell
_RUN: Final = 1.5  # side (windows) of the run of unfitted cells an unlearned class may take


@dataclass(frozen=True, eq=False)
class TextureModel:
    """Gaussian model of each legend entry's texture on this sheet (quadratic discriminant).

    Attributes
    ----------
    codes
        Zone code of each class (class value ``i + 1`` for ``codes[i]``).
    means
        (classes, features) mean spectrum of each class on the map.
    precisions
        (classes, features, features) inverse covariances.
    log_dets
        (classes,) log determinants of the covariances.
    scale
        The window and grid the features are computed at.
    levels
        Paper and ink grey levels of the sheet.
    blank
        Class value of the plain-paper entry (least ink), or None when every entry has ink.
    supported
        (classes,) whether each class was learned from map cells it holds (else its mean
        is its samples' and its covariance the pooled one); None: all are.
    """

    codes: tuple[str, ...]
    means: FloatArray
    precisions: FloatArray
    log_dets: FloatArray
    scale: TextureScale
    levels: InkLevels
    blank: int | None
    supported: npt.NDArray[np.bool_] | None = None

    def distances(self, features: F32 | FloatArray) -> FloatArray:
        """(n, classes) squared Mahalanobis distances of (n, features) vectors to each class."""
        vectors = features.astype(np.float64)
        distance = np.empty((len(vectors), len(self.codes)))
        for index, (mean, precision) in enumerate(zip(self.means, self.precisions, strict=True)):
            diff = vectors - mean
            distance[:, index] = np.einsum("nf,nf->n", diff @ precision, diff)
        return distance

    def posteriors(self, features: F32, allowed: npt.NDArray[np.bool_] | None = None) -> F32:
        """(n, classes) posterior probabilities of (n, features) vectors, equal priors.

        Where `allowed` (n, classes) is False, the class is ruled out for that vector.
        """
        return self.weigh(self.distances(features), allowed)

    def weigh(self, distances: FloatArray, allowed: npt.NDArray[np.bool_] | None = None) -> F32:
        """(n, classes) posteriors from squared distances (`distances`), equal priors."""
        logits = -0.5 * (distances + self.log_dets)
        if allowed is not None:
            logits[~allowed] = -np.inf
        return _softmax(logits)


def seed_posteriors(
    features: F32,
    samples: Sequence[Sequence[F32]],
    inside: npt.NDArray[np.bool_],
    plain: Sequence[int] = (),
) -> F32:
    """(rows, cols, classes) first posteriors of the map cells, from the key's samples.

    Distances are measured in units of the map's own spread of each feature (the samples
    are too few to give a covariance). A cell nearer its closest sample than the next by
    less than `_MARGIN` is left undecided (uniform), so that textures the key does not show
    well (streets, labels, sparse hatching cut by parcels) do not teach the model.
    A cell must also lie within half the distance from its closest sample to the nearest
    other class's sample: a district's clutter (a street across plain paper) is far from
    every sample, and must not teach the sample it happens to be least far from; nor must a
    map texture the key does not show (West Hartford's Section 15 dot screen took G's fine
    cross-hatch, its nearest sample, and G's districts were read as C). On West Hartford the
    seeds in the inner half of that ball were right 0.67-1.0 of the time (by class), those
    in the outer half down to 0.02 (G), 0.15 (Section 15) and 0 (Parking).
    Plain paper and solid ink have no texture: the shares of their spectra are the scanner's
    noise, so the `plain` classes (indices into `samples`) are matched on ink and power
    only, scaled to the same number of features.

    Parameters
    ----------
    features
        (rows, cols, features) spectra of the map cells, taken with the samples' window.
    samples
        Per class, per sample box, (n, features) spectra of the box's windows. Each box is
        a centre of its own, and a cell's distance to a class is to its nearest box: a key
        swatch and a patch of a district on the map may look unlike, and their average
        looks like neither.
    inside
        (rows, cols) cells on the map.
    plain
        Indices of the classes without texture (plain paper, solid ink).
    """
    rows, cols, count = features.shape
    vectors = features.reshape(-1, count)
    spread = vectors[inside.ravel()].std(axis=0) + 1e-6 if inside.any() else vectors.std(axis=0)
    owner = np.array([k for k, boxes in enumerate(samples) for _ in boxes])
    centres = np.stack([box.mean(axis=0) for boxes in samples for box in boxes]) / spread
    plain_boxes = [int(i) for i in np.flatnonzero(np.isin(owner, list(plain)))]
    to_box = _sample_distances(vectors / spread, centres, plain_boxes)
    distance = np.stack([to_box[:, owner == k].min(axis=1) for k in range(len(samples))], axis=1)
    posteriors = _softmax(-distance / (2 * _TEMPERATURE))
    if len(samples) > 1:
        ordered = np.sort(distance, axis=1)
        between = _sample_distances(centres, centres, plain_boxes)
        between[owner[:, None] == owner[None, :]] = np.inf
        ball = between.min(axis=0)  # squared distance from each box to the nearest other class's
        unclear = ordered[:, 1] - ordered[:, 0] < _MARGIN
        unclear |= ordered[:, 0] > _BALL * ball[to_box.argmin(axis=1)]
        posteriors[unclear] = 1.0 / len(samples)
    return posteriors.reshape(rows, cols, -1)


def _sample_distances(
    points: FloatArray | F32, centres: FloatArray | F32, plain: Sequence[int]
) -> FloatArray:
    """(n, classes) squared distances of scaled points to each sample's scaled centre.

    The `plain` classes are measured on ink and power only, scaled to the number of features.
    """
    count = points.shape[1]
    distance: FloatArray = (
        np.square(points).sum(axis=1, keepdims=True)
        - 2 * points @ centres.T
        + np.square(centres).sum(axis=1)
    ).astype(np.float64)
    for index in plain:
        tone = np.square(points[:, :2] - centres[index, :2]).sum(axis=1)
        distance[:, index] = tone * count / 2
    return distance


def fit_model(
    features: F32,
    posteriors: F32,
    inside: npt.NDArray[np.bool_],
    fallback: FloatArray,
    base: TextureModel,
    previous: TextureModel | None = None,
    wide: F32 | None = None,
) -> TextureModel:
    """Learn each class's mean and covariance from the map cells it confidently holds.

    A cell is held by a class when its smoothed `posteriors` are confident, or else when
    its `wide` posteriors (averaged over several windows) are: a street or label crossing
    a district then counts for that district where the district's texture dominates
    around it. Without this a texture is learned from its clean stretches only, looks
    tighter than it is, and loses its cluttered cells to a broader class. A class with
    fewer than two held cells keeps its `fallback` mean (from its samples) and the pooled
    covariance, and is marked unsupported; with more, its own covariance weighs in by its
    count. At most `_FIT_CELLS` cells per class are used, evenly spread (the covariance is
    the slow part). Given a `previous` model, a cell also has to lie within the `_TRIM`
    chi-square quantile of its class under that model: cluttered cells that a class only
    holds by its neighbours' smoothing do not widen it.
    """
    count = features.shape[-1]
    vectors = features.reshape(-1, count).astype(np.float64)
    best, chosen = _held(posteriors, wide, inside)
    if previous is not None:
        own = previous.distances(vectors[chosen])[np.arange(np.count_nonzero(chosen)), best[chosen]]
        chosen[chosen] = own < chi2.ppf(_TRIM, count)
    members = [_thinned(vectors[chosen & (best == index)]) for index in range(len(fallback))]
    means = np.stack(
        [g.mean(axis=0) if len(g) >= 2 else f for g, f in zip(members, fallback, strict=True)]
    )
    centred = [g - m for g, m in zip(members, means, strict=True) if len(g) >= 2]
    pooled = _covariance(np.concatenate(centred)) if centred else np.eye(count)
    precisions, log_dets = [], []
    for group in members:
        weight = len(group) / (len(group) + _OWN_WEIGHT * count) if len(group) > count else 0.0
        own = _covariance(group - group.mean(axis=0)) if weight else pooled
        covariance = weight * own + (1 - weight) * pooled
        covariance = (1 - _SHRINK) * covariance + _SHRINK * np.diag(np.diag(covariance))
        covariance += _RIDGE * np.eye(count)
        precisions.append(np.linalg.inv(covariance))
        log_dets.append(np.linalg.slogdet(covariance)[1])
    return TextureModel(
        base.codes,
        means,
        np.stack(precisions),
        np.array(log_dets),
        base.scale,
        base.levels,
        base.blank,
        np.array([len(group) >= 2 for group in members]),
    )


def _held(
    posteriors: F32, wide: F32 | None, inside: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
    """Class of each cell and whether it is confidently held, at either averaging scale."""
    flat = posteriors.reshape(-1, posteriors.shape[-1])
    best, chosen = flat.argmax(axis=1), inside.ravel() & (flat.max(axis=1) > _CONFIDENT)
    if wide is not None:
        broad = wide.reshape(flat.shape)
        extra = inside.ravel() & ~chosen & (broad.max(axis=1) > _CONFIDENT)
        best = np.where(extra, broad.argmax(axis=1), best)
        chosen |= extra
    return best, chosen


def self_train(
    features: F32,
    seeds: F32,
    inside: npt.NDArray[np.bool_],
    fallback: FloatArray,
    base: TextureModel,
    *,
    rounds: int = 3,
) -> tuple[TextureModel, F32]:
    """Alternate fitting the model on the map and classifying the map with it.

    Posteriors are averaged over one analysis window of cells each round, so a cell is
    judged with its neighbours: districts are large, streets and labels small. The last
    round's fit is trimmed by the one before it (`fit_model`): the earlier rounds let each
    class move from its samples to its look on the map, the last drops the outliers.
    Cells are learned from where the posteriors averaged over `_WIDE_WINDOWS` windows are
    confident too (`fit_model`), so that a district's streets and labels widen its class.
    A class that holds no map cells (its model is only its samples' mean with the pooled
    spread) may only take the cells its samples clearly matched at the seeding
    (`seed_cells`) and the cells near its samples' mean (within the `_TRIM` chi-square
    quantile of that pooled spread): such a broad, unlearned class would otherwise collect
    every cell the learned classes fit badly (streets, labels, clutter) and become a
    catch-all. In the last round, though, a run of cells that no learned class fits (past
    the `_UNEXPLAINED` quantile), at least `_RUN` windows across, is a texture the key did
    not show well and may only take the unlearned classes (`_unexplained`): West Hartford's
    Section 15 key swatch prints scallops over a dot screen, its districts mostly the dot
    screen alone, which no other class explains. Earlier rounds would learn the class from
    such runs, and every later round would widen it into a catch-all.

    Returns
    -------
    The last model and its smoothed (rows, cols, classes) posteriors.
    """
    size = max(1, round(base.scale.window / base.scale.step))
    seeded = seed_cells(seeds).reshape(-1, 1) == np.arange(seeds.shape[-1])
    vectors = features.reshape(-1, features.shape[-1])
    raw, model = seeds, base
    for round_ in range(rounds):
        posteriors = smooth_posteriors(raw, size)
        wide = smooth_posteriors(raw, _WIDE_WINDOWS * size)
        previous = model if round_ == rounds - 1 and round_ > 0 else None
        model = fit_model(features, posteriors, inside, fallback, base, previous, wide)
        distances = model.distances(vectors)
        allowed = _allowed(model, seeded, distances)
        if round_ == rounds - 1 and model.supported is not None:
            allowed[_unexplained(model, distances, seeds.shape[:2], size)] = ~model.supported
        raw = model.weigh(distances, allowed).reshape(seeds.shape)
    return model, smooth_posteriors(raw, size)


def _allowed(
    model: TextureModel, seeded: npt.NDArray[np.bool_], distances: FloatArray
) -> npt.NDArray[np.bool_]:
    """(cells, classes) classes each cell may take, given its squared `distances`.

    Learned classes, the class it was seeded to, and unlearned classes whose mean it lies
    near; the plain-paper class always (paper has no scale, so its sample is its look on
    the map).
    """
    if model.supported is None:
        return np.ones(seeded.shape, bool)
    near = distances < chi2.ppf(_TRIM, model.means.shape[1])
    allowed = seeded | near | model.supported
    if model.blank is not None:
        allowed[:, model.blank - 1] = True
    allowed |= ~allowed.any(axis=1, keepdims=True)  # never rule out every class
    return allowed


def _unexplained(
    model: TextureModel, distances: FloatArray, shape: tuple[int, ...], window: int
) -> npt.NDArray[np.bool_]:
    """(cells,) cells in runs of `_RUN` windows that no learned class fits (none if all are).

    `window` is the analysis window's side in cells; `shape` the cells' (rows, cols).
    """
    supported = model.supported
    if supported is None or supported.all() or not supported.any():
        return np.zeros(len(distances), bool)
    limit = chi2.ppf(_UNEXPLAINED, model.means.shape[1])
    lone = (distances[:, supported].min(axis=1) > limit).reshape(shape)
    result: npt.NDArray[np.bool_] = filled_runs(lone, _RUN, window).ravel()
    return result


def seed_cells(seeds: F32) -> npt.NDArray[np.intp]:
    """(rows, cols) class each cell was clearly matched to at the seeding, -1 where none."""
    flat = seeds.reshape(-1, seeds.shape[-1])
    decided = flat.max(axis=1) > flat.min(axis=1)
    best: npt.NDArray[np.intp] = np.where(decided, flat.argmax(axis=1), -1)
    return best.reshape(seeds.shape[:-1])


def smooth_posteriors(posteriors: F32, size: int) -> F32:
    """Average (rows, cols, classes) posteriors over `size` x `size` cells, centred.

    An even box has no centre cell; scipy's would sit half a cell off, and shift every
    class edge by that much. It is averaged at both offsets instead: a box one cell wider
    whose end cells count half.

    Examples
    --------
    >>> step = np.zeros((1, 6, 1), np.float32)
    >>> step[0, 3:] = 1.0
    >>> smooth_posteriors(step, 2)[0, :, 0].tolist()
    [0.0, 0.0, 0.25, 0.75, 1.0, 1.0]
    """
    weights = np.ones(size + 1 - size % 2)
    if size % 2 == 0:
        weights[[0, -1]] = 0.5
    weights /= size
    smoothed = ndimage.correlate1d(posteriors, weights, axis=0, mode="nearest")
    result: F32 = ndimage.correlate1d(smoothed, weights, axis=1, mode="nearest")
    return result


def _thinned(group: FloatArray) -> FloatArray:
    """At most `_FIT_CELLS` evenly spread rows: enough for a mean and a covariance."""
    return group[:: max(1, -(-len(group) // _FIT_CELLS))]


def _covariance(centred: FloatArray) -> FloatArray:
    result: FloatArray = centred.T @ centred / max(len(centred) - 1, 1)
    return result


def _softmax(logits: FloatArray) -> F32:
    weights = np.exp(logits - logits.max(axis=1, keepdims=True))
    result: F32 = (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)
    return result
