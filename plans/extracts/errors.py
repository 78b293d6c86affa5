"""Errors of plan extracts; each derives from `PlanError` so every layer reports it in one line."""

from plans.errors import PlanError


class ExtractInputError(PlanError, ValueError):
    """An extract was asked with unusable options (paper, scale, language, bbox, parcel fit)."""


class ShapingUnavailableError(PlanError, RuntimeError):
    """matplotlib was built without libraqm, so Arabic text would print unjoined and reversed."""
