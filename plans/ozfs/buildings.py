"""OZFS building proposals (``.bldg`` JSON): dimensions, units, levels and parking."""

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from plans.check_records import Application
from plans.ozfs.errors import OzfsFileError
from plans.ozfs.units import SQ_FOOT_M2, to_si


@dataclass(frozen=True)
class UnitType:
    """A kind of dwelling unit in the building: floor area (sq ft), bedrooms, how many."""

    fl_area: float
    bedrooms: int
    qty: int


@dataclass(frozen=True)
class Level:
    """A storey: its number (1 at grade, negative below) and gross floor area (sq ft)."""

    level: int
    gross_fl_area: float


@dataclass(frozen=True)
class Building:
    """A proposed building as an OZFS ``.bldg`` file gives it, in feet and square feet.

    ``height`` is the height as the ordinance measures it when the file states it;
    ``height_top`` the top of the roof; ``roof_type`` may be absent.
    """

    name: str
    width: float
    depth: float
    height: float | None = None
    height_top: float | None = None
    height_eave: float | None = None
    roof_type: str | None = None
    parking: int | None = None
    units: tuple[UnitType, ...] = ()
    levels: tuple[Level, ...] = ()

    @property
    def total_units(self) -> int:
        """The number of dwelling units."""
        return sum(unit.qty for unit in self.units)

    @property
    def stories(self) -> int | None:
        """The number of the highest storey at or above grade (below-grade levels do not count).

        Levels 2, 3, 4 (a building whose ground storey is not listed) are 4 stories; levels
        -1, 1, 2, 3 (a basement and three storeys) are 3. None without level information.
        """
        above = [level.level for level in self.levels if level.level >= 1]
        return max(above) if above else None

    @property
    def use(self) -> str:
        """The OZFS residential use: ``1_family`` to ``3_family``, ``4_family`` for 4 or more."""
        return f"{min(max(self.total_units, 1), 4)}_family"

    @property
    def gross_fl_area(self) -> float:
        """Total gross floor area of the levels (sq ft)."""
        return sum(level.gross_fl_area for level in self.levels)

    def variables(self) -> dict[str, float]:
        """Return the building variables of OZFS expressions (feet, square feet, counts)."""
        values: dict[str, float | None] = {
            "total_units": self.total_units,
            "total_bedrooms": sum(u.bedrooms * u.qty for u in self.units),
            "height": self.height if self.height is not None else self.height_top,
            "height_top": self.height_top if self.height_top is not None else self.height,
            "height_eave": self.height_eave,
            "width": self.width,
            "depth": self.depth,
            "stories": self.stories,
            "gross_fl_area": self.gross_fl_area,
            "fl_area": sum(u.fl_area * u.qty for u in self.units),
            "parking": self.parking,
        }
        return {name: float(value) for name, value in values.items() if value is not None}

    def application(self, *, height_m: float | None = None) -> Application:
        """Return this building as the input of the YAML-rule engine (metric)."""
        top = self.height if self.height is not None else self.height_top
        basement = sum(lv.gross_fl_area for lv in self.levels if lv.level < 1) * SQ_FOOT_M2
        return Application(
            use=self.use,
            floors=self.stories,
            height_m=height_m
            if height_m is not None
            else None
            if top is None
            else to_si(top, "ft"),
            gfa_m2=self.gross_fl_area * SQ_FOOT_M2 if self.levels else None,
            basement_m2=basement,
        )


def read_building(path: Path) -> Building:
    """Read an OZFS ``.bldg`` file.

    Raises
    ------
    OzfsFileError
        Naming the file and the key when it is not JSON or lacks a needed value.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise OzfsFileError(f"{path}: not a readable OZFS building file ({error})") from None
    return parse_building(data, name=Path(path).stem, source=str(path))


def parse_building(data: Any, *, name: str, source: str = "building") -> Building:
    """Build a `Building` from the parsed JSON of a ``.bldg`` file."""
    if not isinstance(data, dict) or not isinstance(data.get("bldg_info"), dict):
        raise OzfsFileError(f"{source}: no bldg_info object; an OZFS building file has one")
    info = data["bldg_info"]
    try:
        units = tuple(
            UnitType(_num(u, "fl_area"), int(u.get("bedrooms", 0)), int(u.get("qty", 1)))
            for u in data.get("unit_info", [])
        )
        levels = tuple(
            Level(int(lv["level"]), _num(lv, "gross_fl_area")) for lv in data.get("level_info", [])
        )
        building = Building(
            name=name,
            width=_num(info, "width"),
            depth=_num(info, "depth"),
            height=_opt(info, "height"),
            height_top=_opt(info, "height_top"),
            height_eave=_opt(info, "height_eave"),
            roof_type=info.get("roof_type"),
            parking=None if info.get("parking") is None else int(info["parking"]),
            units=units,
            levels=levels,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise OzfsFileError(f"{source}: bad or missing value {error}") from None
    if building.height is None and building.height_top is None:
        raise OzfsFileError(f"{source}: bldg_info gives neither height nor height_top")
    return building


def _num(values: dict[str, Any], key: str) -> float:
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{key}={value!r} (expected a finite number)")
    if value < 0:
        raise ValueError(f"{key}={value!r} (expected >= 0)")
    return float(value)


def _opt(values: dict[str, Any], key: str) -> float | None:
    return None if values.get(key) is None else _num(values, key)
