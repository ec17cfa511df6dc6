"""Builds reuse what has not changed, never lie about their output, and never leave half a site."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from asipack.commands.build import build
from asipack.leaflets import pool
from asipack.leaflets.html import LeafletJob
from asipack.model.errors import RenderError
from asipack.site.downloads import fill_details, placeholder

from .conftest import MINIMAL_PAGE, TODAY


def quiet_build(root: Path, site: Path, **options):
    return build(root, site_dir=site, today=TODAY, echo=lambda line: None, **options)


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


SECOND_PAGE = {
    "content/families/second.id.md": MINIMAL_PAGE["id"].replace("test-leaflet", "second-leaflet"),
    "content/families/second.en.md": MINIMAL_PAGE["en"].replace("test-leaflet", "second-leaflet"),
    "content/leaflets.yml": """\
        test-leaflet: {page: families/test, audience: families, format: a4, pages: 2}
        second-leaflet: {page: families/second, audience: families, format: a4, pages: 2}
        """,
}


def test_a_rebuild_with_nothing_changed_renders_nothing(tmp_pack, tmp_path):
    root = tmp_pack(SECOND_PAGE)
    site = tmp_path / "site"
    first = quiet_build(root, site)
    assert len(first.leaflets) == 4 and first.reused == 0
    again = quiet_build(root, site)
    assert again.unchanged and again.leaflets == []


def test_editing_one_page_re_renders_only_its_leaflets(tmp_pack, tmp_path):
    root = tmp_pack(SECOND_PAGE)
    site = tmp_path / "site"
    quiet_build(root, site)
    page = root / "content" / "families" / "second.en.md"
    page.write_text(page.read_text().replace("Milk keeps", "Breast milk keeps"))
    report = quiet_build(root, site)
    assert report.reused == 3, "only the English 'second' leaflet is rendered again"
    assert "Breast milk keeps" in (site / "en" / "families" / "second" / "index.html").read_text()


def test_each_download_names_its_pages_and_size_though_the_site_is_built_while_the_pdfs_render(tmp_pack, tmp_path):
    root = tmp_pack(SECOND_PAGE)
    site = tmp_path / "site"
    quiet_build(root, site)
    page = root / "content" / "families" / "second.en.md"
    page.write_text(page.read_text().replace("Milk keeps", "Milk that you express keeps"))
    quiet_build(root, site)  # the English site comes from MkDocs again, the Indonesian one from the cache
    for lang, prefix in (("id", site), ("en", site / "en")):
        html = (prefix / "families" / "second" / "index.html").read_text()
        pdf = site / "downloads" / lang / "second-leaflet.pdf"
        pages, size = len(PdfReader(pdf).pages), pdf.stat().st_size
        word = {"id": "halaman", "en": "page" if pages == 1 else "pages"}[lang]
        assert f"<small>PDF, {pages} {word}, {max(1, round(size / 1024))} KB</small>" in html
    left = [p for p in site.rglob("*") if p.suffix in (".html", ".json", ".js") and "@@asipack" in p.read_text()]
    assert left == [], "no placeholder is left in the site or its search index"


def test_a_page_that_names_a_download_nobody_wrote_fails_with_the_file_name(tmp_path):
    page = tmp_path / "families" / "index.html"
    page.parent.mkdir()
    page.write_text(f"<small>{placeholder('en/latch-holds.pdf')}</small> <small>{placeholder('en/gone.pdf')}</small>")
    with pytest.raises(RenderError, match=r"families/index.html names a download that was not written \(en/gone.pdf\)"):
        fill_details(tmp_path, {placeholder("en/latch-holds.pdf"): "PDF, 2 pages, 31 KB"})


def test_a_changed_stylesheet_invalidates_every_cached_leaflet(tmp_pack, tmp_path):
    root = tmp_pack(SECOND_PAGE)
    site = tmp_path / "site"
    quiet_build(root, site)
    css = root / "templates" / "leaflets" / "print.css"
    css.write_text(css.read_text() + "\n.body p { margin-bottom: 2.2mm; }\n")
    assert quiet_build(root, site).reused == 0


BOOKLET = """\
    test-leaflet:
      page: families/test
      audience: families
      format: a4
      pages: 2
    test-booklet:
      page: families/test
      audience: families
      format: a5-booklet
      pages: 8
      contents: [families/test]
    """


def test_two_clean_builds_of_the_same_input_are_byte_identical_file_by_file(tmp_pack, tmp_path, monkeypatch):
    """Every file in site/, the booklet's imposed print file and the zips included."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764288000")
    root = tmp_pack({"content/leaflets.yml": BOOKLET})
    quiet_build(root, tmp_path / "one")
    (root / ".cache").rename(tmp_path / "old-cache")  # the second build renders everything again
    quiet_build(root, tmp_path / "two")
    one, two = digests(tmp_path / "one"), digests(tmp_path / "two")
    assert "downloads/en/test-booklet-a4-print.pdf" in one and "downloads/en/asipack-en.zip" in one
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def crash(job):
    """Stand in for a worker that dies mid-render."""
    os._exit(3)


