import dataclasses

import numpy as np
import pytest
import shapely

from gis.digitise import digitise, resolve_style
from gis.digitise_report import _unmatched_note
from gis.errors import ClassifyError, LegendError
from gis.legend import parse_legend
from gis.pattern import PatternClassification, classify_patterns
from gis.pattern_model import TextureModel, fit_model, seed_cells, seed_posteriors, self_train
from gis.pattern_regions import merge_small_regions, open_class
from gis.pattern_samples import blank_entry, fit_grids
from gis.raster import ArrayScan
from gis.scoring import score_zones
from gis.synthetic import make_sheet
from gis.synthetic_patterns import PATTERNS, draw_patterns, pattern_mask, sample_legend
from gis.texture import InkLevels, TextureScale, fit_scale, window_share
from gis.texture_spectrum import ORIENTATIONS, grid_spectra, make_grid, patch_spectra

# Measured (600 x 800 px, default 5 codes: blank, hatch /, solid, cross-hatch, dots; faded
# uneven toner, broken lines, stains, streets, circled labels, JPEG 60), mean IoU with local
# spectra, seeds from the samples and self-training (before, per-pixel line features):
#   seed 0: 0.898 (0.468), seed 1: 0.501 (0.245), seed 2: 0.776 (0.353), seed 3: 0.736
#   (0.247) -- still below the 0.93 target. The floors guard what was reached.
# With the last self-training fit trimmed to the cells near the previous model (chi-square
# 0.99): seed 0: 0.884, seed 1: 0.585, seed 2: 0.784, seed 3: 0.742.
# With cells also learned where the posteriors averaged over three windows are confident, and
# classes without map support kept to their seeded cells: seed 0: 0.889, seed 1: 0.644,
# seed 2: 0.782, seed 3: 0.779. With the solid entry found per pixel (gis.pattern_solid):
# seed 0: 0.889, seed 1: 0.669, seed 2: 0.782, seed 3: 0.809. With the blank entry found by
# its lack of printed marks and seeded on ink and power only, the map frame as the extent,
# and the generator's samples kept off the streets: 0.926, 0.653, 0.921, 0.906. With edges
# flooded by scikit-image's watershed (scipy's let classes cross boundary lines; mean of
# seeds 0-8 0.808 -> 0.825): 0.897, 0.722, 0.873, 0.879. With a cell seeded only when it is
# nearer its sample than the nearest other sample is (clutter across plain paper had seeded
# the dots), solid ink matched like paper on ink and power, and a faded solid recognised:
# 0.833, 0.907, 0.931, 0.872 -- seed 0 loses 0.06 (its thin solid strip and the cross-hatch
# edge), the mean over seeds 0-8 goes 0.833 -> 0.878 and over seeds 9-17 0.831 -> 0.874.
# With the solid class kept to its ink and the white it encloses: 0.859, 0.919, 0.947, 0.888
# (0-8 mean 0.895). With frames along faded fills found (seeds 1, 6, 7 now have one): 0.859,
# 0.928, 0.947, 0.888 (0-8 mean 0.904). With posteriors smoothed over a centred box (a 2-cell
# box had sat half a cell off, shifting every edge by 8 px): 0.940, 0.928, 0.950, 0.936
# (0-8 mean 0.936, held-out 9-17 0.937: the 0.93 target is met). With paper strips narrower
# than a window given to the next likeliest class (windows over a boundary line read as paper
# with a street): 0.927, 0.937, 0.941, 0.936 (0-8 0.932, 9-17 0.949, the bench's 1400 x 2000
# px sheets with 30 districts 0.916 -> 0.956). With the zone letters read (no change) and the
# streets found and filled before the texture is read (found on the synthetic sheets: the
# streets across plain paper, and a few false pieces in faded hatching): 0.932, 0.927, 0.935,
# 0.936 (0-8 0.938, 9-17 0.940, bench sheets 0.956). With a street told from a hatch's gap
# by a line beyond that runs along it, and casings that do (not a dot screen's dots): 0.971,
# 0.965, 0.946, 0.978 (0-8 0.962, 9-17 0.968; seed 4 0.911 -> 0.923, seed 10 0.902 -> 0.965).
# With the far casing of an off-centre corridor no longer a line beyond it: 0.957, 0.968,
# 0.946, 0.978 (0-8 0.960, 9-17 0.957: seed 10 back to 0.896; bench sheets 0.970). With the
# edge band read per pixel by its lines' directions (gis.pattern_band): 0.949, 0.966, 0.976,
# 0.978 (0-8 0.966, 9-17 0.960).
FLOORS = {0: 0.92, 1: 0.92, 2: 0.93, 3: 0.92}


