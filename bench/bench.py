"""Measure the build against the raw tools, in one run, on a copy of the real content.

Figures: (1) a full clean build; (2) the raw sequential cost of the same work: `mkdocs build`
of every language plus WeasyPrint writing the same leaflet HTML one after another in one warm
process; (3) a rebuild with nothing changed; (4) a rebuild after editing one page; and the peak
memory of the build. After the raw tools have written the leaflets, each one's layout is timed
on its own (WeasyPrint's render, in CPU seconds of that process so other work on the machine
counts less, with the fonts already decoded and the previous leaflet's garbage collected, so a
font load or a collection pause is not blamed on the leaflet it falls in): bench prints every
leaflet's seconds per page and how the slowest compares with the median. Usage: python bench/bench.py
(last line: full/raw=… slowest/median=… noop/full=… onepage/full=…; the targets are full/raw at
most 0.5 and slowest/median at most 3)
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
COPIED = ["asipack", "content", "templates", "translations", "mkdocs.yml", "babel.cfg", "build.py"]
EDITED_PAGE = "content/midwives/gather-guide.en.md"  # a page with one leaflet
EDITED_BOOKLET_PAGE = "content/families/expressing-storing.en.md"  # a page in its leaflet and in the 42-page booklet


def copy_project(target: Path) -> None:
    """Copy what a build reads into a scratch folder (no cache, no site)."""
    for name in COPIED:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, target / name)


def edit_one_word(page: Path) -> None:
    """Change one word in the body of a page (its next lowercase 'the' becomes 'The')."""
    head, _, body = page.read_text().partition("\n# ")
    changed = body.replace(" the ", " The ", 1)
    assert changed != body, f"nothing to edit in {page}"
    page.write_text(head + "\n# " + changed)


def timed_build(root: Path) -> tuple[float, int]:
    """Run `python build.py` in root; return seconds and the peak memory (KiB) of that process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "build.py", "--site-dir", str(root / "site")], cwd=root, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


RAW = r"""
import json, sys, tempfile, time, datetime
from pathlib import Path
root = Path(sys.argv[1])
sys.path.insert(0, str(root))
from asipack.leaflets.jobs import leaflet_jobs, site_urls
from asipack.model.pack import load_pack
from asipack.render.markdown import PageRenderer
from asipack.site.build import language_config, stage_language
from mkdocs.commands.build import build as mkdocs_build
import weasyprint
pack = load_pack(root)
rendered = PageRenderer(pack).render_all()
urls = site_urls(pack)
scratch = Path(tempfile.mkdtemp())
jobs = leaflet_jobs(pack, rendered, urls, scratch / "downloads")
configs = []
for language in pack.languages:
    docs = stage_language(pack, rendered, language.code, scratch / "docs", {})
    configs.append(language_config(pack, language.code, docs, scratch / "built" / language.code, urls))
weasyprint.HTML(string=jobs[0].html, base_url=jobs[0].base_url).write_pdf(pdf_variant="pdf/ua-1")  # warm up
started = time.perf_counter()
for config in configs:
    mkdocs_build(config)
mkdocs_seconds = time.perf_counter() - started
started = time.perf_counter()
for job in jobs:
    weasyprint.HTML(string=job.html, base_url=job.base_url).write_pdf(pdf_variant="pdf/ua-1")
weasyprint_seconds = time.perf_counter() - started
# Each leaflet's layout on its own: fonts decoded once beforehand (one FontConfiguration kept
# from a first render) and the previous leaflet's garbage collected before the clock starts,
# so what is timed is this leaflet's layout, not a font load or a collection pause that
# happens to fall in it.
import gc
from weasyprint.text.fonts import FontConfiguration
font_config = FontConfiguration()
weasyprint.HTML(string=jobs[0].html, base_url=jobs[0].base_url).render(pdf_variant="pdf/ua-1", font_config=font_config)
layouts = []
for job in jobs:
    gc.collect()
    laid_out = time.process_time()
    document = weasyprint.HTML(string=job.html, base_url=job.base_url).render(pdf_variant="pdf/ua-1", font_config=font_config)
    layout = time.process_time() - laid_out
    layouts.append({"name": job.target.relative_to(scratch / "downloads").as_posix(), "pages": len(document.pages), "seconds": layout})
    del document
print(json.dumps({"mkdocs": mkdocs_seconds, "weasyprint": weasyprint_seconds, "leaflets": len(jobs), "layouts": layouts}))
"""


def raw_tools(root: Path) -> dict:
    """Time the raw tools on the same work in one warm process."""
    output = subprocess.run([sys.executable, "-c", RAW, str(root)], cwd=root, check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="asipack-bench-") as scratch:
        root = Path(scratch)
        copy_project(root)
        full, peak = timed_build(root)
        raw = raw_tools(root)
        raw_total = raw["mkdocs"] + raw["weasyprint"]
        noop, _ = timed_build(root)
        onepage_runs = []
        for _ in range(3):  # three one-word edits of the page; the median is reported
            edit_one_word(root / EDITED_PAGE)
            onepage_runs.append(timed_build(root)[0])
        onepage = statistics.median(onepage_runs)
        edit_one_word(root / EDITED_BOOKLET_PAGE)
        booklet_page, _ = timed_build(root)
    per_page = sorted(((item["seconds"] / item["pages"], item) for item in raw["layouts"]), key=lambda pair: -pair[0])
    median = statistics.median(seconds for seconds, _ in per_page)
    slowest, slowest_item = per_page[0]
    print("layout per leaflet (CPU s/page, slowest first):")
    for seconds, item in per_page:
        print(f"  {item['name']:42} {item['pages']:3d} page(s) {item['seconds']:6.2f} s  {seconds:5.3f} s/page")
    print(f"leaflets: {raw['leaflets']} PDFs")
    print(f"full clean build:       {full:7.2f} s   (peak memory {peak / 1024:.0f} MiB)")
    print(f"raw tools, sequential:  {raw_total:7.2f} s   (mkdocs build {raw['mkdocs']:.2f} s + WeasyPrint {raw['weasyprint']:.2f} s)")
    print(f"no-op rebuild:          {noop:7.2f} s")
    print(f"one-page edit rebuild:  {onepage:7.2f} s   ({EDITED_PAGE}; median of {', '.join(f'{r:.2f}' for r in onepage_runs)})")
    print(
        f"booklet-page edit:      {booklet_page:7.2f} s   ({EDITED_BOOKLET_PAGE}: its leaflet and the booklet; {booklet_page / full:.3f} of full)"
    )
    print(f"layout per page:        median {median:.3f} s, slowest {slowest:.3f} s ({slowest_item['name']})")
    print(
        f"full/raw={full / raw_total:.2f} slowest/median={slowest / median:.2f} noop/full={noop / full:.3f} onepage/full={onepage / full:.3f}"
    )


if __name__ == "__main__":
    main()
