"""Render leaflets in a pool of worker processes (WeasyPrint is not thread-safe).

A `Rendering` starts in the background as soon as it is made, so the caller can build the
website while the workers lay out PDFs, and collects the results when it needs them. Every
budget problem is collected and reported together; a worker that dies fails the build with the
leaflet it was rendering, and the pool never waits on a dead worker.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from asipack.leaflets.html import LeafletJob, LeafletResult
from asipack.model.errors import BudgetError, RenderError

Keep = Callable[[LeafletJob, LeafletResult], None]


def render_one(job: LeafletJob):
    """Write one leaflet; WeasyPrint is imported in the worker, never in the parent."""
    from asipack.leaflets.pdf import (
        write_leaflet,  # here, not at the top: the parent never imports WeasyPrint
    )

    return write_leaflet(job)


def start_pool(processes: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> ProcessPoolExecutor:
    """Start worker processes: the one place the package does (leaflets, and personal packs' batches).

    Workers are forked, so they inherit the loaded content and need not import it again. They
    ignore Ctrl-C: a terminal sends it to the whole process group, and the parent alone decides
    to stop (see Rendering.stop), so no worker dies half-way and leaves the pool hanging.
    """
    return ProcessPoolExecutor(
        max_workers=processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=start_worker,
        initargs=(initializer, initargs),
    )


def start_worker(initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """Set up a worker process: Ctrl-C is the parent's to handle; then the caller's own set-up.

    What the worker inherited and what its set-up made live as long as the worker, so they are
    frozen: the garbage collector stops walking them on each full collection, which halves its
    time while WeasyPrint lays out (measured on personal packs: 1.9 s to 0.9 s in 16 s).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)
    gc.freeze()


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: pending work is dropped and running workers are terminated, not waited for."""
    processes = list(getattr(pool, "_processes", {}).values())  # the executor offers no public way to stop running work
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=2)


def worker_count(jobs: int) -> int:
    """Return how many workers to start: one per CPU (or ASIPACK_WORKERS), never more than jobs."""
    return max(1, min(cpu_budget(), jobs))


def cpu_budget() -> int:
    """Return how many processes may render at once: the CPU count, or ASIPACK_WORKERS if set."""
    return int(os.environ.get("ASIPACK_WORKERS") or os.cpu_count() or 1)


class Rendering:
    """Leaflets being rendered by worker processes while the caller does other work.

    With a budget of one process nothing runs in the background: the jobs are rendered here
    when the results are asked for (so ASIPACK_WORKERS=1 shows a crash's own traceback).
    """

    def __init__(self, jobs: list[LeafletJob], processes: int | None = None, *, keep: Keep | None = None):
        self.jobs = jobs
        self.keep = keep or (lambda job, result: None)  # called once per finished leaflet (the cache keeps it)
        self.kept: set[int] = set()
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[Future, int] = {}
        processes = processes or worker_count(len(jobs))
        if jobs and (processes > 1 or cpu_budget() > 1):
            self.pool = start_pool(processes)
            # the longest jobs first (a booklet), so no worker is left with one long job at the end
            for index in sorted(range(len(jobs)), key=lambda index: -jobs[index].page_budget):
                self.futures[self.pool.submit(render_one, jobs[index])] = index

    def results(self, on_done: Callable[[LeafletJob], None] = lambda job: None) -> list:
        """Wait for every leaflet; return the results in job order (budget problems raised together)."""
        if self.pool is None:
            outcomes = ((index, run_here(job)) for index, job in enumerate(self.jobs))
        else:
            outcomes = ((self.futures[future], future) for future in as_completed(self.futures))
        return collect(self.jobs, outcomes, on_done, self.keep_one)

    def keep_one(self, index: int, result: LeafletResult) -> None:
        """Hand a finished leaflet to the keeper, once."""
        if index not in self.kept:
            self.kept.add(index)
            self.keep(self.jobs[index], result)

    def close(self) -> None:
        """Wait for the workers to finish; leaflets not yet started are dropped."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def stop(self) -> None:
        """Stop at once (Ctrl-C, or a failure elsewhere): keep every leaflet already finished, end the workers."""
        if self.pool is None:
            return
        for future, index in self.futures.items():
            if future.done() and not future.cancelled() and future.exception() is None:
                self.keep_one(index, future.result())
        stop_workers(self.pool)

    def __enter__(self) -> Rendering:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.stop()


def render_leaflets(
    jobs: list[LeafletJob],
    *,
    on_done: Callable[[LeafletJob], None] = lambda job: None,
    processes: int | None = None,
    keep: Keep | None = None,
) -> list:
    """Render every job and wait for them; return results in job order."""
    with Rendering(jobs, processes, keep=keep) as rendering:
        return rendering.results(on_done)


def run_here(job: LeafletJob) -> Future:
    """Render a job in this process, as a finished future (so one loop collects both ways)."""
    future: Future = Future()
    try:
        future.set_result(render_one(job))
    except BudgetError as error:
        future.set_exception(error)
    return future


def collect(jobs: list[LeafletJob], outcomes, on_done: Callable[[LeafletJob], None], keep: Callable[[int, LeafletResult], None]) -> list:
    """Gather (index, future) outcomes: results in job order (each kept as it comes), every budget problem reported together."""
    results: dict[int, LeafletResult] = {}
    over_budget: list[str] = []
    for index, future in outcomes:
        job = jobs[index]
        try:
            results[index] = future.result()
            keep(index, results[index])
        except BudgetError as error:
            over_budget.append(str(error))
        except BrokenProcessPool as error:
            raise RenderError(
                f"a worker process died while rendering leaflet '{job.slug}' ({job.lang}); "
                "the build stopped and site/ is unchanged. Run again; if it repeats, build with one "
                "worker (ASIPACK_WORKERS=1) to see the error."
            ) from error
        on_done(job)
    if over_budget:
        raise BudgetError("\n".join(sorted(over_budget)))
    return [results[index] for index in range(len(jobs))]
