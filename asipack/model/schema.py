"""Validate data read from YAML or CSV against typed models, and report each mistake at its line.

The models are pydantic dataclasses with unknown keys forbidden. A validation error becomes one
problem per key, with the file and the line the key is on (from yamlio.Lines), in words for a
person: what is missing, what is unknown, what was expected. The value itself is never quoted
(hide_input_in_errors), so a register's personal data cannot leak into a message.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import ConfigDict, TypeAdapter, ValidationError

from asipack.model.errors import Problems
from asipack.model.yamlio import Lines, read_yaml

MODEL_CONFIG = ConfigDict(
    extra="forbid", hide_input_in_errors=True, str_strip_whitespace=True, defer_build=True
)  # built on first use: a no-op rebuild never pays for it

T = TypeVar("T")

EXPECTED = {  # pydantic error type -> what a person should write instead
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping of keys to values",
    "dataclass_type": "a mapping of keys to values",
    "dataclass_args_type": "a mapping of keys to values",
    "date_type": "a date written YYYY-MM-DD",
    "date_parsing": "a date written YYYY-MM-DD",
    "date_from_datetime_parsing": "a date written YYYY-MM-DD",
    "greater_than_equal": "a larger number",
    "literal_error": "one of the listed values",
    "string_too_short": "filled in",
}


def field_names(model: type) -> list[str]:
    """Return the keys a model accepts, for 'the keys are: ...'."""
    return list(getattr(model, "__dataclass_fields__", {}))


def describe(error: dict[str, Any], model: type, hidden: set[str]) -> str:
    """Say what one validation error means, naming the key but never its value."""
    loc = [str(part) for part in error["loc"] if not str(part).startswith(("function-", "union["))]
    key = ".".join(loc) or "the entry"
    kind = error["type"]
    if kind == "missing":
        return f"required key '{key}' is missing"
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        known = ", ".join(name for name in field_names(model) if name not in hidden)
        return f"unknown key '{key}'; the keys are: {known}"
    if kind in ("value_error", "assertion_error"):
        return f"'{key}': {error['msg'].removeprefix('Value error, ')}"
    if kind == "literal_error":
        return f"'{key}' must be {error['msg'].removeprefix('Input should be ')}"
    expected = EXPECTED.get(kind)
    if expected is None:
        return f"'{key}': {error['msg'][:1].lower()}{error['msg'][1:]}"
    return f"'{key}' must be {expected}"


ADAPTERS: dict[type, TypeAdapter[Any]] = {}


def adapter(model: type) -> TypeAdapter[Any]:
    """Return the validator of a model, built once per process (building it is the slow part)."""
    if model not in ADAPTERS:
        ADAPTERS[model] = TypeAdapter(model)
    return ADAPTERS[model]


def validate(
    model: type[T],
    data: Any,
    *,
    path: Path | str,
    lines: Lines,
    at: tuple,
    problems: Problems,
    what: str,
    given: dict[str, Any] | None = None,
    internal: tuple[str, ...] = (),
) -> T | None:
    """Build a model from one YAML entry; record one problem per wrong key, at its line, and return None.

    `at` is the entry's path in the file (for the lines); `given` are fields the code supplies
    (the entry's key, its line), which a person never writes and is never told about; nor is
    she told about `internal` fields, which the loader fills in.
    """
    given = given or {}
    if not isinstance(data, dict):
        problems.error(path, lines.of(*at), f"{what or 'the file'} must be a mapping of keys to values")
        return None
    try:
        return adapter(model).validate_python({**data, **given})
    except ValidationError as error:
        seen: set[str] = set()
        for item in error.errors():
            message = describe(dict(item), model, {*given, *internal})
            if message in seen:
                continue  # a union reports every alternative; one message per key is enough
            seen.add(message)
            key = [part for part in item["loc"] if isinstance(part, (str, int)) and not str(part).startswith(("function-", "union["))]
            problems.error(path, lines.of(*at, *key[:1]), f"{what}: {message}" if what else message)
        return None


def load_mapping(
    model: type[T], path: Path, problems: Problems, *, kind: str, contents: str, key_field: str, defaults: dict[str, Any] | None = None
) -> dict[str, T]:
    """Read a YAML file that maps keys to entries of one model (facts, sources, leaflets), each entry checked at its line.

    `contents` says what the file maps, for a file that is no mapping at all ("fact keys to their
    value, unit and source"); `defaults` fill keys an entry may leave out for the checker to explain.
    """
    data, lines = read_yaml(path, problems)
    if not isinstance(data, dict):
        if data is not None:
            problems.error(path, 1, f"{path.name} must be a mapping of {contents}")
        return {}
    found: dict[str, T] = {}
    for key, entry in data.items():
        if isinstance(entry, dict) and defaults:
            entry = {**defaults, **entry}
        item = validate(
            model,
            entry,
            path=path,
            lines=lines,
            at=(str(key),),
            problems=problems,
            what=f"{kind} '{key}'",
            given={key_field: str(key), "line": lines.of(str(key)) or 1},
        )
        if item is not None:
            found[str(key)] = item
    return found
