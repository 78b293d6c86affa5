import hashlib
import io
import re

import matplotlib.ft2font
import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from plans.extracts import ShapingUnavailableError, render_extract
from plans.extracts.content import content_digest, content_document
from plans.extracts.layout import POINTS_PER_MM
from plans.extracts.mapview import SUBJECT_COLOUR, visible_zone_codes
from plans.extracts.options import ExtractOptions
from plans.extracts.render import compose_figure, figure_texts
from tests.plans.extracts.synthetic import SUBJECT, content, layout_for, pdftotext

DIGEST = "d" * 64


def _pdf(tmp_path, lang="ar+en", **options):
    data = render_extract(
        content(), layout_for(**options), lang=lang, fmt="pdf", content_sha256=DIGEST
    )
    path = tmp_path / "extract.pdf"
    path.write_bytes(data)
    return path, data


@pytest.mark.parametrize(
    ("paper", "orientation", "size_mm"),
    [("a4", "portrait", (210, 297)), ("a3", "landscape", (420, 297))],
)
def test_page_size(tmp_path, paper, orientation, size_mm):
    path, _ = _pdf(tmp_path, paper=paper, orientation=orientation)
    box = PdfReader(path).pages[0].mediabox
    assert float(box.width) == pytest.approx(size_mm[0] * POINTS_PER_MM, abs=0.5)
    assert float(box.height) == pytest.approx(size_mm[1] * POINTS_PER_MM, abs=0.5)


@pytest.mark.parametrize("scale", [500, 1000, 2500])
def test_map_axes_true_scale_in_figure(scale):
    layout = layout_for(scale=scale)
    fig = compose_figure(content(), layout, lang="ar+en", content_sha256=DIGEST)
    ax = fig.axes[0]
    fig.set_dpi(72)  # one pixel = one point
    extent = ax.get_window_extent()
    span_x = np.diff(ax.get_xlim())[0]
    span_y = np.diff(ax.get_ylim())[0]
    assert extent.width / POINTS_PER_MM == pytest.approx(span_x * 1000 / scale, rel=0.005)
    assert extent.height / POINTS_PER_MM == pytest.approx(span_y * 1000 / scale, rel=0.005)


def test_map_frame_true_scale_in_pdf(tmp_path):
    layout = layout_for(scale=1000)
    _, data = _pdf(tmp_path, scale=1000)
    stream = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data().decode("latin-1")
    rects = [
        tuple(map(float, m)) for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re", stream)
    ]
    want_w = (layout.extent[2] - layout.extent[0]) / layout.scale * 1000 * POINTS_PER_MM
    want_h = (layout.extent[3] - layout.extent[1]) / layout.scale * 1000 * POINTS_PER_MM
    assert any(
        abs(w - want_w) <= 0.005 * want_w and abs(h - want_h) <= 0.005 * want_h
        for _, _, w, h in rects
    ), f"no {want_w:.1f} x {want_h:.1f} pt frame among {rects[:8]}"


def test_parcel_measured_on_printed_page(tmp_path):
    """Rasterise at 10 px/mm and measure the subject's outline: 30 m at 1:500 = 60 mm."""
    import subprocess

    path, _ = _pdf(tmp_path, scale=500)
    subprocess.run(
        ["pdftoppm", "-r", "254", "-png", "-singlefile", str(path), str(tmp_path / "p")], check=True
    )
    pixels = np.asarray(Image.open(tmp_path / "p.png").convert("RGB")).astype(int)
    red = np.abs(pixels - np.array([0xC6, 0x28, 0x28])).sum(axis=2) < 60
    layout = layout_for(scale=500)
    # a row across the parcel at a quarter of its height (away from its number)
    y_ground = SUBJECT.bounds[1] + 0.25 * (SUBJECT.bounds[3] - SUBJECT.bounds[1])
    row_mm = layout.map.y + (y_ground - layout.extent[1]) * 1000 / layout.scale
    row = red[round((layout.height_mm - row_mm) * 10)]
    columns = np.flatnonzero(row)
    left = columns[columns < columns.mean()].mean()
    right = columns[columns > columns.mean()].mean()
    assert (right - left) / 10 == pytest.approx(30 * 1000 / 500, rel=0.005)
    assert SUBJECT_COLOUR == "#c62828"


