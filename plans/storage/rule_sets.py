"""Repository of rule sets: the validated YAML documents, versioned per municipality."""

import datetime as dt
import functools
import json

from sqlalchemy import Date, String, Text, bindparam, cast, or_, select
from sqlalchemy.orm import Session

from plans.rules.schema import RuleSet
from plans.storage.models import Municipality
from plans.storage.models import RuleSet as RuleSetRow
from plans.storage.prebuilt import Prebuilt

OZFS_FORMAT = "ozfs"
"""The `format` marker of rule-set documents imported from OZFS."""


def find_rule_set_row(
    session: Session, municipality_id: int, identifier: str, version: str
) -> RuleSetRow | None:
    """Return the stored rule set with this identifier and version, if any."""
    return session.scalar(
        select(RuleSetRow).where(
            RuleSetRow.municipality_id == municipality_id,
            RuleSetRow.identifier == identifier,
            RuleSetRow.version == version,
        )
    )


def add_rule_set(
    session: Session, municipality_id: int, rule_set: RuleSet, *, created_by: str | None = None
) -> RuleSetRow:
    """Store a validated rule set and return its row."""
    row = RuleSetRow(
        municipality_id=municipality_id,
        identifier=rule_set.rule_set,
        version=rule_set.version,
        effective_from=rule_set.effective_from,
        effective_to=rule_set.effective_to,
        source=rule_set.source,
        document=rule_set.model_dump(mode="json"),
        created_by=created_by,
    )
    session.add(row)
    session.flush()
    return row


def rule_sets_in_force(
    session: Session, municipality_code: str, on: dt.date
) -> list[tuple[int, RuleSet]]:
    """Return (id, rule set) of the municipality's rule sets in force on `on`, newest first.

    Rule sets imported from OZFS (``format: ozfs``) are for the OZFS engine and are left out.
    Each permit check asks this: the documents come back as text and are validated once per
    distinct text (`_parsed`), which saves a pydantic validation a check.
    """
    rows = _IN_FORCE.rows(session, {"municipality": municipality_code, "on": on})
    return [(rule_set_id, rules) for rule_set_id, text in rows if (rules := _parsed(text))]


@functools.lru_cache(maxsize=64)
def _parsed(document: str) -> RuleSet | None:
    """Validate a stored document's JSON text into a rule set (None for an OZFS one)."""
    loaded = json.loads(document)
    return None if loaded.get("format") == OZFS_FORMAT else RuleSet.model_validate(loaded)


_ON = bindparam("on", type_=Date)
_IN_FORCE = Prebuilt.compile(
    select(RuleSetRow.id, cast(RuleSetRow.document, Text))
    .join(Municipality, RuleSetRow.municipality_id == Municipality.id)
    .where(
        Municipality.code == bindparam("municipality", type_=String),
        RuleSetRow.effective_from <= _ON,
        or_(RuleSetRow.effective_to.is_(None), RuleSetRow.effective_to > _ON),
    )
    .order_by(RuleSetRow.effective_from.desc(), RuleSetRow.id.desc())
)


def list_rule_sets(session: Session) -> list[tuple[str, RuleSetRow]]:
    """Return (municipality code, row) of every stored rule set."""
    rows = session.execute(
        select(Municipality.code, RuleSetRow)
        .join(RuleSetRow, RuleSetRow.municipality_id == Municipality.id)
        .order_by(Municipality.code, RuleSetRow.identifier, RuleSetRow.effective_from)
    )
    return [(code, row) for code, row in rows]
