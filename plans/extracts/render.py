"""Render an extract's content onto a page and save it as PDF or PNG bytes.

Only non-interactive canvases are used (a bare `Figure`, saved through the PDF or Agg backend),
so rendering works in servers and workers without a display. Output is deterministic: the PDF's
creation date is the issue time, so the same content and layout give the same bytes.
"""

import datetime as dt
import io
from collections.abc import Sequence

import matplotlib as mpl
from matplotlib.figure import Figure

from plans.extracts.furniture import (
    Row,
    Sheet,
    draw_footer,
    draw_legend,
    draw_qr,
    draw_table,
    draw_title,
    panel_cells,
)
from plans.extracts.layout import MM_PER_INCH, PageLayout
from plans.extracts.mapview import draw_map, visible_zone_codes
from plans.extracts.options import FORMATS, LANGS, Digits, Lang, OutputFormat
from plans.extracts.records import ExtractContent
from plans.extracts.rulestable import draw_rules
from plans.extracts.text import arabic_date, gregorian_date, hijri_date, require_shaping, to_digits
from plans.symbology import legend

PNG_DPI = 300
PDF_FONTTYPE = 3
"""Type 3 fonts: subsetting them is much faster than TrueType (42) and the text stays searchable."""


def compose_figure(
    content: ExtractContent,
    layout: PageLayout,
    *,
    lang: Lang,
    content_sha256: str,
    digits: Digits = "latin",
) -> Figure:
    """Return the page as a figure of the paper's size, map frame and furniture drawn.

    With ``digits="arabic"`` quantities and dates print in Arabic-Indic digits (identifiers
    such as parcel numbers, zone codes and references stay Latin).
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}; got {lang!r}")
    require_shaping()
    fig = Figure(figsize=(layout.width_mm / MM_PER_INCH, layout.height_mm / MM_PER_INCH))
    fig.patch.set_facecolor("white")
    draw_map(fig, content, layout, lang=lang, digits=digits)
    sheet = Sheet(fig, layout)
    names = (
        content.municipality_ar or content.municipality_code,
        content.municipality_en or content.municipality_code,
    )
    draw_title(sheet, municipality=names, reference=content.reference, lang=lang)
    legend_box, table_box, qr_box = panel_cells(layout, lang=lang)
    styles = legend(visible_zone_codes(content, layout.extent))
    draw_legend(sheet, legend_box, styles, lang=lang)
    rows = table_rows(content, layout, lang=lang, digits=digits)
    draw_table(sheet, table_box, rows, lang=lang)
    if content.parcel_number is not None:
        draw_rules(sheet, layout.rules, content.rules, content.check, lang=lang, digits=digits)
    draw_qr(sheet, qr_box, content.verify_url, lang=lang)
    draw_footer(sheet, reference=content.reference, content_sha256=content_sha256, lang=lang)
    return fig


def table_rows(
    content: ExtractContent, layout: PageLayout, *, lang: Lang, digits: Digits = "latin"
) -> list[Row]:
    """Return the parcel table's rows (label key, value); quantities and dates in `digits`."""
    rows: list[Row] = []
    if content.parcel_number is not None:
        rows.append(("parcel", content.parcel_number))
        rows.append(("area", to_digits(f"{content.parcel_area_m2 or 0:,.1f} m²", digits)))
        rows.append(("zones", _zones_value(content, digits) or "—"))
    else:
        minx, miny, maxx, maxy = content.focus
        size = f"{maxx - minx:,.0f} m x {maxy - miny:,.0f} m"
        rows.append(("extent", to_digits(size, digits)))
    main = content.plans[0] if content.plans else None
    rows.append(("plan", _plans_value(content) or "—"))
    rows.append(("version", to_digits(str(main.version), digits) if main else "—"))
    rows.append(("effective", _date(main.effective_from, digits) if main else "—"))
    rows.append(("scale", to_digits(f"1:{layout.scale}", digits)))
    issued = content.issued_at.date()
    rows.append(("issued", _date(issued, digits)))
    rows.append(("hijri", to_digits(hijri_date(issued, arabic=lang != "en"), digits) or "—"))
    rows.append(("reference", content.reference))
    rows.append(("crs", content.crs_name))
    return rows


def _date(day: dt.date, digits: Digits) -> str:
    return arabic_date(day, digits) if digits == "arabic" else gregorian_date(day)


def _zones_value(content: ExtractContent, digits: Digits) -> str:
    shares = (
        f"{zone.zone_code} {to_digits(f'{zone.share:.0%}', digits)}" for zone in content.zones
    )
    return ", ".join(list(shares)[:3])


def _plans_value(content: ExtractContent) -> str:
    return ", ".join(dict.fromkeys(plan.number for plan in content.plans))


def save_figure(
    fig: Figure,
    *,
    fmt: OutputFormat,
    issued_at: dt.datetime,
    title: str,
    fonttype: int = PDF_FONTTYPE,
) -> bytes:
    """Return the figure as PDF (vector, fonts embedded) or PNG (300 dpi) bytes.

    The PDF's creation date is `issued_at` and no modification date is written, so the bytes
    depend on the content only.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(map(repr, FORMATS))}; got {fmt!r}")
    buffer = io.BytesIO()
    if fmt == "pdf":
        metadata: dict[str, object] = {
            "Title": title,
            "Creator": "Mukhattat",
            "CreationDate": issued_at,
            "ModDate": None,
        }
        with mpl.rc_context({"pdf.fonttype": fonttype, "pdf.compression": 6}):
            fig.savefig(buffer, format="pdf", metadata=metadata)
    else:
        fig.savefig(
            buffer, format="png", dpi=PNG_DPI, metadata={"Title": title, "Software": "Mukhattat"}
        )
    return buffer.getvalue()


def render_extract(
    content: ExtractContent,
    layout: PageLayout,
    *,
    lang: Lang,
    fmt: OutputFormat,
    content_sha256: str,
    digits: Digits = "latin",
    fonttype: int = PDF_FONTTYPE,
) -> bytes:
    """Render `content` on the page `layout` and return the file's bytes."""
    fig = compose_figure(content, layout, lang=lang, content_sha256=content_sha256, digits=digits)
    title = f"{content.reference} — Zoning plan extract"
    return save_figure(fig, fmt=fmt, issued_at=content.issued_at, title=title, fonttype=fonttype)


def figure_texts(fig: Figure) -> Sequence[str]:
    """Return every text string drawn on `fig` (page furniture and map), for checks."""
    texts = [text.get_text() for text in fig.texts]
    for ax in fig.axes:
        texts.extend(text.get_text() for text in ax.texts)
    return texts
