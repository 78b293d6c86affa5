"""Repository of plans and their versions."""

import datetime as dt
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from plans.errors import NotFoundError
from plans.records import PlanVersionSummary
from plans.storage.models import (
    Municipality,
    Plan,
    PlanVersion,
    SourceKind,
    VersionStatus,
    Zone,
)

PUBLISHED = (VersionStatus.IN_FORCE, VersionStatus.SUPERSEDED)


def ensure_plan(session: Session, municipality: Municipality, number: str) -> Plan:
    """Return the plan `number` of `municipality`, adding it first when it does not exist."""
    found = session.scalar(
        select(Plan).where(Plan.municipality_id == municipality.id, Plan.number == number)
    )
    if found is not None:
        return found
    plan = Plan(municipality_id=municipality.id, number=number)
    session.add(plan)
    session.flush()
    return plan


def lock_plan(session: Session, municipality_code: str, number: str) -> Plan:
    """Return the plan, locked for update so version numbering and publishing serialise."""
    plan = session.scalar(
        select(Plan)
        .join(Municipality)
        .where(Municipality.code == municipality_code, Plan.number == number)
        .with_for_update(of=Plan)
    )
    if plan is None:
        raise NotFoundError(f"no plan {number!r} in municipality {municipality_code!r}")
    return plan


def add_version(
    session: Session,
    plan: Plan,
    *,
    effective_from: dt.date,
    source_kind: SourceKind,
    source_name: str | None,
    quality_report: dict[str, Any] | None = None,
    created_by: str | None = None,
) -> PlanVersion:
    """Add the plan's next version as a draft and return it."""
    session.execute(select(Plan.id).where(Plan.id == plan.id).with_for_update())
    latest = session.scalar(
        select(func.max(PlanVersion.version)).where(PlanVersion.plan_id == plan.id)
    )
    version = PlanVersion(
        plan_id=plan.id,
        version=(latest or 0) + 1,
        status=VersionStatus.DRAFT,
        effective_from=effective_from,
        source_kind=source_kind,
        source_name=source_name,
        quality_report=quality_report,
        created_by=created_by,
    )
    session.add(version)
    session.flush()
    return version


def find_version(session: Session, plan: Plan, version: int) -> PlanVersion:
    """Return version `version` of `plan`, or raise `NotFoundError`."""
    found = session.scalar(
        select(PlanVersion).where(PlanVersion.plan_id == plan.id, PlanVersion.version == version)
    )
    if found is None:
        raise NotFoundError(f"plan {plan.number!r} has no version {version}")
    return found


def current_in_force(session: Session, plan: Plan) -> PlanVersion | None:
    """Return the plan's version whose status is in force, if any."""
    return session.scalar(
        select(PlanVersion).where(
            PlanVersion.plan_id == plan.id, PlanVersion.status == VersionStatus.IN_FORCE
        )
    )


def versions_in_force_ids(session: Session, on: dt.date) -> list[int]:
    """Return the ids of every plan version in force on date `on`."""
    return list(session.scalars(version_ids_select(on=on)))


def version_ids_select(*, plan_version_id: int | None = None, on: dt.date) -> Select[int]:
    """Select the ids of `plan_version_id` if named, else of the versions in force on `on`.

    A statement rather than a list, so that other queries can embed it.
    """
    if plan_version_id is not None:
        return select(PlanVersion.id).where(PlanVersion.id == plan_version_id)
    return select(PlanVersion.id).where(
        PlanVersion.status.in_(PUBLISHED),
        PlanVersion.effective_from <= on,
        or_(PlanVersion.effective_to.is_(None), PlanVersion.effective_to > on),
    )


def select_version_ids(
    session: Session, *, plan_version_id: int | None = None, on: dt.date | None = None
) -> list[int]:
    """Return `[plan_version_id]` if named (and existing), else the versions in force on `on`.

    `on` defaults to today: what the public sees unless it asks for history or a draft.
    """
    on = on or dt.date.today()
    ids = list(session.scalars(version_ids_select(plan_version_id=plan_version_id, on=on)))
    if plan_version_id is not None and not ids:
        raise NotFoundError(f"no plan version with id {plan_version_id}")
    return ids


def list_versions(
    session: Session, municipality_code: str | None = None
) -> list[PlanVersionSummary]:
    """Return every plan version (of one municipality, if given), newest last per plan."""
    zone_count = (
        select(func.count(Zone.id)).where(Zone.plan_version_id == PlanVersion.id).scalar_subquery()
    )
    query = (
        select(PlanVersion, Plan.number, Municipality.code, zone_count)
        .join(Plan, PlanVersion.plan_id == Plan.id)
        .join(Municipality, Plan.municipality_id == Municipality.id)
        .order_by(Municipality.code, Plan.number, PlanVersion.version)
    )
    if municipality_code is not None:
        query = query.where(Municipality.code == municipality_code)
    return [
        PlanVersionSummary(
            municipality=code,
            plan_number=number,
            version=v.version,
            plan_version_id=v.id,
            status=v.status.value,
            effective_from=v.effective_from,
            effective_to=v.effective_to,
            source_kind=v.source_kind.value,
            source_name=v.source_name,
            zones=int(zones),
        )
        for v, number, code, zones in session.execute(query)
    ]


def scan_cog_name(session: Session, plan_version_id: int) -> str:
    """Return the file name of a version's georeferenced scan, or raise `NotFoundError`."""
    version = session.get(PlanVersion, plan_version_id)
    if version is None:
        raise NotFoundError(f"no plan version with id {plan_version_id}")
    cog = (version.georeference or {}).get("cog")
    if not isinstance(cog, str):
        raise NotFoundError(f"plan version {plan_version_id} has no scan")
    return cog


def version_report(session: Session, plan_version_id: int) -> dict[str, Any]:
    """Return a version's summary with its quality report and georeference (planner review)."""
    row = session.execute(
        select(PlanVersion, Plan.number, Municipality.code)
        .join(Plan, PlanVersion.plan_id == Plan.id)
        .join(Municipality, Plan.municipality_id == Municipality.id)
        .where(PlanVersion.id == plan_version_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no plan version with id {plan_version_id}")
    version, number, municipality = row
    return {
        "plan_version_id": version.id,
        "municipality": municipality,
        "plan_number": number,
        "version": version.version,
        "status": version.status.value,
        "source_kind": version.source_kind.value,
        "source_name": version.source_name,
        "effective_from": version.effective_from.isoformat(),
        "created_by": version.created_by,
        "published_by": version.published_by,
        "quality_report": version.quality_report,
        "georeference": version.georeference,
    }
