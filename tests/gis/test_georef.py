import dataclasses

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gis.errors import GcpError, GeorefError, GisError
from gis.gcps import GroundControlPoints, read_gcps, read_gcps_csv
from gis.georef import MIN_POINTS, fit_transform
from gis.types import TRANSFORM_MODELS

HARTFORD = "real/hartford-ct-1950s-zoning-scans"
SHEET = np.array([3000.0, 4000.0])  # scan size in pixels
ORIGIN = np.array([521_000.0, 2_383_000.0])  # EPSG:32637 metres


# --- synthetic factories with exact ground truth --------------------------------------------


def affine_matrix(*, angle=0.1, scale=0.5, aspect=1.0, shear=0.0, origin=ORIGIN):
    """Pixel -> map 3x3 matrix: y down becomes north up, then rotation, shear and scale."""
    cos, sin = np.cos(angle), np.sin(angle)
    linear = np.array([[cos, -sin], [sin, cos]]) @ np.array([[scale, shear], [0, -scale * aspect]])
    return np.vstack([np.column_stack([linear, origin]), [0.0, 0.0, 1.0]])


def homography(affine, *, tilt=(2e-5, -1.5e-5)):
    """A projective matrix: `affine` after a perspective of `tilt` per pixel (H[2, 2] = 1)."""
    return affine @ np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [tilt[0], tilt[1], 1.0]])


def apply_matrix(matrix, pixels):
    mapped = np.column_stack([pixels, np.ones(len(pixels))]) @ matrix.T
    return mapped[:, :2] / mapped[:, 2:]


def poly2_coefficients(affine, *, bend=(3e-5, -2e-5, 1e-5, 2e-5, 1e-5, -3e-5)):
    """(2, 6) coefficients of [1, x, y, x², xy, y²]: `affine` plus quadratic terms."""
    linear = affine[:2, [2, 0, 1]]
    return np.hstack([linear, np.reshape(bend, (2, 3))])


def apply_poly2(coefficients, pixels):
    x, y = pixels.T
    return np.column_stack([np.ones_like(x), x, y, x * x, x * y, y * y]) @ coefficients.T