@pytest.mark.parametrize("seed", sorted(FLOORS))
def test_pattern_sheet_quality_floor(seed):
    sheet = make_sheet("pattern", seed=seed)
    result = digitise(sheet.image, sheet.gcps, sheet.legend, method="affine", style="auto")
    score = score_zones([(z.code, z.geometry) for z in result.zones], sheet.truth)
    assert score.mean_iou >= FLOORS[seed]
    assert result.report["coverage"]["valid"] and result.report["coverage"]["gap_m2"] == 0
    assert {"period_px", "window_px", "blank"} <= set(result.report["textures"])
    assert result.report["textures"]["blank"] == "RES_A"
    assert result.report["textures"]["unmatched"] == []  # every entry has districts here
    assert not [w for w in result.report["warnings"] if w.startswith("key entries")]
    assert all(0 <= z.confidence <= 1 for z in result.zones)


def test_pattern_legend_needs_samples_and_a_boolean():
    with pytest.raises(LegendError, match=r"zones\[0\]: a pattern zone needs \"samples\""):
        parse_legend({"zones": [{"code": "A", "pattern": True, "color": "#000"}]})
    with pytest.raises(LegendError, match=r"zones\[0\].pattern: expected true or false"):
        parse_legend({"zones": [{"code": "A", "pattern": "yes", "samples": [[0, 0, 4, 4]]}]})
    legend = parse_legend({"zones": [{"code": "A", "pattern": True, "samples": [[0, 0, 9, 9]]}]})
    assert legend.patterned and legend.entries[0].colors == ()


def test_auto_style_tells_pattern_from_colour_sheets():
    grey = ArrayScan(np.full((20, 20, 3), 180, np.uint8))
    colour = ArrayScan(np.full((20, 20, 3), (250, 200, 100), np.uint8))
    both = parse_legend(
        {"zones": [{"code": "A", "pattern": True, "color": "#fac864", "samples": [[0, 0, 9, 9]]}]}
    )
    assert resolve_style("auto", both, grey) == "pattern"
    assert resolve_style("auto", both, colour) == "filled"
    assert (
        resolve_style(
            "auto", make_sheet("printed", height=60, width=80, cells=2, codes=1).legend, grey
        )
        == "filled"
    )


def test_sample_box_off_the_sheet_is_refused():
    sheet = make_sheet("pattern", height=120, width=160, cells=3, codes=2)
    legend = parse_legend(
        {"zones": [{"code": "A", "pattern": True, "samples": [[0, 0, 9000, 10]]}]}
    )
    with pytest.raises(ClassifyError, match="lies outside"):
        classify_patterns(sheet.image, legend)


def test_fit_scale_measures_the_hatch_period():
    for name in ("hatch_ne", "cross"):
        ink = pattern_mask(name, (60, 60)).astype(np.float32)
        scale = fit_scale([ink])
        assert 6 <= scale.period <= 14 and scale.window >= 12 and scale.step >= 2


@pytest.mark.parametrize(("name", "orientation"), [("hatch_ne", 1), ("hatch_nw", 3)])
def test_spectrum_tells_hatch_directions_apart(name, orientation):
    grid = make_grid((32, 32), 8)
    ink = pattern_mask(name, (64, 64)).astype(np.float32)
    shares = grid_spectra(ink, grid)[..., 2:].reshape(8, 8, ORIENTATIONS, grid.bands)
    by_orientation = shares.sum(axis=-1).mean(axis=(0, 1))
    assert int(np.argmax(by_orientation)) == orientation


