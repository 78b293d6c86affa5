"""Parse the legend of a plan sheet: zone codes with their colours, names and printed labels."""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gis.errors import LegendError

RGB = tuple[int, int, int]

LANGUAGES: Final = ("ar", "en")
"""Languages a zone name may be given in."""

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_COLOUR_HINT = 'a colour like "#f2d98a", "#fd8" or [242, 217, 138]'


@dataclass(frozen=True)
class PixelBox:
    """A box of scan pixels (x right, y down, corner convention) showing a zone's fill."""

    x0: int
    y0: int
    x1: int
    y1: int


@dataclass(frozen=True)
class LegendEntry:
    """One zone of the legend.

    Attributes
    ----------
    code
        The zone code, e.g. ``RES_A``.
    colors
        Nominal fill colours (sRGB); empty when only `samples` are given.
    samples
        Boxes of the scan to learn the fill colour from.
    name_ar, name_en
        The zone's name in Arabic and English, if given.
    label
        The text printed on the map for this zone (the code unless given).
    fill
        False for outline-only sheets, whose zones are told apart by their printed labels.
    pattern
        True for black-and-white sheets whose zones are told apart by texture (hatching,
        cross-hatching, dots, solid, plain paper), learned from `samples`.
    """

    code: str
    colors: tuple[RGB, ...]
    samples: tuple[PixelBox, ...]
    name_ar: str | None
    name_en: str | None
    label: str
    fill: bool
    pattern: bool = False


