"""Render SVG illustrations to PNG contact sheets so a person can look at them at print size.

Usage: python tools/preview_svg.py content/images/hand-expression.svg [more.svg ...] --out /tmp/preview.png
Each picture is drawn at 6 cm wide (its size in an A4 leaflet column) via WeasyPrint and pdftoppm.
"""

import argparse
import pathlib
import subprocess
import tempfile

import weasyprint


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("svgs", nargs="+", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path, default=pathlib.Path("/tmp/preview.png"))
    parser.add_argument("--width-cm", type=float, default=6.0)
    args = parser.parse_args()
    cells = "".join(f'<figure><img src="{p.resolve().as_uri()}"><figcaption>{p.name}</figcaption></figure>' for p in args.svgs)
    html = f"""<html><head><style>
    @page {{ size: A4; margin: 1cm }}
    body {{ font-family: sans-serif; font-size: 8pt }}
    figure {{ display: inline-block; width: {args.width_cm}cm; margin: 0 .3cm .4cm 0;
              border: .5pt solid #ccc; vertical-align: top }}
    img {{ width: 100% }}
    </style></head><body>{cells}</body></html>"""
    with tempfile.TemporaryDirectory() as tmp:
        pdf = pathlib.Path(tmp) / "sheet.pdf"
        weasyprint.HTML(string=html).write_pdf(pdf)
        stem = args.out.with_suffix("")
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", str(pdf), str(stem)], check=True)
    print(args.out)


if __name__ == "__main__":
    main()
