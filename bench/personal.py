"""Measure personal packs two ways in one run: joining pre-written PDFs against a full render per pack.

    .venv/bin/python bench/personal.py                      # 2,000 rows; the full render on 100 of them
    .venv/bin/python bench/personal.py --baseline-rows 2000 # the full render on every row too (slow)
    .venv/bin/python bench/personal.py --baseline-rows 0 --against b65c452  # against earlier code

The register is generated: fictional names, fixed dates, a fixed seed. Packs go to a private
temporary folder and are deleted at the end. Both ways use the same worker count (one per CPU)
and the same rows, so the ratio holds on a busy machine; the absolute rates do not (the load
average is printed before and after).

1. joined (what `build.py personal` does): the family leaflets are written once per language;
   each batch of mothers' personal pages is laid out in one WeasyPrint document; each pack is
   her pages put in front of the pre-written leaflets with pikepdf, tags kept (asipack.packs.merge).
2. full render: for each mother, her personal pages and every family leaflet are laid out and
   written as one WeasyPrint document (Document.copy keeps the tags).
3. against a git revision (--against): that revision's own bench/personal.py, checked out in a
   temporary worktree, runs on the same rows just before this one, and the ratio of the two is
   printed. A packs-per-second figure holds only on the machine and the day it was measured;
   the ratio to earlier code measured in the same run is what a target can be checked against
   (b65c452 is the code when issue 19 asked for "at least 0.9 of today's figure").
"""

from __future__ import annotations

import argparse
import csv
import datetime
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from asipack.commands.personal import family_leaflets, make_packs, static_leaflet_jobs  # noqa: E402
from asipack.model.pack import load_pack  # noqa: E402
from asipack.model.register import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, Mother, read_register  # noqa: E402
from asipack.packs.batch import PersonalContext, personal_html  # noqa: E402
from asipack.packs.plan import require_facts  # noqa: E402
from asipack.packs.privacy import write_private  # noqa: E402

TODAY = datetime.date(2026, 11, 28)
FIRST = ["Siti", "Dewi", "Nur", "Putri", "Rina", "Ayu", "Maya", "Indah", "Sri", "Fitri", "Wulan", "Sarah", "Grace", "Hana"]
LAST = [
    "Rahmawati",
    "Anggraini",
    "Aisyah",
    "Handayani",
    "Wijaya",
    "Simanjuntak",
    "Pratiwi",
    "Kusuma",
    "Saputri",
    "Hasibuan",
    "Tan",
    "Nasution",
    "Siregar",
]
MIDWIVES = [("Ani Lestari", "+62 812 0000 0101"), ("Rina Marlina", "+62 813 0000 0202"), ("Yuli Hartati", "(021) 000 0303")]


def write_register(path: Path, rows: int, *, seed: int = 1, with_plan: float = 0.6, english: float = 0.25) -> None:
    """Write a register of fictional mothers: births in the last 6 weeks, some with a return date."""
    chance = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPTIONAL_COLUMNS[:1] + REQUIRED_COLUMNS + OPTIONAL_COLUMNS[1:])
        for _ in range(rows):
            birth = TODAY - datetime.timedelta(days=chance.randint(0, 42))
            back = birth + datetime.timedelta(days=chance.randint(84, 180)) if chance.random() < with_plan else None
            midwife, phone = chance.choice(MIDWIVES)
            writer.writerow(
                [
                    f"{chance.choice(FIRST)} {chance.choice(LAST)}" if chance.random() < 0.9 else "",
                    "en" if chance.random() < english else "id",
                    birth.isoformat(),
                    midwife,
                    phone,
                    back.isoformat() if back else "",
                    chance.choice(["", "9", "10", "11", "12", "9,5"]) if back else "",
                    chance.choice(["", "", "8", "10", "12"]),
                ]
            )


_baseline: dict = {}


def init_baseline(context: PersonalContext, leaflets: dict[str, list[tuple[str, str]]]) -> None:
    """Keep what a full-render worker needs."""
    _baseline.update(context=context, leaflets=leaflets)


def full_render(task: tuple[Mother, Path]) -> int:
    """Lay out and write one whole pack (her pages and every family leaflet); return its pages."""
    from asipack.leaflets.pdf import render_joined

    mother, target = task
    context = _baseline["context"]
    base_url = (context.root / "templates" / "leaflets").as_uri() + "/"
    parts = [(personal_html(context, [mother], mother.lang), base_url)] + _baseline["leaflets"][mother.lang]
    data = render_joined(parts)
    write_private(target, lambda handle: handle.write(data))
    return 1


def load_average() -> str:
    """Return the 1-minute load average (the machine may be shared)."""
    return f"{os.getloadavg()[0]:.1f}"


