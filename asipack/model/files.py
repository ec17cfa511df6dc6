"""Replace an output folder atomically: build beside it, then swap, so a failed build loses nothing."""

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


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file under a temporary name, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)