def test_spectrum_of_blank_and_solid_has_no_structure():
    grid = make_grid((16, 16), 8)
    for value in (0.0, 1.0):
        features = patch_spectra(np.full((24, 24), value, np.float32), grid)
        assert np.allclose(features[:, 0], np.sqrt(value), atol=1e-3)
        assert np.all(features[:, 1] < -10)


def test_self_training_recovers_textures_the_samples_only_hint_at():
    rng = np.random.default_rng(0)
    truth = np.zeros((20, 20), int)
    truth[:, 10:] = 1
    features = rng.normal(size=(20, 20, 3)).astype(np.float32)
    features += 8 * truth[..., None]  # the map's textures differ from the samples'
    # ... but each lies within half the distance between the two samples of its own: one
    # farther off is a texture the key does not show (it seeds nothing, see
    # test_a_texture_in_the_outer_half_of_a_samples_ball_seeds_nothing).
    samples = [[np.full((1, 3), 1.0, np.float32)], [np.full((1, 3), 6.0, np.float32)]]
    inside = np.ones((20, 20), bool)
    seeds = seed_posteriors(features, samples, inside)
    scale = TextureScale(9.0, 16, 8)
    base = TextureModel(
        ("A", "B"), np.zeros((2, 3)), np.stack([np.eye(3)] * 2), np.zeros(2), scale,
        InkLevels(230.0, 40.0), None,
    )  # fmt: skip
    model, posteriors = self_train(features, seeds, inside, np.zeros((2, 3)), base)
    assert np.mean(posteriors.argmax(axis=-1) == truth) >= 0.9  # the smoothing blurs the edge
    assert model.means[1, 0] > model.means[0, 0] + 3


def test_last_fit_leaves_out_cells_far_from_the_previous_model():
    rng = np.random.default_rng(1)
    features = rng.normal(size=(20, 20, 3)).astype(np.float32)
    features[0, :4] = 40.0  # clutter (a label) that the class holds by smoothing
    posteriors = np.ones((20, 20, 1), np.float32)
    inside = np.ones((20, 20), bool)
    base = TextureModel(
        ("A",), np.zeros((1, 3)), np.eye(3)[None], np.zeros(1), TextureScale(9.0, 16, 8),
        InkLevels(230.0, 40.0), None,
    )  # fmt: skip
    first = fit_model(features, posteriors, inside, np.zeros((1, 3)), base)
    trimmed = fit_model(features, posteriors, inside, np.zeros((1, 3)), base, first)
    assert first.means[0, 0] > 0.3
    assert abs(trimmed.means[0, 0]) < 0.2
    assert np.linalg.det(np.linalg.inv(trimmed.precisions[0])) < 0.1 * np.linalg.det(
        np.linalg.inv(first.precisions[0])
    )


def test_small_regions_join_the_likeliest_neighbour_and_off_map_stays():
    labels = np.zeros((6, 8), np.uint8)
    labels[:, 1:4], labels[:, 4:] = 1, 2
    labels[2:4, 3:5] = 3  # a speck straddling the two districts
    posteriors = np.full((6, 8, 3), 1 / 3, np.float32)
    posteriors[2:4, 3:5] = (0.1, 0.6, 0.3)
    merged = merge_small_regions(labels, posteriors, 6)
    assert (merged[2:4, 3:5] == 2).all()
    assert (merged[:, 0] == 0).all() and (merged[labels == 1] == 1).all()


