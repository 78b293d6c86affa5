"""Errors of reading and evaluating OZFS (Open Zoning Feed Specification) files."""

from plans.errors import PlanError


class OzfsFileError(PlanError, ValueError):
    """An OZFS zoning, parcel or building file is unreadable or breaks the format."""


class ExpressionError(PlanError, ValueError):
    """An OZFS rule expression is malformed, too large, or uses something not allowed."""


class MissingVariableError(ExpressionError):
    """An expression needs a variable whose value the check does not know."""
