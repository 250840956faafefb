"""The driver of the main job: folders of articles in, a translation memory out.

Every source document is paired with its human translation from the targets folder (or with
its own MT output when there is none). The driver plans the pairs, reads and checks every
input once (bad input stops the run before any work, with exit code 2), skips the documents
an earlier run finished with the same fingerprint, hands the others to a backend, and merges
the per-document files into the combined outputs in input order.

Only the execution of pending pairs differs between backends (:data:`BACKENDS`): ``local``
runs them in this process or in ``--jobs`` processes, ``ray`` on a pool of Ray actors. Either
way each worker loads its models once and runs :func:`.documents.process_document` per pair,
which stores the pair's result under OUTDIR/documents/ itself; the driver keeps counts and
notes only. A pair that fails is tried again once, after the others, and then reported
(stderr, failed.tsv, report.html) while the rest of the run goes on. A pair whose documents are
not translations of each other (its verdict, kept in its done marker) is said on stderr, one
line each, and contributes no unit to aligned.tmx. An OUTDIR that cannot be written (full disk,
quota, read-only) stops the run at the first pair that meets it; the pairs finished are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from ..errors import CannotWrite, Interrupted
from ..pairing.model import PairDecision
from ..progress import Progress
from ..score.combination import DEFAULT_MIN_PROBABILITY
from ..score.verdict import COMPARABLE
from ..text.reading import DEFAULT_INCLUDE, read_bytes
from . import BACKENDS
from .documents import (DOCUMENTS_DIR, DocumentJob, DocumentOutcome, WorkItem, fingerprint, input_bytes, load_finished,
                        plan_jobs, read_pair)
from .job import JobOptions, load_translator, translator_signature
from .pairing import describe_pairing, final_decisions, jobs_from_decisions, pair_documents, target_sources, write_pairs
from .outputs import check_configuration, record_configuration, write_failures, write_outputs

ATTEMPTS = 2  # a failing pair is tried this many times before it is reported


@dataclass
class RunSummary:
    outdir: Path
    results: List[DocumentOutcome]  # every document, in input order
    outputs: Dict[str, Path]
    notes: List[str]
    translation_model: Optional[str]
    pairs: Optional[List[PairDecision]] = None  # with --targets: every source's pairing decision (pairs.tsv)

    @property
    def failed(self) -> List[DocumentOutcome]:
        return [outcome for outcome in self.results if outcome.failure is not None]


def run(inputs: Sequence[str], outdir: Path, options: JobOptions, targets: Optional[str] = None,
        include: Sequence[str] = DEFAULT_INCLUDE, jobs: Optional[int] = None,
        min_score: float = DEFAULT_MIN_PROBABILITY,
        progress: bool = True, notice: Callable[[str], None] = lambda message: None, backend: str = "local",
        address: Optional[str] = None, force: bool = False, keep_duplicates: bool = False,
        pair_by: str = "auto") -> RunSummary:
    """Run the main job over every input; returns what was done. ``notice`` receives one-line
    remarks; ``jobs`` is the number of workers (None: the backend's default); ``address`` is the
    Ray cluster's (``backend="ray"``); ``pair_by`` how sources find their targets
    (aligner.pairing.PAIRERS). An OUTDIR written by another configuration raises OutputInUse
    unless ``force``; the translation memories hold each distinct pair once unless
    ``keep_duplicates``; Ctrl-C or SIGTERM after planning raises Interrupted, which
    says how many documents are finished and kept."""
    outdir = Path(outdir)
    # Made first: a backend that cannot run here (Ray not installed) says so before any work.
    workers = BACKENDS.get(backend)(options, outdir, jobs, address)
    job_list, notes = plan_jobs(inputs, targets, include, exclude=outdir)
    translator = load_translator(options, options.src_lang, options.tgt_lang, use_installed_model=True)
    translator_id = translator_signature(translator)
    check_configuration(outdir, options, translator_id, force)
    fingerprints: Dict[int, str] = {}
    decisions = None
    try:
        if targets is not None and all(job.source.path is not None for job in job_list):
            job_list, notes, decisions = _pair(job_list, targets, include, outdir, options, pair_by, progress)
            if pair_by == "content" or any(d.paired_by == "content" or d.source is None for d in decisions):
                notice(describe_pairing(decisions))
        finished, pending = _check_inputs(job_list, outdir, options, translator_id, fingerprints)
        if translator is None:
            notice(f"no {options.src_lang}->{options.tgt_lang} translation model installed: aligning with "
                   f"embeddings only (`aligner models install {options.src_lang}-{options.tgt_lang}` adds the "
                   "translation step)")
        if pending:
            with workers:  # a backend that cannot start (an unreachable cluster) leaves OUTDIR untouched
                record_configuration(outdir, options, translator_id)
                _execute(workers, pending, finished, len(job_list), progress, notice)
        else:
            record_configuration(outdir, options, translator_id)
        ordered = [finished[job.index] for job in job_list]
        if decisions is not None:
            decisions = final_decisions(decisions, ordered)
        outputs = _merge(outdir, ordered, notes, min_score, options, notice, keep_duplicates, decisions)
    except KeyboardInterrupt:
        kept = sum(load_finished(outdir, job, fingerprints[job.index]) is not None
                   for job in job_list if job.index in fingerprints)
        raise Interrupted(f"interrupted: {kept} of {len(job_list)} document(s) finished and kept in "
                          f"{outdir / DOCUMENTS_DIR}") from None
    model = translator_id if translator is not None else None
    return RunSummary(outdir, ordered, outputs, notes, model, decisions)


def _pair(job_list: List[DocumentJob], targets: str, include: Sequence[str], outdir: Path, options: JobOptions,
          pair_by: str, progress: bool) -> Tuple[List[DocumentJob], List[str], List[PairDecision]]:
    """The jobs of the pairing decision (pipeline/pairing.py), its notes and the decisions."""
    sources = [job.source for job in job_list]
    target_list = target_sources(targets, include, outdir)
    decisions = pair_documents(sources, target_list, options, pair_by, outdir, progress)
    jobs, notes = jobs_from_decisions(sources, target_list, decisions, mine=options.mines)
    return jobs, notes, decisions


def _merge(outdir: Path, ordered: List[DocumentOutcome], notes: List[str], min_score: float,
           options: JobOptions, notice: Callable[[str], None], keep_duplicates: bool = False,
           decisions: Optional[List[PairDecision]] = None) -> Dict[str, Path]:
    """failed.tsv and the combined outputs, with the notes of every document; one notice per
    pair that is not a translation."""
    failed = [outcome for outcome in ordered if outcome.failure is not None]
    write_failures(outdir, failed, ATTEMPTS)
    for outcome in ordered:
        notes.extend(outcome.notes)
        if outcome.failure is not None:
            notes.append(f"{outcome.job.source.doc_id}: failed after {ATTEMPTS} attempts, left out: {outcome.failure}")
        elif outcome.job.target is not None and outcome.verdict.verdict == COMPARABLE:
            kept = "only its mined sentence pairs (x-origin=mined) in" if options.mines else "no units in"
            notice(f"{outcome.job.source.doc_id} / {outcome.job.target.doc_id}: not a translation of each other "
                   f"({outcome.verdict.describe()}): {kept} aligned.tmx")
    outputs = write_outputs(outdir, ordered, notes, min_score, options, keep_duplicates, notice, decisions)
    if decisions is not None:
        outputs["pairs"] = write_pairs(outdir, decisions)
    return outputs


def _check_inputs(job_list: Sequence[DocumentJob], outdir: Path, options: JobOptions, translator_id: str,
                  fingerprints: Dict[int, str]) -> Tuple[Dict[int, DocumentOutcome], List[WorkItem]]:
    """Read every input once: finished documents (same fingerprint) are reused, the others are
    checked (decoding, language) and become work; their texts are not kept, workers read them.
    Each job's fingerprint goes into ``fingerprints``."""
    finished: Dict[int, DocumentOutcome] = {}
    pending: List[WorkItem] = []
    for job in job_list:
        stdin_data = read_bytes(job.source) if job.source.path is None else None
        data = input_bytes(job, stdin_data)
        fingerprints[job.index] = fingerprint(options, translator_id, data)
        reused = load_finished(outdir, job, fingerprints[job.index])
        if reused is not None:
            finished[job.index] = reused
        else:
            read_pair(job, options, data)
            pending.append(WorkItem(job, stdin_data))
    return finished, pending


def _execute(workers, pending: List[WorkItem], done: Dict[int, DocumentOutcome], total: int, progress: bool,
             notice: Callable[[str], None]) -> None:
    """Every pending pair through the backend, into ``done``; failures tried again after the others."""
    with Progress("documents", "doc", total=total, initial=total - len(pending), quiet=not progress) as bar:
        for attempt in range(1, ATTEMPTS + 1):
            failed = set()
            for outcome in workers.process(pending):
                if outcome.unwritable:  # OUTDIR is full or read-only: every other pair would fail the same way
                    raise CannotWrite(f"{outcome.failure}: stopped with {len(done)} of {total} document(s) finished "
                                      "and kept; the same command resumes once it can write")
                if outcome.failure is None or attempt == ATTEMPTS:
                    done[outcome.job.index] = outcome
                    bar.update(1, pairs=outcome.counts.aligned)
                else:
                    failed.add(outcome.job.index)
                if outcome.failure is not None:
                    verdict = "will try again" if attempt < ATTEMPTS else "left out"
                    notice(f"{outcome.job.source.doc_id}: failed ({verdict}): {outcome.failure}")
            pending = [item for item in pending if item.job.index in failed]
            if not pending:
                break
