"""Pydantic models of an OZFS zoning file: districts and their rules as data.

A rule field (``lot_size``, ``setback_front``...) is a list of constraints, each scoped by
``use_name`` and giving ``min_val`` and/or ``max_val``. A value is a number, an expression
text, or a list of ``{"select": "max"|"min", "expressions": [...]}`` choices or of
``{"conditions": [...], "expression": ...}`` cases. Every expression is checked by
`plans.ozfs.expressions` when the file is loaded, so a bad rule is refused before any check.
"""

import datetime as dt
from functools import lru_cache
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from plans.ozfs.expressions import Expression, Kind, compile_expression
from plans.ozfs.units import FIELD_UNITS

PARCEL_VARIABLES = frozenset({"lot_width", "lot_depth", "lot_area"})
"""Parcel variables (feet, acres) an expression may use."""
BUILDING_VARIABLES = frozenset(
    {
        "total_units",
        "total_bedrooms",
        "height",
        "height_top",
        "height_eave",
        "width",
        "depth",
        "stories",
        "gross_fl_area",
        "fl_area",
        "parking",
    }
)
"""Building variables (feet, square feet, counts) an expression may use."""
VARIABLES = PARCEL_VARIABLES | BUILDING_VARIABLES

RULE_FIELDS: tuple[str, ...] = tuple(FIELD_UNITS)
"""The OZFS rule fields Mukhattat reads, in the order checks report them."""

Scalar = Annotated[float | str, Field(union_mode="left_to_right")]


@lru_cache(maxsize=4096)
def expression(text: str, kind: Kind = "number") -> Expression:
    """Compile an OZFS expression over `VARIABLES` (cached: files repeat their expressions)."""
    return compile_expression(text, variables=VARIABLES, kind=kind)


def _check_scalar(value: float | str) -> float | str:
    if isinstance(value, str):
        expression(value)
    return value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Select(_Frozen):
    """The largest or smallest of several values."""

    select: Literal["max", "min"]
    expressions: Annotated[tuple[Scalar, ...], Field(min_length=1)]

    @field_validator("expressions")
    @classmethod
    def _compile(cls, values: tuple[float | str, ...]) -> tuple[float | str, ...]:
        return tuple(_check_scalar(value) for value in values)


class Case(_Frozen):
    """A value that applies when every condition holds."""

    conditions: Annotated[tuple[str, ...], Field(min_length=1)]
    expression: Scalar

    @field_validator("conditions")
    @classmethod
    def _compile_conditions(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            expression(value, "condition")
        return values

    @field_validator("expression")
    @classmethod
    def _compile_expression(cls, value: float | str) -> float | str:
        return _check_scalar(value)


ValueSpec = Scalar | Annotated[tuple[Select | Case, ...], Field(min_length=1)]
"""A number, an expression, or a list of choices or cases."""


class Constraint(_Frozen):
    """One entry of a rule field: the uses it applies to and its minimum and/or maximum."""

    use_name: Annotated[tuple[str, ...], Field(min_length=1)]
    min_val: ValueSpec | None = None
    max_val: ValueSpec | None = None

    @field_validator("min_val", "max_val")
    @classmethod
    def _compile(cls, value: object) -> object:
        if isinstance(value, str):
            expression(value)
        if isinstance(value, tuple) and len({type(item).__name__ for item in value}) > 1:
            raise ValueError("a value list holds either select choices or condition cases")
        return value

    @model_validator(mode="after")
    def _bounded(self) -> Self:
        if self.min_val is None and self.max_val is None:
            raise ValueError("give min_val or max_val")
        return self


Constraints = tuple[Constraint, ...] | None


class District(_Frozen):
    """A zoning district and its rules (fields absent from the file are not checked)."""

    dist_name: str
    dist_abbr: Annotated[str, Field(min_length=1, max_length=64)]
    planned_dev: bool = False
    overlay: bool = False
    res_uses: tuple[str, ...] | Literal["none"] = "none"
    lot_size: Constraints = None
    setback_front: Constraints = None
    setback_side_int: Constraints = None
    setback_side_ext: Constraints = None
    setback_rear: Constraints = None
    lot_cov_bldg: Constraints = None
    height: Constraints = None
    stories: Constraints = None
    parking_uncovered: Constraints = None

    def constraint(self, field: str, use: str) -> Constraint | None:
        """Return the entry of rule field `field` that applies to `use`, if any."""
        entries: Constraints = getattr(self, field)
        for entry in entries or ():
            if use in entry.use_name:
                return entry
        return None

    def allows(self, use: str) -> bool:
        """Whether `use` is one of the district's residential uses."""
        return self.res_uses != "none" and use in self.res_uses


class HeightDefinition(_Frozen):
    """How height is measured for one roof type (an expression over height and height_eave)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    roof: str
    definition: str = Field(alias="def")

    @field_validator("definition")
    @classmethod
    def _compile(cls, value: str) -> str:
        expression(value)
        return value


class Definitions(_Frozen):
    """The file's definitions (only height measurement is used)."""

    height: tuple[HeightDefinition, ...] = ()


class ZoningDocument(_Frozen):
    """An OZFS zoning file without its geometries: the municipality and its districts."""

    muni_name: str
    date: dt.date | None = None
    definitions: Definitions = Definitions()
    districts: tuple[District, ...]

    @model_validator(mode="after")
    def _unique(self) -> Self:
        codes = [district.dist_abbr for district in self.districts]
        repeated = sorted({code for code in codes if codes.count(code) > 1})
        if repeated:
            raise ValueError(f"district codes appear more than once: {', '.join(repeated)}")
        return self

    def district(self, code: str) -> District:
        """Return the district `code` (KeyError when absent)."""
        for district in self.districts:
            if district.dist_abbr == code:
                return district
        raise KeyError(code)

    def height_definition(self, roof: str) -> str | None:
        """Return the height expression for `roof`, if the file defines one."""
        for item in self.definitions.height:
            if item.roof == roof:
                return item.definition
        return None
