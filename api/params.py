"""Request parameters read by hand on the tile routes, and their OpenAPI entries.

FastAPI's per-request parameter validation and dependency solving cost the tile route about
0.3 ms of its answer (bench/RESULTS.md, 2026-12-04), a third of a z17 tile's query. The tile
routes read their few parameters here instead, under the rules the OpenAPI entries below
declare, and refuse a bad one with the same 422 answer FastAPI's validation gives.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi.exceptions import RequestValidationError

from api.deps import MAX_ID
from tiles.mvt import MAX_ZOOM

LAYERS = ("zones", "parcels")


@dataclass(frozen=True)
class VersionParams:
    """Which zones to draw: a plan version id, the versions in force on a date, or today's."""

    version: int | None = None
    date: dt.date | None = None


@dataclass(frozen=True)
class TileParams:
    """A tile request's layer and grid address (z/x/y: not yet checked against the grid)."""

    layer: str
    z: int
    x: int
    y: int


def version_params(query: Mapping[str, str]) -> VersionParams:
    """Read `version` and `date` from a query string, or raise `RequestValidationError`."""
    version, date = query.get("version"), query.get("date")
    return VersionParams(
        version=None if version is None else _integer(("query", "version"), version, 1, MAX_ID),
        date=None if date is None else _date(("query", "date"), date),
    )


def tile_params(path: Mapping[str, str]) -> TileParams:
    """Read a tile's layer and z/x/y from the path, or raise `RequestValidationError`."""
    layer = path["layer"]
    if layer not in LAYERS:
        raise _invalid(("path", "layer"), f"Input should be {' or '.join(map(repr, LAYERS))}")
    z = _integer(("path", "z"), path["z"], 0, MAX_ZOOM)
    x, y = (_integer(("path", name), path[name], 0, None) for name in ("x", "y"))
    return TileParams(layer, z, x, y)


def _integer(loc: tuple[str, str], text: str, low: int, high: int | None) -> int:
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        raise _invalid(loc, "Input should be a valid integer")
    value = int(text)
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise _invalid(loc, f"Input should be {bounds}")
    return value


def _date(loc: tuple[str, str], text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _invalid(loc, "Input should be a valid date in the format YYYY-MM-DD") from None


def _invalid(loc: tuple[str, str], message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def _parameter(name: str, where: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "schema": schema,
        "description": description,
    }


VERSION_PARAMETERS = [
    _parameter(
        "version",
        "query",
        {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "plan version id (e.g. a draft)",
    ),
    _parameter(
        "date", "query", {"type": "string", "format": "date"}, "versions in force on this date"
    ),
]
"""OpenAPI entries of the parameters `version_params` reads."""

TILE_PARAMETERS = [
    _parameter("layer", "path", {"type": "string", "enum": list(LAYERS)}, "the layer"),
    _parameter("z", "path", {"type": "integer", "minimum": 0, "maximum": MAX_ZOOM}, "zoom level"),
    _parameter("x", "path", {"type": "integer", "minimum": 0}, "tile column"),
    _parameter("y", "path", {"type": "integer", "minimum": 0}, "tile row"),
]
"""OpenAPI entries of the parameters `tile_params` reads."""
