"""The command line: a thin click layer over asipack.build."""

from __future__ import annotations

import functools
import http.server
import sys
import threading
import time
from pathlib import Path

import click

from asipack.commands.build import build
from asipack.commands.check import check as check_content
from asipack.commands.personal import make_packs
from asipack.model.errors import AsipackError
from asipack.model.fingerprint import inputs_stamp

PROJECT_ROOT = Path(__file__).resolve().parent.parent

org_option = click.option("--org", "organisation_file", type=click.Path(path_type=Path, dir_okay=False),
                          help="The organisation file that brands the pack (default: content/organisation.yml).")
strict_option = click.option("--strict", is_flag=True, help="Fail on any warning, as CI does.")


def fail(error: AsipackError) -> None:
    """Print an error for a person and exit non-zero."""
    click.echo(str(error), err=True)
    sys.exit(1)


@click.group(invoke_without_command=True)
@strict_option
@org_option
@click.option("--site-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where to write the website (default: site/).")
@click.pass_context
def main(ctx: click.Context, strict: bool, organisation_file: Path | None, site_dir: Path | None) -> None:
    """Build the bilingual website and every PDF leaflet into site/."""
    ctx.ensure_object(dict)
    ctx.obj.update(strict=strict, organisation_file=organisation_file)
    if ctx.invoked_subcommand is not None:
        return

    try:
        report = build(PROJECT_ROOT, site_dir=site_dir, organisation_file=organisation_file, strict=strict,
                       echo=lambda line: click.echo(f"  {line}"), progress=progress_printer())
    except AsipackError as error:
        fail(error)
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    if report.unchanged:
        click.echo(f"{report.site_dir} is up to date ({report.seconds:.2f} s).")
        return
    total = sum(r.size for r in report.leaflets)
    click.echo(f"Built {report.site_dir} with {len(report.leaflets)} PDFs ({total / 1024:.0f} KB; "
               f"{report.reused} reused from the cache) in {report.seconds:.1f} s; {len(report.warnings)} warning(s).")


def progress_printer():
    """Return a callback that reports each finished leaflet: a counter line in a terminal, plain lines in CI."""
    done = 0
    terminal = sys.stdout.isatty()

    def show(label: str) -> None:
        nonlocal done
        done += 1
        if terminal:
            click.echo(f"\r  rendered {done} leaflet(s), last {label}\033[K", nl=False)
        else:
            click.echo(f"  rendered {label}")

    return show


@main.command()
@strict_option
@org_option
@click.pass_context
def check(ctx: click.Context, strict: bool, organisation_file: Path | None) -> None:
    """Check the content (facts, translations, pictures, links) without building."""

    strict = strict or ctx.obj["strict"]
    try:
        problems = check_content(PROJECT_ROOT, organisation_file=organisation_file or ctx.obj["organisation_file"], strict=strict)
    except AsipackError as error:
        fail(error)
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"Content OK: {len(problems)} warning(s).")


class Progress:
    """Show progress through a register: a bar on a terminal, a line every tenth otherwise."""

    def __init__(self) -> None:
        self.bar = None
        self.shown = 0

    def __enter__(self) -> Progress:
        return self

    def __call__(self, done: int, total: int) -> None:
        if sys.stdout.isatty():
            if self.bar is None:
                self.bar = click.progressbar(length=total, label="  packs", show_pos=True).__enter__()
            self.bar.update(done - self.bar.pos)
            return
        step = max(1, total // 10)
        if done == total or done // step > self.shown // step:
            click.echo(f"  packs {done}/{total}")
        self.shown = done

    def __exit__(self, *exc_info) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc_info)


@main.command()
@click.argument("register", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="The private folder for the packs (never inside site/).")
@org_option
@strict_option
@click.option("--replace", is_flag=True, help="Delete the packs of an earlier run in --out first.")
@click.pass_context
def personal(ctx: click.Context, register: Path, out_dir: Path, organisation_file: Path | None, strict: bool,
             replace: bool) -> None:
    """Make one PDF pack per mother in REGISTER (a UTF-8 CSV): her visits, contacts and plan.

    Prints counts and row numbers only, never a value from the register.
    """

    try:
        with Progress() as progress:
            report = make_packs(PROJECT_ROOT, register, out_dir,
                                organisation_file=organisation_file or ctx.obj["organisation_file"],
                                strict=strict or ctx.obj["strict"], replace=replace,
                                echo=lambda line: click.echo(f"  {line}"), progress=progress)
    except AsipackError as error:
        fail(error)
    for warning in report.warnings:
        click.echo(warning, err=True)
    if report.personal_warnings:
        click.echo(f"{report.personal_warnings} WeasyPrint warning(s) on personal pages (not shown: they may "
                   "quote a mother's details); check templates/leaflets/personal.html.j2", err=True)
    if report.ignored_columns:
        click.echo(f"Ignored column(s): {', '.join(report.ignored_columns)}", err=True)
    click.echo(f"{len(report.written)} of {report.rows} row(s) made into packs in {report.out_dir} "
               f"in {report.seconds:.1f} s (0600, readable by you only).")
    if report.problems:
        click.echo(f"{len(report.failed_rows)} row(s) failed:", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    if (strict or ctx.obj["strict"]) and (report.warnings or report.personal_warnings):
        click.echo("--strict: warnings count as errors", err=True)
        sys.exit(1)


@main.command()
@org_option
@click.option("--port", default=8000, show_default=True, help="The port to serve on (127.0.0.1 only).")
@click.pass_context
def serve(ctx: click.Context, organisation_file: Path | None, port: int) -> None:
    """Build site/, serve it on 127.0.0.1, and rebuild whenever the content changes (refresh to see it)."""


    organisation_file = organisation_file or ctx.obj["organisation_file"]
    site_dir = PROJECT_ROOT / "site"

    def rebuild() -> None:
        try:
            report = build(PROJECT_ROOT, site_dir=site_dir, organisation_file=organisation_file, echo=lambda line: None)
            click.echo(f"  built in {report.seconds:.1f} s ({report.reused} leaflet(s) reused)" if not report.unchanged else "  up to date")
        except AsipackError as error:  # keep serving the last good site
            click.echo(str(error), err=True)

    rebuild()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    click.echo(f"Serving http://127.0.0.1:{port}/ (Ctrl+C to stop); watching content/, templates/ and translations/")
    stamp = inputs_stamp(PROJECT_ROOT, organisation_file, "serve")
    try:
        while True:
            time.sleep(1)
            now = inputs_stamp(PROJECT_ROOT, organisation_file, "serve")
            if now != stamp:
                stamp = now
                click.echo("change seen: rebuilding")
                rebuild()
    except KeyboardInterrupt:
        server.shutdown()
