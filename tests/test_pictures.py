"""The pictures keep to the illustration kit, and every one of them prints as a whole drawing."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from asipack.checks.picture_kit import check_picture_kit
from asipack.model.errors import Problems

from .conftest import PROJECT, line_with
from .test_checks import problems_of

IMAGES = PROJECT / "content" / "images"
PICTURES = sorted(IMAGES.glob("*.svg"))
PALETTE = (IMAGES / "palette.yml").read_text(encoding="utf-8")
GOOD = """\
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 240" role="img">
<g stroke="#1f2a44" stroke-width="3" stroke-linecap="round" stroke-linejoin="round">
<circle cx="120" cy="120" r="60" fill="#d69e6e"/>
{extra}
</g>
</svg>
"""


def test_the_real_pictures_keep_to_the_kit():
    problems = Problems()
    check_picture_kit(IMAGES, problems)
    assert not problems.items, "\n".join(str(p) for p in problems.items)


def test_a_good_picture_passes(tmp_pack):
    root = tmp_pack({"content/images/palette.yml": PALETTE, "content/images/good.svg": GOOD.format(extra="")})
    assert "good.svg" not in problems_of(root)


SEEDED_FAULTS = [
    (
        '<path d="M10 10 H50" fill="#ff0000"/>',
        "error: fill colour '#ff0000' is not in the kit's palette (content/images/palette.yml) (nearest: accent #c8553d)",
    ),
    ('<path d="M10 10 H50" style="fill: red"/>', "error: fill colour 'red' is not in the kit's palette"),
    ('<path d="M10 10 H50" stroke="#c8553d"/>', "error: stroke colour '#c8553d' (accent): the kit draws every line in ink"),
    ('<path d="M10 10 H50" fill="#8fb9a8" fill-opacity="0.4"/>', 'error: fill-opacity="0.4": the kit uses flat, solid fills'),
    ('<path d="M10 10 H50" stroke-width="4"/>', 'error: stroke-width "4": the kit draws every line 3 wide on this grid'),
    ('<path d="M10 10 H50" style="stroke-width: 2"/>', 'error: stroke-width "2": the kit draws every line 3 wide'),
    ('<path d="M10 10 H50" stroke-linecap="butt"/>', 'error: stroke-linecap="butt": the kit uses round caps and joins'),
    ('<text x="10" y="20">1</text>', "error: <text> in a picture: labels belong in the page"),
    ('<image href="photo.png" width="10" height="10"/>', "error: <image> in a picture: no raster"),
    ('<path d="M0 0" fill="#ffffff" style="fill: url(data:image/png;base64,iVBOR)"/>', "error: raster data (data:image/...) in a picture"),
    ('<linearGradient id="g"><stop offset="0" stop-color="#1f2a44"/></linearGradient>', "error: a gradient: the kit uses flat fills only"),
    ('<path d="M10 10 H50" fill="url(#g)"/>', 'error: fill="url(#g)" paints with a gradient or pattern'),
    ('<filter id="f"><feOffset dx="1"/></filter>', "error: a filter: the kit uses flat fills only"),
    ('<mask id="m"><rect width="10" height="10" fill="#ffffff"/></mask>', "error: a mask: draw the visible shape as a path instead"),
    (
        '<pattern id="p" width="4" height="4"><rect width="2" height="2" fill="#1f2a44"/></pattern>',
        "error: a pattern: the kit uses flat fills only",
    ),
    ("<style>path { fill: #123456 }</style>", "error: a <style> block: use presentation attributes"),
]


def test_each_seeded_fault_names_the_file_the_line_and_the_fix(tmp_pack):
    files = {f"content/images/fault-{n:02d}.svg": GOOD.format(extra=extra) for n, (extra, _) in enumerate(SEEDED_FAULTS)}
    root = tmp_pack({"content/images/palette.yml": PALETTE, **files})
    report = problems_of(root)  # one run of the whole checker, as the build does it
    missing = []
    for n, (extra, message) in enumerate(SEEDED_FAULTS):
        name = f"content/images/fault-{n:02d}.svg"
        expected = f"{name}:{line_with(root, name, extra[:12])}: {message}"
        if expected not in report:
            missing.append(expected)
    assert not missing, "not reported:\n" + "\n".join(missing) + "\n--- report:\n" + report


def test_icons_and_pictograms_use_their_own_grid_and_stroke(tmp_pack):
    icon = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48" role="img">\n<path d="M4 4 H40" stroke="#1f2a44" stroke-width="3"/>\n</svg>\n'
    root = tmp_pack(
        {
            "content/images/palette.yml": PALETTE,
            "content/images/sign-test.svg": icon,
            "content/images/wrong-grid.svg": icon.replace(' stroke-width="3"', ' stroke-width="2.5"'),
        }
    )
    report = problems_of(root)
    assert 'content/images/sign-test.svg:2: error: stroke-width "3": the kit draws every line 2.5 wide on this grid' in report
    assert (
        "content/images/wrong-grid.svg:1: error: viewBox '0 0 48 48' is not the kit's grid: a picture uses viewBox=\"0 0 240 240\""
        in report
    )


def test_raster_files_a_missing_palette_and_a_large_file_are_reported(tmp_pack):
    big = GOOD.format(extra="\n".join(f'<path d="M{n} 10 H50"/>' for n in range(400)))
    root = tmp_pack({"content/images/big.svg": big, "content/images/photo.png": "not really a png"})
    report = problems_of(root)
    assert "content/images/photo.png: error: a raster picture: the kit draws every picture as an SVG" in report
    assert "content/images/palette.yml: error: the kit's palette is missing: add palette.yml" in report
    assert "content/images/big.svg: warning: the picture is" in report and "under 6 KB" in report


def test_a_broken_svg_names_its_line(tmp_pack):
    root = tmp_pack({"content/images/palette.yml": PALETTE, "content/images/broken.svg": GOOD.format(extra="<path d='M0 0'>")})
    line = line_with(root, "content/images/broken.svg", "</g>")  # where the unclosed <path> is found out
    assert f"content/images/broken.svg:{line}: error: the picture is not well-formed SVG (mismatched tag)" in problems_of(root)


# --- Every picture prints as a whole drawing: not blank, not cut off at its edge ----------------

INK = (0x1F, 0x2A, 0x44)
SIDE_PX = 240  # each picture is rendered 240 px square, one pixel per unit of the picture grid


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    """Render every picture the way the leaflets do (WeasyPrint), one per page, then to PNG."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image
    from weasyprint import HTML

    folder = tmp_path_factory.mktemp("pictures")
    pages = "".join(f'<img src="{path.as_uri()}" alt="">' for path in PICTURES)
    css = f"@page {{ size: {SIDE_PX}px {SIDE_PX}px; margin: 0 }} body {{ margin: 0 }} img {{ display: block; width: {SIDE_PX}px; height: {SIDE_PX}px; break-after: page }}"
    HTML(string=f"<html><head><style>{css}</style></head><body>{pages}</body></html>").write_pdf(folder / "pictures.pdf")
    subprocess.run(["pdftoppm", "-r", "96", "-png", folder / "pictures.pdf", folder / "page"], check=True)
    images = sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert len(images) == len(PICTURES), "each picture must render as exactly one page"
    return {path.name: Image.open(image).convert("RGB") for path, image in zip(PICTURES, images)}


def is_ink(pixel: tuple[int, int, int]) -> bool:
    return sum((a - b) ** 2 for a, b in zip(pixel, INK)) < 30**2


@pytest.mark.parametrize("name", [path.name for path in PICTURES])
def test_each_picture_is_drawn_and_not_cut_off(rendered, name):
    image = rendered[name]
    width, height = image.size
    pixels = image.load()
    drawn = sum(1 for x in range(0, width, 2) for y in range(0, height, 2) if pixels[x, y] != (255, 255, 255))
    assert drawn > 0.02 * (width // 2) * (height // 2), f"{name} renders (almost) blank"
    edge = [(x, 0) for x in range(width)] + [(x, height - 1) for x in range(width)]
    edge += [(0, y) for y in range(height)] + [(width - 1, y) for y in range(height)]
    touching = [point for point in edge if is_ink(pixels[point])]
    assert not touching, f"{name}: ink touches the edge of the picture at {touching[:3]} (the drawing is cut off; keep a margin)"