def check_pack(path: Path) -> tuple[int, bool]:
    """Return a pack's pages with content (not the blank pages of double-sided printing) and whether it is tagged."""
    import pikepdf

    from asipack.packs.merge import is_blank

    with pikepdf.open(path) as pdf:
        tagged = (
            "/StructTreeRoot" in pdf.Root
            and bool(pdf.Root.MarkInfo.Marked)
            and "/Lang" in pdf.Root
            and bool(pdf.open_metadata().get("dc:title"))
        )
        return sum(not is_blank(page) for page in pdf.pages), tagged


JOINED_RATE = re.compile(r"^joined: .*; then ([0-9.]+) packs/s", re.MULTILINE)


def rate_at_revision(revision: str, args: argparse.Namespace) -> float:
    """Run a git revision's own bench on the same rows (joined packs only); return its packs/s once the leaflets are written."""
    with tempfile.TemporaryDirectory(prefix="asipack-against-") as checkout:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", checkout, revision], check=True, capture_output=True)
        try:
            command = [sys.executable, "bench/personal.py", "--rows", str(args.rows), "--baseline-rows", "0", "--seed", str(args.seed)]
            command += ["--workers", str(args.workers)]
            run = subprocess.run(command, cwd=checkout, check=True, capture_output=True, text=True)
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", checkout], check=False, capture_output=True)
    found = JOINED_RATE.search(run.stdout)
    if not found:
        raise SystemExit(f"revision {revision}: no 'joined: ... then N packs/s' line in its output:\n{run.stdout}{run.stderr}")
    print(f"against {revision}: {run.stdout.strip().splitlines()[-1]}")
    return float(found.group(1))


def main() -> None:
    """Run both ways on the same register and print packs per second."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--baseline-rows", type=int, default=100, help="rows made by full render (0: skip)")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--root", type=Path, default=ROOT, help="the project whose content to use")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--against", metavar="REVISION", help="also run this git revision's bench on the same rows first, and print the ratio"
    )
    args = parser.parse_args()

    print(f"CPUs: {os.cpu_count()}, workers: {args.workers}, load average: {load_average()}")
    earlier = rate_at_revision(args.against, args) if args.against else None
    with tempfile.TemporaryDirectory(prefix="asipack-bench-") as scratch_name:
        scratch = Path(scratch_name)
        register = scratch / "register.csv"
        write_register(register, args.rows, seed=args.seed)

        started = time.perf_counter()
        report = make_packs(
            args.root, register, scratch / "joined", today=TODAY, workers=args.workers, cache=False, echo=lambda line: None
        )  # cold: the leaflets are written too
        joined_seconds = time.perf_counter() - started
        written = len(report.written)
        pack_seconds = joined_seconds - report.static_seconds
        print(
            f"joined:      {written} packs in {joined_seconds:.1f} s = {written / joined_seconds:.1f} packs/s "
            f"(family leaflets once: {report.static_seconds:.1f} s; then {written / pack_seconds:.1f} packs/s), "
            f"{len(report.problems)} failed; load {load_average()}"
        )
        if earlier:
            print(
                f"ratio to {args.against}: {written / pack_seconds / earlier:.2f} (packs/s once the leaflets are written, same rows, same run)"
            )

        if args.baseline_rows:
            pack = load_pack(args.root)
            facts = require_facts(pack)
            mothers = read_register(register, [lang.code for lang in pack.languages], today=TODAY).mothers
            mothers = mothers[: args.baseline_rows]
            languages = sorted({m.lang for m in mothers})
            jobs = static_leaflet_jobs(pack, languages, scratch / "unused")
            leaflets = {lang: [(job.html, job.base_url) for job in jobs if job.lang == lang] for lang in languages}
            context = PersonalContext(
                root=args.root,
                locales={lang.code: lang.locale for lang in pack.languages},
                organisation=pack.organisation,
                facts=facts,
                static_packs={},
                contents={lang: [(pack.pages[leaflet.page][lang].title, 0) for leaflet in family_leaflets(pack)] for lang in languages},
                today=TODAY,
            )
            (scratch / "full").mkdir(mode=0o700)
            tasks = [(m, scratch / "full" / f"row-{m.row:04d}.pdf") for m in mothers]
            started = time.perf_counter()
            with multiprocessing.Pool(args.workers, initializer=init_baseline, initargs=(context, leaflets)) as pool:
                done = sum(pool.imap_unordered(full_render, tasks))
            full_seconds = time.perf_counter() - started
            print(f"full render: {done} packs in {full_seconds:.1f} s = {done / full_seconds:.1f} packs/s; load {load_average()}")
            same = 0
            for _mother, target in tasks[:20]:
                joined_pages, joined_tagged = check_pack(scratch / "joined" / target.name)
                full_pages, full_tagged = check_pack(target)
                same += joined_pages == full_pages and joined_tagged and full_tagged
            print(f"check: {same} of {min(20, len(tasks))} packs have the same pages both ways, all tagged")
            print(
                f"speed-up: {(written / joined_seconds) / (done / full_seconds):.1f}x overall, "
                f"{(written / pack_seconds) / (done / full_seconds):.1f}x once the leaflets are written"
            )


if __name__ == "__main__":
    main()
