"""The serve recipe: build site/, serve it on 127.0.0.1 with MkDocs' live-reload server, rebuild on every edit.

The browser reloads by itself after each rebuild (the live-reload script is served by the same
server, so nothing is loaded from another host). A build that fails keeps the last good site
on screen and prints what to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mkdocs.livereload import LiveReloadServer

from asipack.commands.build import build
from asipack.model.errors import AsipackError

WATCHED = ("content", "templates", "translations", "mkdocs.yml")


def make_server(root: Path, *, port: int, organisation_file: Path | None = None, echo: Callable[[str], None] = print) -> LiveReloadServer:
    """Build the site once and return a live-reload server that rebuilds it whenever a watched file changes."""
    site_dir = root / "site"

    def rebuild() -> None:
        try:
            report = build(root, site_dir=site_dir, organisation_file=organisation_file, echo=lambda line: None)
        except AsipackError as error:  # keep serving the last good site
            echo(str(error))
            return
        echo("  up to date" if report.unchanged else f"  built in {report.seconds:.1f} s ({report.reused} leaflet(s) reused)")

    rebuild()
    server = LiveReloadServer(builder=rebuild, host="127.0.0.1", port=port, root=str(site_dir))
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    if organisation_file is not None:
        server.watch(str(organisation_file.resolve().parent))
    return server
