"""The main job: folders of articles in, a translation memory out.

For every source document: segment -> translate (installed model, when there is one) -> align
(with its human translation from the targets folder, or with its own MT output when there is
none) -> score -> write. Each finished document is stored atomically under OUTDIR/documents/
with a manifest of what produced it, so a killed run started again skips finished documents;
translations and embeddings are cached on disk, so the unfinished ones are cheap to redo too.
The combined TMX, TSV, bitext JSONL and report.html are rebuilt from the per-document files, in
input order, so the output does not depend on --jobs or on which run finished a document.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from tqdm import tqdm

from .. import __version__
from ..bitext import BitextLink, read_bitext, write_bitext
from ..document import Document, Sentence
from ..errors import ModelError
from ..text.langid import check_language
from ..text.normalise import normalise
from ..text.reading import (DEFAULT_INCLUDE, Source, document_from_bytes, iter_sources, pair_sources, read_bytes,
                      read_document)
from ..segment.base import get_segmenter, segment_document
from ..formats.atomic import atomic_write

DOCUMENTS_DIR = "documents"
OUTPUT_FILES = {"jsonl": "bitext.jsonl", "tsv": "aligned.tsv", "tmx": "aligned.tmx", "report": "report.html"}


@dataclass(frozen=True)
class RunOptions:
    """Everything that decides a document's result (so a changed option redoes the document)."""

    src_lang: str
    tgt_lang: str
    model: Optional[str] = None  # translation model spec; None = the installed model of the pair, if any
    method: str = "auto"
    max_link: int = 4
    concat_margin: float = 0.05
    min_similarity: float = 0.0
    segmenter: str = "rules"
    embedder: str = "e5-small"
    encoding: Optional[str] = None
    include: Tuple[str, ...] = DEFAULT_INCLUDE
    beam_size: int = 4

    def signature(self) -> str:
        return json.dumps({"aligner": __version__, **asdict(self)}, sort_keys=True)


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


def inspect_inputs(job: DocumentJob, options: RunOptions, translator_id: Optional[str]) -> str:
    """Check that the job's files decode and are in the expected languages (InputError if not) and
    return the fingerprint that marks its result as reusable: options, model and input bytes."""
    digest = hashlib.sha256(options.signature().encode())
    digest.update((translator_id or "no-mt").encode())
    for source, lang, option in ((job.source, options.src_lang, "--from"),
                                 (job.target, options.tgt_lang, "--to")):
        if source is None:
            digest.update(b"\0<mt>")
            continue
        data = read_bytes(source)
        check_language(document_from_bytes(source, data, options.encoding, lang), lang, option)
        digest.update(b"\0" + data)
    return digest.hexdigest()


def _document_paths(outdir: Path, job: DocumentJob) -> Tuple[Path, Path]:
    base = outdir / DOCUMENTS_DIR / job.source.doc_id
    return base.with_name(base.name + ".jsonl"), base.with_name(base.name + ".done.json")


def document_from_sentences(doc_id: str, texts: Sequence[str], lang: str) -> Document:
    """A document whose sentences are given (one per line of its text), e.g. an MT output."""
    document = Document(doc_id=doc_id, text="\n".join(texts), lang=lang)
    position = 0
    for index, text in enumerate(texts):
        document.sentences.append(Sentence(doc_id, index, 0, position, position + len(text), text,
                                           normalise(text, lang), lang))
        position += len(text) + 1
    return document


