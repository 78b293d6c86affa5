"""Publish a draft plan version: it comes into force and the version it replaces is superseded."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from plans.errors import ConflictError
from plans.storage.models import PlanVersion, VersionStatus
from plans.storage.plan_versions import current_in_force, find_version, lock_plan


@dataclass(frozen=True)
class PublishResult:
    """The version now in force, the one it superseded (if any), and whether anything changed."""

    plan_number: str
    version: int
    effective_from: dt.date
    superseded_version: int | None
    changed: bool


def publish_version(
    session: Session,
    *,
    municipality: str,
    plan_number: str,
    version: int,
    effective_from: dt.date | None = None,
    now: dt.datetime | None = None,
    published_by: str | None = None,
) -> PublishResult:
    """Bring a draft version into force (flushes; the caller commits).

    Publishing the version already in force changes nothing (idempotent). The plan row is locked
    and the database allows one version in force per plan, so concurrent publishes serialise.
    """
    plan = lock_plan(session, municipality, plan_number)
    target = find_version(session, plan, version)
    if target.status == VersionStatus.IN_FORCE:
        return PublishResult(plan_number, version, target.effective_from, None, changed=False)
    if target.status == VersionStatus.SUPERSEDED:
        raise ConflictError(
            f"plan {plan_number!r} version {version} is superseded; publish a new draft"
        )
    if effective_from is not None:
        target.effective_from = effective_from
    previous = current_in_force(session, plan)
    if previous is not None:
        _supersede(previous, by=target, plan_number=plan_number)
        session.flush()
    target.status = VersionStatus.IN_FORCE
    target.published_at = now or dt.datetime.now(dt.UTC)
    target.published_by = published_by
    session.flush()
    return PublishResult(
        plan_number,
        version,
        target.effective_from,
        previous.version if previous else None,
        changed=True,
    )


def _supersede(previous: PlanVersion, *, by: PlanVersion, plan_number: str) -> None:
    if by.effective_from <= previous.effective_from:
        raise ConflictError(
            f"plan {plan_number!r} version {by.version} takes effect on {by.effective_from}, not "
            f"after version {previous.version} in force since {previous.effective_from}; "
            "give a later --effective-from"
        )
    previous.status = VersionStatus.SUPERSEDED
    previous.effective_to = by.effective_from