def test_a_class_without_map_support_takes_no_cells_far_from_its_samples():
    rng = np.random.default_rng(2)
    truth = np.zeros((20, 20), int)
    truth[:, 10:] = 1
    features = rng.normal(size=(20, 20, 3)).astype(np.float32)
    features += 8 * truth[..., None]
    samples = [[np.full((1, 3), v, np.float32)] for v in (0.0, 8.0, 40.0)]  # C: not on the map
    inside = np.ones((20, 20), bool)
    seeds = seed_posteriors(features, samples, inside)
    base = TextureModel(
        ("A", "B", "C"), np.zeros((3, 3)), np.stack([np.eye(3)] * 3), np.zeros(3),
        TextureScale(9.0, 16, 8), InkLevels(230.0, 40.0), None,
    )  # fmt: skip
    fallback = np.stack([s[0][0] for s in samples]).astype(np.float64)
    model, posteriors = self_train(features, seeds, inside, fallback, base)
    assert model.supported is not None and model.supported.tolist() == [True, True, False]
    assert posteriors[..., 2].max() == 0.0  # ruled out, not merely unlikely
    assert np.mean(posteriors.argmax(axis=-1) == truth) >= 0.9


def test_a_run_of_texture_no_learned_class_fits_goes_to_an_unlearned_class():
    # West Hartford's Section 15: its key swatch prints scallops over a dot screen, its
    # districts the screen alone, which neither its sample nor any learned class explains.
    rng = np.random.default_rng(6)
    truth = np.zeros((32, 32), int)
    truth[:16, 16:], truth[16:, :16], truth[16:, 16:] = 1, 2, 3
    looks = np.array([[0, 0, 0], [8, 0, 0], [0, 8, 0], [4, 4, 8]], np.float32)
    features = looks[truth] + rng.normal(size=(32, 32, 3)).astype(np.float32)
    features[4, 4, 2] += 30.0  # a speck of clutter inside A
    samples = [[looks[i][None]] for i in range(3)] + [[np.r_[4.0, 4.0, 40.0][None]]]
    inside = np.ones((32, 32), bool)
    seeds = seed_posteriors(features, samples, inside)
    assert (seed_cells(seeds)[16:, 16:] == -1).all()  # nothing teaches C
    base = TextureModel(
        ("A", "B", "D", "C"), np.zeros((4, 3)), np.stack([np.eye(3)] * 4), np.zeros(4),
        TextureScale(9.0, 16, 8), InkLevels(230.0, 40.0), None,
    )  # fmt: skip
    fallback = np.stack([s[0][0] for s in samples]).astype(np.float64)
    model, posteriors = self_train(features, seeds, inside, fallback, base)
    assert model.supported is not None and model.supported.tolist() == [True, True, True, False]
    best = posteriors.argmax(axis=-1)
    assert (best[16:, 16:] == 3).all() and best[4, 4] == 0  # a run, not a speck
    assert np.mean(best == truth) >= 0.97


def test_cells_held_by_the_wide_posteriors_widen_their_class():
    rng = np.random.default_rng(3)
    features = rng.normal(size=(20, 20, 3)).astype(np.float32)
    features[::4, ::4] += 6.0  # clutter the class does not hold cell by cell
    inside = np.ones((20, 20), bool)
    posteriors = np.full((20, 20, 2), 0.5, np.float32)
    posteriors[1::4, 1::4] = (0.9, 0.1)  # the clean cells it holds confidently
    wide = np.zeros((20, 20, 2), np.float32)
    wide[..., 0] = 0.8  # ... and the whole neighbourhood, averaged over several windows
    base = TextureModel(
        ("A", "B"), np.zeros((2, 3)), np.stack([np.eye(3)] * 2), np.zeros(2),
        TextureScale(9.0, 16, 8), InkLevels(230.0, 40.0), None,
    )  # fmt: skip
    narrow = fit_model(features, posteriors, inside, np.zeros((2, 3)), base)
    widened = fit_model(features, posteriors, inside, np.zeros((2, 3)), base, wide=wide)
    assert widened.means[0, 0] > narrow.means[0, 0] + 0.2
    assert (
        np.linalg.slogdet(np.linalg.inv(widened.precisions[0]))[1]
        > np.linalg.slogdet(np.linalg.inv(narrow.precisions[0]))[1]
    )


