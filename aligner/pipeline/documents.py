"""The per-document side of `aligner run`: what one pair is, its fingerprint, and its files.

A run is a list of :class:`DocumentJob` (a source file and its target, by name). Each finished
document is stored under OUTDIR/documents/ as ``<doc>.jsonl`` (its links) and then
``<doc>.done.json`` (the done marker: the fingerprint of what produced it, its notes, link
counts and verdict), both atomically. A marker whose fingerprint matches means the document need not be
redone; the counts let the driver summarise a run without reading the links back.

:func:`process_document` is the one worker function every backend runs: it reads the pair
itself (so a driver ships paths, not texts), aligns it with a loaded :class:`PairAligner`,
stores it, and returns a small :class:`DocumentOutcome`. It never raises for a pair that
fails: the failure comes back as the outcome's reason, so one bad pair stops nothing else.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from ..bitext import BitextLink, read_bitext, write_bitext
from ..errors import AlignerError, CannotWrite, FormatError
from ..score.verdict import DocumentVerdict, document_verdict
from ..formats.atomic import atomic_write
from ..text.reading import Source, iter_sources, pair_sources, read_bytes
from .job import JobOptions, PairAligner, PairInput, read_side, translator_signature

DOCUMENTS_DIR = "documents"


@dataclass(frozen=True)
class DocumentJob:
    index: int  # position in the input order, which the combined outputs follow
    source: Source
    target: Optional[Source]  # None: align with the document's own machine translation


@dataclass(frozen=True)
class WorkItem:
    """What a worker needs for one pair: the job, and the source's bytes only when it has no
    path to read them from (stdin, read once by the driver)."""

    job: DocumentJob
    stdin_data: Optional[bytes] = None


@dataclass
class LinkCounts:
    """What the run's summary shows of a document, kept in its done marker."""

    links: int = 0
    aligned: int = 0
    src_unaligned: int = 0  # sentences
    tgt_unaligned: int = 0
    score_sum: float = 0.0
    scored: int = 0

    @classmethod
    def of(cls, links: Iterable[BitextLink]) -> "LinkCounts":
        counts = cls()
        for link in links:
            counts.links += 1
            if link.is_unaligned:
                counts.src_unaligned += len(link.src_ids)
                counts.tgt_unaligned += len(link.tgt_ids)
                continue
            counts.aligned += 1
            if link.score is not None:
                counts.score_sum += link.score
                counts.scored += 1
        return counts

    @property
    def mean_score(self) -> Optional[float]:
        return self.score_sum / self.scored if self.scored else None


@dataclass
class DocumentOutcome:
    """A document's result as the driver keeps it: counts and notes, never the links."""

    job: DocumentJob
    counts: LinkCounts = field(default_factory=LinkCounts)
    notes: List[str] = field(default_factory=list)
    verdict: Optional[DocumentVerdict] = None  # parallel, comparable or empty; None for a failed pair
    reused: bool = False  # finished by an earlier run
    failure: Optional[str] = None  # why the pair failed (one line); None when it is done
    unwritable: bool = False  # it failed because OUTDIR cannot be written (full, read-only): the run stops


def plan_jobs(inputs: Sequence[str], targets: Optional[str], include: Sequence[str],
              exclude: Optional[Path] = None) -> Tuple[List[DocumentJob], List[str]]:
    """Pair every source file with its target by name; sources without one are noted, not dropped.
    Files under ``exclude`` (the run's own output folder, when it lies inside an input folder)
    are never read as inputs."""
    sources = _outside(iter_sources(inputs, include), exclude)
    if targets is None:
        return [DocumentJob(k, source, None) for k, source in enumerate(sources)], []
    paired = dict(pair_sources(sources, _outside(iter_sources([targets], include), exclude), strict=False))
    notes = [f"{s.doc_id}: no file of the same name in {targets}" for s in sources if s not in paired]
    return [DocumentJob(k, source, paired.get(source)) for k, source in enumerate(sources)], notes


def _outside(sources: Iterable[Source], folder: Optional[Path]) -> List[Source]:
    """The sources that are not inside ``folder``."""
    if folder is None:
        return list(sources)
    root = Path(folder).resolve()
    return [source for source in sources
            if source.path is None or not Path(source.path).resolve().is_relative_to(root)]


def input_bytes(job: DocumentJob, stdin_data: Optional[bytes] = None) -> List[Optional[bytes]]:
    """The bytes of the job's source and target (None: no target)."""
    return [None if source is None else stdin_data if source.path is None and stdin_data is not None
            else read_bytes(source) for source in (job.source, job.target)]


