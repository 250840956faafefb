"""The pairing step of `aligner run`: which target, if any, each source is aligned with.

Run by the driver before any alignment, whatever the backend (so Ray and local runs align the
same pairs). Content pairing reads, segments and embeds every document it compares with the
job's own segmenter and embedder: the vectors land in the embedding cache under the keys the
alignment asks for later, so pairing costs no embedding the run would not do anyway.

The decision is stored atomically in OUTDIR/pairing.json with a fingerprint of what it depends
on (the inputs' bytes, the options, the method): a resumed run reuses it instead of pairing
again; a run killed while pairing left no file and pairs again (from cached vectors). After the
merge, OUTDIR/pairs.tsv has one row per source and per unpaired target (see :func:`write_pairs`).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import InputError
from ..formats.atomic import atomic_write, cannot_write
from ..pairing import PAIRERS
from ..pairing.content import ContentSettings
from ..pairing.model import COMPARABLE, NONE, PairDecision, PairingDocument
from ..progress import Progress
from ..text.reading import Source, iter_sources, read_bytes
from .documents import DocumentJob, DocumentOutcome, _outside
from .job import JobOptions, PairAligner, read_side

PAIRING_FILE = "pairing.json"
PAIRS_FILE = "pairs.tsv"
PAIRS_HEADER = ("source", "target", "paired_by", "probability", "verdict", "share_linked")
EMBED_CHUNK = 256  # documents embedded at a time: memory bounded whatever the folder's size


class DocumentReader:
    """Reads, segments and embeds documents for content pairing, as the job does."""

    def __init__(self, options: JobOptions, progress: bool = True):
        self.options = options
        self.progress = progress
        self._aligner: Optional[PairAligner] = None

    def read(self, side: str, inputs: Sequence[Source]) -> List[PairingDocument]:
        from ..score.quantities import numbers

        if self._aligner is None:
            self._aligner = PairAligner(self.options)
        lang, option = ((self.options.src_lang, "--from") if side == "source" else (self.options.tgt_lang, "--to"))
        documents: List[PairingDocument] = []
        with Progress(f"pairing: reading {side}s", "doc", total=len(inputs), quiet=not self.progress) as bar:
            for start in range(0, len(inputs), EMBED_CHUNK):
                chunk = [self._read(source, lang, option) for source in inputs[start:start + EMBED_CHUNK]]
                vectors = self._aligner.embedder.encode([s.text for d in chunk if not isinstance(d, PairingDocument)
                                                         for s in d.sentences])
                offset = 0
                for document in chunk:
                    if isinstance(document, PairingDocument):  # not readable: its problem says why
                        documents.append(document)
                        continue
                    count = len(document.sentences)
                    documents.append(PairingDocument(document.doc_id, vectors[offset:offset + count],
                                                     tuple(s.key for s in document.sentences),
                                                     numbers(document.text, document.lang)))
                    offset += count
                bar.update(len(chunk))
        return documents


    def _read(self, source: Source, lang: str, option: str):
        """The segmented document; a target that cannot be read (wrong language, not text) is a
        PairingDocument with its problem, left out of pairing and reported; a source raises (the
        run's inputs are checked before any work)."""
        try:
            return self._aligner.segment(read_side(source, lang, self.options, option))
        except InputError as exc:
            if option == "--from":
                raise
            return PairingDocument(source.doc_id, np.zeros((0, self._aligner.embedder.dim), np.float32),
                                   problem=str(exc))


def target_sources(targets: str, include: Sequence[str], exclude: Optional[Path]) -> List[Source]:
    return _outside(iter_sources([targets], include), exclude)


def pairing_fingerprint(options: JobOptions, method: str, settings: ContentSettings,
                        sources: Sequence[Source], targets: Sequence[Source]) -> Tuple[str, Dict[str, str]]:
    """What the decision depends on, and each input's content hash (by side and id)."""
    digest = hashlib.sha256(f"{options.signature().long}\0{method}\0{settings.signature().long}".encode())
    hashes: Dict[str, str] = {}
    for side, inputs in (("source", sources), ("target", targets)):
        for source in inputs:
            hashes[f"{side}:{source.doc_id}"] = hashlib.sha256(read_bytes(source)).hexdigest()
            digest.update(f"\0{side}:{source.doc_id}:{hashes[f'{side}:{source.doc_id}']}".encode())
    return digest.hexdigest(), hashes


def check_not_copies(hashes: Dict[str, str]) -> None:
    """InputError when a target file has the same bytes as a source file."""
    sources = {digest: key.partition(":")[2] for key, digest in hashes.items() if key.startswith("source:")}
    for key, digest in hashes.items():
        if key.startswith("target:") and digest in sources:
            raise InputError(f"{key.partition(':')[2]}: the same bytes as the input {sources[digest]}: "
                             "--targets must hold the translations, not copies of the inputs")


def pair_documents(sources: Sequence[Source], targets: Sequence[Source], options: JobOptions, method: str,
                   outdir: Path, progress: bool = True,
                   settings: ContentSettings = ContentSettings()) -> List[PairDecision]:
    """The decisions of ``method`` (see aligner.pairing.PAIRERS), reused from OUTDIR when an
    earlier run made them from the same inputs and options, else made and stored there."""
    pairer = PAIRERS.get(method)
    fingerprint, hashes = pairing_fingerprint(options, method, settings, sources, targets)
    check_not_copies(hashes)
    path = Path(outdir) / PAIRING_FILE
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if stored.get("fingerprint") == fingerprint:
            return [PairDecision.from_dict(record) for record in stored["decisions"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    decisions = pairer(sources, targets, DocumentReader(options, progress).read, settings)
    try:
        Path(outdir).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write(Path(outdir), exc) from None
    with atomic_write(path) as handle:
        json.dump({"fingerprint": fingerprint, "method": method, "decisions": [d.to_dict() for d in decisions]},
                  handle, ensure_ascii=False)
    return decisions


def jobs_from_decisions(sources: Sequence[Source], targets: Sequence[Source], decisions: Sequence[PairDecision],
                        mine: bool = False) -> Tuple[List[DocumentJob], List[str]]:
    """One job per source: its target when the decision pairs it as a translation, or as
    comparable when ``mine`` (the job mines the sentences the two translate, align/mining.py),
    else None (the MT route); and a note per document left unpaired or paired as comparable."""
    by_id = {t.doc_id: t for t in targets}
    chosen = {d.source: d for d in decisions if d.source is not None}
    jobs, notes = [], []
    for k, source in enumerate(sources):
        decision = chosen[source.doc_id]
        aligned = decision.is_translation or (mine and decision.verdict == COMPARABLE and decision.target)
        jobs.append(DocumentJob(k, source, by_id[decision.target] if aligned else None))
        if not decision.is_translation:
            notes.append(f"{source.doc_id}: {decision.reason}")
    notes += [f"{d.target} (target): {d.reason}" for d in decisions if d.source is None]
    return jobs, notes


def describe_pairing(decisions: Sequence[PairDecision]) -> str:
    """One line for stderr: how many sources found a target, by name and by content, and what
    was left unpaired (pairs.tsv and report.html say why, document by document)."""
    sources = [d for d in decisions if d.source is not None]
    paired = [d for d in sources if d.is_translation]
    by_content = sum(d.paired_by == "content" for d in paired)
    comparable = sum(d.verdict == COMPARABLE for d in sources)
    lonely_targets = sum(d.source is None for d in decisions)
    return (f"{len(paired)} of {len(sources)} source document(s) paired with their translation "
            f"({len(paired) - by_content} by name, {by_content} by content), {comparable} with a comparable "
            f"article, {len(sources) - len(paired) - comparable} with none; {lonely_targets} target(s) unpaired: "
            f"{PAIRS_FILE} says why")


def final_decisions(decisions: Sequence[PairDecision], outcomes: Sequence[DocumentOutcome]) -> List[PairDecision]:
    """The decisions with each aligned pair's verdict and linked share from its alignment."""
    aligned = {o.job.source.doc_id: o for o in outcomes if o.job.target is not None and o.verdict is not None}
    final = []
    for decision in decisions:
        outcome = aligned.get(decision.source) if decision.target else None
        if outcome is not None:
            verdict = outcome.verdict.verdict if outcome.verdict.verdict in (COMPARABLE, "parallel") else NONE
            decision = PairDecision(**{**decision.to_dict(), "verdict": verdict, "share": outcome.verdict.share,
                                       "losers": decision.losers})
        final.append(decision)
    return final


def write_pairs(outdir: Path, decisions: Sequence[PairDecision]) -> Path:
    """OUTDIR/pairs.tsv (PAIRS_HEADER), one row per decision."""
    path = Path(outdir) / PAIRS_FILE
    with atomic_write(path, newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(PAIRS_HEADER)
        for d in decisions:
            writer.writerow([d.source or "", d.target or "", d.paired_by,
                             "" if d.probability is None else f"{d.probability:.4f}", d.verdict,
                             "" if d.share is None else f"{d.share:.3f}"])
    return path

