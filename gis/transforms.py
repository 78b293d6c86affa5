"""The transform families fitted to GCPs: affine, projective, 2nd-order polynomial, TPS.

Each fitter takes matched source and destination points and returns a `Model` with its
parameters, a vectorised forward mapping and, where one exists, the analytic inverse.
`gis.georef` chooses among them and reports on the fit.
"""

from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Final, NamedTuple

import numpy as np
from scipy.interpolate import RBFInterpolator
from scipy.optimize import least_squares

from gis.errors import GeorefError
from gis.types import FloatArray, TransformModel

_PROJECTIVE_MIN_POINTS: Final = 4  # with more, the DLT solution is refined by least squares
_RANK_TOL: Final = 1e-10  # relative smallest singular value of a normalised design matrix

Mapper = Callable[[FloatArray], FloatArray]


class Model(NamedTuple):
    """A fitted transform: parameters, forward mapping, analytic inverse (None if none)."""

    parameters: FloatArray
    forward: Mapper
    inverse: Mapper | None


def _normaliser(points: FloatArray) -> FloatArray:
    """Similarity moving the centroid to 0 and the RMS distance from it to sqrt(2) (Hartley)."""
    centre = points.mean(axis=0)
    scale = np.sqrt(2.0 / ((points - centre) ** 2).sum(axis=1).mean())
    return np.array(
        [[scale, 0.0, -scale * centre[0]], [0.0, scale, -scale * centre[1]], [0.0, 0.0, 1.0]]
    )


def _homogeneous(matrix: FloatArray, points: FloatArray) -> FloatArray:
    mapped = points @ matrix[:, :2].T + matrix[:, 2]
    return mapped[:, :2] / mapped[:, 2:]


def _monomials(points: FloatArray, degree: int) -> FloatArray:
    x, y = points[:, 0], points[:, 1]
    terms = [np.ones_like(x), x, y] + ([x * x, x * y, y * y] if degree == 2 else [])
    return np.column_stack(terms)


def _expansion(norm: FloatArray, degree: int) -> FloatArray:
    """Matrix E with ``monomials(norm(p)) == monomials(p) @ E.T`` for the similarity `norm`."""
    a, b, d = norm[0, 0], norm[0, 2], norm[1, 2]
    full = np.array(
        [
            [1, 0, 0, 0, 0, 0],
            [b, a, 0, 0, 0, 0],
            [d, 0, a, 0, 0, 0],
            [b * b, 2 * a * b, 0, a * a, 0, 0],
            [b * d, a * d, a * b, 0, a * a, 0],
            [d * d, 0, 2 * a * d, 0, 0, a * a],
        ]
    )
    size = 3 if degree == 1 else 6
    return full[:size, :size]


def _fit_polynomial(src: FloatArray, dst: FloatArray, degree: int) -> FloatArray:
    """Least-squares coefficients (2, k) of the monomials of `src` that best give `dst`."""
    norm = _normaliser(src)
    design = _monomials(_homogeneous(norm, src), degree)
    singular = np.linalg.svd(design, compute_uv=False)
    if singular[-1] <= _RANK_TOL * singular[0]:
        shape = "a line" if degree == 1 else "one conic (e.g. a line pair or a circle)"
        raise GeorefError(
            f"the {len(src)} GCPs lie on {shape}, which leaves a degree-{degree} polynomial "
            "undetermined: add control points elsewhere on the sheet"
        )
    centre = dst.mean(axis=0)  # keeps large map coordinates out of the rounding errors
    coefficients, *_ = np.linalg.lstsq(design, dst - centre, rcond=None)
    raw = np.asarray(coefficients.T @ _expansion(norm, degree), dtype=np.float64)
    raw[:, 0] += centre
    return raw


def _fit_affine(src: FloatArray, dst: FloatArray) -> Model:
    coefficients = _fit_polynomial(src, dst, 1)  # columns 1, x, y
    matrix = np.vstack([coefficients[:, [1, 2, 0]], [0.0, 0.0, 1.0]])
    inverse = np.linalg.inv(matrix)
    return Model(matrix, partial(_homogeneous, matrix), partial(_homogeneous, inverse))


def _fit_poly2(src: FloatArray, dst: FloatArray) -> Model:
    coefficients = _fit_polynomial(src, dst, 2)

    def forward(points: FloatArray) -> FloatArray:
        return _monomials(points, 2) @ coefficients.T

    return Model(coefficients, forward, None)


def _fit_projective(src: FloatArray, dst: FloatArray) -> Model:
    norm_src, norm_dst = _normaliser(src), _normaliser(dst)
    p, q = _homogeneous(norm_src, src), _homogeneous(norm_dst, dst)
    homography = _dlt(p, q)
    if len(src) > _PROJECTIVE_MIN_POINTS:
        homography = _refine(homography, p, q)
    matrix = np.linalg.inv(norm_dst) @ homography @ norm_src
    matrix = matrix / matrix[2, 2]
    inverse = np.linalg.inv(matrix)
    return Model(matrix, partial(_homogeneous, matrix), partial(_homogeneous, inverse))


def _dlt(p: FloatArray, q: FloatArray) -> FloatArray:
    """Homography taking `p` to `q` by the direct linear transform (both normalised)."""
    x, y, u, v = p[:, 0], p[:, 1], q[:, 0], q[:, 1]
    zero, one = np.zeros_like(x), np.ones_like(x)
    system = np.vstack(
        [
            np.column_stack([-x, -y, -one, zero, zero, zero, u * x, u * y, u]),
            np.column_stack([zero, zero, zero, -x, -y, -one, v * x, v * y, v]),
        ]
    )
    _, singular, vt = np.linalg.svd(system)
    homography = vt[-1].reshape(3, 3)
    if singular[7] <= _RANK_TOL * singular[0] or abs(homography[2, 2]) < _RANK_TOL:
        raise GeorefError(
            f"the {len(p)} GCPs leave a projective transform undetermined (three or more of "
            "them on one line): add control points elsewhere on the sheet"
        )
    return np.asarray(homography / homography[2, 2], dtype=np.float64)


def _refine(homography: FloatArray, p: FloatArray, q: FloatArray) -> FloatArray:
    """Minimise the geometric error, which the algebraic DLT solution only approximates."""

    def residuals(params: FloatArray) -> FloatArray:
        return (_homogeneous(np.append(params, 1.0).reshape(3, 3), p) - q).ravel()

    result = least_squares(residuals, homography.ravel()[:8], method="lm")
    return np.append(result.x, 1.0).reshape(3, 3)


def _fit_tps(src: FloatArray, dst: FloatArray) -> Model:
    # A thin-plate spline is unchanged by scaling its inputs, so normalising them only helps
    # the conditioning; centring the outputs keeps big map coordinates out of the solve.
    norm, centre = _normaliser(src), dst.mean(axis=0)
    try:
        spline = RBFInterpolator(
            _homogeneous(norm, src), dst - centre, kernel="thin_plate_spline", degree=1
        )
    except (np.linalg.LinAlgError, ValueError) as exc:
        raise GeorefError(f"a thin-plate spline cannot be fitted to the GCPs ({exc})") from exc

    def forward(points: FloatArray) -> FloatArray:
        return np.asarray(spline(_homogeneous(norm, points)) + centre, dtype=np.float64)

    return Model(np.hstack([src, dst]), forward, None)


FITTERS: Final[Mapping[TransformModel, Callable[[FloatArray, FloatArray], Model]]] = (
    MappingProxyType(
        {"affine": _fit_affine, "projective": _fit_projective, "poly2": _fit_poly2, "tps": _fit_tps}
    )
)
