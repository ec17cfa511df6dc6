"""Read YAML and front matter with the line of each key, so every problem names its line."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import yaml

from asipack.model.errors import Problems


class DatesAsText(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml when present: faster
    """The safe YAML loader, with dates left as text: a checker turns them into dates, or says which line is not one.

    PyYAML would read `2027-13-45` as a date and stop with a bare ValueError.
    """


DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in DatesAsText.yaml_implicit_resolvers.items()
}
YAML_LOADER = DatesAsText


class Lines(dict):
    """The line of every key and list item of a YAML document, by its path: ("signs", "baby.floppy", "level")."""

    def of(self, *path: Any) -> int | None:
        """Return the line of a path, or of the nearest enclosing key that has one."""
        for end in range(len(path), 0, -1):
            line = self.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def node_lines(node: yaml.Node, prefix: tuple = (), lines: Lines | None = None) -> Lines:
    """Walk a composed YAML node and record the line of each mapping key and sequence item."""
    lines = Lines() if lines is None else lines
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = (*prefix, key_node.value)
            lines.setdefault(path, key_node.start_mark.line + 1)
            node_lines(value_node, path, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.setdefault((*prefix, index), item.start_mark.line + 1)
            node_lines(item, (*prefix, index), lines)
    return lines


def read_yaml(path: Path, problems: Problems) -> tuple[Any, Lines]:
    """Read a YAML file; return its data and the line of each key (see Lines).

    A malformed file is recorded as an error naming its line, and gives (None, Lines()).
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.error(path, None, "file not found")
        return None, Lines()
    try:
        node = yaml.compose(text, Loader=YAML_LOADER)
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        problems.cannot_read(
            path, line, f"this is not valid YAML ({reason}); check the indentation and quotes (checks that need this file were skipped)"
        )
        return None, Lines()
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key_node, _ in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 1
            if key in first:
                problems.error(path, line, f"'{key}' is defined twice (first on line {first[key]}); keep one")
            first.setdefault(key, line)
    return data, node_lines(node) if node is not None else Lines()


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
