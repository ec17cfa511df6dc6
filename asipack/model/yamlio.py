"""Read YAML and front matter with the line of each key, so every problem names its line."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml

from asipack.model.errors import Problems

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: the same result, faster


def read_yaml(path: Path, problems: Problems) -> tuple[Any, dict[str, int]]:
    """Read a YAML file; return its data and the line of each top-level key.

    A malformed file is recorded as an error naming its line, and gives (None, {}).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.error(path, None, "file not found")
        return None, {}
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        problems.error(path, line, f"this is not valid YAML ({reason}); check the indentation and quotes")
        return None, {}
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key = str(key_node.value)
            if key in lines:
                problems.error(path, key_node.start_mark.line + 1,
                               f"'{key}' is defined twice (first on line {lines[key]}); keep one")
            lines.setdefault(key, key_node.start_mark.line + 1)
    return data, lines


def split_front_matter(path: Path, text: str, problems: Problems) -> tuple[dict, dict[str, int], str, int]:
    """Split a page into front matter, the line of each front-matter key, body and body line."""
    if not text.startswith("---\n"):
        problems.error(path, 1, "a page must start with front matter between two '---' lines")
        return {}, {}, text, 1
    end = text.find("\n---\n", 4)
    if end == -1:
        problems.error(path, 1, "the front matter has no closing '---' line")
        return {}, {}, text, 1
    raw = text[4:end]
    body = text[end + 5 :]
    body_line = raw.count("\n") + 4
    try:
        node = yaml.compose(raw, Loader=YAML_LOADER)
        meta = yaml.load(raw, Loader=YAML_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.error(path, (mark.line + 2) if mark else 1, "the front matter is not valid YAML")
        return {}, {}, body, body_line
    if not isinstance(meta, dict):
        problems.error(path, 2, "the front matter must be a mapping of keys to values")
        return {}, {}, body, body_line
    meta_lines = {}
    if isinstance(node, yaml.MappingNode):
        meta_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    return meta, meta_lines, body, body_line


def as_date(value: Any) -> datetime.date | None:
    """Return a front-matter date as a date, or None if it is not one."""
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None