class _Worker:
    """The per-process state of a run: models are loaded once and reused for every document."""

    def __init__(self, options: RunOptions):
        from ..embed import get_embedder
        from ..score import Scorer, default_components

        self.options = options
        self.translator = _make_translator(options)
        # One embedder serves the aligner and the semantic-similarity score.
        self.embedder = get_embedder(options.embedder)
        translate = self.translator.translate_list if self.translator else None
        model_id = self.translator.signature() if self.translator else "none"
        self.scorer = Scorer(default_components(options.embedder, translate, model_id, embedder=self.embedder,
                                                mt_pair=(options.src_lang, options.tgt_lang)))
        self.align_embedder = self.embedder if options.method in ("auto", "embed") else None

    def load(self, source: Source, lang: str) -> Document:
        document = read_document(source, self.options.encoding, lang)
        return segment_document(document, get_segmenter(self.options.segmenter, lang))

    def process(self, job: DocumentJob) -> DocumentResult:
        from ..align import AlignConfig
        from ..align.documents import align_documents, split_below

        options = self.options
        notes: List[str] = []
        src_doc = self.load(job.source, options.src_lang)
        translations = None
        if self.translator is not None and src_doc.sentences:
            translations = self.translator.translate_list([s.text for s in src_doc.sentences])
        if job.target is not None:
            tgt_doc = self.load(job.target, options.tgt_lang)
        elif translations is not None:
            tgt_doc = document_from_sentences(f"{job.source.doc_id} (MT)", translations, options.tgt_lang)
            notes.append(f"{job.source.doc_id}: no target document; aligned with its own machine translation")
        else:
            tgt_doc = Document(doc_id=f"{job.source.doc_id} (no target)", text="", lang=options.tgt_lang)
            notes.append(f"{job.source.doc_id}: no target document and no translation model; "
                         f"all {len(src_doc.sentences)} sentences reported unaligned")
        config = AlignConfig(method=options.method, max_link=options.max_link,
                             concat_margin=options.concat_margin)
        links = align_documents(src_doc, tgt_doc, embedder=self.align_embedder, translations=translations, config=config)
        if options.min_similarity > 0:
            links = split_below(links, options.min_similarity, src_doc, tgt_doc)
        links = list(self.scorer.score_links(links))
        unaligned = sum(link.is_unaligned for link in links)
        if unaligned and tgt_doc.sentences:
            notes.append(f"{job.source.doc_id}: {unaligned} sentence(s) without a counterpart (1-0/0-1 links)")
        return DocumentResult(job, links, notes)


def _make_translator(options: RunOptions):
    from ..translate.translator import make_translator

    try:
        return make_translator(options.model, options.src_lang, options.tgt_lang, beam_size=options.beam_size)
    except ModelError:
        if options.model is not None:
            raise  # the user named a model: failing to load it is an error, not a fallback
        return None


_WORKER: Optional[_Worker] = None


def _init_worker(options: RunOptions) -> None:
    global _WORKER
    _WORKER = _Worker(options)


def _process_in_worker(job: DocumentJob) -> DocumentResult:
    return _WORKER.process(job)


def run(inputs: Sequence[str], outdir: Path, options: RunOptions, targets: Optional[str] = None,
        jobs: int = 1, min_score: float = 0.0, progress: bool = True,
        notice: Callable[[str], None] = lambda message: None) -> RunSummary:
    """Run the whole pipeline; returns what was done. ``notice`` receives one-line remarks."""
    outdir = Path(outdir)
    job_list, notes = plan_jobs(inputs, targets, options.include)
    worker = _Worker(options)
    translator_id = worker.translator.signature() if worker.translator else None
    # Bad input (undecodable file, wrong language) stops the run here, before any document is done.
    fingerprints = {job.index: inspect_inputs(job, options, translator_id) for job in job_list}
    if worker.translator is None:
        notice(f"no {options.src_lang}->{options.tgt_lang} translation model installed: aligning with "
               f"embeddings only (`aligner models install {options.src_lang}-{options.tgt_lang}` adds the "
               "translation step)")
    results: Dict[int, DocumentResult] = {}
    pending: List[DocumentJob] = []
    for job in job_list:
        reused = _load_finished(outdir, job, fingerprints[job.index])
        if reused is not None:
            results[job.index] = reused
        else:
            pending.append(job)
    bar = tqdm(total=len(job_list), initial=len(results), desc="documents", unit="doc", disable=None if progress else True)
    for result in _execute(pending, worker, options, jobs):
        _store_finished(outdir, result, fingerprints[result.job.index])
        results[result.job.index] = result
        bar.update(1)
    bar.close()
    ordered = [results[job.index] for job in job_list]
    for result in ordered:
        notes.extend(result.notes)
    outputs = write_outputs(outdir, ordered, notes, min_score, options)
    return RunSummary(outdir, ordered, outputs, notes, translator_id)


def _execute(pending: List[DocumentJob], worker: _Worker, options: RunOptions, jobs: int) -> Iterator[DocumentResult]:
    if jobs <= 1 or len(pending) <= 1:
        for job in pending:
            yield worker.process(job)
        return
    # Each process loads its own models once (initializer); results come back in completion order
    # and are stored immediately, so a kill loses at most the documents in flight.
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(options,)) as pool:
        futures = [pool.submit(_process_in_worker, job) for job in pending]
        from concurrent.futures import as_completed

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
                  options: RunOptions) -> Dict[str, Path]:
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
