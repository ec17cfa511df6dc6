"""The command line: a thin click layer over asipack.commands (errors are click exceptions, printed as they are).

As in MkDocs' own command line, each command imports its recipe when it runs, so that a build
with nothing to do (its inputs' stamp matches the site's) answers before the pipeline loads.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
import time
from pathlib import Path
from typing import Any

import click

from asipack.model.fingerprint import StampFile, build_stamp

PROJECT_ROOT = Path(__file__).resolve().parent.parent

org_option = click.option(
    "--org",
    "organisation_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The organisation file that brands the pack (default: content/organisation.yml).",
)
strict_option = click.option("--strict", is_flag=True, help="Fail on any warning, as CI does.")


@click.group(invoke_without_command=True)
@strict_option
@org_option
@click.option(
    "--site-dir", type=click.Path(path_type=Path, file_okay=False), default=None, help="Where to write the website (default: site/)."
)
@click.pass_context
def main(ctx: click.Context, strict: bool, organisation_file: Path | None, site_dir: Path | None) -> None:
    """Build the bilingual website and every PDF leaflet into site/."""
    ctx.ensure_object(dict)
    ctx.obj.update(strict=strict, organisation_file=organisation_file)
    if ctx.invoked_subcommand is not None:
        return
    started = time.perf_counter()
    site = site_dir or PROJECT_ROOT / "site"
    if StampFile(PROJECT_ROOT, site).matches(build_stamp(PROJECT_ROOT, organisation_file, strict=strict, today=datetime.date.today())):
        click.echo(f"{site} is up to date ({time.perf_counter() - started:.2f} s).")
        return
    from asipack.commands.build import build

    report = build(
        PROJECT_ROOT,
        site_dir=site_dir,
        organisation_file=organisation_file,
        strict=strict,
        echo=lambda line: click.echo(f"  {line}"),
        progress=progress_printer(),
    )
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    if report.unchanged:
        click.echo(f"{report.site_dir} is up to date ({report.seconds:.2f} s).")
        return
    total = sum(r.size for r in report.leaflets)
    click.echo(
        f"Built {report.site_dir} with {len(report.leaflets)} PDFs ({total / 1024:.0f} KB; "
        f"{report.reused} reused from the cache) in {report.seconds:.1f} s; {len(report.warnings)} warning(s)."
    )


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
    from asipack.commands.check import check as check_content

    problems = check_content(
        PROJECT_ROOT, organisation_file=organisation_file or ctx.obj["organisation_file"], strict=strict, echo=click.echo
    )
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"Content OK: {len(problems)} warning(s).")


class Progress(contextlib.ExitStack):
    """Show progress through a register: click's bar on a terminal, a line every tenth otherwise."""

    def __init__(self) -> None:
        super().__init__()
        self.bar: Any = None
        self.shown = 0

    def __call__(self, done: int, total: int) -> None:
        if sys.stdout.isatty():
            if self.bar is None:  # the total is known once the register is read
                self.bar = self.enter_context(click.progressbar(length=total, label="  packs", show_pos=True))
            self.bar.update(done - self.bar.pos)
            return
        step = max(1, total // 10)
        if done == total or done // step > self.shown // step:
            click.echo(f"  packs {done}/{total}")
        self.shown = done


@main.command()
@click.argument("register", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The private folder for the packs (never inside site/).",
)
@org_option
@strict_option
@click.option("--replace", is_flag=True, help="Delete the packs of an earlier run in --out first.")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the packs are made, YYYY-MM-DD (default: today): earlier visit dates show as past.",
)
@click.option(
    "--calendar-names",
    is_flag=True,
    help="Put each mother's first name in visits.ics and visits.csv (a phone calendar may sync it to the cloud).",
)
@click.pass_context
def personal(
    ctx: click.Context,
    register: Path,
    out_dir: Path,
    organisation_file: Path | None,
    strict: bool,
    replace: bool,
    today: datetime.datetime | None,
    calendar_names: bool,
) -> None:
    """Make one PDF pack per mother in REGISTER (a UTF-8 CSV): her visits, contacts and plan.

    Beside the packs: visits.ics and visits.csv, the midwife's visit list. Prints counts and
    row numbers only, never a value from the register.
    """

    with Progress() as progress:
        from asipack.commands.personal import make_packs

        report = make_packs(
            PROJECT_ROOT,
            register,
            out_dir,
            organisation_file=organisation_file or ctx.obj["organisation_file"],
            strict=strict or ctx.obj["strict"],
            replace=replace,
            today=today.date() if today else None,
            calendar_names=calendar_names,
            echo=lambda line: click.echo(f"  {line}"),
            progress=progress,
        )
    for warning in report.warnings:
        click.echo(warning, err=True)
    if report.personal_warnings:
        click.echo(
            f"{report.personal_warnings} WeasyPrint warning(s) on personal pages (not shown: they may "
            "quote a mother's details); check templates/leaflets/personal.html.j2",
            err=True,
        )
    if report.ignored_columns:
        click.echo(f"Ignored column(s): {', '.join(report.ignored_columns)}", err=True)
    click.echo(
        f"{len(report.written)} of {report.rows} row(s) made into packs in {report.out_dir} "
        f"in {report.seconds:.1f} s (0600, readable by you only)."
    )
    if report.visit_list:
        click.echo(f"Visit list: {', '.join(path.name for path in report.visit_list)} beside the packs (0600).")
    if report.notes:
        click.echo(f"{len(report.notes)} note(s) on packs that were made:", err=True)
        for note in report.notes:
            click.echo(f"  {note}", err=True)
    if report.problems:
        click.echo(f"{len(report.failed_rows)} row(s) failed:", err=True)
        for problem in report.problems:
            click.echo(f"  {problem}", err=True)
        ctx.exit(1)
    if (strict or ctx.obj["strict"]) and (report.warnings or report.personal_warnings):
        click.echo("--strict: warnings count as errors", err=True)
        ctx.exit(1)


@main.command()
@org_option
@click.option("--port", default=8000, show_default=True, help="The port to serve on (127.0.0.1 only).")
@click.pass_context
def serve(ctx: click.Context, organisation_file: Path | None, port: int) -> None:
    """Build site/, serve it on 127.0.0.1, rebuild on every change and reload the browser."""
    from asipack.commands.serve import make_server

    server = make_server(PROJECT_ROOT, port=port, organisation_file=organisation_file or ctx.obj["organisation_file"], echo=click.echo)
    click.echo(f"Serving {server.url} (Ctrl+C to stop); watching content/, templates/ and translations/")
    try:
        server.serve()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.shutdown()
