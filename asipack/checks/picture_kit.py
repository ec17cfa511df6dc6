"""Check that every picture in content/images/ is drawn with the illustration kit.

The kit (content/images/README.md) makes the pictures look as if one illustrator drew them:
one grid, one stroke width, flat fills from a small named palette, and nothing a leaflet
cannot print or a screen reader cannot read. The palette lives in one place,
content/images/palette.yml; this module reads it and reports, with file and line:

- a colour outside the palette, in a fill, stroke or other colour attribute or a style, and
  a line in any colour but ink;
- see-through colour (opacity), and fills that point at a gradient or pattern (url(#...));
- a stroke width other than the kit's (3 on the picture grid, 2.5 on the icon grid) and a
  stroke cap or join that is not round;
- a viewBox that is not the kit's grid (0 0 240 240; icons and pictograms, icon-*.svg and
  sign-*.svg: 0 0 48 48);
- <text>, <image> and raster data (data:image/...), raster files in the folder;
- gradients, filters, masks, patterns, <style> and <script>;
- a file over the kit's size (a warning).

SVG features WeasyPrint drops (fe* filter effects, <foreignObject>) and external references
are reported by asipack.checks.pictures.check_svgs; they are not repeated here.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from pathlib import Path

import yaml

from asipack.model.errors import Problems

PALETTE_FILE = "palette.yml"
PICTURE_GRID = "0 0 240 240"
ICON_GRID = "0 0 48 48"
ICON_PREFIXES = ("icon-", "sign-")  # 48 x 48 icons and danger-sign pictograms
STROKE_WIDTH = {PICTURE_GRID: 3.0, ICON_GRID: 2.5}
MAX_BYTES = 6 * 1024
RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff")

COLOUR_PROPERTIES = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")
OPACITY_PROPERTIES = ("opacity", "fill-opacity", "stroke-opacity", "stop-opacity")
FORBIDDEN = {
    "text": "<text> in a picture: labels belong in the page (translated, read aloud); draw step numbers as dots in a circle",
    "tspan": "<tspan> in a picture: labels belong in the page, not in the SVG",
    "textPath": "<textPath> in a picture: labels belong in the page, not in the SVG",
    "image": "<image> in a picture: no raster or embedded pictures; draw it with paths",
    "linearGradient": "a gradient: the kit uses flat fills only",
    "radialGradient": "a gradient: the kit uses flat fills only",
    "filter": "a filter: the kit uses flat fills only, no shadows or blur",
    "mask": "a mask: draw the visible shape as a path instead",
    "pattern": "a pattern: the kit uses flat fills only",
    "style": "a <style> block: use presentation attributes (fill=, stroke=) instead",
    "script": "a <script> in a picture: pictures are drawings only",
}
HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


def load_palette(images_dir: Path, problems: Problems) -> dict[str, str]:
    """Return the kit's palette as {hex: name} from palette.yml, or {} after reporting why not."""
    path = images_dir / PALETTE_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.error(path, None, 'the kit\'s palette is missing: add palette.yml (name: {hex: "#rrggbb", use: ...})')
        return {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.error(path, mark.line + 1 if mark else None, "the palette is not valid YAML; check the indentation and quotes")
        return {}
    palette: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").split("\n")
    for name, entry in (data or {}).items():
        line = next((n for n, text in enumerate(lines, 1) if text.startswith(f"{name}:")), None)
        value = entry.get("hex") if isinstance(entry, dict) else None
        if not isinstance(value, str) or not HEX.match(value):
            problems.error(path, line, f"palette colour '{name}' needs a hex value like \"#1f2a44\"")
            continue
        palette[normal_hex(value)] = str(name)
    return palette


def normal_hex(value: str) -> str:
    """Return a hex colour as lower-case #rrggbb."""
    value = value.strip().lower()
    if len(value) == 4:
        value = "#" + "".join(2 * digit for digit in value[1:])
    return value


def nearest(value: str, palette: dict[str, str]) -> str:
    """Name the palette colour closest to a hex colour, to suggest a fix."""

    def rgb(hex_value: str) -> tuple[int, ...]:
        return tuple(int(hex_value[i : i + 2], 16) for i in (1, 3, 5))

    target = rgb(value)
    best = min(palette, key=lambda known: sum((a - b) ** 2 for a, b in zip(rgb(known), target)))
    return f"{palette[best]} {best}"


def declarations(element_attributes: dict[str, str]) -> list[tuple[str, str]]:
    """Return the element's presentation attributes and style declarations as (property, value)."""
    found = list(element_attributes.items())
    for declaration in element_attributes.get("style", "").split(";"):
        prop, colon, value = declaration.partition(":")
        if colon:
            found.append((prop.strip(), value.strip()))
    return found


def check_picture(path: Path, palette: dict[str, str], problems: Problems) -> None:
    """Report every way one SVG file leaves the kit, each with its line."""
    text = path.read_text(encoding="utf-8")
    if len(text.encode("utf-8")) > MAX_BYTES:
        problems.warning(
            path,
            None,
            f"the picture is {len(text.encode('utf-8')) / 1024:.1f} KB; the kit keeps each file under {MAX_BYTES // 1024} KB: simplify the paths",
        )
    is_icon = path.name.startswith(ICON_PREFIXES)
    expected_grid = ICON_GRID if is_icon else PICTURE_GRID
    stroke_width = STROKE_WIDTH[expected_grid]
    parser = xml.parsers.expat.ParserCreate()
    depth = 0

    def start(tag: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        line = parser.CurrentLineNumber
        name = tag.rsplit(":", 1)[-1]
        if depth == 1 and name == "svg":
            grid = " ".join(attributes.get("viewBox", "").replace(",", " ").split())
            if grid != expected_grid:
                kind = "an icon or pictogram (icon-*, sign-*)" if is_icon else "a picture"
                problems.error(
                    path, line, f"viewBox '{attributes.get('viewBox', '')}' is not the kit's grid: {kind} uses viewBox=\"{expected_grid}\""
                )
        if name in FORBIDDEN:
            problems.error(path, line, FORBIDDEN[name])
        for prop, value in declarations(attributes):
            if "data:image/" in value.replace(" ", ""):
                problems.error(path, line, "raster data (data:image/...) in a picture: draw it with paths")
            if prop in COLOUR_PROPERTIES:
                check_colour(path, line, prop, value, palette, problems)
            elif prop in OPACITY_PROPERTIES:
                try:
                    opaque = float(value.rstrip("%")) == (100.0 if value.endswith("%") else 1.0)
                except ValueError:
                    opaque = False
                if not opaque:
                    problems.error(
                        path, line, f'{prop}="{value}": the kit uses flat, solid fills; pick a palette colour instead of see-through'
                    )
            elif prop == "stroke-width":
                try:
                    width = float(value.removesuffix("px"))
                except ValueError:
                    width = None
                if width != stroke_width:
                    problems.error(path, line, f'stroke-width "{value}": the kit draws every line {stroke_width:g} wide on this grid')
            elif prop in ("stroke-linecap", "stroke-linejoin") and value != "round":
                problems.error(path, line, f'{prop}="{value}": the kit uses round caps and joins')

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as exc:
        problems.error(path, exc.lineno, f"the picture is not well-formed SVG ({xml.parsers.expat.ErrorString(exc.code)})")


def check_colour(path: Path, line: int, prop: str, value: str, palette: dict[str, str], problems: Problems) -> None:
    """Report a colour that is not 'none' and not in the palette."""
    if value == "none" or not palette:
        return
    if value.startswith("url("):
        problems.error(path, line, f'{prop}="{value}" paints with a gradient or pattern: the kit uses flat palette colours')
        return
    if HEX.match(value) and normal_hex(value) in palette:
        if prop == "stroke" and palette[normal_hex(value)] != "ink":
            problems.error(
                path,
                line,
                f"stroke colour '{value}' ({palette[normal_hex(value)]}): the kit draws every line in ink; colour a shape with fill",
            )
        return
    hint = f" (nearest: {nearest(normal_hex(value), palette)})" if HEX.match(value) else ""
    problems.error(path, line, f"{prop} colour '{value}' is not in the kit's palette (content/images/{PALETTE_FILE}){hint}")


def check_picture_kit(images_dir: Path, problems: Problems) -> None:
    """Check every SVG in the images folder against the kit, and report raster files there."""
    if not images_dir.is_dir():
        return
    pictures = sorted(images_dir.glob("*.svg"))
    for path in sorted(images_dir.iterdir()):
        if path.suffix.lower() in RASTER_SUFFIXES:
            problems.error(path, None, "a raster picture: the kit draws every picture as an SVG")
    if not pictures:
        return
    palette = load_palette(images_dir, problems)
    for path in pictures:
        check_picture(path, palette, problems)
