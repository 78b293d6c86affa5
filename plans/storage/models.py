"""SQLAlchemy models of the stored domain.

Geometry columns are declared without an SRID here because the storage SRID is a deployment
setting: the migration types the real columns with it (`MUKHATTAT_CRS`), and writers always
pass geometries tagged with that SRID. Web-mercator copies for tiles are generated columns.
"""

import datetime as dt
import enum
from typing import Any, ClassVar

from geoalchemy2 import Geometry
from sqlalchemy import (
    JSON,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def _geometry(kind: str) -> Geometry:
    return Geometry(geometry_type=kind, srid=-1, spatial_index=False)


def _mercator(kind: str) -> Geometry:
    return Geometry(geometry_type=kind, srid=3857, spatial_index=False)


class Base(DeclarativeBase):
    """Declarative base of every model."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSONDoc}


class VersionStatus(enum.StrEnum):
    """Life of a plan version: drafted, then in force, then superseded by a later one."""

    DRAFT = "draft"
    IN_FORCE = "in_force"
    SUPERSEDED = "superseded"


class SourceKind(enum.StrEnum):
    """Where a plan version's zones came from."""

    VECTOR = "vector"
    SCAN = "scan"
    OZFS = "ozfs"


def _str_enum(kind: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [m.value for m in members],
    )


class Municipality(Base):
    """A municipality: the owner of plans, parcels and rule sets."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_ar: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Plan(Base):
    """A zoning plan of a municipality, identified by its number; its content lives in versions."""

    __tablename__ = "plan"
    __table_args__ = (UniqueConstraint("municipality_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    number: Mapped[str] = mapped_column(String(64))
    title_ar: Mapped[str | None] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    municipality: Mapped[Municipality] = relationship()


class PlanVersion(Base):
    """One version of a plan: a draft under review, or published with its effective dates."""

    __tablename__ = "plan_version"
    __table_args__ = (
        UniqueConstraint("plan_id", "version"),
        CheckConstraint(
            "effective_to IS NULL OR effective_to > effective_from", name="effective_dates_ordered"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(
        _str_enum(VersionStatus, "version_status"), default=VersionStatus.DRAFT
    )
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    source_kind: Mapped[SourceKind] = mapped_column(_str_enum(SourceKind, "source_kind"))
    source_name: Mapped[str | None] = mapped_column(Text)
    georeference: Mapped[dict[str, Any] | None]
    quality_report: Mapped[dict[str, Any] | None]
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    created_by: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(Text)
    plan: Mapped[Plan] = relationship()


class Zone(Base):
    """A zone of a plan version: one zone code over a (multi)polygon."""

    __tablename__ = "zone"
    __table_args__ = (CheckConstraint("confidence BETWEEN 0 AND 1", name="confidence_unit"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id", ondelete="CASCADE"))
    zone_code: Mapped[str] = mapped_column(String(64))
    geom: Mapped[Any] = mapped_column(_geometry("MULTIPOLYGON"))
    geom_3857: Mapped[Any] = mapped_column(
        _mercator("MULTIPOLYGON"), Computed("ST_Transform(geom, 3857)", persisted=True)
    )
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    attributes: Mapped[dict[str, Any] | None]


class ZoneGeneralised(Base):
    """A version's zones of one code, dissolved and simplified for low-zoom tiles."""

    __tablename__ = "zone_generalised"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_version.id", ondelete="CASCADE"))
    zone_code: Mapped[str] = mapped_column(String(64))
    geom_3857: Mapped[Any] = mapped_column(_mercator("MULTIPOLYGON"))


class Parcel(Base):
    """A land parcel, numbered uniquely within its municipality."""

    __tablename__ = "parcel"
    __table_args__ = (UniqueConstraint("municipality_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    number: Mapped[str] = mapped_column(String(64))
    geom: Mapped[Any] = mapped_column(_geometry("MULTIPOLYGON"))
    geom_3857: Mapped[Any] = mapped_column(
        _mercator("MULTIPOLYGON"), Computed("ST_Transform(geom, 3857)", persisted=True)
    )
    attributes: Mapped[dict[str, Any] | None]
    source_name: Mapped[str | None] = mapped_column(Text)


class Overlay(Base):
    """An area with an extra restriction over the zoning (heritage, flood, no-build)."""

    __tablename__ = "overlay"
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(Text)
    geom: Mapped[Any] = mapped_column(_geometry("MULTIPOLYGON"))
    effective_from: Mapped[dt.date | None] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)


class RuleSet(Base):
    """A versioned, validated set of zoning rules of a municipality (the YAML document)."""

    __tablename__ = "rule_set"
    __table_args__ = (UniqueConstraint("municipality_id", "identifier", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    identifier: Mapped[str] = mapped_column(String(128))
    version: Mapped[str] = mapped_column(String(32))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    effective_to: Mapped[dt.date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)
    document: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    created_by: Mapped[str | None] = mapped_column(Text)


class PermitCheck(Base):
    """An answered permit check, kept for audit and reproducibility."""

    __tablename__ = "permit_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcel.id"))
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id"))
    rule_set_id: Mapped[int | None] = mapped_column(ForeignKey("rule_set.id"))
    application: Mapped[dict[str, Any]]
    result: Mapped[dict[str, Any]]
    verdict: Mapped[str] = mapped_column(String(16))
    checked_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Extract(Base):
    """An issued plan extract (PDF), registered by its SHA-256 for verification."""

    __tablename__ = "extract"
    __table_args__ = (CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    parcel_id: Mapped[int | None] = mapped_column(ForeignKey("parcel.id"))
    area: Mapped[Any | None] = mapped_column(_geometry("POLYGON"))
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict[str, Any]]
    issued_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    issued_by: Mapped[str | None] = mapped_column(Text)


class ApiKey(Base):
    """An API key: a public prefix, the argon2 hash of its secret, a role and a municipality."""

    __tablename__ = "api_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    label: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    created_by: Mapped[str | None] = mapped_column(Text)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ImportJob(Base):
    """A queued import (a scan to vectorise): its inputs, status, attempts and outcome."""

    __tablename__ = "import_job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), server_default="queued")
    municipality: Mapped[str] = mapped_column(String(32))
    plan_number: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]]
    attempts: Mapped[int] = mapped_column(server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    plan_version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_version.id"))
    queue_job_id: Mapped[int | None] = mapped_column()  # bigint in the database
    created_by: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
