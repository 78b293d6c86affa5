"""Resolve an OZFS rule value (number, expression, choices or cases) to a number."""

from collections.abc import Mapping
from typing import Literal

from plans.ozfs.document import Case, Select, ValueSpec, expression

Bound = Literal["min", "max"]


def resolve(spec: ValueSpec, variables: Mapping[str, float], *, bound: Bound) -> float | None:
    """Return the value `spec` gives for `variables` (OZFS units); None when no case applies.

    A list of ``select`` choices is a list of limits that all apply, so the binding one is
    taken: the largest of minimums, the smallest of maximums. A list of condition cases gives
    the expression of the first case whose conditions all hold.

    Raises
    ------
    plans.ozfs.errors.MissingVariableError
        When an expression needs a variable `variables` lacks.

    Examples
    --------
    >>> from plans.ozfs.document import Select
    >>> side = (Select(select="max", expressions=(5, "0.1 * lot_width")),)
    >>> resolve(side, {"lot_width": 62}, bound="min")
    6.2
    """
    if isinstance(spec, float | int):
        return float(spec)
    if isinstance(spec, str):
        return float(expression(spec).evaluate(variables))
    if all(isinstance(item, Case) for item in spec):
        for case in spec:
            assert isinstance(case, Case)
            if all(expression(test, "condition").evaluate(variables) for test in case.conditions):
                return resolve(case.expression, variables, bound=bound)
        return None
    values = [_select(item, variables) for item in spec if isinstance(item, Select)]
    return max(values) if bound == "min" else min(values)


def _select(choice: Select, variables: Mapping[str, float]) -> float:
    values = [
        float(expression(str(v)).evaluate(variables)) if isinstance(v, str) else float(v)
        for v in choice.expressions
    ]
    return max(values) if choice.select == "max" else min(values)
