"""Page furniture of an extract: title band, legend, parcel table, QR code and footer.

Arabic lines are right-aligned and English lines left-aligned; with ``ar+en`` each row carries
both labels, Arabic at the right edge and English at the left, and the value between them.
Values that are Latin (numbers, references, ISO dates) are separate text items, so PDF text
extraction keeps Arabic words in logical order.
"""

from collections.abc import Sequence

import numpy as np
import segno
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from plans.extracts.layout import Box, PageLayout
from plans.extracts.mapview import HATCHES, SUBJECT_COLOUR
from plans.extracts.options import Lang
from plans.extracts.text import font_for, label
from plans.symbology import ZoneStyle

Row = tuple[str, str]
"""A table row: label key and value."""


class Sheet:
    """Writes text and shapes on a figure at positions in millimetres from the page's corner."""

    def __init__(self, fig: Figure, layout: PageLayout) -> None:
        self.fig = fig
        self.layout = layout

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float,
        ha: str = "left",
        va: str = "baseline",
        weight: str = "normal",
        color: str = "black",
    ) -> None:
        """Write `text` at (`x`, `y`) mm; `size` in points on A4 (scaled on A3)."""
        self.fig.text(
            x / self.layout.width_mm,
            y / self.layout.height_mm,
            text,
            fontsize=size * self.layout.unit,
            ha=ha,
            va=va,
            weight=weight,
            color=color,
            family=font_for(text),
        )

    def rect(self, box: Box, **style: object) -> None:
        """Draw a rectangle over `box` (mm) with matplotlib patch `style`."""
        page = (self.layout.width_mm, self.layout.height_mm)
        x, y, w, h = box.fraction(*page)
        patch = Rectangle((x, y), w, h, transform=self.fig.transFigure, **style)  # type: ignore[arg-type]
        self.fig.add_artist(patch)

    def hline(self, x0: float, x1: float, y: float, *, width: float = 0.6) -> None:
        """Draw a horizontal rule from `x0` to `x1` at height `y` (mm)."""
        page_w, page_h = self.layout.width_mm, self.layout.height_mm
        self.fig.add_artist(
            Line2D(
                [x0 / page_w, x1 / page_w],
                [y / page_h, y / page_h],
                transform=self.fig.transFigure,
                color="black",
                lw=width,
            )
        )


def draw_title(sheet: Sheet, *, municipality: tuple[str, str], reference: str, lang: Lang) -> None:
    """Write the municipality and the title, Arabic at the right and English at the left."""
    box = sheet.layout.title
    top, low = box.y + box.h * 0.62, box.y + box.h * 0.18
    arabic_title, english_title = label("title", "ar")[0], label("title", "en")[0]
    if lang in ("ar", "ar+en"):
        sheet.text(box.x + box.w, top, municipality[0], size=11, ha="right")
        sheet.text(box.x + box.w, low, arabic_title, size=15, ha="right", weight="bold")
    if lang in ("en", "ar+en"):
        sheet.text(box.x, top, municipality[1], size=10)
        sheet.text(box.x, low, english_title, size=14, weight="bold")
    centre = box.x + box.w / 2 if lang == "ar+en" else box.x if lang == "ar" else box.x + box.w
    anchor = "center" if lang == "ar+en" else "left" if lang == "ar" else "right"
    sheet.text(centre, low, reference, size=9, ha=anchor, weight="bold")
    sheet.hline(box.x, box.x + box.w, box.y - 0.8)


def panel_cells(layout: PageLayout, *, lang: Lang) -> tuple[Box, Box, Box]:
    """Split the panel into the legend, table and QR cells (mirrored for Arabic only)."""
    p, gap = layout.panel, 3.0 * layout.unit
    if layout.orientation == "landscape":
        heights = (0.34 * p.h, 0.42 * p.h, p.h - 0.76 * p.h - 2 * gap)
        qr = Box(p.x, p.y, p.w, heights[2])
        table = Box(p.x, qr.y + qr.h + gap, p.w, heights[1])
        legend = Box(p.x, table.y + table.h + gap, p.w, heights[0])
        return legend, table, qr
    widths = (0.31 * p.w, 0.43 * p.w, p.w - 0.74 * p.w - 2 * gap)
    order = [0, 1, 2] if lang != "ar" else [2, 1, 0]
    boxes: list[Box] = []
    x = p.x
    for index in order:
        boxes.append(Box(x, p.y, widths[index], p.h))
        x += widths[index] + gap
    by_kind = dict(zip(order, boxes, strict=True))
    return by_kind[0], by_kind[1], by_kind[2]


def _row_height(box: Box, rows: int, unit: float) -> float:
    return min(4.6 * unit, box.h / max(rows, 1))


def draw_heading(sheet: Sheet, box: Box, key: str, lang: Lang) -> float:
    """Write the cell heading(s) and return the height left below it."""
    y = box.y + box.h - 3.2 * sheet.layout.unit
    words = label(key, lang)
    if lang != "en":
        sheet.text(box.x + box.w, y, words[0], size=8, ha="right", weight="bold")
    if lang != "ar":
        sheet.text(box.x, y, words[-1], size=8, weight="bold")
    return box.h - 5.5 * sheet.layout.unit


