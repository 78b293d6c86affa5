"""`Literal` choices of the zoning domain, each with the tuple of its allowed values."""

from typing import Literal, TypeAlias

SplitZonePolicy: TypeAlias = Literal["strictest", "per_part", "needs_review"]
"""How a plot lying in several zones is judged."""

SPLIT_ZONE_POLICIES: tuple[SplitZonePolicy, ...] = ("strictest", "per_part", "needs_review")

OverlayEffect: TypeAlias = Literal["needs_review", "fail"]
"""What an overlay (heritage, flood, no-build) does to a plot it touches."""

OVERLAY_EFFECTS: tuple[OverlayEffect, ...] = ("needs_review", "fail")

RuleStatus: TypeAlias = Literal["pass", "fail", "needs_review", "not_applicable"]
"""Outcome of one rule."""

RULE_STATUSES: tuple[RuleStatus, ...] = ("pass", "fail", "needs_review", "not_applicable")

Verdict: TypeAlias = Literal["eligible", "not_eligible", "needs_review"]
"""Outcome of a whole permit check."""

VERDICTS: tuple[Verdict, ...] = ("eligible", "not_eligible", "needs_review")

EdgeKind: TypeAlias = Literal["front", "side", "rear", "unknown"]
"""Role of a parcel edge for setbacks; ``unknown`` when the plot touches no road."""

EDGE_KINDS: tuple[EdgeKind, ...] = ("front", "side", "rear", "unknown")

SetbackKind: TypeAlias = Literal["front", "side", "rear"]
"""The setback families a rule set can give."""

SETBACK_KINDS: tuple[SetbackKind, ...] = ("front", "side", "rear")


def check_choice(value: str, allowed: tuple[str, ...], *, name: str) -> None:
    """Raise `ValueError` listing the allowed values when `value` is not one of `allowed`.

    Examples
    --------
    >>> check_choice("strictest", SPLIT_ZONE_POLICIES, name="split_zone")
    >>> check_choice("loose", SPLIT_ZONE_POLICIES, name="split_zone")
    Traceback (most recent call last):
    ...
    ValueError: split_zone must be one of 'strictest', 'per_part', 'needs_review'; got 'loose'
    """
    if value not in allowed:
        listed = ", ".join(repr(choice) for choice in allowed)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
