"""The local backend of `aligner run`: pending pairs in this process, or in ``--jobs`` processes.

Each process loads its models once (a :class:`PairAligner`) and runs the same per-pair function
as every backend, which stores the pair's result under OUTDIR/documents/ as soon as it is done,
so a killed run loses at most the documents in flight.
"""

from __future__ import annotations

import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Iterator, Optional, Sequence

from .documents import DocumentOutcome, WorkItem, process_document
from .job import JobOptions, PairAligner

_ALIGNER: Optional[PairAligner] = None  # the models of a worker process, loaded by its initializer


def _init_worker(options: JobOptions) -> None:
    global _ALIGNER
    # Ctrl-C reaches the whole process group: the driver handles it, and a worker finishes (and
    # stores) the document in hand while the pool shuts down, instead of dying with a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _ALIGNER = PairAligner(options, use_installed_model=True)


def _process_in_worker(item: WorkItem, outdir: Path) -> DocumentOutcome:
    return process_document(_ALIGNER, item, outdir)


class LocalBackend:
    def __init__(self, options: JobOptions, outdir: Path, workers: Optional[int], address: Optional[str] = None):
        self.options = options
        self.outdir = outdir
        self.workers = workers or 1
        self._aligner: Optional[PairAligner] = None  # loaded on first use, once for every pass
        self._pool: Optional[ProcessPoolExecutor] = None

    def __enter__(self) -> "LocalBackend":
        return self

    def __exit__(self, *exc_info) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def process(self, items: Sequence[WorkItem]) -> Iterator[DocumentOutcome]:
        if self.workers <= 1 or len(items) <= 1:
            if self._aligner is None:
                self._aligner = PairAligner(self.options, use_installed_model=True)
            for item in items:
                yield process_document(self._aligner, item, self.outdir)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                             initargs=(self.options,))
        # Outcomes come back in completion order; the driver puts them back in input order.
        futures = [self._pool.submit(_process_in_worker, item, self.outdir) for item in items]
        for future in as_completed(futures):
            yield future.result()
