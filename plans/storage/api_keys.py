"""Repository of API keys."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from plans.errors import NotFoundError
from plans.storage.models import ApiKey, Municipality


def add_key(
    session: Session,
    *,
    prefix: str,
    secret_hash: str,
    role: str,
    municipality_id: int | None,
    label: str,
    created_by: str,
) -> ApiKey:
    """Store a key (its secret already hashed)."""
    key = ApiKey(
        prefix=prefix,
        secret_hash=secret_hash,
        role=role,
        municipality_id=municipality_id,
        label=label,
        created_by=created_by,
    )
    session.add(key)
    session.flush()
    return key


def find_active_key(session: Session, prefix: str) -> tuple[ApiKey, str | None]:
    """Return the unrevoked key with `prefix` and its municipality code, or raise NotFoundError."""
    row = session.execute(
        select(ApiKey, Municipality.code)
        .outerjoin(Municipality, ApiKey.municipality_id == Municipality.id)
        .where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"no active key {prefix!r}")
    return row[0], row[1]


def revoke_key(session: Session, prefix: str, *, now: dt.datetime) -> None:
    """Revoke the key with `prefix`."""
    key, _ = find_active_key(session, prefix)
    key.revoked_at = now
    session.flush()


def list_keys(session: Session) -> list[tuple[ApiKey, str | None]]:
    """Return every key with its municipality code (hashes included; never print them)."""
    rows = session.execute(
        select(ApiKey, Municipality.code)
        .outerjoin(Municipality, ApiKey.municipality_id == Municipality.id)
        .order_by(ApiKey.id)
    )
    return [(key, code) for key, code in rows]