def draw_legend(sheet: Sheet, box: Box, styles: Sequence[ZoneStyle], *, lang: Lang) -> None:
    """List the zone styles shown on the map (swatch, code and name) and the subject parcel."""
    top = draw_heading(sheet, box, "legend", lang)
    step = _row_height(Box(box.x, box.y, box.w, top), len(styles) + 1, sheet.layout.unit)
    size = min(7.0, step / sheet.layout.unit * 1.5)
    swatch_w, swatch_h = 6.0 * sheet.layout.unit, step * 0.65
    swatch_x = box.x + box.w - swatch_w if lang == "ar" else box.x
    for i, style in enumerate(styles):
        y = box.y + top - (i + 1) * step
        sheet.rect(
            Box(swatch_x, y, swatch_w, swatch_h),
            facecolor=style.fill,
            edgecolor=style.outline,
            lw=0.4,
            hatch=HATCHES[style.hatch],
        )
        _legend_words(sheet, box, y, (style.code, style.name_ar, style.name_en), size, lang)
    y = box.y + top - (len(styles) + 1) * step
    sheet.rect(
        Box(swatch_x, y, swatch_w, swatch_h), facecolor="none", edgecolor=SUBJECT_COLOUR, lw=1.4
    )
    _legend_words(sheet, box, y, ("", "القطعة المعنية", "This parcel"), size, lang)


def _legend_words(
    sheet: Sheet, box: Box, y: float, words: tuple[str, str, str], size: float, lang: Lang
) -> None:
    code, arabic, english = words
    inset = 7.5 * sheet.layout.unit
    baseline = y + 0.6 * sheet.layout.unit
    if lang == "ar":
        sheet.text(box.x + box.w - inset, baseline, arabic, size=size, ha="right")
        if code:
            sheet.text(box.x, baseline, code, size=size * 0.85, color="#455a64")
        return
    sheet.text(box.x + inset, baseline, f"{code} {english}".strip(), size=size)
    if lang == "ar+en":
        sheet.text(box.x + box.w, baseline, arabic, size=size, ha="right")


def draw_table(sheet: Sheet, box: Box, rows: Sequence[Row], *, lang: Lang) -> None:
    """Write the parcel table: label(s) and value per row, ruled between rows."""
    step = _row_height(box, len(rows), sheet.layout.unit)
    size = min(7.0, step / sheet.layout.unit * 1.55)
    for i, (key, value) in enumerate(rows):
        y = box.y + box.h - (i + 1) * step + 0.3 * step
        words = label(key, lang)
        if lang != "en":
            sheet.text(box.x + box.w, y, words[0], size=size, ha="right", color="#37474f")
        if lang != "ar":
            sheet.text(box.x, y, words[-1], size=size, color="#37474f")
        anchor = {"ar": (box.x + box.w * 0.62, "right"), "en": (box.x + box.w, "right")}
        x, ha = anchor.get(lang, (box.x + box.w * 0.48, "center"))
        sheet.text(x, y, value, size=size, ha=ha, weight="bold")
        sheet.hline(box.x, box.x + box.w, box.y + box.h - (i + 1) * step, width=0.2)


def draw_qr(sheet: Sheet, box: Box, url: str, *, lang: Lang) -> None:
    """Draw the QR code of the verification `url` with its caption."""
    unit = sheet.layout.unit
    caption_h = 11.0 * unit
    side = min(box.w, box.h - caption_h)
    x = box.x + (box.w - side) / 2
    y = box.y + caption_h
    matrix = np.array(list(segno.make(url, error="m", boost_error=False).matrix), dtype=np.uint8)
    page = (sheet.layout.width_mm, sheet.layout.height_mm)
    ax = sheet.fig.add_axes(Box(x, y, side, side).fraction(*page))
    ax.imshow(matrix, cmap="gray_r", interpolation="none", vmin=0, vmax=1)
    ax.set_axis_off()
    words = " / ".join(label("verify", lang))
    sheet.text(box.x + box.w / 2, box.y + 7.0 * unit, words, size=6.5, ha="center", weight="bold")
    head, _, tail = url.partition("/extracts/")
    sheet.text(box.x + box.w / 2, box.y + 3.9 * unit, head, size=4.6, ha="center")
    sheet.text(box.x + box.w / 2, box.y + 1.3 * unit, f"/extracts/{tail}", size=4.6, ha="center")


def draw_footer(sheet: Sheet, *, reference: str, content_sha256: str, lang: Lang) -> None:
    """Write the register note, the reference and the content digest (never the file's hash)."""
    box, unit = sheet.layout.footer, sheet.layout.unit
    sheet.hline(box.x, box.x + box.w, box.y + box.h, width=0.4)
    lines = [box.y + box.h - 2.6 * unit, box.y + box.h - 5.3 * unit, box.y + 0.6 * unit]
    arabic, english = label("register", "ar")[0], label("register", "en")[0]
    if lang != "en":
        sheet.text(box.x + box.w, lines[0], arabic, size=5.5, ha="right")
    if lang != "ar":
        sheet.text(box.x, lines[0] if lang == "en" else lines[1], english, size=5.5)
    if lang == "en":
        text = f"{reference}  ·  {label('content', 'en')[0]}: {content_sha256}"
        sheet.text(box.x, lines[2], text, size=5.0, color="#37474f")
        return
    prefix = "" if lang == "ar" else f"{label('content', 'en')[0]}: "
    sheet.text(
        box.x, lines[2], f"{reference}  ·  {prefix}{content_sha256}", size=5.0, color="#37474f"
    )
    sheet.text(
        box.x + box.w, lines[2], label("content", "ar")[0], size=5.0, ha="right", color="#37474f"
    )
