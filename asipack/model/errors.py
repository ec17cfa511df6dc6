"""Name the things that can go wrong, and carry every problem found with its file and line."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import click


@dataclass(frozen=True)
class Problem:
    """One thing an author or maintainer has to fix, with where it is."""

    path: Path | str
    line: int | None
    message: str
    level: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        path = Path(self.path)
        try:
            path = path.resolve().relative_to(Path.cwd())
        except ValueError:
            pass
        where = f"{path}:{self.line}" if self.line else f"{path}"
        return f"{where}: {self.level}: {self.message}"


@dataclass
class Problems:
    """Collect problems during a phase, then report them all at once."""

    items: list[Problem] = field(default_factory=list)
    unreadable: set[Path] = field(default_factory=set)  # data files that did not parse: checks that need them stand down

    def error(self, path: Path | str, line: int | None, message: str) -> None:
        """Record an error."""
        self.items.append(Problem(path, line, message, "error"))

    def warning(self, path: Path | str, line: int | None, message: str) -> None:
        """Record a warning (an error under --strict)."""
        self.items.append(Problem(path, line, message, "warning"))

    def extend(self, other: Problems) -> None:
        """Add every problem of another collection."""
        self.items.extend(other.items)
        self.unreadable |= other.unreadable

    def cannot_read(self, path: Path, line: int | None, message: str) -> None:
        """Record that a data file does not parse, so the checks that depend on it do not bury the error."""
        self.error(path, line, message)
        self.unreadable.add(Path(path))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.level == "warning"]

    def raise_if_failing(self, *, strict: bool = False) -> None:
        """Raise ContentError if there is an error, or any warning under strict mode."""
        failing = self.items if strict else self.errors
        if failing:
            raise ContentError(self.items, strict=strict)


class AsipackError(click.ClickException):
    """Base of every error the build reports to a person: the command line prints it and exits 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the message as it is (it already says what to fix), without click's 'Error:' prefix."""
        click.echo(self.format_message(), err=True, file=file)


class ContentError(AsipackError):
    """The content has problems; each one names its file and line."""

    def __init__(self, problems: list[Problem], *, strict: bool = False):
        self.problems = problems
        errors = sum(p.level == "error" for p in problems)
        warnings = len(problems) - errors
        lines = [str(p) for p in problems]
        summary = f"{errors} error(s), {warnings} warning(s)"
        if strict and warnings:
            summary += " (--strict: warnings count as errors)"
        super().__init__("\n".join(lines + [summary]))


class BudgetError(AsipackError):
    """A leaflet does not fit the number of pages its catalogue entry allows."""


class RenderError(AsipackError):
    """A leaflet could not be rendered (WeasyPrint failed or a worker crashed)."""


@contextlib.contextmanager
def logged_warnings(logger_name: str) -> Iterator[list[str]]:
    """Collect the warnings a library logs (WeasyPrint, MkDocs) so the build can report them."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
