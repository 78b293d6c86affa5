"""Load rule-set files into storage; several versions of a rule set coexist."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from plans.errors import ConflictError
from plans.rules.loading import load_rule_set
from plans.rules.schema import RuleSet
from plans.storage.municipalities import ensure_municipality
from plans.storage.rule_sets import add_rule_set, find_rule_set_row, rule_sets_in_force


@dataclass(frozen=True)
class RuleSetLoad:
    """The stored rule set and whether this load added it (False: identical, already stored)."""

    rule_set_id: int
    identifier: str
    version: str
    municipality: str
    zones: tuple[str, ...]
    added: bool


def load_rules(session: Session, path: Path, *, created_by: str | None = None) -> RuleSetLoad:
    """Validate a rule-set file and store it (flushes; the caller commits).

    Loading the same file twice is harmless; a different document under an identifier and
    version already stored is refused, because stored checks refer to it.
    """
    return store_rule_set(session, load_rule_set(path), created_by=created_by)


def store_rule_set(
    session: Session, rule_set: RuleSet, *, created_by: str | None = None
) -> RuleSetLoad:
    """Store a validated rule set unless the identical one is stored already."""
    municipality = ensure_municipality(session, rule_set.municipality)
    existing = find_rule_set_row(session, municipality.id, rule_set.rule_set, rule_set.version)
    if existing is not None and existing.document != rule_set.model_dump(mode="json"):
        raise ConflictError(
            f"rule set {rule_set.rule_set!r} version {rule_set.version!r} of "
            f"{rule_set.municipality} is stored with other content; give the file a new version"
        )
    row = existing or add_rule_set(session, municipality.id, rule_set, created_by=created_by)
    return RuleSetLoad(
        rule_set_id=row.id,
        identifier=rule_set.rule_set,
        version=rule_set.version,
        municipality=rule_set.municipality,
        zones=tuple(rule_set.zones),
        added=existing is None,
    )


def zone_rules_in_force(
    session: Session, municipality: str, zone_codes: Iterable[str], *, on: dt.date
) -> dict[str, dict[str, Any]]:
    """Return the rules in force on `on` of each of `zone_codes` that a rule set covers.

    The newest rule set in force that covers a code gives its rules (as in the permit check);
    codes no rule set covers are absent.
    """
    wanted = set(zone_codes)
    found: dict[str, dict[str, Any]] = {}
    for _rule_set_id, rule_set in rule_sets_in_force(session, municipality, on):
        for code in sorted(wanted - set(found)):
            if code in rule_set.zones:
                rules = rule_set.zones[code].model_dump(mode="json", exclude_none=True)
                found[code] = rules | {"rule_set": rule_set.rule_set, "version": rule_set.version}
    return found
