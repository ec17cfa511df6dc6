"""Write outputs atomically: a folder is built beside its target and swapped in, a file is written and renamed."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_directory(target: Path) -> Iterator[Path]:
    """Yield a fresh folder beside target; on success it becomes target, on failure it is removed."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in [*target.parent.glob(f"{target.name}.tmp-*"), *target.parent.glob(f"{target.name}.old-*")]:
        shutil.rmtree(leftover, ignore_errors=True)  # what a killed build left behind
    building = Path(tempfile.mkdtemp(prefix=f"{target.name}.tmp-", dir=target.parent))
    try:
        yield building
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    os.chmod(building, 0o755)
    retired = None
    if target.exists():
        retired = target.with_name(f"{target.name}.old-{os.getpid()}")
        os.replace(target, retired)
    os.replace(building, target)
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)


@contextlib.contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside target to write; on success it replaces target, on failure it is removed.

    The one way the package writes a file that another run may read (PDFs, cache records, packs):
    a reader sees the old file or the whole new one, never half of one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def write_text_atomic(target: Path, text: str) -> None:
    """Write a text file (UTF-8) atomically."""
    with atomic_file(target) as partial:
        partial.write_text(text, encoding="utf-8")