def scatter_pixels(count, *, seed):
    """`count` distinct pixel positions spread over the sheet (jittered grid cells)."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(count)))
    cells = rng.permutation(side * side)[:count]
    corner = np.column_stack([cells % side, cells // side]) / side
    return (corner + rng.uniform(0.1, 0.9, (count, 2)) / side) * SHEET


def synthetic_gcps(mapping, count, *, seed=0, noise=0.0):
    """GCPs whose map positions are `mapping(pixel)` plus Gaussian noise of `noise` metres."""
    pixel = scatter_pixels(count, seed=seed)
    noise_rng = np.random.default_rng(seed + 1)
    map_ = mapping(pixel) + noise_rng.normal(0.0, noise, (count, 2))
    return GroundControlPoints(pixel=pixel, map=map_, ids=tuple(f"g{k}" for k in range(count)))


well_conditioned_affines = st.builds(
    affine_matrix,
    angle=st.floats(-np.pi, np.pi),
    scale=st.floats(0.05, 20.0),
    aspect=st.floats(0.8, 1.25),
    shear=st.floats(-0.05, 0.05),
)
seeds = st.integers(0, 2**16)


# --- recovery of known transforms -------------------------------------------------------------


@given(matrix=well_conditioned_affines, seed=seeds, count=st.integers(3, 30))
@settings(deadline=None)
def test_affine_recovers_a_known_affine(matrix, seed, count):
    gcps = synthetic_gcps(lambda p: apply_matrix(matrix, p), count, seed=seed)
    fitted = fit_transform(gcps, method="affine")
    scale = np.sqrt(abs(np.linalg.det(matrix[:2, :2])))
    np.testing.assert_allclose(fitted.parameters[:2, :2], matrix[:2, :2], atol=1e-9 * scale)
    np.testing.assert_allclose(fitted.parameters[:2, 2], matrix[:2, 2], atol=1e-6)
    assert fitted.report.rms < 1e-6
    assert fitted.report.pixel_size == pytest.approx(scale)
    probe = scatter_pixels(50, seed=seed + 7)
    np.testing.assert_allclose(fitted.apply_inverse(fitted.apply(probe)), probe, atol=1e-6)
    assert fitted.inverse_exact


@given(matrix=well_conditioned_affines, seed=seeds, count=st.integers(4, 30))
@settings(deadline=None)
def test_projective_recovers_a_known_homography(matrix, seed, count):
    truth = homography(matrix)
    gcps = synthetic_gcps(lambda p: apply_matrix(truth, p), count, seed=seed)
    fitted = fit_transform(gcps, method="projective")
    np.testing.assert_allclose(fitted.parameters, truth, rtol=1e-6, atol=1e-12)
    probe = scatter_pixels(50, seed=seed + 7)
    tolerance = 1e-6 * fitted.report.pixel_size
    np.testing.assert_allclose(fitted.apply(probe), apply_matrix(truth, probe), atol=tolerance)
    np.testing.assert_allclose(fitted.apply_inverse(fitted.apply(probe)), probe, atol=1e-6)
    assert fitted.report.rms < tolerance


@given(matrix=well_conditioned_affines, seed=seeds, count=st.integers(6, 30))
@settings(deadline=None)
def test_poly2_recovers_a_known_polynomial(matrix, seed, count):
    truth = poly2_coefficients(matrix)
    gcps = synthetic_gcps(lambda p: apply_poly2(truth, p), count, seed=seed)
    fitted = fit_transform(gcps, method="poly2")
    tolerance = 1e-5 * max(fitted.report.pixel_size, 1.0)  # metres; six points may be near a conic
    # Each coefficient's error times its monomial at the far corner of the sheet: metres.
    reach = SHEET.max() ** np.array([0, 1, 1, 2, 2, 2])
    np.testing.assert_allclose((fitted.parameters - truth) * reach, 0.0, atol=tolerance)
    probe = scatter_pixels(50, seed=seed + 7)
    np.testing.assert_allclose(fitted.apply(probe), apply_poly2(truth, probe), atol=tolerance)
    assert fitted.report.rms < tolerance
    assert not fitted.inverse_exact


@given(matrix=well_conditioned_affines, seed=seeds, count=st.integers(4, 25))
@settings(deadline=None)
def test_tps_passes_through_its_points_and_reproduces_an_affine(matrix, seed, count):
    gcps = synthetic_gcps(lambda p: apply_matrix(matrix, p), count, seed=seed)
    fitted = fit_transform(gcps, method="tps")
    probe = scatter_pixels(50, seed=seed + 7)
    tolerance = 1e-6 * fitted.report.pixel_size
    np.testing.assert_allclose(fitted.apply(probe), apply_matrix(matrix, probe), atol=tolerance)
    assert fitted.report.rms < tolerance
    assert fitted.report.loo_rms < tolerance


@pytest.mark.parametrize("method", TRANSFORM_MODELS)
def test_noiseless_affine_data_fit_exactly_by_every_method(method):
    gcps = synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), 12)
    report = fit_transform(gcps, method=method).report
    assert report.rms < 1e-6
    assert report.loo_rms < 1e-6
    assert report.suspects == ()


def test_tps_residuals_are_zero_but_leave_one_out_is_not():
    truth = poly2_coefficients(affine_matrix())
    gcps = synthetic_gcps(lambda p: apply_poly2(truth, p), 20, noise=2.0)
    report = fit_transform(gcps, method="tps").report
    np.testing.assert_allclose(report.residuals, 0.0, atol=1e-6)
    assert report.loo_rms > 1.0
    assert np.isfinite(report.loo_magnitudes).all()


@pytest.mark.parametrize("method", ["poly2", "tps"])
def test_approximate_inverse_round_trips(method):
    truth = poly2_coefficients(affine_matrix(), bend=(1e-5, 0, 0, 0, 0, 1e-5))
    gcps = synthetic_gcps(lambda p: apply_poly2(truth, p), 25, noise=0.5)
    fitted = fit_transform(gcps, method=method)
    probe = scatter_pixels(200, seed=3)
    error = np.hypot(*(fitted.apply_inverse(fitted.apply(probe)) - probe).T)
    assert fitted.inverse_error < 1e-6
    assert error.max() < 1e-6


def test_apply_is_vectorised_and_checks_shape():
    fitted = fit_transform(synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), 5))
    assert fitted.apply(np.zeros((0, 2))).shape == (0, 2)
    assert fitted.apply([[0, 0], [1, 1], [2, 2]]).shape == (3, 2)
    with pytest.raises(ValueError, match=r"pixels must be an \(n, 2\) array"):
        fitted.apply([1.0, 2.0])
    with pytest.raises(ValueError, match=r"coords must be an \(n, 2\) array"):
        fitted.apply_inverse(np.zeros((3, 3)))


@pytest.mark.parametrize("method", TRANSFORM_MODELS)
def test_nan_positions_map_to_nan_without_disturbing_the_others(method):
    truth = poly2_coefficients(affine_matrix())
    fitted = fit_transform(synthetic_gcps(lambda p: apply_poly2(truth, p), 12), method=method)
    mapped = fitted.apply([[np.nan, 1.0], [100.0, 200.0]])
    assert np.isnan(mapped[0]).all()
    back = fitted.apply_inverse(mapped)
    assert np.isnan(back[0]).all()
    np.testing.assert_allclose(back[1], [100.0, 200.0], atol=1e-6)


def test_fitted_transform_is_frozen():
    fitted = fit_transform(synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), 5))
    with pytest.raises(dataclasses.FrozenInstanceError):
        fitted.method = "tps"  # type: ignore[misc]


# --- leave-one-out and suspects --------------------------------------------------------------


@given(seed=seeds, culprit=st.integers(0, 19), method=st.sampled_from(["affine", "projective"]))
@example(seed=777, culprit=2, method="projective")  # the largest LOO error was an innocent GCP
@settings(deadline=None, max_examples=40)
def test_leave_one_out_flags_an_injected_outlier(seed, culprit, method):
    matrix = affine_matrix()
    clean = synthetic_gcps(lambda p: apply_matrix(matrix, p), 20, seed=seed, noise=0.15)
    map_ = clean.map.copy()
    map_[culprit] += [40.0, -30.0]  # 100 pixels off
    gcps = GroundControlPoints(pixel=clean.pixel, map=map_, ids=clean.ids)
    report = fit_transform(gcps, method=method).report
    assert report.worst == culprit
    assert culprit in report.suspects
    assert report.ids is not None and report.ids[culprit] == f"g{culprit}"


def test_no_suspects_below_the_noise_floor():
    # 0.05 m is a tenth of a pixel: every error stays under the half-pixel floor.
    gcps = synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), 20, noise=0.05)
    report = fit_transform(gcps, method="affine").report
    assert report.suspects == ()
    assert report.worst is not None


@pytest.mark.parametrize("method", TRANSFORM_MODELS)
def test_leave_one_out_is_undefined_at_the_minimum_count(method):
    count = MIN_POINTS[method]
    gcps = synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), count)
    report = fit_transform(gcps, method=method).report
    assert np.isnan(report.loo_residuals).all()
    assert np.isnan(report.loo_rms)
    assert report.worst is None
    assert report.suspects == ()


# --- auto -------------------------------------------------------------------------------------


def test_auto_prefers_affine_for_affine_data():
    gcps = synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), 20, noise=0.5)
    fitted = fit_transform(gcps)
    assert fitted.method == "affine"
    assert set(fitted.report.candidates) == set(TRANSFORM_MODELS)


def test_auto_takes_projective_for_strong_perspective():
    truth = homography(affine_matrix(), tilt=(1e-4, 8e-5))
    gcps = synthetic_gcps(lambda p: apply_matrix(truth, p), 20, noise=0.5)
    assert fit_transform(gcps).method == "projective"


def test_auto_takes_poly2_for_a_curved_sheet():
    truth = poly2_coefficients(affine_matrix())
    gcps = synthetic_gcps(lambda p: apply_poly2(truth, p), 25, noise=0.5)
    assert fit_transform(gcps).method == "poly2"


def test_auto_with_three_points_fits_affine():
    gcps = synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), 3)
    fitted = fit_transform(gcps)
    assert fitted.method == "affine"
    assert dict(fitted.report.candidates) == {}


def test_auto_only_tries_models_the_count_can_test():
    gcps = synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), 5)
    assert set(fit_transform(gcps).report.candidates) == {"affine", "projective", "tps"}


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "count", "message"),
    [
        ("affine", 2, "affine needs at least 3 GCPs, got 2: add control points"),
        ("auto", 2, "auto needs at least 3 GCPs, got 2"),
        ("projective", 3, "projective needs at least 4 GCPs, got 3.*fit affine, tps"),
        ("poly2", 5, "poly2 needs at least 6 GCPs, got 5.*fit affine, projective, tps"),
        ("tps", 0, "tps needs at least 3 GCPs, got 0"),
    ],
)
def test_too_few_points_raise(method, count, message):
    pixel = scatter_pixels(count, seed=1)
    gcps = GroundControlPoints(pixel=pixel, map=apply_matrix(affine_matrix(), pixel))
    with pytest.raises(GeorefError, match=message):
        fit_transform(gcps, method=method)


@pytest.mark.parametrize("method", [*TRANSFORM_MODELS, "auto"])
def test_collinear_pixels_raise(method):
    pixel = np.column_stack([np.linspace(0, 3000, 8), np.linspace(100, 2100, 8)])
    map_ = ORIGIN + np.column_stack([np.arange(8.0), np.arange(8.0) ** 2])
    with pytest.raises(GeorefError, match="collinear in pixel space"):
        fit_transform(GroundControlPoints(pixel=pixel, map=map_), method=method)


def test_collinear_map_positions_raise():
    pixel = scatter_pixels(8, seed=2)
    map_ = ORIGIN + np.column_stack([np.arange(8.0), 2 * np.arange(8.0)])
    with pytest.raises(GeorefError, match="collinear in map space"):
        fit_transform(GroundControlPoints(pixel=pixel, map=map_), method="affine")


def test_projective_with_three_of_four_points_on_a_line_raises():
    pixel = np.array([[0.0, 0.0], [1000.0, 0.0], [2000.0, 0.0], [500.0, 1500.0]])
    map_ = apply_matrix(affine_matrix(), pixel)
    with pytest.raises(GeorefError, match="leave a projective transform undetermined"):
        fit_transform(GroundControlPoints(pixel=pixel, map=map_), method="projective")


def test_poly2_with_points_on_one_conic_raises():
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    pixel = 1500 + 1000 * np.column_stack([np.cos(angles), np.sin(angles)])
    map_ = apply_matrix(affine_matrix(), pixel)
    with pytest.raises(GeorefError, match="lie on one conic"):
        fit_transform(GroundControlPoints(pixel=pixel, map=map_), method="poly2")


def test_nan_control_points_are_refused_before_fitting():
    with pytest.raises(GcpError, match="not finite"):
        GroundControlPoints(pixel=[[0, 0], [1, np.nan], [0, 1]], map=[[0, 0], [1, 0], [0, 1]])


@pytest.mark.parametrize("method", ["cubic", "AFFINE", "'; DROP TABLE zone; --"])
def test_unknown_method_lists_the_allowed_ones(method):
    gcps = synthetic_gcps(lambda p: apply_matrix(affine_matrix(), p), 6)
    with pytest.raises(ValueError, match=r"method must be one of \('affine', 'projective'"):
        fit_transform(gcps, method=method)


def test_georef_error_is_a_value_error_of_the_gis_layer():
    assert issubclass(GeorefError, GisError)
    assert issubclass(GeorefError, ValueError)


# --- real sheets (Hartford 1958, EPSG:3857) ---------------------------------------------------


def hartford(shared_data, town):
    return read_gcps(shared_data / HARTFORD / town / "scan.jpg.points")


@pytest.mark.parametrize(
    ("town", "rms_px", "max_px"),
    [("west-hartford-1958", 4.7, 12.7), ("bloomfield-1958", 8.1, 30.5)],
)
def test_hartford_poly2_residuals_match_the_readme(shared_data, town, rms_px, max_px):
    report = fit_transform(hartford(shared_data, town), method="poly2").report
    assert report.rms / report.pixel_size == pytest.approx(rms_px, abs=0.1)
    assert report.magnitudes.max() / report.pixel_size == pytest.approx(max_px, abs=0.3)


@pytest.mark.parametrize(("town", "rms_m"), [("west-hartford-1958", 28), ("bloomfield-1958", 52)])
def test_hartford_affine_matches_the_world_file(shared_data, town, rms_m):
    folder = shared_data / HARTFORD / town
    fitted = fit_transform(hartford(shared_data, town), method="affine")
    assert fitted.report.rms == pytest.approx(rms_m, abs=1.0)
    # A world file gives the affine for pixel centres: pixel (0, 0) has its centre at (0.5, 0.5).
    a, d, b, e, c, f = (float(v) for v in (folder / "scan.jgw").read_text().split())
    np.testing.assert_allclose(fitted.parameters[:2, :2], [[a, b], [d, e]], rtol=0, atol=1e-5)
    np.testing.assert_allclose(fitted.apply([[0.5, 0.5]])[0], [c, f], rtol=0, atol=0.01)


def test_hartford_csv_and_points_give_the_same_fit(shared_data):
    folder = shared_data / HARTFORD / "west-hartford-1958"
    table = read_gcps_csv(folder / "gcps.csv", columns=("col", "row", "x_3857", "y_3857"))
    from_csv = fit_transform(table, method="poly2")
    from_points = fit_transform(hartford(shared_data, "west-hartford-1958"), method="poly2")
    assert from_csv.report.rms == pytest.approx(from_points.report.rms, abs=1e-3)
    assert from_csv.report.ids == table.ids


@pytest.mark.parametrize(
    ("town", "worst_id", "chosen"),
    [("west-hartford-1958", "23", "poly2"), ("bloomfield-1958", "6", "affine")],
)
def test_hartford_leave_one_out_and_auto(shared_data, town, worst_id, chosen):
    gcps = hartford(shared_data, town)
    reports = {m: fit_transform(gcps, method=m).report for m in TRANSFORM_MODELS}
    assert reports["tps"].rms < 1e-6
    for report in reports.values():
        assert np.isfinite(report.loo_magnitudes).all()
        assert report.loo_rms > report.rms
    poly2 = reports["poly2"]
    assert gcps.ids is not None and poly2.worst is not None
    assert gcps.ids[poly2.worst] == worst_id
    assert poly2.worst in poly2.suspects
    fitted = fit_transform(gcps)
    assert fitted.method == chosen
    best = min(fitted.report.candidates.values())
    assert fitted.report.loo_rms <= 1.1 * best
