"""Repository of municipalities."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from plans.errors import NotFoundError
from plans.storage.models import Municipality


def find_municipality(session: Session, code: str) -> Municipality:
    """Return the municipality with `code`, or raise `NotFoundError`."""
    found = session.scalar(select(Municipality).where(Municipality.code == code))
    if found is None:
        raise NotFoundError(f"no municipality {code!r}")
    return found


def ensure_municipality(
    session: Session, code: str, *, name_en: str | None = None, name_ar: str | None = None
) -> Municipality:
    """Return the municipality with `code`, adding it first when it does not exist."""
    found = session.scalar(select(Municipality).where(Municipality.code == code))
    if found is not None:
        return found
    created = Municipality(code=code, name_en=name_en, name_ar=name_ar)
    session.add(created)
    session.flush()
    return created
