"""Check the pictures: no SVG feature WeasyPrint drops, nothing loaded from another host."""

from __future__ import annotations

import re

from asipack.model.errors import Problems
from asipack.model.pack import Pack

SVG_ALLOWED_FILTERS = {"feOffset", "feBlend"}


def check_svgs(pack: Pack, problems: Problems) -> None:
    """Pictures use no SVG feature that WeasyPrint drops, nor anything loaded from elsewhere."""
    images = pack.content_dir / "images"
    for path in sorted(images.glob("*.svg")) if images.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<(fe\w+|foreignObject)\b", text):
            element = match.group(1)
            if element not in SVG_ALLOWED_FILTERS:
                problems.error(
                    path,
                    text.count("\n", 0, match.start()) + 1,
                    f"<{element}> is dropped by WeasyPrint in the leaflets: draw it with plain shapes",
                )
        for match in re.finditer(r"""(?:href|src)\s*=\s*["'](https?:)?//""", text):
            problems.error(path, text.count("\n", 0, match.start()) + 1, "the picture loads something from another host")