def test_a_worker_that_dies_fails_the_build_with_a_clear_message_and_never_hangs(monkeypatch, tmp_path):
    monkeypatch.setattr(pool, "render_one", crash)
    jobs = [LeafletJob(f"leaflet-{n}", "id", "<p>x</p>", tmp_path.as_uri(), tmp_path / f"{n}.pdf", 1, "x") for n in range(3)]
    started = time.monotonic()
    with pytest.raises(RenderError, match=r"a worker process died while rendering leaflet 'leaflet-\d' \(id\)"):
        pool.render_leaflets(jobs, processes=2)
    assert time.monotonic() - started < 60


def test_a_build_killed_midway_leaves_the_previous_site_whole_and_no_partial_pdf(tmp_pack, tmp_path):
    root = tmp_pack(SECOND_PAGE)
    site = tmp_path / "site"
    quiet_build(root, site)
    before = digests(site)
    page = root / "content" / "families" / "test.en.md"
    page.write_text(page.read_text().replace("Milk keeps", "Expressed milk keeps"))
    script = (
        "import sys, datetime; from pathlib import Path; from asipack.commands.build import build; "
        f"build(Path({str(root)!r}), site_dir=Path({str(site)!r}), today=datetime.date(2026, 11, 28), echo=print)"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], cwd=Path(__file__).parent.parent, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    for line in process.stdout:
        if "leaflets" in line:  # loading and checking are done; rendering has started
            break
    time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert digests(site) == before
    assert not list(site.rglob("*.part"))
    assert quiet_build(root, site).reused == 3, "the next build recovers and reuses what was cached"
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith("site")) == ["site"], "no half-built folder is left"


def many_leaflets(root: Path, count: int) -> None:
    """Add `count` pages, each with its own leaflet, so a build has enough to render to be interrupted."""
    entries = ["test-leaflet: {page: families/test, audience: families, format: a4, pages: 2}"]
    for n in range(count):
        for lang in ("id", "en"):
            text = (
                MINIMAL_PAGE[lang].replace("test-leaflet", f"leaflet-{n:02d}").replace("Milk", f"Milk ({n})").replace("ASI", f"ASI ({n})")
            )
            (root / "content" / "families" / f"page-{n:02d}.{lang}.md").write_text(text)
        entries.append(f"leaflet-{n:02d}: {{page: families/page-{n:02d}, audience: families, format: a4, pages: 2}}")
    (root / "content" / "leaflets.yml").write_text("\n".join(entries) + "\n")


def test_ctrl_c_stops_the_build_at_once_keeps_what_was_rendered_and_leaves_site_as_it_was(tmp_pack, tmp_path):
    """Ctrl-C as a terminal sends it, to the whole process group, while the workers render."""
    root = tmp_pack()
    site = tmp_path / "site"
    quiet_build(root, site)
    before = digests(site)
    many_leaflets(root, 16)
    script = (
        # Ctrl-C raises KeyboardInterrupt, as in a terminal (a process started in the background inherits it ignored)
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "import datetime; from pathlib import Path; from asipack.commands.build import build; "
        f"build(Path({str(root)!r}), site_dir=Path({str(site)!r}), today=datetime.date(2026, 11, 28), "
        "echo=lambda line: print(line, flush=True), progress=lambda label: print('rendered', label, flush=True))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=Path(__file__).parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("rendered"):  # some leaflets are done, most are not
            break
    os.killpg(process.pid, signal.SIGINT)
    interrupted = time.monotonic()
    process.wait(timeout=30)
    assert time.monotonic() - interrupted < 2, "the build stops within 2 s"
    assert process.returncode != 0
    assert "KeyboardInterrupt" in process.stderr.read()
    assert digests(site) == before, "site/ is as it was"
    assert sorted(p.name for p in site.parent.iterdir() if p.name.startswith("site")) == ["site"], "no half-built folder is left"
    kept = list((root / ".cache" / "asipack" / "leaflets").glob("*.pdf"))
    assert len(kept) > 2, "the leaflets rendered before Ctrl-C are in the cache"
    assert quiet_build(root, site).reused >= len(kept) - 2, "the next build reuses them"


def font_folder() -> str:
    """In a worker: lay out a page with the pack's own fonts; return where its fonts were decoded to."""
    from asipack.leaflets import pdf

    render_with_pack_fonts(pdf)
    return str(pdf.shared_font_config()._folder)


def render_with_pack_fonts(pdf) -> None:
    import weasyprint

    css = (Path(__file__).resolve().parent.parent / "templates" / "leaflets" / "print.css").as_uri()
    html = f'<link rel="stylesheet" href="{css}"><p>Susui bayi sesering mungkin.</p>'
    weasyprint.HTML(string=html).render(font_config=pdf.shared_font_config())


def test_each_worker_decodes_its_fonts_into_its_own_folder_even_when_its_parent_rendered_first():
    """Workers that shared their parent's font folder rewrote each other's font files and died of SIGBUS."""
    from asipack.leaflets import pdf

    render_with_pack_fonts(pdf)  # the parent has a font configuration with decoded fonts, as in a test run
    parent = str(pdf.shared_font_config()._folder)
    with pool.start_pool(2) as workers:
        folders = [future.result() for future in [workers.submit(font_folder) for _ in range(4)]]
    assert parent not in folders and len(set(folders)) == 2, (parent, folders)
    assert Path(parent).is_dir(), "a worker never deletes its parent's fonts"
