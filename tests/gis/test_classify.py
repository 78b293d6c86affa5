import numpy as np
import pytest
from scipy import ndimage

from gis.classify import OUTSIDE, classify, label_regions
from gis.colour import colour_histogram, fit_colour_model, rgb_to_lab
from gis.errors import ClassifyError
from gis.legend import parse_legend
from gis.majority import box_count, mode_filter
from gis.nearest import nearest_known
from gis.raster import ArrayScan
from tests.gis.sheets import sheet

TWO = parse_legend(
    {"zones": [{"code": "A", "color": "#fac878"}, {"code": "B", "color": "#96c8fa"}]}
)


def two_zone_image():
    image = np.full((60, 80, 3), 250, np.uint8)  # paper margin
    image[5:55, 5:40] = (250, 200, 120)
    image[5:55, 40:75] = (150, 200, 250)
    image[5:55, 39:41] = 0  # boundary line on the class edge
    image[20:24, 10:30] = 0  # "text"
    return image


def test_classify_fills_ink_and_text_from_surroundings():
    result = classify(two_zone_image(), TWO, min_region_px=4)
    labels = result.labels
    assert labels[0, 0] == OUTSIDE and labels[30, 20] == 1 and labels[30, 60] == 2
    assert (labels[20:24, 10:30] == 1).all()  # text takes the zone it sits in
    assert (labels[8:52, 39] == 1).all() and (labels[8:52, 40] == 2).all()  # split at the centre


def test_classify_windows_give_the_same_labels():
    whole = classify(two_zone_image(), TWO, rows=1024)
    windowed = classify(two_zone_image(), TWO, rows=7)
    assert np.array_equal(whole.labels, windowed.labels)


def test_colour_model_learns_faded_colours():
    faded = sheet("faded")
    model = fit_colour_model(colour_histogram(ArrayScan(faded.image)), faded.legend)
    nominal = rgb_to_lab([entry.colors[0] for entry in faded.legend.entries])
    learned = model.means[: len(nominal)]
    assert model.fade[1] < 0.8  # chroma lost in the photocopy was measured
    # learned colours are much closer to each class's real colour than the nominal ones
    assert np.linalg.norm(learned - nominal, axis=1).mean() > 10
    labels, _ = model.lut()
    assert labels.dtype == np.uint8


@pytest.mark.parametrize("kind", ["printed", "faded", "pencil"])
def test_classify_pixel_accuracy(kind):
    s = sheet(kind)
    result = classify(s.image, s.legend, min_region_px=100)
    inside = result.labels > 0
    assert inside.mean() > 0.8
    assert set(np.unique(result.labels)) <= set(range(len(s.legend.entries) + 1))
    assert result.confidence[inside].mean() > 0.6 * 255
    assert 0 < result.shares["ink"] < 0.2 and result.shares["outside"] > 0.05


def test_classify_uses_samples_when_no_colour_given():
    legend = parse_legend(
        {
            "zones": [
                {"code": "A", "samples": [[10, 30, 30, 50]]},
                {"code": "B", "samples": [[50, 30, 70, 50]]},
            ]
        }
    )
    result = classify(two_zone_image(), legend, min_region_px=4)
    assert result.labels[30, 20] == 1 and result.labels[30, 60] == 2


def test_classify_rejects_bad_inputs():
    with pytest.raises(ClassifyError, match="no filled zone"):
        classify(two_zone_image(), parse_legend({"zones": [{"code": "A", "fill": False}]}))
    outside = parse_legend({"zones": [{"code": "A", "samples": [[0, 0, 500, 10]]}]})
    with pytest.raises(ClassifyError, match=r"zones\[0\].samples: box .* lies outside the 80 x 60"):
        classify(two_zone_image(), outside)
    with pytest.raises(ClassifyError, match="no pixel of the scan matches"):
        classify(np.full((20, 20, 3), 255, np.uint8), TWO)


def test_label_regions_separates_equal_classes():
    regions, classes = label_regions(np.array([[1, 0, 1], [2, 2, 0]], np.uint8))
    assert regions.max() == 3 and classes.tolist() == [0, 1, 1, 2]


@pytest.mark.parametrize("seed", range(6))
def test_nearest_known_matches_the_distance_transform(seed):
    rng = np.random.default_rng(seed)
    unknown = rng.random((120, 400)) < (0.5 if seed == 5 else 0.01 * seed)  # 5: mostly unknown
    unknown[:, 200:205] = True  # a thick line: ties between both sides at its centre
    unknown[40:74, 5:45] = seed % 2 == 0  # a blob deeper than the search radius
    index = ndimage.distance_transform_edt(unknown, return_distances=False, return_indices=True)
    rows = slice(10, 110)
    ys, xs, source = nearest_known(unknown, rows)
    expected = np.argwhere(unknown[rows]) + np.array([rows.start, 0])
    assert np.array_equal(np.stack([ys, xs], 1), expected)
    assert np.array_equal(source, index[0][ys, xs] * unknown.shape[1] + index[1][ys, xs])


@pytest.mark.parametrize("size", [2, 3, 7, 16])
def test_box_counts_match_the_uniform_filter(size):
    mask = np.random.default_rng(size).random((41, 57)) > 0.6
    expected = ndimage.uniform_filter(mask.astype(float), size, mode="nearest") * size * size
    assert np.array_equal(box_count(mask, size), np.rint(expected))


def test_mode_filter_takes_the_commonest_class_and_the_lowest_on_ties():
    labels = np.zeros((5, 6), np.uint8)
    labels[:, 3:] = 2
    labels[2, 1] = 1  # speckle
    mode, share = mode_filter(labels, 3, [0, 1, 2])
    assert mode[2, 1] == 0 and share[2, 1] == pytest.approx(8 / 9)
    assert (mode[:, 3:] == 2).all() and (mode[:, :3] == 0).all()
    tie = np.array([[1, 2]], np.uint8)  # each class covers half of a 2 x 2 box
    assert mode_filter(tie, 2, [1, 2])[0].tolist() == [[1, 1]]
