"""Render leaflets in a pool of worker processes (WeasyPrint is not thread-safe).

Every budget problem is collected and reported together; a worker that dies fails the build
with the leaflet it was rendering, and the pool never waits on a dead worker.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Callable

from .errors import BudgetError, RenderError
from .leaflets import LeafletJob


def render_one(job: LeafletJob):
    """Write one leaflet; WeasyPrint is imported in the worker, never in the parent."""
    from .pdf import write_leaflet

    return write_leaflet(job)


def worker_count(jobs: int) -> int:
    """Return how many workers to start: one per CPU (or ASIPACK_WORKERS), never more than jobs."""
    wanted = int(os.environ.get("ASIPACK_WORKERS") or os.cpu_count() or 1)
    return max(1, min(wanted, jobs))


def render_leaflets(jobs: list[LeafletJob], *, on_done: Callable[[LeafletJob], None] = lambda job: None,
                    processes: int | None = None, pool: ProcessPoolExecutor | None = None) -> list:
    """Render every job in worker processes (a given pool, or a new one); return results in job order."""
    if not jobs:
        return []
    results: dict[int, object] = {}
    over_budget: list[str] = []
    processes = processes or worker_count(len(jobs))
    if pool is None and processes == 1:  # one leaflet (or one core): render here, no process to start
        for index, job in enumerate(jobs):
            try:
                results[index] = render_one(job)
            except BudgetError as error:
                over_budget.append(str(error))
            on_done(job)
        if over_budget:
            raise BudgetError("\n".join(sorted(over_budget)))
        return [results[index] for index in range(len(jobs))]
    if pool is None:
        with ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork")) as own_pool:
            return render_leaflets(jobs, on_done=on_done, pool=own_pool)
    # the longest jobs first (a booklet), so no worker is left with one long job at the end
    longest_first = sorted(range(len(jobs)), key=lambda index: -jobs[index].page_budget)
    futures = {pool.submit(render_one, jobs[index]): index for index in longest_first}
    for future in as_completed(futures):
        index = futures[future]
        job = jobs[index]
        try:
            results[index] = future.result()
        except BudgetError as error:
            over_budget.append(str(error))
        except BrokenProcessPool as error:
            for pending in futures:
                pending.cancel()
            raise RenderError(
                f"a worker process died while rendering leaflet '{job.slug}' ({job.lang}); "
                "the build stopped and site/ is unchanged. Run again; if it repeats, build with one "
                "worker (ASIPACK_WORKERS=1) to see the error."
            ) from error
        on_done(job)
    if over_budget:
        raise BudgetError("\n".join(sorted(over_budget)))
    return [results[index] for index in range(len(jobs))]