def test_legend_lists_visible_zones_only():
    layout = layout_for(scale=1000)
    assert visible_zone_codes(content(), layout.extent) == ["MIX", "RES_A", "ROAD"]
    texts = figure_texts(compose_figure(content(), layout, lang="en", content_sha256=DIGEST))
    assert "MIX Mixed use" in texts and "RES_A Residential A" in texts
    assert not any("IND" in text or "Industrial" in text for text in texts)


def test_arabic_searchable_in_logical_order(tmp_path):
    path, _ = _pdf(tmp_path, lang="ar+en")
    text = pdftotext(path)
    for words in ("مخطط تنظيمي", "بيان", "رقم القطعة", "مفتاح الخريطة", "سكني أ", "أمانة جدة"):
        assert words in text, words
    for latin in ("7-02", "EX-20251023-0A1B2C3D", "Zoning plan extract", "RES_A", "JED-101"):
        assert latin in text, latin


def test_english_only_has_no_arabic_labels():
    texts = figure_texts(compose_figure(content(), layout_for(), lang="en", content_sha256=DIGEST))
    assert "Zoning plan extract" in texts
    assert "مخطط تنظيمي — بيان" not in texts


def test_arabic_lines_right_aligned():
    fig = compose_figure(content(), layout_for(), lang="ar", content_sha256=DIGEST)
    arabic = [t for t in fig.texts if re.search("[\u0600-\u06ff]", t.get_text())]
    assert arabic and all(t.get_horizontalalignment() in ("right", "center") for t in arabic)


def test_same_inputs_same_bytes(tmp_path):
    for fmt in ("pdf", "png"):
        first, second = (
            render_extract(content(), layout_for(), lang="ar+en", fmt=fmt, content_sha256=DIGEST)
            for _ in range(2)
        )
        assert first == second, fmt


def test_issue_time_is_pdf_creation_date(tmp_path):
    path, _ = _pdf(tmp_path)
    assert PdfReader(path).metadata["/CreationDate"].startswith("D:20251023093000")


def test_footer_prints_content_digest_not_file_hash():
    layout = layout_for()
    document = content_document(content(), layout, ExtractOptions())
    digest = content_digest(document)
    fig = compose_figure(content(), layout, lang="ar+en", content_sha256=digest)
    data = render_extract(content(), layout, lang="ar+en", fmt="pdf", content_sha256=digest)
    footer = " ".join(figure_texts(fig))
    assert digest in footer and "EX-20251023-0A1B2C3D" in footer
    assert hashlib.sha256(data).hexdigest() not in footer
    assert document["parcel"] == "7-02" and document["scale"] == 1000


def test_content_digest_changes_with_content():
    layout = layout_for()
    one = content_digest(content_document(content(), layout, ExtractOptions()))
    other = content_digest(
        content_document(content(reference="EX-20251023-FFFFFFFF"), layout, ExtractOptions())
    )
    assert one != other


def test_png_is_300_dpi_a4():
    data = render_extract(content(), layout_for(), lang="en", fmt="png", content_sha256=DIGEST)
    image = Image.open(io.BytesIO(data))
    assert image.size == pytest.approx((210 / 25.4 * 300, 297 / 25.4 * 300), abs=1)


def test_without_libraqm_refuses_clearly(monkeypatch):
    monkeypatch.delattr(matplotlib.ft2font, "__libraqm_version__")
    with pytest.raises(ShapingUnavailableError, match="libraqm"):
        compose_figure(content(), layout_for(), lang="ar", content_sha256=DIGEST)


def test_bad_lang_and_format_refused():
    with pytest.raises(ValueError, match=r"lang must be one of 'ar', 'en', 'ar\+en'"):
        compose_figure(content(), layout_for(), lang="fr", content_sha256=DIGEST)
    with pytest.raises(ValueError, match="format must be one of 'pdf', 'png'"):
        render_extract(content(), layout_for(), lang="en", fmt="svg", content_sha256=DIGEST)