def test_blank_entry_is_paper_without_marks_not_the_least_ink():
    rng = np.random.default_rng(0)
    rows = np.linspace(0.0, 1.0, 40, dtype=np.float32)[:, None]
    stained = np.clip(0.12 * rows + rng.normal(0, 0.04, (40, 40)), 0, 1).astype(np.float32)
    dots = np.zeros((40, 40), np.float32)
    dots[::9, ::9] = 0.9  # sparse faint dots: less mean ink than the stained paper
    hatch = pattern_mask("hatch_ne", (40, 40)).astype(np.float32)
    assert dots.mean() < stained.mean()
    assert blank_entry([[dots], [stained], [hatch]]) == 2
    assert blank_entry([[dots], [hatch]]) is None


def test_blank_sample_is_matched_on_ink_and_power_only():
    rng = np.random.default_rng(2)
    count = 10
    paper = np.r_[0.2, -3.0, np.zeros(count - 2)]
    dots = np.r_[0.3, 1.5, np.full(count - 2, 0.3)]
    cells = np.stack([paper, dots] * 50).astype(np.float32)
    cells[0::2, 2:] = rng.uniform(0.2, 0.4, (50, count - 2))  # paper: the shares are noise
    features = cells.reshape(10, 10, count)
    inside = np.ones((10, 10), bool)
    textured = seed_posteriors(features, [[paper[None]], [dots[None]]], inside)
    assert np.mean(seed_cells(textured).ravel()[0::2] == 0) < 0.5
    plain = seed_posteriors(features, [[paper[None]], [dots[None]]], inside, plain=[0])
    assert np.all(seed_cells(plain).ravel()[0::2] == 0)
    assert np.all(seed_cells(plain).ravel()[1::2] == 1)


def test_each_sample_box_of_an_entry_seeds_on_its_own():
    # An entry whose key swatch and a patch of its district on the map look unlike: cells
    # like either are its. Their average (a texture like neither, here a hatch's) is not.
    rng = np.random.default_rng(4)
    swatch, patch, other = np.zeros((3, 12))
    swatch[:4], patch[4:8], other[8:] = 4.0, 4.0, 4.0
    hatch = (swatch + patch) / 2
    cells = np.stack([swatch, patch, hatch, other] * 25)
    cells += rng.normal(0, 0.05, cells.shape)
    features = cells.reshape(10, 10, 12).astype(np.float32)
    samples = [[swatch[None], patch[None]], [hatch[None]], [other[None]]]
    seeds = seed_cells(seed_posteriors(features, samples, np.ones((10, 10), bool)))
    assert (seeds.ravel() == np.tile([0, 0, 1, 2], 25)).all()


def test_cells_far_from_every_sample_seed_nothing():
    rng = np.random.default_rng(3)
    hatch, grid = np.r_[2.0, 0.0, 0.0], np.r_[0.0, 2.0, 0.0]
    cells = np.stack([hatch, grid] * 40 + [np.r_[2.0, -2.0, 3.0]] * 20)  # clutter, nearest hatch
    cells += rng.normal(0, 0.05, cells.shape)
    features = cells.reshape(10, 10, 3).astype(np.float32)
    seeds = seed_cells(
        seed_posteriors(features, [[hatch[None]], [grid[None]]], np.ones((10, 10), bool))
    )
    assert (seeds.ravel()[:80] == np.tile([0, 1], 40)).all()
    assert (seeds.ravel()[80:] == -1).all()


def test_a_texture_in_the_outer_half_of_a_samples_ball_seeds_nothing():
    # West Hartford: the Section 15 dot screen lies nearer G's cross-hatch sample than any
    # other, but about as far from it as the nearest other class's sample is; it had taught
    # G, whose districts were then read as C.
    rng = np.random.default_rng(5)
    hatch, grid = np.r_[4.0, 0.0, 0.0], np.r_[0.0, 4.0, 0.0]
    screen = np.r_[3.0, 0.0, 3.0]  # nearer hatch than grid, past half hatch-to-grid
    cells = np.stack([hatch, grid] * 40 + [screen] * 20)
    cells += rng.normal(0, 0.05, cells.shape)
    features = cells.reshape(10, 10, 3).astype(np.float32)
    spread = features.reshape(-1, 3).std(axis=0)
    to_hatch, to_grid, between = (
        float(np.square((a - b) / spread).sum())
        for a, b in ((screen, hatch), (screen, grid), (hatch, grid))
    )
    assert 0.5 * between < to_hatch < between and to_grid - to_hatch > 5  # clear, but far
    seeds = seed_cells(
        seed_posteriors(features, [[hatch[None]], [grid[None]]], np.ones((10, 10), bool))
    )
    assert (seeds.ravel()[:80] == np.tile([0, 1], 40)).all()
    assert (seeds.ravel()[80:] == -1).all()


