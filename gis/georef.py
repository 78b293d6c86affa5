"""Fit pixel -> map transforms to ground control points and report their residuals."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from gis.errors import GeorefError
from gis.gcps import GroundControlPoints
from gis.transforms import FITTERS, Mapper, Model
from gis.types import (
    TRANSFORM_METHODS,
    TRANSFORM_MODELS,
    FloatArray,
    TransformMethod,
    TransformModel,
)

MIN_POINTS: Final[Mapping[TransformModel, int]] = MappingProxyType(
    {"affine": 3, "projective": 4, "poly2": 6, "tps": 3}
)
"""The fewest GCPs that determine each transform."""

SUSPECT_FACTOR: Final = 3.0
"""A GCP is suspect when its leave-one-out error exceeds this multiple of the median one."""

AUTO_TOLERANCE: Final = 0.10
"""``auto`` accepts a simpler model whose leave-one-out RMS is within this fraction of the best."""

NOISE_FLOOR_PX: Final = 0.5
"""Differences below this many pixels are within GCP picking noise and never decide anything."""

_COLLINEAR_TOL: Final = 1e-6  # relative spread across the best-fit line of the points
_GRID: Final = 16  # nodes per side of the grid an approximate inverse is fitted on
_MARGIN: Final = 0.1  # the grid extends this fraction of the GCP extent beyond it
_NEWTON_STEPS: Final = 10  # an iterative inverse converges in 2-4 steps on a smooth sheet
_NEWTON_TOL: Final = 1e-9  # pixels
_DELTA: Final = 1e-2  # pixels, for the finite-difference Jacobian


@dataclass(frozen=True, eq=False)
class GeorefReport:
    """How well a fitted transform agrees with its GCPs, in map units (metres when projected).

    Attributes
    ----------
    method
        The transform family that was fitted.
    residuals
        (n, 2) fitted minus given map position (dx, dy) of every GCP. Zero for ``tps``,
        which passes through its points.
    loo_residuals
        (n, 2) leave-one-out residuals: each GCP predicted by a fit to all the others. NaN
        where that fit is impossible (too few remaining points, or a degenerate remainder).
    pixel_size
        Map units per pixel (square root of the affine fit's scale), to read residuals in
        pixels.
    suspects
        Indices of GCPs whose leave-one-out error exceeds ``SUSPECT_FACTOR`` times the median
        and the noise floor of ``NOISE_FLOOR_PX`` pixels: probably misplaced.
    candidates
        For ``method="auto"``, the leave-one-out RMS of every model tried; else empty.
    ids
        The ids of the GCPs, if they have any.
    others_rms
        (n,) RMS of the residuals at the other GCPs of the fit without each GCP: the lower, the
        more that GCP alone was bending the fit. NaN where that fit is impossible.
    """

    method: TransformModel
    residuals: FloatArray
    loo_residuals: FloatArray
    pixel_size: float
    suspects: tuple[int, ...]
    candidates: Mapping[TransformModel, float]
    ids: tuple[str, ...] | None
    others_rms: FloatArray | None = None

    @property
    def magnitudes(self) -> FloatArray:
        """Length of each residual vector."""
        return np.hypot(self.residuals[:, 0], self.residuals[:, 1])

    @property
    def rms(self) -> float:
        """Root mean square of the residual lengths."""
        return _rms(self.residuals)

    @property
    def loo_magnitudes(self) -> FloatArray:
        """Length of each leave-one-out residual vector (NaN where undefined)."""
        return np.hypot(self.loo_residuals[:, 0], self.loo_residuals[:, 1])

    @property
    def loo_rms(self) -> float:
        """Root mean square of the defined leave-one-out residual lengths (NaN if none)."""
        return _rms(self.loo_residuals)

    @property
    def worst(self) -> int | None:
        """Index of the GCP most at odds with the others, or None when none can be told.

        That is the GCP whose removal leaves the others fitting best. The largest leave-one-out
        error alone can point at an innocent GCP far out on the sheet, whose prediction the
        bad point has dragged (projective and poly2 fits); an interpolating ``tps`` fits its
        others exactly, so there the leave-one-out error decides.
        """
        others = self.others_rms
        if self.method != "tps" and others is not None and np.isfinite(others).any():
            return int(np.nanargmin(others))
        errors = self.loo_magnitudes
        if not np.isfinite(errors).any():
            return None
        return int(np.nanargmax(errors))


@dataclass(frozen=True, eq=False)
class FittedTransform:
    """A pixel -> map transform fitted to GCPs, with its inverse and quality report.

    Attributes
    ----------
    method
        The transform family.
    parameters
        ``affine``: (3, 3) matrix ``M`` with ``[X, Y, 1] = M @ [x, y, 1]``;
        ``projective``: (3, 3) homography ``H`` (``H[2, 2] == 1``), ``[X, Y, 1] ~ H @ [x, y, 1]``;
        ``poly2``: (2, 6) coefficients of ``[1, x, y, x*x, x*y, y*y]`` for X and Y;
        ``tps``: (n, 4) rows ``[x, y, X, Y]``, the GCPs that (with no smoothing) define the
        spline. Pixel ``(x, y)`` as in `GroundControlPoints`, map ``(X, Y)``.
    report
        Residuals at the GCPs.
    inverse_exact
        True when `apply_inverse` is analytic (affine, projective). For poly2 and tps it is
        approximate: a transform of the same family fitted in the map -> pixel direction to a
        grid mapped forward (the GCPs' pixel extent plus a tenth on each side) gives a start
        that Newton steps on `apply` then refine. Far outside that extent, or where the
        transform folds over, it may not converge.
    inverse_error
        Largest distance in pixels between a point and ``apply_inverse(apply(point))`` over that
        extent (about 1e-9 on a smooth sheet).
    crs
        The CRS named by the GCPs, if any.
    """

    method: TransformModel
    parameters: FloatArray
    report: GeorefReport
    inverse_exact: bool
    inverse_error: float
    crs: str | None
    _forward: Mapper = field(repr=False)
    _inverse: Mapper = field(repr=False)

    def apply(self, pixels: npt.ArrayLike) -> FloatArray:
        """Map (n, 2) pixel positions to (n, 2) map coordinates.

        Notes
        -----
        ``tps`` costs O(n * number of GCPs) time and memory; the others O(n).

        Examples
        --------
        >>> gcps = GroundControlPoints(pixel=[[0, 0], [9, 0], [0, 9], [9, 9]], map=[[0, 0],
        ...     [18, 0], [0, -18], [18, -18]])
        >>> fit_transform(gcps, method="tps").apply([[1, 2], [3, 4]]).round(9).tolist()
        [[2.0, -4.0], [6.0, -8.0]]
        """
        return self._forward(_as_coords(pixels, "pixels"))

    def apply_inverse(self, coords: npt.ArrayLike) -> FloatArray:
        """Map (n, 2) map coordinates to (n, 2) pixel positions (see `inverse_exact`).

        Examples
        --------
        >>> pixel = [[0, 0], [9, 0], [0, 9], [9, 9], [3, 5], [6, 2], [5, 8]]
        >>> gcps = GroundControlPoints(pixel=pixel, map=[[2 * x, -2 * y] for x, y in pixel])
        >>> fit_transform(gcps, method="poly2").apply_inverse([[2, -4]]).round(9).tolist()
        [[1.0, 2.0]]
        """
        return self._inverse(_as_coords(coords, "coords"))


def fit_transform(
    gcps: GroundControlPoints, *, method: TransformMethod = "auto"
) -> FittedTransform:
    """Fit a pixel -> map transform to GCPs, by least squares when they over-determine it.

    Parameters
    ----------
    gcps
        At least ``MIN_POINTS[method]`` points, not all on one line (in pixel or map space).
    method
        ``affine`` (6 parameters), ``projective`` (homography, 8), ``poly2`` (second-order
        polynomial, 12), ``tps`` (thin-plate spline through every point), or ``auto``.

    Returns
    -------
    FittedTransform
        With a `GeorefReport` of residuals and leave-one-out residuals.

    Raises
    ------
    ValueError
        `method` is not one of `TRANSFORM_METHODS`.
    GeorefError
        Too few points for the method, points on one line, or a configuration that leaves
        the transform undetermined (e.g. three of four projective points collinear).

    Notes
    -----
    ``auto`` compares, by leave-one-out RMS, every model that has more GCPs than its minimum
    (so that leaving one out still fits): it takes the best such RMS and chooses the simplest
    model (affine < projective < poly2 < tps) whose RMS is within ``AUTO_TOLERANCE`` (10%) of
    it, or within ``NOISE_FLOOR_PX`` (half a pixel) of it for nearly exact data. Comparing
    with the best model, not only the most flexible one, keeps an over-fitting spline from
    excusing a poor affine fit. With only three GCPs, ``auto`` fits an affine transform.

    Projective fits start from the normalised direct linear transform and then minimise the
    geometric error in map units (Levenberg-Marquardt). Leave-one-out costs n extra fits.

    Examples
    --------
    >>> gcps = GroundControlPoints(
    ...     pixel=[[0, 0], [100, 0], [0, 100], [100, 100]],
    ...     map=[[500000, 2400000], [500050, 2400000], [500000, 2399950], [500050, 2399950]],
    ... )
    >>> fitted = fit_transform(gcps, method="affine")
    >>> fitted.apply([[50, 50]]).round(6).tolist()
    [[500025.0, 2399975.0]]
    >>> fitted.apply_inverse([[500050, 2400000]]).round(6).tolist()
    [[100.0, 0.0]]
    >>> round(fitted.report.rms, 6), round(fitted.report.pixel_size, 6)
    (0.0, 0.5)
    """
    if method not in TRANSFORM_METHODS:
        raise ValueError(f"method must be one of {TRANSFORM_METHODS}, got {method!r}")
    pixel, map_ = gcps.pixel, gcps.map
    _check_count(method, len(gcps))
    _check_spread(pixel, "pixel")
    _check_spread(map_, "map")
    pixel_size = _pixel_size(pixel, map_)
    candidates: dict[TransformModel, float] = {}
    if method == "auto":
        model_name, loo, candidates = _choose(pixel, map_, pixel_size)
    else:
        model_name, loo = method, _leave_one_out(method, pixel, map_)
    model = FITTERS[model_name](pixel, map_)
    others = _jackknife(model_name, pixel, map_)[1]
    report = GeorefReport(
        method=model_name,
        residuals=model.forward(pixel) - map_,
        loo_residuals=loo,
        pixel_size=pixel_size,
        suspects=_suspects(loo, NOISE_FLOOR_PX * pixel_size),
        candidates=MappingProxyType(candidates),
        ids=gcps.ids,
        others_rms=others,
    )
    return _assemble(model_name, model, report, pixel, gcps.crs)


def _assemble(
    method: TransformModel, model: Model, report: GeorefReport, pixel: FloatArray, crs: str | None
) -> FittedTransform:
    pad = _MARGIN * (pixel.max(axis=0) - pixel.min(axis=0))
    low, high = pixel.min(axis=0) - pad, pixel.max(axis=0) + pad
    inverse = model.inverse
    if inverse is None:
        grid = _grid(low, high, _GRID)
        start = FITTERS[method](model.forward(grid), grid).forward
        inverse = partial(_newton, model.forward, start)
    probe = _grid(low, high, _GRID - 1, centred=True)
    round_trip = inverse(model.forward(probe)) - probe
    return FittedTransform(
        method=method,
        parameters=model.parameters,
        report=report,
        inverse_exact=model.inverse is not None,
        inverse_error=float(np.hypot(round_trip[:, 0], round_trip[:, 1]).max()),
        crs=crs,
        _forward=model.forward,
        _inverse=inverse,
    )


def _newton(forward: Mapper, start: Mapper, coords: FloatArray) -> FloatArray:
    """Solve ``forward(p) == coords`` for the pixels p by Newton steps from ``start(coords)``."""
    finite = np.isfinite(coords).all(axis=1)
    if not finite.all():
        pixels = np.full_like(coords, np.nan)
        pixels[finite] = _newton(forward, start, coords[finite])
        return pixels
    pixels, shift = start(coords), np.eye(2) * _DELTA
    for _ in range(_NEWTON_STEPS):
        value = forward(pixels)
        d_dx = (forward(pixels + shift[0]) - value) / _DELTA
        d_dy = (forward(pixels + shift[1]) - value) / _DELTA
        jacobian = np.stack([d_dx, d_dy], axis=2)  # pinv: no failure where the map folds
        step = (np.linalg.pinv(jacobian) @ (value - coords)[:, :, None])[:, :, 0]
        pixels = pixels - step
        if np.nanmax(np.abs(step), initial=0.0) < _NEWTON_TOL:
            break
    return pixels


def _check_count(method: TransformMethod, count: int) -> None:
    needed = MIN_POINTS["affine" if method == "auto" else method]
    if count < needed:
        possible = [m for m in TRANSFORM_MODELS if MIN_POINTS[m] <= count]
        hint = f"; with {count} you can fit {', '.join(possible)}" if possible else ""
        raise GeorefError(
            f"{method} needs at least {needed} GCPs, got {count}: add control points{hint}"
        )


def _check_spread(points: FloatArray, space: str) -> None:
    spread = np.linalg.svd(points - points.mean(axis=0), compute_uv=False)
    if spread[0] == 0 or spread[1] <= _COLLINEAR_TOL * spread[0]:
        raise GeorefError(
            f"the {len(points)} GCPs are collinear in {space} space, which leaves a 2-D "
            "transform undetermined: add control points away from that line"
        )


def _choose(
    pixel: FloatArray, map_: FloatArray, pixel_size: float
) -> tuple[TransformModel, FloatArray, dict[TransformModel, float]]:
    testable = [m for m in TRANSFORM_MODELS if len(pixel) > MIN_POINTS[m]]
    if not testable:
        return "affine", _leave_one_out("affine", pixel, map_), {}
    loos = {m: _leave_one_out(m, pixel, map_) for m in testable}
    scores = {m: _rms(loo) for m, loo in loos.items()}
    finite = [s for s in scores.values() if np.isfinite(s)]
    if not finite:
        return testable[0], loos[testable[0]], scores
    best = min(finite)
    allowed = max(best * (1 + AUTO_TOLERANCE), best + NOISE_FLOOR_PX * pixel_size)
    chosen = next(m for m in testable if scores[m] <= allowed)
    return chosen, loos[chosen], scores


def _leave_one_out(method: TransformModel, pixel: FloatArray, map_: FloatArray) -> FloatArray:
    return _jackknife(method, pixel, map_)[0]


def _jackknife(
    method: TransformModel, pixel: FloatArray, map_: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Fit without each GCP in turn: its prediction error, and the RMS at the others."""
    count = len(pixel)
    loo, others = np.full((count, 2), np.nan), np.full(count, np.nan)
    if count <= MIN_POINTS[method]:
        return loo, others
    for index in range(count):
        keep = np.arange(count) != index
        try:
            model = FITTERS[method](pixel[keep], map_[keep])
        except GeorefError:
            continue  # the others alone are degenerate: no prediction for this point
        loo[index] = model.forward(pixel[index : index + 1])[0] - map_[index]
        others[index] = _rms(model.forward(pixel[keep]) - map_[keep])
    return loo, others


def _suspects(loo: FloatArray, floor: float) -> tuple[int, ...]:
    errors = np.hypot(loo[:, 0], loo[:, 1])
    defined = errors[np.isfinite(errors)]
    if defined.size == 0:
        return ()
    threshold = max(SUSPECT_FACTOR * float(np.median(defined)), floor)
    return tuple(int(i) for i in np.flatnonzero(np.nan_to_num(errors) > threshold))


def _rms(residuals: FloatArray) -> float:
    squared = (residuals**2).sum(axis=1)
    squared = squared[np.isfinite(squared)]
    return float(np.sqrt(squared.mean())) if squared.size else float("nan")


def _pixel_size(pixel: FloatArray, map_: FloatArray) -> float:
    matrix = FITTERS["affine"](pixel, map_).parameters
    return float(np.sqrt(abs(np.linalg.det(matrix[:2, :2]))))


def _as_coords(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] != 2:
        raise ValueError(f"{name} must be an (n, 2) array of x, y; got shape {array.shape}")
    return array


def _grid(low: FloatArray, high: FloatArray, count: int, *, centred: bool = False) -> FloatArray:
    steps = (np.arange(count) + 0.5) / count if centred else np.linspace(0, 1, count)
    xs, ys = np.meshgrid(low[0] + steps * (high[0] - low[0]), low[1] + steps * (high[1] - low[1]))
    return np.column_stack([xs.ravel(), ys.ravel()])
