"""Plain records an extract is rendered from and answered as: no storage, no matplotlib."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry.base import BaseGeometry

from plans.extracts.options import ExtractOptions
from plans.records import ZoneShare

Bounds = tuple[float, float, float, float]
"""minx, miny, maxx, maxy in metres of the storage CRS."""


@dataclass(frozen=True)
class ExtractRequest:
    """What a clerk asks for: one parcel by number, or an area (bbox in the storage CRS).

    `on` is the date whose plan versions in force are shown (default: the issue date);
    `issued_at` defaults to now (UTC, whole seconds).
    """

    municipality: str
    parcel: str | None = None
    bbox: Bounds | None = None
    options: ExtractOptions = field(default_factory=ExtractOptions)
    on: dt.date | None = None
    issued_at: dt.datetime | None = None
    issued_by: str | None = None
    check_reference: str | None = None


@dataclass(frozen=True)
class CheckSummary:
    """A recorded permit check of the parcel, printed with its verdict and reference."""

    reference: str
    verdict: str
    checked_on: dt.date


@dataclass(frozen=True)
class RoadLabel:
    """A road label on the map: where (ground metres), its angle, measured width and name."""

    x: float
    y: float
    angle_deg: float
    width_m: float | None
    name: str | None = None


@dataclass(frozen=True)
class PlanInfo:
    """A plan version shown on the extract."""

    plan_version_id: int
    number: str
    version: int
    effective_from: dt.date


@dataclass(frozen=True)
class MapFeatures:
    """What the map frame draws, limited to the frame: (zone code or parcel number, shape)."""

    zones: tuple[tuple[str, BaseGeometry], ...]
    parcels: tuple[tuple[str, BaseGeometry], ...]


@dataclass(frozen=True)
class ExtractContent:
    """Everything printed on an extract, as plain data.

    `subject` is the parcel's geometry (None for an area extract); `zones` are the parcel's
    zone shares (empty for an area); `plans` are the plan versions under the subject or area,
    the main one first.
    """

    reference: str
    issued_at: dt.datetime
    municipality_code: str
    municipality_ar: str | None
    municipality_en: str | None
    crs_name: str
    verify_url: str
    focus: Bounds
    features: MapFeatures
    subject: BaseGeometry | None = None
    parcel_number: str | None = None
    parcel_area_m2: float | None = None
    zones: tuple[ZoneShare, ...] = ()
    plans: tuple[PlanInfo, ...] = ()
    rules: tuple[tuple[str, dict[str, Any]], ...] = ()
    check: CheckSummary | None = None
    roads: tuple[RoadLabel, ...] = ()


@dataclass(frozen=True)
class IssuedExtract:
    """A rendered and registered extract: the file, its reference and its hashes."""

    reference: str
    sha256: str
    content_sha256: str
    content: bytes
    media_type: str
    issued_at: dt.datetime
    scale: int


@dataclass(frozen=True)
class ExtractVerification:
    """The answer to "is this the registered file?"; `valid` is None when no hash was given."""

    reference: str
    valid: bool | None
    issued_at: dt.datetime