def test_synthetic_samples_keep_off_the_streets():
    codes = [code for code, _, _ in PATTERNS[:5]]
    regions = [(code, shapely.box(160 * i, 0, 160 * (i + 1), 300)) for i, code in enumerate(codes)]
    _, streets = draw_patterns(regions, 300, 800, 10, np.random.default_rng(0))
    legend = sample_legend(regions, lambda xy: xy, 5, streets)
    assert len(streets) == 5
    for entry in legend.entries:
        box = entry.samples[0]
        square = shapely.box(box.x0, box.y0, box.x1, box.y1)
        assert not square.intersects(shapely.unary_union(streets).buffer(4)), entry.code


def test_paper_strips_narrower_than_a_window_are_boundaries_not_districts():
    coarse = np.full((12, 12), 2, np.uint8)
    coarse[:, 6:] = 3
    coarse[:, 5:7] = 1  # a 2-cell paper strip where classes 2 and 3 meet
    coarse[8:, :] = 1  # a paper district 4 cells deep
    cells = np.zeros((12, 12, 3), np.float32)
    cells[:, :6, 1], cells[:, 6:, 2] = 0.3, 0.3
    cells[..., 0] = 0.6
    opened = open_class(coarse, cells, 1, 3)
    assert (opened[:8, :6] == 2).all() and (opened[:8, 6:] == 3).all()
    assert (opened[8:] == 1).all()


def test_a_small_map_sample_does_not_shrink_the_windows():
    # Key swatches 70 x 20 px; a planner adds a 30 x 30 px patch of a district on the map
    # to one entry. On West Hartford, map patches added to three entries (Parking's the
    # smallest) had shrunk the analysis window of the whole sheet from 48 to 30 px.
    rows, cols = np.mgrid[:20, :70]
    swatches = [[((cols + k * rows) % 8 < 2).astype(np.float32)] for k in range(4)]
    patch = np.zeros((30, 30), np.float32)
    patch[::6] = 1.0
    with_patch = [list(boxes) for boxes in swatches]
    with_patch[1].append(patch)
    key_only, planner = fit_grids(swatches), fit_grids(with_patch)
    assert planner[0].window == key_only[0].window == 48
    assert planner[1].window == key_only[1].window


def test_window_share_measures_the_fill_under_each_cells_window():
    fill = np.zeros((100, 160), bool)
    fill[:, :80] = True  # a solid fill on the left half
    share = window_share(fill, TextureScale(8.0, 40, 16))
    assert share.shape == (7, 10)  # cells cover the sheet, the last ones partly
    assert np.allclose(share[:, :3], 1.0) and np.allclose(share[:, 7:], 0.0)
    assert 0.3 < share[3, 4] < 0.8  # a window centred 8 px from the fill's edge


def test_entries_whose_samples_matched_no_district_are_named_with_the_remedy():
    labels = np.ones((4, 4), np.uint8)
    model = TextureModel(
        ("AA", "S15", "G"), np.zeros((3, 2)), np.stack([np.eye(2)] * 3), np.zeros(3),
        TextureScale(8.0, 48, 14), InkLevels(230.0, 40.0), None,
        supported=np.array([True, False, True]),
    )  # fmt: skip
    classes = PatternClassification(labels, labels, model.codes, model, {})
    (note,) = _unmatched_note(classes)
    assert note.startswith("key entries S15 matched no district") and "add a box" in note
    matched = dataclasses.replace(model, supported=np.array([True, True, True]))
    assert _unmatched_note(dataclasses.replace(classes, model=matched)) == []
