"""Rule sets: list them, load a YAML rule-set file (admin)."""

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from api.auth import PrincipalDep
from api.deps import SessionDep
from plans.access import require
from plans.rules.loading import parse_rule_set
from plans.rulesets import store_rule_set
from plans.storage.rule_sets import list_rule_sets

router = APIRouter(tags=["rules"])


async def yaml_text(request: Request) -> str:
    """Return the request body as text (the size limit is enforced by the body-limit middleware)."""
    return (await request.body()).decode("utf-8", errors="replace")


@router.get("/rule-sets", summary="Stored rule sets")
def read_rule_sets(session: SessionDep) -> list[dict[str, Any]]:
    """List the stored rule sets with their effective dates and sources."""
    return [
        {
            "municipality": code,
            "rule_set": row.identifier,
            "version": row.version,
            "effective_from": row.effective_from.isoformat(),
            "effective_to": row.effective_to.isoformat() if row.effective_to else None,
            "source": row.source,
        }
        for code, row in list_rule_sets(session)
    ]


@router.post("/rule-sets", status_code=201, summary="Load a rule set (YAML)")
def post_rule_set(
    text: Annotated[str, Depends(yaml_text)], session: SessionDep, principal: PrincipalDep
) -> dict[str, Any]:
    """Validate and store a rule-set file; the error names the offending key (admin)."""
    rule_set = parse_rule_set(text, source_name="request body")
    require(principal, "load_rules", rule_set.municipality)
    return asdict(store_rule_set(session, rule_set, created_by=principal.actor))
