"""The rules that apply to the parcel, as a compact bilingual table, and the permit check's verdict.

The table has one row per rule family (coverage, floor-area ratio, floors, height, minimum plot
area and frontage, setbacks, permitted uses). With one zone on the parcel a value is the figure
alone; with several, each figure is prefixed with its zone code. Values are language-neutral
(figures, units, codes) so one column serves Arabic and English; quantities take the page's
digits, identifiers (zone codes, references) stay Latin.
"""

from collections.abc import Callable, Sequence
from typing import Any

from plans.extracts.furniture import Row, Sheet, draw_heading, draw_table
from plans.extracts.layout import Box
from plans.extracts.options import Digits, Lang
from plans.extracts.records import CheckSummary
from plans.extracts.text import isolate, label, to_digits

VERDICTS: dict[str, tuple[str, str]] = {
    "eligible": ("مستوفٍ للاشتراطات", "eligible"),
    "not_eligible": ("غير مستوفٍ للاشتراطات", "not eligible"),
    "needs_review": ("يحتاج إلى مراجعة", "needs review"),
}
"""Bilingual words of a permit check's verdict."""

ZoneRules = Sequence[tuple[str, dict[str, Any]]]
"""(zone code, rules in force as stored JSON) per zone on the parcel."""


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _metres(value: float, lang: Lang) -> str:
    return f"{_number(value)} {'م' if lang == 'ar' else 'm'}"


def _setback(value: Any, lang: Lang) -> str:
    if value is None:
        return "—"
    if isinstance(value, dict):
        ratio = f"{_number(float(value['street_width_ratio']))}W"
        low, high = value.get("min"), value.get("max")
        bounds = f"{_number(float(low or 0))}-{_number(float(high))}" if high is not None else ""
        return f"{ratio} ({bounds})" if bounds else ratio
    return _metres(float(value), lang)


def _setbacks(rules: dict[str, Any], lang: Lang) -> str | None:
    setbacks = rules.get("setbacks_m") or {}
    if not any(setbacks.get(kind) is not None for kind in ("front", "side", "rear")):
        return None
    return " / ".join(_setback(setbacks.get(kind), lang) for kind in ("front", "side", "rear"))


def _uses(rules: dict[str, Any], _lang: Lang) -> str | None:
    permitted = (rules.get("uses") or {}).get("permitted") or ()
    return ", ".join(permitted) or None


def _figure(
    key: str, render: Callable[[float], str]
) -> Callable[[dict[str, Any], Lang], str | None]:
    def value(rules: dict[str, Any], _lang: Lang) -> str | None:
        figure = rules.get(key)
        return None if figure is None else render(float(figure))

    return value


def _families(lang: Lang) -> tuple[tuple[str, Callable[[dict[str, Any], Lang], str | None]], ...]:
    square = "م²" if lang == "ar" else "m²"
    return (
        ("coverage", _figure("max_coverage", lambda v: f"{v * 100:.0f} %")),
        ("far", _figure("max_far", _number)),
        ("floors", _figure("max_floors", lambda v: f"{v:.0f}")),
        ("height", _figure("max_height_m", lambda v: _metres(v, lang))),
        ("plot_area", _figure("min_plot_area_m2", lambda v: f"≥ {_number(v)} {square}")),
        ("frontage", _figure("min_frontage_m", lambda v: f"≥ {_metres(v, lang)}")),
        ("setbacks", _setbacks),
        ("uses", _uses),
    )


def rule_rows(zone_rules: ZoneRules, *, lang: Lang, digits: Digits) -> list[Row]:
    """Return the rows (label key, value) of the rules table; one "no rules" row when none.

    Examples
    --------
    >>> rule_rows([("RES_A", {"max_coverage": 0.75})], lang="en", digits="latin")[0]
    ('coverage', '75 %')
    >>> hex(ord(rule_rows([("A", {"max_coverage": 0.75})], lang="ar", digits="arabic")[0][1][0]))
    '0x667'
    """
    if not zone_rules:
        return [("rules", " / ".join(label("no_rules", lang)))]
    several = len(zone_rules) > 1
    rows: list[Row] = []
    for key, render in _families(lang):
        parts = []
        for code, rules in zone_rules:
            value = render(rules, lang)
            if value is not None:
                figure = to_digits(value, digits) if key != "uses" else value
                parts.append(f"{code} {figure}" if several else figure)
        rows.append((key, "; ".join(parts) or "—"))
    return rows


def check_rows(check: CheckSummary, *, lang: Lang) -> list[Row]:
    """Return the verdict row and the reference row of a permit check.

    Examples
    --------
    >>> from datetime import date
    >>> check_rows(CheckSummary("PC-1", "eligible", date(2025, 1, 1)), lang="en")
    [('check', 'eligible'), ('check_reference', 'PC-1')]
    """
    arabic, english = VERDICTS.get(check.verdict, (check.verdict, check.verdict))
    words = arabic if lang == "ar" else english if lang == "en" else f"{arabic} / {english}"
    reference = isolate(check.reference) if lang == "ar" else check.reference
    return [("check", words), ("check_reference", reference)]


def draw_rules(
    sheet: Sheet,
    box: Box,
    zone_rules: ZoneRules,
    check: CheckSummary | None,
    *,
    lang: Lang,
    digits: Digits,
) -> None:
    """Draw the rules band: a heading, then the rows in two side-by-side columns."""
    rows = rule_rows(zone_rules, lang=lang, digits=digits)
    if check is not None:
        rows += check_rows(check, lang=lang)
    top = draw_heading(sheet, box, "rules", lang)
    half = (len(rows) + 1) // 2
    gap = 4.0 * sheet.layout.unit
    width = (box.w - gap) / 2
    step = min(4.0 * sheet.layout.unit, top / max(half, 1))
    columns = [rows[:half], rows[half:]]
    if lang == "ar":
        columns.reverse()  # Arabic reads from the right: first rows in the right column
    for index, column in enumerate(columns):
        if column:
            cell = Box(box.x + index * (width + gap), box.y + top - step * len(column), width,
                       step * len(column))  # fmt: skip
            draw_table(sheet, cell, column, lang=lang)
