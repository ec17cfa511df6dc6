"""The command line as a person uses it: build, check and serve, through click's CliRunner."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from click.testing import CliRunner

from asipack import cli
from asipack.commands.serve import make_server

from .conftest import page


@pytest.fixture
def run(monkeypatch):
    """Return a function that runs the command line on a pack and returns click's result."""

    def invoke(root, *args: str):
        monkeypatch.setattr(cli, "PROJECT_ROOT", root)
        return CliRunner().invoke(cli.main, list(args))

    return invoke


def test_build_writes_the_site_and_says_what_it_made(tmp_pack, tmp_path, run):
    result = run(tmp_pack(), "--site-dir", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    assert "Built " in result.output and " PDFs (" in result.output
    assert (tmp_path / "site" / "index.html").is_file()
    assert sorted(p.name for p in (tmp_path / "site" / "downloads" / "en").glob("*.pdf")) == ["test-leaflet.pdf"]


def test_a_second_build_with_nothing_changed_says_it_is_up_to_date(tmp_pack, tmp_path, run):
    root = tmp_pack()
    run(root, "--site-dir", str(tmp_path / "site"))
    result = run(root, "--site-dir", str(tmp_path / "site"))
    assert result.exit_code == 0 and "is up to date" in result.output


def test_check_passes_good_content(tmp_pack, run):
    result = run(tmp_pack(), "check")
    assert result.exit_code == 0, result.output
    assert "Content OK: 0 warning(s)." in result.output


def test_check_names_the_file_and_line_and_exits_1_without_a_traceback(tmp_pack, run):
    root = tmp_pack({"content/leaflets.yml": "test-leaflet:\n  page: families/test\n  audience: families\n  format: a4\n  pages: two\n"})
    result = run(root, "check")
    assert result.exit_code == 1
    assert "content/leaflets.yml:5: error: leaflet 'test-leaflet': 'pages' must be a whole number" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_key_in_the_catalogue_is_named_with_its_line(tmp_pack, run):
    root = tmp_pack(
        {"content/leaflets.yml": "test-leaflet:\n  page: families/test\n  audience: families\n  format: a4\n  pages: 2\n  colour: red\n"}
    )
    result = run(root, "check")
    assert result.exit_code == 1
    assert (
        "content/leaflets.yml:6: error: leaflet 'test-leaflet': unknown key 'colour'; the keys are: page, audience, format, pages, contents, referrals"
        in result.output
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_rebuilds_the_site_after_an_edit(tmp_pack):
    root = tmp_pack()
    said: list[str] = []
    server = make_server(root, port=free_port(), echo=said.append)
    built_page = root / "site" / "en" / "families" / "test" / "index.html"
    assert "Milk keeps" in built_page.read_text()
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        time.sleep(1)  # the watcher takes its first look at the files
        source = root / "content" / "families" / "test.en.md"
        source.write_text(page("en", "# Test page\n\nExpressed milk keeps {{ fact('storage.fridge') }} in the fridge.\n"))
        deadline = time.monotonic() + 60
        while "Expressed milk keeps" not in built_page.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Expressed milk keeps" in built_page.read_text(), said
    finally:
        server.shutdown()
        thread.join(timeout=10)