def fingerprint(options: JobOptions, translator_id: str, data: Sequence[Optional[bytes]]) -> str:
    """What marks a job's result as reusable: the options, the translation model and the inputs."""
    digest = hashlib.sha256(options.signature().long.encode())
    digest.update(translator_id.encode())
    for side in data:
        digest.update(b"\0<mt>" if side is None else b"\0" + side)
    return digest.hexdigest()


def read_pair(job: DocumentJob, options: JobOptions, data: Sequence[Optional[bytes]]) -> PairInput:
    """Decode the job's files (InputError when one does not decode or is in another language)."""
    sides = ((job.source, options.src_lang, "--from"), (job.target, options.tgt_lang, "--to"))
    return PairInput(*[None if source is None else read_side(source, lang, options, option, side_data)
                       for (source, lang, option), side_data in zip(sides, data)])


def read_job(job: DocumentJob, options: JobOptions, translator_id: str,
             stdin_data: Optional[bytes] = None) -> Tuple[PairInput, str]:
    """Read the job's files once: the decoded pair and its fingerprint."""
    data = input_bytes(job, stdin_data)
    return read_pair(job, options, data), fingerprint(options, translator_id, data)


def document_paths(outdir: Path, job: DocumentJob) -> Tuple[Path, Path]:
    """The document's links (JSONL) and its done marker."""
    base = Path(outdir) / DOCUMENTS_DIR / job.source.doc_id
    return base.with_name(base.name + ".jsonl"), base.with_name(base.name + ".done.json")


def load_finished(outdir: Path, job: DocumentJob, fingerprint: str) -> Optional[DocumentOutcome]:
    """The outcome of a document an earlier run finished with the same fingerprint, else None."""
    bitext_path, marker_path = document_paths(outdir, job)
    try:
        marker = json.loads(marker_path.read_text(encoding="utf-8"))
        counts = LinkCounts(**marker["counts"])
        # A marker without a verdict is from before verdicts existed: the document is redone.
        verdict = DocumentVerdict.from_dict(marker["verdict"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if marker.get("fingerprint") != fingerprint or not bitext_path.is_file():
        return None
    if not verdict.follows_the_current_rule:  # judged again from the stored links, not aligned again
        try:
            verdict = document_verdict(read_bitext(bitext_path))
        except FormatError:
            return None
    return DocumentOutcome(job, counts, list(marker.get("notes", [])), verdict, reused=True)


def store_finished(outdir: Path, job: DocumentJob, links: Sequence[BitextLink], notes: List[str],
                   verdict: DocumentVerdict, fingerprint: str) -> DocumentOutcome:
    """Store a finished document's links, then its marker (with the links' verdict)."""
    bitext_path, marker_path = document_paths(outdir, job)
    with atomic_write(bitext_path) as handle:
        write_bitext(links, handle)
    counts = LinkCounts.of(links)
    # The marker is written last: its presence with a matching fingerprint marks the document done.
    with atomic_write(marker_path) as handle:
        json.dump({"fingerprint": fingerprint, "notes": notes, "counts": counts.__dict__,
                   "verdict": verdict.to_dict()}, handle)
    return DocumentOutcome(job, counts, notes, verdict)


def process_document(aligner: PairAligner, item: WorkItem, outdir: Path) -> DocumentOutcome:
    """Read, align and store one pair; a pair that fails comes back with its reason."""
    options = aligner.options
    try:
        translator_id = translator_signature(aligner.translator(options.src_lang, options.tgt_lang))
        pair, fingerprint = read_job(item.job, options, translator_id, item.stdin_data)
        result = aligner.align_pair(pair)
        return store_finished(outdir, item.job, result.links, provenance_notes(pair) + result.notes + result.warnings,
                              result.verdict, fingerprint)
    except CannotWrite as exc:
        return DocumentOutcome(item.job, failure=failure_reason(exc), unwritable=True)
    except Exception as exc:  # noqa: BLE001 - any error of one pair is that pair's failure, reported by the driver
        return DocumentOutcome(item.job, failure=failure_reason(exc))


def provenance_notes(pair: PairInput) -> List[str]:
    """Where each side's text came from, for a document that is not a plain text file (the
    report shows it): the file, its format, the URL of a WARC record, what the reader capped."""
    notes = []
    for document in (pair.source, pair.target):
        origin = document.origin if document is not None else None
        if origin is None or (origin.format == "text" and not origin.url):
            continue
        notes.append(f"{document.doc_id}: read from {origin.describe(document.path)} as {origin.format}"
                     + "".join(f"; {note}" for note in origin.notes))
    return notes


def failure_reason(exc: BaseException) -> str:
    """One line: a user-facing error's own message, else the exception's type and message."""
    text = str(exc) if isinstance(exc, AlignerError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split()) or type(exc).__name__
