import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.ozfs.errors import ExpressionError, MissingVariableError
from plans.ozfs.expressions import MAX_LENGTH, compile_expression

NAMES = {"lot_width", "total_units"}


def value(text, **variables):
    return compile_expression(text, variables=NAMES).evaluate(variables)


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("4 * total_units", {"total_units": 12}, 48.0),
        ("0.16 + 0.02 * (total_units - 3)", {"total_units": 12}, pytest.approx(0.34)),
        ("max(5, 0.1 * lot_width)", {"lot_width": 62}, pytest.approx(6.2)),
        ("min(5, 0.1 * lot_width)", {"lot_width": 62}, 5.0),
        ("-lot_width + 2 ** 3", {"lot_width": 1}, 7.0),
        ("25", {}, 25.0),
    ],
)
def test_evaluates_ozfs_values(text, variables, expected):
    assert value(text, **variables) == expected


@pytest.mark.parametrize(
    ("text", "units", "expected"),
    [
        ("total_units <= 3", 3, True),
        ("total_units > 3", 3, False),
        ("total_units > 3 and total_units < 10", 4, True),
        ("not total_units > 3 or total_units == 12", 12, True),
        ("1 < total_units < 3", 2, True),
    ],
)
def test_evaluates_conditions(text, units, expected):
    test = compile_expression(text, variables=NAMES, kind="condition")
    assert test.evaluate({"total_units": units}) is expected


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("__import__('os').system('true')", "the call .__import__"),
        ("open('/etc/passwd')", "the call .open"),
        ("lot_width.__class__", "construct .lot_width.__class__. at column 1"),
        ("lot_width[0]", "construct .lot_width\\[0\\]"),
        ("(lambda: 1)()", "the call"),
        ("[1, 2]", "construct"),
        ("'abc'", "the constant"),
        ("True", "the constant 'True'"),
        ("height + 1", "unknown name 'height' at column 1"),
        ("lot_width if 1 else 2", "construct"),
        ("1 // 2", "operator in '1 // 2'"),
        ("1 % 2", "operator in"),
        ("1 is 1", "comparison in"),
        ("max(*lot_width)", "the call"),
        ("max(a=1)", "the call"),
        ("min()", "the call 'min\\(\\)'"),
        ("1 +", "not well formed"),
        ("lot_width; 1", "not well formed"),
        ("(1 > 2) + 1", "a condition used as a number"),
        ("1 and 2", "a number used as a condition"),
        ("max(" + "1," * 240 + "1)", "too large"),
        ("-(" * 30 + "1" + ")" * 30, "nests deeper"),
        ("1" * (MAX_LENGTH + 1), "characters"),
    ],
)
def test_refuses_what_is_not_allowed(text, match):
    with pytest.raises(ExpressionError, match=match):
        compile_expression(text, variables=NAMES)


@pytest.mark.parametrize(
    "text", ["1 / 0", "10.0 ** 10 ** 10", "(0 - 8) ** 0.5", "0 ** -1", "lot_width / 0"]
)
def test_arithmetic_errors_are_expression_errors(text):
    with pytest.raises(ExpressionError, match=r"cannot be evaluated|not a finite"):
        value(text, lot_width=1)


def test_missing_variable_is_named():
    with pytest.raises(MissingVariableError, match="needs lot_width"):
        value("0.1 * lot_width")


def test_condition_where_a_number_is_expected():
    with pytest.raises(ExpressionError, match="gives a condition, expected a number"):
        compile_expression("total_units > 3", variables=NAMES)


# --- property tests -------------------------------------------------------------------------

numbers = st.floats(min_value=-1e3, max_value=1e3, allow_nan=False).map(lambda v: round(v, 3))


@st.composite
def trees(draw, depth=0):
    """An arithmetic expression as (text, expected value computed by Python arithmetic)."""
    if depth > 3 or draw(st.booleans()):
        if draw(st.booleans()):
            number = draw(numbers)
            return repr(number), number
        name = draw(st.sampled_from(sorted(NAMES)))
        return name, VARS[name]
    kind = draw(st.sampled_from(["+", "-", "*", "/", "neg", "min", "max"]))
    left_text, left = draw(trees(depth=depth + 1))
    if kind == "neg":
        return f"-({left_text})", -left
    right_text, right = draw(trees(depth=depth + 1))
    if kind in ("min", "max"):
        func = min if kind == "min" else max
        return f"{kind}({left_text}, {right_text})", func(left, right)
    if kind == "/" and right == 0:
        return f"({left_text}) * ({right_text})", left * right
    ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b}
    ops |= {"*": lambda a, b: a * b, "/": lambda a, b: a / b}
    return f"({left_text}) {kind} ({right_text})", ops[kind](left, right)


VARS = {"lot_width": 62.5, "total_units": 4.0}


@settings(max_examples=300, deadline=None)
@given(trees())
def test_random_arithmetic_equals_python_arithmetic(tree):
    text, expected = tree
    got = compile_expression(text, variables=NAMES).evaluate(VARS)
    assert math.isclose(got, expected, rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_random_text_never_runs_and_fails_clearly(text):
    try:
        result = compile_expression(text, variables=NAMES).evaluate(VARS)
    except ExpressionError as error:
        assert str(error)
    else:
        assert isinstance(result, float)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "__import__",
                "(",
                ")",
                ".",
                "os",
                "[",
                "]",
                "lambda",
                ":",
                ",",
                "'x'",
                "1",
                "lot_width",
                "+",
                "**",
                "getattr",
                "exec",
                "*",
                "=",
                ";",
                "\n",
                "min",
                "max",
            ]
        ),
        max_size=25,
    )
)
def test_random_tokens_never_run(tokens):
    text = " ".join(tokens)
    try:
        compile_expression(text, variables=NAMES).evaluate(VARS)
    except ExpressionError:
        pass
