"""MapLibre GL style of zones and parcels, drawn from the one symbology (`plans.symbology`)."""

from collections.abc import Iterable
from typing import Any

from plans.symbology import PARCEL_OUTLINE, legend, style_for


def maplibre_style(codes: Iterable[str], *, tiles_base: str) -> dict[str, Any]:
    """Return a MapLibre GL style drawing zones and parcels from this server's vector tiles."""
    styles = legend(codes)
    fill: list[Any] = ["match", ["get", "zone_code"]]
    outline: list[Any] = ["match", ["get", "zone_code"]]
    for style in styles:
        fill += [style.code, style.fill]
        outline += [style.code, style.outline]
    fallback = style_for("?")
    fill.append(fallback.fill)
    outline.append(fallback.outline)
    return {
        "version": 8,
        "name": "Mukhattat",
        "sources": {
            "zones": {"type": "vector", "url": f"{tiles_base}/zones.json"},
            "parcels": {"type": "vector", "url": f"{tiles_base}/parcels.json"},
        },
        "layers": [
            {"id": "background", "type": "background", "paint": {"background-color": "#f4f1ea"}},
            _layer(
                "zones-fill",
                "zones",
                "fill",
                {"fill-color": fill if styles else fallback.fill, "fill-opacity": 0.8},
            ),
            _layer(
                "zones-line",
                "zones",
                "line",
                {"line-color": outline if styles else fallback.outline, "line-width": 1.2},
            ),
            # Invisible fill: makes the inside of a parcel clickable in the viewer.
            _layer(
                "parcels-fill",
                "parcels",
                "fill",
                {"fill-color": "#000000", "fill-opacity": 0},
                minzoom=15,
            ),
            _layer(
                "parcels-line",
                "parcels",
                "line",
                {"line-color": PARCEL_OUTLINE, "line-width": 0.6},
                minzoom=15,
            ),
        ],
    }


def _layer(
    layer_id: str, source: str, kind: str, paint: dict[str, Any], *, minzoom: int = 0
) -> dict[str, Any]:
    return {
        "id": layer_id,
        "type": kind,
        "source": source,
        "source-layer": source,
        "minzoom": minzoom,
        "paint": paint,
    }
