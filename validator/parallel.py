"""Files checked on every core: a process pool fed in chunks, outcomes streamed back in file order.

At most `jobs * _CHUNKS_AHEAD` chunks are in flight, so memory does not grow with the corpus: a chunk's
outcomes are handed on as soon as every chunk before it is done, and nothing is kept twice. A run of
fewer than POOL_THRESHOLD files does not start a pool at all (the one-file CI job pays nothing for it).
Workers ignore SIGINT/SIGTERM: the parent stops the run (interrupt.py) and shuts the pool down.
"""

from __future__ import annotations

import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Generator, Iterable, Iterator
from typing import TYPE_CHECKING

from .filecheck import FileChecker, FileJob, FileOutcome, FileTask, internal_error

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

POOL_THRESHOLD = 128  # files; below it starting the workers costs more than they save
_CHUNK = 32
_CHUNKS_AHEAD = 4
_PER_CPU = 4  # processes started at most per CPU, whatever --jobs or the config says
_RESTARTS = 3  # new pools after a worker died; then the rest is checked in this process

_checker: FileChecker | None = None  # the worker process's own


def default_jobs() -> int:
    """The CPUs this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def check_files(tasks: Iterable[FileTask], job: FileJob, jobs: int) -> Generator[FileOutcome, None, None]:
    """The outcome of every task, in order; with jobs > 1 and enough files, computed by worker processes.

    Lazy: a file is checked (or its chunk submitted) only as the caller asks for more, and closing the
    iterator (a stopped run) cancels what was not started.
    """
    tasks = iter(tasks)
    jobs = min(jobs, _PER_CPU * default_jobs())
    head = list(itertools.islice(tasks, POOL_THRESHOLD))
    if jobs <= 1 or len(head) < POOL_THRESHOLD:
        checker = FileChecker(job)
        yield from map(checker, itertools.chain(head, tasks))
        return
    yield from _pooled(itertools.chain(head, tasks), job, jobs)


def _pooled(tasks: Iterator[FileTask], job: FileJob, jobs: int) -> Iterator[FileOutcome]:
    """The pool's outcomes in order. A worker that dies (killed, out of memory, a crash in a C extension)
    breaks the pool: the files of the chunks it had are internal/error findings saying so, and the rest
    go to a new pool, up to _RESTARTS times, then to this process; the run ends with every report."""
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    for _ in range(_RESTARTS):
        pool = _new_pool(job, jobs)
        pending: deque[tuple[list[FileTask], Future[list[FileOutcome]]]] = deque()
        try:
            while True:
                while len(pending) < jobs * _CHUNKS_AHEAD and (chunk := list(itertools.islice(tasks, _CHUNK))):
                    pending.append((chunk, pool.submit(_check_chunk, chunk)))
                if not pending:
                    return
                lost, future = pending.popleft()
                try:
                    outcomes = future.result()
                except BrokenProcessPool as exc:
                    yield from (_lost(task, exc) for task in lost)
                    for more, other in pending:  # done before the pool broke, or lost with it
                        done = other.done() and not other.cancelled() and other.exception() is None
                        yield from other.result() if done else (_lost(task, exc) for task in more)
                    break
                yield from outcomes
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    yield from map(FileChecker(job), tasks)


def _new_pool(job: FileJob, jobs: int) -> ProcessPoolExecutor:
    import multiprocessing  # noqa: PLC0415  (~15 ms; a run below the threshold never needs it)
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    context = multiprocessing.get_context("fork") if sys.platform == "linux" else None  # fork: no re-imports
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(job,))


def _lost(task: FileTask, exc: BaseException) -> FileOutcome:
    finding = internal_error(task.file, exc, "a worker process died while this file was being checked (killed, out "
                             f"of memory, or a crash): not checked ({type(exc).__name__}); run again, or with "
                             "--jobs 1 to find the file")
    return FileOutcome(task.path, task.file, task.own, findings=(finding,))


def _start_worker(job: FileJob) -> None:
    global _checker  # noqa: PLW0603  (one checker per worker process, built once)
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)
    _checker = FileChecker(job)


def _check_chunk(chunk: list[FileTask]) -> list[FileOutcome]:
    assert _checker is not None, "worker started without its initializer"
    return [_checker(task) for task in chunk]
