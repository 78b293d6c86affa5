from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from gis.errors import OcrError
from gis.ocr import LabelReader, edit_distance, find_tessdata, match_label, prepare_crop

NASKH = Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf")


def render(text, *, size=28, font=None, tilt=0.0):
    """Greyscale crop of `text` printed black on off-white paper, like a scanned label."""
    face = ImageFont.truetype(str(font), size) if font else ImageFont.load_default(size=size)
    left, top, right, bottom = (round(v) for v in face.getbbox(text))
    image = Image.new("L", (right - left + 16, bottom - top + 16), 238)
    ImageDraw.Draw(image).text((8 - left, 8 - top), text, fill=25, font=face)
    if tilt:
        image = image.rotate(tilt, Image.Resampling.BILINEAR, expand=True, fillcolor=238)
    return np.asarray(image, np.uint8)


@pytest.mark.parametrize(
    ("text", "labels", "expected"),
    [
        ("R1", ["R1", "R2", "C"], ("R1", 1.0)),
        ("r 1", ["R1", "R2"], ("R1", 1.0)),
        ("Cc", ["C", "M"], ("C", 1.0)),  # a doubled lone letter
        ("RE5_B", ["RES_A", "RES_B"], ("RES_B", 0.8)),
        ("RES_8", ["RES_A", "RES_B"], (None, 0.0)),  # as far from both
        ("417", ["R1", "R2", "C"], (None, 0.0)),  # a plot number
        ("11", ["R1", "C"], (None, 0.0)),  # one letter off in two is too far
        ("R", ["R1", "R2"], (None, 0.0)),  # ambiguous: a tie is no answer
        ("", ["R1"], (None, 0.0)),
    ],
)
def test_match_label_snaps_or_refuses(text, labels, expected):
    assert match_label(text, labels) == expected


def test_edit_distance():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("سكني", "سكنى") == 1


def test_prepare_crop_levels_scales_and_pads():
    image = prepare_crop(render("R1", size=14))
    values = np.asarray(image)
    assert set(np.unique(values)) <= {0, 255}
    assert image.size[1] == 40 + 2 * 12
    assert (values[:12] == 255).all() and (values[:, -12:] == 255).all()


def test_reader_reads_latin_labels_constrained_to_the_legend():
    labels = ["R1", "R2", "C", "M", "P", "G"]
    with LabelReader(labels) as reader:
        for label in labels:
            reading = reader.read(render(label))
            assert reading.label == label, reading
            assert 0.5 <= reading.score <= 1
        assert reader.read(render("R2", tilt=8), angle_deg=8).label == "R2"
        assert reader.read(render("417", size=16)).label is None
        assert reader.stats.crops >= 8 and 0 < reader.stats.ms_per_crop < 50


def test_reader_reads_arabic_labels_in_their_own_pass():
    labels = ["سكني", "تجاري", "R1"]
    with LabelReader(labels) as reader:
        reading = reader.read(render("تجاري", size=36, font=NASKH))
        assert reading.label == "تجاري", reading
        assert reader.read(render("R1")).label == "R1"
        assert set(reader.stats.passes) == {"eng", "ara"}


def test_reader_refuses_no_labels_and_missing_models(tmp_path):
    with pytest.raises(ValueError, match="labels must not be empty"):
        LabelReader([])
    with pytest.raises(OcrError, match="install tesseract-ocr-eng"):
        find_tessdata([tmp_path])
    (tmp_path / "eng.traineddata").write_bytes(b"")
    assert find_tessdata([tmp_path]) == tmp_path
    with pytest.raises(OcrError, match="'ara' model is missing"):
        LabelReader(["سكني"], tessdata=tmp_path)
