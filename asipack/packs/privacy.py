"""Keep personal packs private: a safe output folder, owner-only files written atomically."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path

from asipack.model.errors import AsipackError
from asipack.model.files import atomic_file

PACK_PATTERN = "row-{row:0{width}d}.pdf"


VISIT_FILES = ("visits.ics", "visits.csv")  # the midwife's visit list, beside the packs


PACK_GLOB = re.compile(r"row-\d+\.pdf|visits\.ics|visits\.csv")  # what a run writes (and --replace deletes)


class OutputError(AsipackError):
    """The output folder is not a safe place for personal packs."""


def check_output_dir(out_dir: Path, root: Path, *, replace: bool) -> Path:
    """Refuse an output folder that is published, could be committed, or holds an earlier run's packs.

    Inside the project, packs go under private/ (which git ignores); site/ is refused by name.
    """
    resolved = out_dir.expanduser().resolve()
    project = root.resolve()
    site = project / "site"
    if resolved == site or site in resolved.parents:
        raise OutputError(f"{out_dir}: personal packs never go inside site/ (it is published); choose a private folder, e.g. private/packs")
    private = project / "private"
    if (resolved == project or project in resolved.parents) and not (resolved == private or private in resolved.parents):
        raise OutputError(
            f"{out_dir}: inside the project, personal packs go under private/ (git ignores it), "
            f"so they are never published or committed; e.g. private/packs"
        )
    if resolved.exists() and not resolved.is_dir():
        raise OutputError(f"{out_dir}: this is a file, not a folder")
    earlier = [p for p in resolved.iterdir() if PACK_GLOB.fullmatch(p.name)] if resolved.is_dir() else []
    if earlier and not replace:
        raise OutputError(
            f"{out_dir}: this folder holds {len(earlier)} pack(s) or visit list(s) from an earlier run; "
            f"choose an empty folder, or pass --replace to delete them first"
        )
    return resolved


def prepare_output_dir(resolved: Path, *, replace: bool) -> None:
    """Create the folder for the owner only, and delete earlier packs when asked to."""
    resolved.mkdir(mode=0o700, parents=True, exist_ok=True)
    if replace:
        for path in resolved.iterdir():
            if PACK_GLOB.fullmatch(path.name):
                path.unlink()


def write_private(target: Path, write: Callable[[io.BufferedWriter], None]) -> None:
    """Write a file readable by its owner only (0600), atomically: a temporary name, then rename."""
    with (
        atomic_file(target) as partial,
        os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600), "wb") as handle,
    ):
        os.fchmod(handle.fileno(), 0o600)  # whatever the umask
        write(handle)
