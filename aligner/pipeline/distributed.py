"""The Ray backend of `aligner run`: pending pairs on a pool of Ray actors.

Each actor (:class:`PairWorker`) loads its models once and runs the per-pair function that
every backend runs; it reads the pair's files and writes the pair's result under OUTDIR, so
inputs and OUTDIR must be on a file system that every node sees under the same path. The
driver sends paths and gets back counts, one pair in flight per actor.

A worker process that dies (killed, out of memory, node lost) is restarted by Ray, and the
pair it was aligning is run again on it (``max_task_retries``): only that pair's work is lost.
A pair that kills its worker every time is reported as failed once the retries are spent.

Ray is an optional dependency (``pip install -e ".[ray]"``), imported only when this backend
is used; without it the run stops with one line that says how to install it.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import replace
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

from ..errors import AlignerError
from ..text.reading import Source
from .documents import DocumentOutcome, WorkItem, process_document
from .job import JobOptions, PairAligner

INSTALL_HINT = 'the ray backend needs Ray: pip install -e ".[ray]" (or pip install "ray[default]>=2.9")'
CPUS_PER_WORKER = 1
# Runs of a pair interrupted by its worker's death beyond the first; more means the pair itself
# kills the worker (a crash, memory), and it is reported as failed.
WORKER_DEATH_RETRIES = 2
CONNECT_TIMEOUT_S = 10


def import_ray():
    try:
        import ray
    except ImportError:
        raise AlignerError(INSTALL_HINT) from None
    return ray


class PairWorker:
    """One Ray actor: the models of a process, and the per-pair function."""

    def __init__(self, options: JobOptions, outdir: str, threads: int):
        self.outdir = Path(outdir)
        self.aligner = PairAligner(options, use_installed_model=True, threads=threads)

    def ready(self) -> None:
        """Returns once the constructor has run: the actor's models are loaded."""

    def process(self, item: WorkItem) -> DocumentOutcome:
        return process_document(self.aligner, item, self.outdir)


class RayBackend:
    """Connects to the cluster at ``address`` (else $RAY_ADDRESS, else a local Ray started for
    the run, stopped at the end) unless this process is connected already, and starts
    ``workers`` actors (default: one per CPU of the cluster)."""

    def __init__(self, options: JobOptions, outdir: Path, workers: Optional[int], address: Optional[str] = None):
        self.ray = import_ray()
        self.options = options
        self.outdir = Path(outdir).resolve()  # workers may start in another folder, or on another node
        self.workers = workers
        self.address = address or os.environ.get("RAY_ADDRESS") or "local"
        self._started_ray = False
        self._starting: Dict[object, object] = {}  # ready() reference -> actor not started yet
        self._idle: List = []  # started actors without a pair

    def __enter__(self) -> "RayBackend":
        ray = self.ray
        if not ray.is_initialized():
            _check_reachable(self.address)
            try:
                # A local instance is for this run only: no dashboard to serve. Ray's own remarks on
                # starting up (INFO, WARNING) would bury the run's progress and warnings.
                ray.init(address=self.address, logging_level=logging.ERROR,
                         **({"include_dashboard": False} if self.address == "local" else {}))
            except (ConnectionError, ValueError, RuntimeError) as exc:
                raise AlignerError(f"cannot start or reach Ray at {self.address}: {' '.join(str(exc).split())}") from None
            self._started_ray = True
        count = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1) // CPUS_PER_WORKER))
        actor_class = ray.remote(num_cpus=CPUS_PER_WORKER, max_restarts=-1,
                                 max_task_retries=WORKER_DEATH_RETRIES)(PairWorker)
        actors = [actor_class.remote(self.options, str(self.outdir), CPUS_PER_WORKER) for _ in range(count)]
        # An actor gets pairs once it has started: one that Ray cannot place (more --jobs than
        # the cluster has CPUs) then only waits, holding no pair back.
        self._starting = {actor.ready.remote(): actor for actor in actors}
        return self

    def __exit__(self, *exc_info) -> None:
        for actor in [*self._starting.values(), *self._idle]:
            self.ray.kill(actor)
        self._starting, self._idle = {}, []
        if self._started_ray:
            self.ray.shutdown()

    def process(self, items: Sequence[WorkItem]) -> Iterator[DocumentOutcome]:
        """One pair in flight per actor; an actor takes the next pair as soon as it is free."""
        ray = self.ray
        waiting = list(reversed(items))
        in_flight: Dict[object, Tuple[object, WorkItem]] = {}
        while waiting or in_flight:
            while self._idle and waiting:
                actor, item = self._idle.pop(), waiting.pop()
                in_flight[actor.process.remote(_absolute(item))] = (actor, item)
            [ready], _ = ray.wait([*in_flight, *self._starting], num_returns=1)
            if ready in self._starting:
                self._started(ready, busy=len(in_flight))
                continue
            actor, item = in_flight.pop(ready)
            try:
                outcome = ray.get(ready)
            except ray.exceptions.RayActorError as exc:
                outcome = DocumentOutcome(item.job, failure=f"its Ray worker died {WORKER_DEATH_RETRIES + 1} times "
                                                            f"while aligning it ({_last_line(exc)})")
            except ray.exceptions.RayError as exc:
                outcome = DocumentOutcome(item.job, failure=_last_line(exc))
            self._idle.append(actor)
            yield outcome

    def _started(self, ready, busy: int) -> None:
        """An actor has started (it joins the pool) or could not (its models did not load: it is
        dropped, and with no actor left the run stops with the reason)."""
        actor = self._starting.pop(ready)
        try:
            self.ray.get(ready)
        except self.ray.exceptions.RayError as exc:
            if not (self._starting or self._idle or busy):
                raise AlignerError(f"no Ray worker could start: {_last_line(exc)}") from None
            return
        self._idle.append(actor)


def _check_reachable(address: str) -> None:
    """A HOST:PORT that nothing answers on fails at once: Ray itself would retry for minutes."""
    host, colon, port = address.rpartition(":")
    if not colon or not port.isdigit() or "/" in host:
        return  # "local", "auto", a ray:// client address: Ray's own checks are quick
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as exc:
        raise AlignerError(f"cannot reach the Ray cluster at {address} ({exc.strerror or exc})") from None


def _absolute(item: WorkItem) -> WorkItem:
    """The item with absolute input paths: a worker's current folder is not the driver's."""
    def absolute(source: Optional[Source]) -> Optional[Source]:
        return replace(source, path=Path(os.path.abspath(source.path))) if source and source.path else source

    return replace(item, job=replace(item.job, source=absolute(item.job.source), target=absolute(item.job.target)))


def _last_line(exc: Exception) -> str:
    """The gist of a Ray error, whose message carries the remote traceback: its last line."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
