"""Immutable records the domain hands to its callers (reports, features, summaries)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ZoneCodeSummary:
    """Count and area of one zone code in an imported version."""

    zone_code: str
    features: int
    area_m2: float


@dataclass(frozen=True)
class ZoneImportReport:
    """What `import_zones` stored: the new draft version and its quality figures."""

    municipality: str
    plan_number: str
    version: int
    plan_version_id: int
    features: int
    area_m2: float
    zone_codes: tuple[ZoneCodeSummary, ...]
    repaired: tuple[str, ...] = ()
    dropped_z: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParcelImportReport:
    """What `import_parcels` stored."""

    municipality: str
    parcels: int
    area_m2: float
    repaired: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanVersionSummary:
    """One plan version, as listed for planners."""

    municipality: str
    plan_number: str
    version: int
    plan_version_id: int
    status: str
    effective_from: dt.date
    effective_to: dt.date | None
    source_kind: str
    source_name: str | None
    zones: int


@dataclass(frozen=True)
class Feature:
    """A stored feature with its geometry as GeoJSON text in EPSG:4326.

    The text is PostGIS's own (``ST_AsGeoJSON``), passed through to the answer unparsed: a
    page of 1,000 parcels spent a third of its Python time decoding and re-encoding it.
    """

    id: int
    geometry_json: str
    properties: dict[str, Any]


@dataclass(frozen=True)
class FeaturePage:
    """One page of features and the number of all that matched."""

    features: tuple[Feature, ...]
    number_matched: int
    offset: int
    limit: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ZoneShare:
    """The part of a parcel that lies in one zone."""

    zone_code: str
    area_m2: float
    share: float


@dataclass(frozen=True)
class ParcelZoning:
    """A parcel with the zones (of the versions in force) that cover it."""

    parcel_id: int
    municipality: str
    number: str
    area_m2: float
    zones: tuple[ZoneShare, ...]
