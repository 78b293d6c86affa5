"""Read a rule-set YAML file into a validated `RuleSet`, or say which key is wrong and why."""

from collections.abc import Hashable, Mapping
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from plans.errors import RuleFileError
from plans.rules.schema import UNION_TAGS, RuleSet

_MAX_LISTED = 10


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice (PyYAML would keep the last silently)."""


def _construct_unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Hashable] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.MarkedYAMLError(
                problem=f"key {key!r} appears twice in the same mapping", problem_mark=mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping
)


def load_rule_set(path: str | Path) -> RuleSet:
    """Read and validate the rule-set file at `path`.

    Parameters
    ----------
    path
        A YAML file following the rules contract of DESIGN.md.

    Returns
    -------
    RuleSet

    Raises
    ------
    RuleFileError
        When the file cannot be read, is not YAML, or breaks the contract. The message names the
        file and, for each problem (up to ten), the dotted path of the offending key, e.g.
        ``zones.RES_A.setbacks_m.front.min: must be >= 0``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(f"{path}: cannot read the rule file ({exc})") from exc
    return parse_rule_set(text, source_name=str(path))


def parse_rule_set(text: str, *, source_name: str = "<rules>") -> RuleSet:
    """Validate rule-set YAML `text`; `source_name` names it in error messages.

    Raises
    ------
    RuleFileError
        As `load_rule_set`.

    Examples
    --------
    >>> parse_rule_set("rule_set: x", source_name="x.yaml")
    Traceback (most recent call last):
    ...
    plans.errors.RuleFileError: x.yaml: 5 problems in the rule file
      municipality: required key is missing
      version: required key is missing
      effective_from: required key is missing
      source: required key is missing
      zones: required key is missing
    """
    try:
        data = yaml.load(
            text, Loader=_UniqueKeyLoader
        )  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        raise RuleFileError(f"{source_name}: not valid YAML: {_yaml_problem(exc)}") from exc
    if not isinstance(data, Mapping):
        got = type(data).__name__ if data is not None else "an empty file"
        raise RuleFileError(f"{source_name}: the top level must be a mapping of keys, got {got}")
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(_describe(exc, source_name)) from exc


def _yaml_problem(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = exc.problem_mark
        return f"{exc.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return str(exc)


def _describe(exc: ValidationError, source_name: str) -> str:
    lines = [f"{_key_path(error)}: {_message(error)}" for error in exc.errors()]
    if len(lines) == 1:
        return f"{source_name}: {lines[0]}"
    shown = lines[:_MAX_LISTED]
    if len(lines) > _MAX_LISTED:
        shown.append(f"... and {len(lines) - _MAX_LISTED} more")
    listing = "\n  ".join(shown)
    return f"{source_name}: {len(lines)} problems in the rule file\n  {listing}"


def _key_path(error: ErrorDetails) -> str:
    parts = [str(part) for part in error["loc"] if part not in UNION_TAGS]
    return ".".join(parts) if parts else "top level"


def _allowed_keys(loc: tuple[int | str, ...]) -> tuple[str, ...]:
    """Field names of the model found by following `loc` from `RuleSet` (empty if none)."""
    current: Any = RuleSet
    for part in loc:
        if part in UNION_TAGS:
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            current = field.annotation if field is not None else None
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        current = _model_in(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return tuple(current.model_fields)
    return ()


def _model_in(annotation: Any) -> Any:
    """Return the model or dict inside an optional, annotated or union `annotation`."""
    if get_origin(annotation) is Annotated:
        return _model_in(get_args(annotation)[0])
    if get_origin(annotation) in (Union, UnionType):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
        return None
    if get_origin(annotation) is dict:
        return annotation
    return (
        annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    )


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "greater_than_equal":
        return f"must be >= {ctx['ge']:g}, got {error['input']!r}"
    if kind == "less_than_equal":
        return f"must be <= {ctx['le']:g}, got {error['input']!r}"
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_keys(error["loc"][:-1]))
        return f"unknown key; allowed here: {allowed}" if allowed else "unknown key"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    message = error["msg"][:1].lower() + error["msg"][1:]
    return f"{message}, got {error['input']!r}"