@dataclass(frozen=True)
class Legend:
    """The zones of a sheet in legend order; class value ``i + 1`` stands for ``entries[i]``."""

    entries: tuple[LegendEntry, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """The zone codes in legend order."""
        return tuple(entry.code for entry in self.entries)

    @property
    def patterned(self) -> bool:
        """True when any entry is a texture pattern (``"pattern": true``)."""
        return any(entry.pattern for entry in self.entries)


def read_legend(path: str | Path) -> Legend:
    """Read a legend JSON file (see `parse_legend`).

    Raises
    ------
    LegendError
        Unreadable file, invalid JSON, or a malformed legend; the message names the file.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LegendError(f"cannot read legend {path}: {error}") from error
    try:
        return parse_legend(data)
    except LegendError as error:
        raise LegendError(f"legend {path}: {error}") from error


def parse_legend(data: object) -> Legend:
    """Build a `Legend` from the decoded legend JSON.

    Parameters
    ----------
    data
        ``{"zones": [{"code", "color" | "colors" | "samples", "name": {"ar", "en"},
        "label", "fill", "pattern"}]}``; colours are ``"#rrggbb"``, ``"#rgb"`` or
        ``[r, g, b]``, samples are ``[x0, y0, x1, y1]`` pixel boxes (a key swatch or a patch
        of the map). A ``"pattern": true`` entry is learned from its samples, which it needs;
        its colour is optional, and a blank swatch stands for a plain-paper zone. Unknown keys
        are ignored.

    Raises
    ------
    LegendError
        The message names the entry and key, e.g. ``zones[1].color: expected ...``.

    Examples
    --------
    >>> legend = parse_legend({"zones": [{"code": "RES_A", "color": "#f2d98a"}]})
    >>> legend.entries[0].colors, legend.entries[0].label
    (((242, 217, 138),), 'RES_A')
    >>> parse_legend({"zones": [{"code": "RES_A", "color": "yellow"}]})
    Traceback (most recent call last):
    ...
    gis.errors.LegendError: zones[0].color: expected a colour like "#f2d98a", "#fd8" or \
[242, 217, 138], got 'yellow'
    """
    if not isinstance(data, Mapping) or "zones" not in data:
        raise LegendError('expected an object with a "zones" list')
    zones = data["zones"]
    if not isinstance(zones, list) or not zones:
        raise LegendError('"zones" must be a non-empty list of zone entries')
    entries = tuple(_entry(item, f"zones[{index}]") for index, item in enumerate(zones))
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if entry.code in seen:
            raise LegendError(
                f"zones[{index}].code: {entry.code!r} repeats zones[{seen[entry.code]}]"
            )
        seen[entry.code] = index
    return Legend(entries)


def parse_color(value: object, where: str = "color") -> RGB:
    """Parse ``"#rrggbb"``, ``"#rgb"`` or ``[r, g, b]`` (0-255) into an RGB tuple.

    Examples
    --------
    >>> parse_color("#fd8"), parse_color([1, 2, 3])
    ((255, 221, 136), (1, 2, 3))
    """
    if isinstance(value, str) and (match := _HEX.fullmatch(value.strip())):
        digits = match.group(1)
        if len(digits) == 3:
            digits = "".join(2 * digit for digit in digits)
        red, green, blue = (int(digits[i : i + 2], 16) for i in (0, 2, 4))
        return red, green, blue
    if _is_int_list(value, 3) and all(0 <= int(c) <= 255 for c in value):  # type: ignore[attr-defined]
        red, green, blue = (int(c) for c in value)  # type: ignore[attr-defined]
        return red, green, blue
    raise LegendError(f"{where}: expected {_COLOUR_HINT}, got {value!r}")


def _entry(item: object, where: str) -> LegendEntry:
    if not isinstance(item, Mapping):
        raise LegendError(f"{where}: expected an object, got {item!r}")
    code = item.get("code")
    if not isinstance(code, str) or not code.strip():
        raise LegendError(f"{where}.code: expected a non-empty string, got {code!r}")
    fill = item.get("fill", True)
    if not isinstance(fill, bool):
        raise LegendError(f"{where}.fill: expected true or false, got {fill!r}")
    colors = _colors(item, where)
    samples = tuple(
        _box(box, f"{where}.samples[{i}]") for i, box in enumerate(_list(item, "samples", where))
    )
    pattern = item.get("pattern", False)
    if not isinstance(pattern, bool):
        raise LegendError(f"{where}.pattern: expected true or false, got {pattern!r}")
    if pattern and not samples:
        raise LegendError(f'{where}: a pattern zone needs "samples" (pixel boxes of its swatch)')
    if fill and not colors and not samples:
        raise LegendError(f'{where}: a filled zone needs "color", "colors" or "samples"')
    label = item.get("label", code)
    if not isinstance(label, str) or not label.strip():
        raise LegendError(f"{where}.label: expected a non-empty string, got {label!r}")
    names = _names(item.get("name", {}), f"{where}.name")
    return LegendEntry(
        code.strip(),
        colors,
        samples,
        names.get("ar"),
        names.get("en"),
        label.strip(),
        fill,
        pattern,
    )


def _colors(item: Mapping[str, object], where: str) -> tuple[RGB, ...]:
    colors = [parse_color(item["color"], f"{where}.color")] if "color" in item else []
    listed = _list(item, "colors", where)
    colors += [parse_color(c, f"{where}.colors[{i}]") for i, c in enumerate(listed)]
    return tuple(dict.fromkeys(colors))


def _list(item: Mapping[str, object], key: str, where: str) -> Sequence[object]:
    value = item.get(key, [])
    if not isinstance(value, list):
        raise LegendError(f"{where}.{key}: expected a list, got {value!r}")
    return value


def _box(value: object, where: str) -> PixelBox:
    if not _is_int_list(value, 4):
        raise LegendError(f"{where}: expected [x0, y0, x1, y1] pixel integers, got {value!r}")
    x0, y0, x1, y1 = (int(v) for v in value)  # type: ignore[attr-defined]
    if not (0 <= x0 < x1 and 0 <= y0 < y1):
        raise LegendError(f"{where}: expected 0 <= x0 < x1 and 0 <= y0 < y1, got {value!r}")
    return PixelBox(x0, y0, x1, y1)


def _names(value: object, where: str) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise LegendError(f'{where}: expected {{"ar": ..., "en": ...}}, got {value!r}')
    names: dict[str, str] = {}
    for language in LANGUAGES:
        text = value.get(language)
        if text is not None and not isinstance(text, str):
            raise LegendError(f"{where}.{language}: expected a string, got {text!r}")
        if text:
            names[language] = text
    return names


def _is_int_list(value: object, length: int) -> bool:
    return (
        isinstance(value, list | tuple)
        and len(value) == length
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    )
