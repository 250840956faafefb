"""The local runner of the main job: folders of articles in, a translation memory out.

Every source document is paired with its human translation from the targets folder (or with
its own MT output when there is none) and goes through :mod:`aligner.pipeline.job`, in this
process or in ``--jobs`` worker processes. Each finished document is stored atomically under OUTDIR/documents/
with a manifest of what produced it, so a killed run started again skips finished documents;
translations and embeddings are cached on disk, so the unfinished ones are cheap to redo too.
The combined TMX, TSV, bitext JSONL and report.html are rebuilt from the per-document files, in
input order, so the output does not depend on --jobs or on which run finished a document.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from tqdm import tqdm

from ..bitext import BitextLink, read_bitext, write_bitext
from ..formats.atomic import atomic_write
from ..text.reading import DEFAULT_INCLUDE, Source, iter_sources, pair_sources, read_bytes
from .job import JobOptions, PairAligner, PairInput, read_side

DOCUMENTS_DIR = "documents"
OUTPUT_FILES = {"jsonl": "bitext.jsonl", "tsv": "aligned.tsv", "tmx": "aligned.tmx", "report": "report.html"}


@dataclass(frozen=True)
class DocumentJob:
    index: int
    source: Source
    target: Optional[Source]  # None: align with the document's own machine translation


@dataclass
class DocumentResult:
    job: DocumentJob
    links: List[BitextLink]
    notes: List[str] = field(default_factory=list)
    reused: bool = False


@dataclass
class RunSummary:
    outdir: Path
    results: List[DocumentResult]
    outputs: Dict[str, Path]
    notes: List[str]
    translation_model: Optional[str]


def plan_jobs(inputs: Sequence[str], targets: Optional[str], include: Sequence[str]) -> Tuple[List[DocumentJob], List[str]]:
    """Pair every source file with its target by name; sources without one are noted, not dropped."""
    sources = list(iter_sources(inputs, include))
    if targets is None:
        return [DocumentJob(k, source, None) for k, source in enumerate(sources)], []
    paired = dict(pair_sources(sources, list(iter_sources([targets], include)), strict=False))
    notes = [f"{s.doc_id}: no file of the same name in {targets}" for s in sources if s not in paired]
    return [DocumentJob(k, source, paired.get(source)) for k, source in enumerate(sources)], notes


def read_job(job: DocumentJob, options: JobOptions, translator_id: str) -> Tuple[PairInput, str]:
    """Read and decode the job's files once (InputError when one does not decode or is in another
    language) and return them with the fingerprint that marks the job's result as reusable:
    the options, the translation model and the input bytes."""
    digest = hashlib.sha256(options.signature().long.encode())
    digest.update(translator_id.encode())
    documents = []
    for source, lang, option in ((job.source, options.src_lang, "--from"), (job.target, options.tgt_lang, "--to")):
        if source is None:
            digest.update(b"\0<mt>")
            documents.append(None)
            continue
        data = read_bytes(source)
        digest.update(b"\0" + data)
        documents.append(read_side(source, lang, options, option, data))
    return PairInput(*documents), digest.hexdigest()


def _document_paths(outdir: Path, job: DocumentJob) -> Tuple[Path, Path]:
    base = outdir / DOCUMENTS_DIR / job.source.doc_id
    return base.with_name(base.name + ".jsonl"), base.with_name(base.name + ".done.json")


_ALIGNER: Optional[PairAligner] = None


def _init_worker(options: JobOptions) -> None:
    global _ALIGNER
    _ALIGNER = PairAligner(options, use_installed_model=True)


def _process(aligner: PairAligner, job: DocumentJob, pair: PairInput) -> DocumentResult:
    result = aligner.align_pair(pair)
    return DocumentResult(job, result.links, result.notes + result.warnings)


def _process_in_worker(job: DocumentJob, pair: PairInput) -> DocumentResult:
    return _process(_ALIGNER, job, pair)


def run(inputs: Sequence[str], outdir: Path, options: JobOptions, targets: Optional[str] = None,
        include: Sequence[str] = DEFAULT_INCLUDE, jobs: int = 1, min_score: float = 0.0, progress: bool = True,
        notice: Callable[[str], None] = lambda message: None) -> RunSummary:
    """Run the main job over every input; returns what was done. ``notice`` receives one-line remarks."""
    outdir = Path(outdir)
    job_list, notes = plan_jobs(inputs, targets, include)
    aligner = PairAligner(options, use_installed_model=True)
    translator = aligner.translator(options.src_lang, options.tgt_lang)
    translator_id = str(translator.signature()) if translator is not None else "none"
    # Bad input (undecodable file, wrong language) stops the run here, before any document is done.
    results: Dict[int, DocumentResult] = {}
    pending: List[Tuple[DocumentJob, PairInput, str]] = []
    for job in job_list:
        pair, fingerprint = read_job(job, options, translator_id)
        reused = _load_finished(outdir, job, fingerprint)
        if reused is not None:
            results[job.index] = reused
        else:
            pending.append((job, pair, fingerprint))
    if translator is None:
        notice(f"no {options.src_lang}->{options.tgt_lang} translation model installed: aligning with "
               f"embeddings only (`aligner models install {options.src_lang}-{options.tgt_lang}` adds the "
               "translation step)")
    bar = tqdm(total=len(job_list), initial=len(results), desc="documents", unit="doc", disable=None if progress else True)
    fingerprints = {job.index: fingerprint for job, _, fingerprint in pending}
    for result in _execute(pending, aligner, options, jobs):
        _store_finished(outdir, result, fingerprints[result.job.index])
        results[result.job.index] = result
        bar.update(1)
    bar.close()
    ordered = [results[job.index] for job in job_list]
    for result in ordered:
        notes.extend(result.notes)
    outputs = write_outputs(outdir, ordered, notes, min_score, options)
    return RunSummary(outdir, ordered, outputs, notes, translator_id if translator is not None else None)


def _execute(pending: List[Tuple[DocumentJob, PairInput, str]], aligner: PairAligner, options: JobOptions,
             jobs: int) -> Iterator[DocumentResult]:
    if jobs <= 1 or len(pending) <= 1:
        for job, pair, _ in pending:
            yield _process(aligner, job, pair)
        return
    # Each process loads its own models once (initializer); results come back in completion order
    # and are stored immediately, so a kill loses at most the documents in flight.
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options,)) as pool:
        futures = [pool.submit(_process_in_worker, job, pair) for job, pair, _ in pending]
        for future in as_completed(futures):
            yield future.result()


def _load_finished(outdir: Path, job: DocumentJob, fingerprint: str) -> Optional[DocumentResult]:
    bitext_path, manifest_path = _document_paths(outdir, job)
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("fingerprint") != fingerprint or not bitext_path.is_file():
        return None
    return DocumentResult(job, list(read_bitext(bitext_path)), manifest.get("notes", []), reused=True)


def _store_finished(outdir: Path, result: DocumentResult, fingerprint: str) -> None:
    bitext_path, manifest_path = _document_paths(outdir, result.job)
    with atomic_write(bitext_path) as handle:
        write_bitext(result.links, handle)
    # The manifest is written last: its presence with a matching fingerprint marks the document done.
    with atomic_write(manifest_path) as handle:
        json.dump({"fingerprint": fingerprint, "notes": result.notes, "links": len(result.links)}, handle)


def write_outputs(outdir: Path, results: Sequence[DocumentResult], notes: List[str], min_score: float,
                  options: JobOptions) -> Dict[str, Path]:
    """The combined bitext JSONL (everything), TSV (everything), TMX (aligned pairs at or above
    ``min_score``) and report.html."""
    from ..formats.report import write_report
    from ..formats.tmx import write_tmx
    from ..formats.tsv import write_tsv

    links = [link for result in results for link in result.links]
    paths = {name: outdir / filename for name, filename in OUTPUT_FILES.items()}
    with atomic_write(paths["jsonl"]) as handle:
        write_bitext(links, handle)
    with atomic_write(paths["tsv"]) as handle:
        write_tsv(links, handle)
    in_memory = [link for link in links if not link.is_unaligned and (link.score or 0.0) >= min_score]
    below = sum(1 for link in links if not link.is_unaligned) - len(in_memory)
    if below:
        notes.append(f"{below} aligned pair(s) scored below --min-score {min_score:g}: kept in "
                     f"{OUTPUT_FILES['jsonl']} and {OUTPUT_FILES['tsv']}, left out of {OUTPUT_FILES['tmx']}")
    with atomic_write(paths["tmx"]) as handle:
        write_tmx(in_memory, handle, srclang=options.src_lang)
    write_report(paths["report"], links, notes,
                 title=f"aligner run: {options.src_lang}-{options.tgt_lang}, {len(results)} document(s)")
    return paths
