"""Repository of answered permit checks (the audit trail)."""

import datetime as dt
import secrets
from typing import Any

import orjson
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from plans.errors import NotFoundError
from plans.storage.models import PermitCheck
from plans.storage.prebuilt import Prebuilt


def new_reference(on: dt.date) -> str:
    """Return a fresh, unguessable check reference such as ``PC-20261125-9F2C41AB``."""
    return f"PC-{on:%Y%m%d}-{secrets.token_hex(4).upper()}"


def record_check(
    session: Session,
    *,
    reference: str,
    municipality_id: int,
    parcel_id: int | None,
    plan_version_id: int | None,
    rule_set_id: int | None,
    application: dict[str, Any],
    result: dict[str, Any],
) -> bool:
    """Store an answered check unless its reference is taken; return whether it was stored.

    One statement (INSERT ... ON CONFLICT DO NOTHING RETURNING): a reference drawn twice the
    same day is answered False, with no savepoint and no error in the transaction.
    """
    params = {
        "reference": reference,
        "municipality_id": municipality_id,
        "parcel_id": parcel_id,
        "plan_version_id": plan_version_id,
        "rule_set_id": rule_set_id,
        "application": orjson.dumps(application).decode(),
        "result": orjson.dumps(result).decode(),
        "verdict": result["verdict"],
    }
    return bool(_INSERT.rows(session, params))


_COLUMNS = (
    "reference",
    "municipality_id",
    "parcel_id",
    "plan_version_id",
    "rule_set_id",
    "application",
    "result",
    "verdict",
)
_INSERT = Prebuilt.compile(  # JSON goes as text, cast to jsonb by the statement
    insert(PermitCheck)
    .values({name: bindparam(name, type_=PermitCheck.__table__.c[name].type) for name in _COLUMNS})
    .on_conflict_do_nothing(index_elements=[PermitCheck.reference])
    .returning(PermitCheck.id)
)


def find_check(session: Session, reference: str) -> PermitCheck:
    """Return the stored check with `reference`, or raise `NotFoundError`."""
    row = session.scalar(select(PermitCheck).where(PermitCheck.reference == reference))
    if row is None:
        raise NotFoundError(f"no permit check {reference!r}")
    return row
