"""A safe evaluator of OZFS rule expressions such as ``"0.16 + 0.02 * (total_units - 3)"``.

The text is parsed with Python's `ast` and every node is checked against an allow-list before
anything runs: numbers, names from a known set of variables, ``+ - * / **``, unary minus,
comparisons, ``and``/``or``/``not`` and the functions ``min`` and ``max``. Nothing else (no
attribute access, no other calls, no subscripts, no strings) is accepted, and the size and depth
of the tree are limited. The checked tree is compiled into nested closures over floats, so no
Python code from the file is ever executed and overflow or division by zero raise
`ExpressionError`.
"""

import ast
import math
import operator
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from plans.ozfs.errors import ExpressionError, MissingVariableError

MAX_LENGTH = 500
"""Longest expression text accepted (characters)."""
MAX_NODES = 200
"""Most syntax-tree nodes accepted."""
MAX_DEPTH = 24
"""Deepest nesting of syntax-tree nodes accepted."""

Kind = Literal["number", "condition"]
Value = float | bool
Variables = Mapping[str, float]
_Fn = Callable[[Variables], Value]

_ARITHMETIC: dict[type[ast.operator], Callable[[float, float], float]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_COMPARISONS: dict[type[ast.cmpop], Callable[[float, float], bool]] = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_FUNCTIONS = {"min": min, "max": max}
_ALLOWED = (
    "numbers, the variables {names}, + - * / **, unary minus, comparisons "
    "(< <= > >= == !=), and/or/not, min(...) and max(...)"
)


@dataclass(frozen=True)
class Expression:
    """A checked expression, ready to evaluate; `kind` says whether it gives a number or a test.

    Examples
    --------
    >>> rule = compile_expression("max(5, 0.1 * lot_width)", variables={"lot_width"})
    >>> rule.evaluate({"lot_width": 62.0})
    6.2
    """

    text: str
    kind: Kind
    names: frozenset[str]
    _fn: _Fn

    def evaluate(self, variables: Variables) -> Value:
        """Evaluate with `variables` (floats in OZFS units).

        Raises
        ------
        MissingVariableError
            When a variable the expression uses has no value.
        ExpressionError
            On overflow, division by zero or a result that is not finite.
        """
        missing = sorted(self.names - variables.keys())
        if missing:
            raise MissingVariableError(
                f"expression {self.text!r} needs {', '.join(missing)}, which the check lacks"
            )
        try:
            value = self._fn(variables)
        except (OverflowError, ZeroDivisionError, ValueError, TypeError) as error:
            raise ExpressionError(
                f"expression {self.text!r} cannot be evaluated: {error}"
            ) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise ExpressionError(f"expression {self.text!r} gives {value}, not a finite number")
        return value


def compile_expression(
    text: str, *, variables: Collection[str], kind: Kind = "number"
) -> Expression:
    """Check `text` against the allow-list and compile it.

    Parameters
    ----------
    text
        The expression, e.g. ``"4 * total_units"`` or ``"total_units > 3"``.
    variables
        The variable names the expression may use.
    kind
        ``number`` for a value, ``condition`` for a test.

    Raises
    ------
    ExpressionError
        Naming the offending token and its column when `text` is not an allowed expression.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression of {len(text)} characters: at most {MAX_LENGTH}")
    tree = _parse(text)
    _check_size(tree, text)
    compiler = _Compiler(text, frozenset(variables))
    fn, got = compiler.compile(tree.body)
    if got != kind:
        raise ExpressionError(f"expression {text!r} gives a {got}, expected a {kind}")
    return Expression(text=text, kind=kind, names=frozenset(compiler.used), _fn=fn)


def _parse(text: str) -> ast.Expression:
    try:
        return ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        detail = getattr(error, "msg", None) or str(error) or type(error).__name__
        raise ExpressionError(f"expression {text!r} is not well formed: {detail}") from None


def _check_size(tree: ast.Expression, text: str) -> None:
    nodes = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise ExpressionError(f"expression {text!r} is too large: over {MAX_NODES} nodes")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression {text!r} nests deeper than {MAX_DEPTH} levels")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


class _Compiler:
    """Turn an allowed tree into closures; refuse any other node, naming it."""

    def __init__(self, text: str, variables: frozenset[str]) -> None:
        self.text = text
        self.variables = variables
        self.used: set[str] = set()

    def refuse(self, node: ast.AST, what: str) -> ExpressionError:
        token = ast.get_source_segment(self.text.strip(), node) or type(node).__name__
        column = getattr(node, "col_offset", 0) + 1
        allowed = _ALLOWED.format(names=", ".join(sorted(self.variables)) or "(none)")
        return ExpressionError(
            f"expression {self.text!r}: {what} {token!r} at column {column} is not allowed; "
            f"use only {allowed}"
        )

    def compile(self, node: ast.AST) -> tuple[_Fn, Kind]:
        handlers: dict[type[ast.AST], Callable[[ast.AST], tuple[_Fn, Kind]]] = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.BinOp: self._binop,
            ast.UnaryOp: self._unary,
            ast.Compare: self._compare,
            ast.BoolOp: self._boolop,
            ast.Call: self._call,
        }
        handler = handlers.get(type(node))
        if handler is None:
            raise self.refuse(node, "the construct")
        return handler(node)

    def number(self, node: ast.AST) -> _Fn:
        fn, kind = self.compile(node)
        if kind != "number":
            raise self.refuse(node, "a condition used as a number,")
        return fn

    def condition(self, node: ast.AST) -> _Fn:
        fn, kind = self.compile(node)
        if kind != "condition":
            raise self.refuse(node, "a number used as a condition,")
        return fn

    def _constant(self, node: ast.AST) -> tuple[_Fn, Kind]:
        assert isinstance(node, ast.Constant)
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.refuse(node, "the constant")
        number = float(value)
        return (lambda _: number), "number"

    def _name(self, node: ast.AST) -> tuple[_Fn, Kind]:
        assert isinstance(node, ast.Name)
        name = node.id
        if name not in self.variables:
            raise self.refuse(node, "the unknown name")
        self.used.add(name)
        return (lambda v: float(v[name])), "number"

    def _binop(self, node: ast.AST) -> tuple[_Fn, Kind]:
        assert isinstance(node, ast.BinOp)
        op = _ARITHMETIC.get(type(node.op))
        if op is None:
            raise self.refuse(node, "the operator in")
        left, right = self.number(node.left), self.number(node.right)
        return (lambda v: float(op(float(left(v)), float(right(v))))), "number"

    def _unary(self, node: ast.AST) -> tuple[_Fn, Kind]:
        assert isinstance(node, ast.UnaryOp)
        if isinstance(node.op, ast.USub):
            inner = self.number(node.operand)
            return (lambda v: -float(inner(v))), "number"
        if isinstance(node.op, ast.UAdd):
            return self.number(node.operand), "number"
        if isinstance(node.op, ast.Not):
            test = self.condition(node.operand)
            return (lambda v: not test(v)), "condition"
        raise self.refuse(node, "the operator in")

    def _compare(self, node: ast.AST) -> tuple[_Fn, Kind]:
        assert isinstance(node, ast.Compare)
        operands = [self.number(node.left), *(self.number(item) for item in node.comparators)]
        ops = []
        for op_node in node.ops:
            op = _COMPARISONS.get(type(op_node))
            if op is None:
                raise self.refuse(node, "the comparison in")
            ops.append(op)

        def compare(v: Variables) -> bool:
            values = [float(operand(v)) for operand in operands]
            return all(op(a, b) for op, a, b in zip(ops, values, values[1:], strict=False))

        return compare, "condition"

    def _boolop(self, node: ast.AST) -> tuple[_Fn, Kind]:
        assert isinstance(node, ast.BoolOp)
        tests = [self.condition(value) for value in node.values]
        if isinstance(node.op, ast.And):
            return (lambda v: all(test(v) for test in tests)), "condition"
        return (lambda v: any(test(v) for test in tests)), "condition"

    def _call(self, node: ast.AST) -> tuple[_Fn, Kind]:
        assert isinstance(node, ast.Call)
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name not in _FUNCTIONS or node.keywords or not node.args:
            raise self.refuse(node, "the call")
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.refuse(node, "the call")
        choose = _FUNCTIONS[name]
        args = [self.number(arg) for arg in node.args]
        return (lambda v: float(choose(float(arg(v)) for arg in args))), "number"
