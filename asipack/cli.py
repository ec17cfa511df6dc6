"""The command line: a thin click layer over asipack.build."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import AsipackError

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
    from .build import build

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
    from .build import check as check_content

    strict = strict or ctx.obj["strict"]
    try:
        problems = check_content(PROJECT_ROOT, organisation_file=organisation_file or ctx.obj["organisation_file"], strict=strict)
    except AsipackError as error:
        fail(error)
    for problem in problems:
        click.echo(str(problem))
    click.echo(f"Content OK: {len(problems)} warning(s).")
