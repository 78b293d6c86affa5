"""The one place where OZFS units become metric: feet, acres, square feet and percent.

OZFS files (the US convention) give lengths in feet, lot sizes in acres, floor areas in square
feet and coverage in percent, without labelling them. Expressions are evaluated in those units
(``0.1 * lot_width`` is feet because ``lot_width`` is); only their results are converted here.
"""

from typing import Literal

FOOT_M = 0.3048
"""The international foot. The US survey foot (1200/3937 m) differs by 2 parts per million,
0.2 mm on a 100 ft lot, far below survey precision."""
SQ_FOOT_M2 = FOOT_M * FOOT_M
ACRE_M2 = 43_560 * SQ_FOOT_M2
"""An acre is 43,560 square feet (4,046.856 m²)."""

OzfsUnit = Literal["ft", "acre", "sq_ft", "percent", "count"]

FIELD_UNITS: dict[str, OzfsUnit] = {
    "lot_size": "acre",
    "setback_front": "ft",
    "setback_side_int": "ft",
    "setback_side_ext": "ft",
    "setback_rear": "ft",
    "lot_cov_bldg": "percent",
    "height": "ft",
    "stories": "count",
    "parking_uncovered": "count",
}
"""The unit each OZFS rule field is written in."""

_FACTORS: dict[OzfsUnit, float] = {
    "ft": FOOT_M,
    "acre": ACRE_M2,
    "sq_ft": SQ_FOOT_M2,
    "percent": 0.01,
    "count": 1.0,
}
SI_UNITS: dict[OzfsUnit, str | None] = {
    "ft": "m",
    "acre": "m2",
    "sq_ft": "m2",
    "percent": None,
    "count": None,
}
"""The unit name a converted value carries in a rule result (None: a ratio or a count)."""


def to_si(value: float, unit: OzfsUnit) -> float:
    """Convert `value` from an OZFS unit to metres, square metres, a ratio or a count.

    Examples
    --------
    >>> to_si(25, "ft"), round(to_si(0.16, "acre"), 2), to_si(45, "percent")
    (7.62, 647.5, 0.45)
    """
    return value * _FACTORS[unit]


def from_si(value: float, unit: OzfsUnit) -> float:
    """Convert a metric value back into an OZFS unit (the inverse of `to_si`).

    Examples
    --------
    >>> round(from_si(7.62, "ft"), 9)
    25.0
    """
    return value / _FACTORS[unit]


def field_to_si(value: float, field: str) -> float:
    """Convert the value of rule field `field` (e.g. ``setback_front``) to metric."""
    return to_si(value, FIELD_UNITS[field])
