"""The one symbology: zone code -> colours, hatch, label and names (web map, legend and print).

Codes found in the common Arab-municipality plan vocabulary have fixed styles; any other code
gets a stable colour derived from its name, so a new plan still draws legibly and the same code
always looks the same on screen and on paper.
"""

import colorsys
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Hatch = Literal["none", "diagonal", "cross", "dots"]


@dataclass(frozen=True)
class ZoneStyle:
    """How one zone code is drawn and named."""

    code: str
    fill: str
    outline: str
    hatch: Hatch
    name_ar: str
    name_en: str

    @property
    def label(self) -> str:
        """Text printed on the map inside the zone."""
        return self.code


_KNOWN: tuple[ZoneStyle, ...] = (
    ZoneStyle("RES_A", "#f2d98a", "#8a6d1f", "none", "سكني أ", "Residential A"),
    ZoneStyle("RES_B", "#f6c26b", "#8a5a12", "none", "سكني ب", "Residential B"),
    ZoneStyle("RES_C", "#f9e7b5", "#8a7a3f", "none", "سكني ج", "Residential C"),
    ZoneStyle("COM", "#e07b7b", "#7a1f1f", "none", "تجاري", "Commercial"),
    ZoneStyle("MIX", "#e9a37a", "#7a3f1f", "diagonal", "استعمال مختلط", "Mixed use"),
    ZoneStyle("IND", "#b39ddb", "#4a3578", "cross", "صناعي", "Industrial"),
    ZoneStyle("EDU", "#7fb3e0", "#1f4f7a", "none", "تعليمي", "Education"),
    ZoneStyle("HEALTH", "#9ad0c2", "#1f6a5a", "none", "صحي", "Health"),
    ZoneStyle("MOSQUE", "#c5e1a5", "#4a7a1f", "none", "مسجد", "Mosque"),
    ZoneStyle("PARK", "#a5d6a7", "#2e6b30", "dots", "حديقة", "Park"),
    ZoneStyle("AGR", "#dce775", "#6b7a1f", "dots", "زراعي", "Agricultural"),
    ZoneStyle("HERITAGE", "#d7b98e", "#6b4a1f", "cross", "تراثي", "Heritage"),
    ZoneStyle("ROAD", "#ffffff", "#9e9e9e", "none", "طريق", "Road"),
)
KNOWN_STYLES: dict[str, ZoneStyle] = {style.code: style for style in _KNOWN}
PARCEL_OUTLINE = "#555555"


def style_for(code: str) -> ZoneStyle:
    """Return the style of `code`: the fixed one if known, else a stable derived colour.

    Examples
    --------
    >>> style_for("PARK").fill
    '#a5d6a7'
    >>> style_for("X-9") == style_for("X-9")
    True
    """
    if code in KNOWN_STYLES:
        return KNOWN_STYLES[code]
    hue = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return ZoneStyle(code, _hls(hue, 0.78, 0.55), _hls(hue, 0.35, 0.5), "none", code, code)


def legend(codes: Iterable[str]) -> list[ZoneStyle]:
    """Return the styles of `codes` (each once) in the order a legend lists them."""
    return [style_for(code) for code in sorted(set(codes))]


def _hls(hue: float, lightness: float, saturation: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, saturation)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"
