"""The combined outputs of `aligner run`, merged from the per-document files in input order.

Each output streams the documents' JSONL files one after another, so the driver never holds
the run's links: the combined files do not depend on the backend, on --jobs or on which run
finished a document. report.html keeps bounded lists and counts, and writes each document
pair's page (OUTDIR/report/) as its links go by; a translation memory holds each distinct pair
once, from a second pass over the files (24 bytes a unit in between, see
aligner.formats.tmx.DistinctUnits). So the driver holds no link and no text: its memory grows
with the links only by that index (benchmarks/scale_report.py, docs/scaling.md). aligned.tmx takes only what a translator can trust (see
:func:`memory_units`); everything else stays in the JSONL and TSV and is shown in report.html.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence

from ..bitext import HEADER_KEY, BitextLink, read_bitext, write_bitext
from ..errors import OutputInUse
from ..formats.atomic import atomic_write
from ..review.apply import RunReview, is_accepted, is_rejected
from ..score.verdict import PARALLEL
from .documents import DOCUMENTS_DIR, DocumentOutcome, document_paths
from .job import JobOptions

OUTPUT_FILES = {"jsonl": "bitext.jsonl", "tsv": "aligned.tsv", "tmx": "aligned.tmx", "report": "report.html"}
REPORT_PAGES = "report"  # beside report.html: a page per document pair (aligner.formats.report)
# Units whose target is machine translation (documents without a human translation), with their
# quality-estimation scores; written only when there are some.
MACHINE_TRANSLATED_FILE = "machine-translated.tmx"
FAILED_FILE = "failed.tsv"
CONFIGURATION_FILE = "run.json"  # what produced the folder: a run with another configuration refuses it


def configuration_id(options: JobOptions, translator_id: str) -> str:
    """What decides every document's links: the job's options and the translation model."""
    return hashlib.sha256(f"{options.signature().long}\0{translator_id}".encode()).hexdigest()


def check_configuration(outdir: Path, options: JobOptions, translator_id: str, force: bool) -> None:
    """Refuse (OutputInUse) an OUTDIR that holds the outputs of another configuration, or of a
    run that did not record its configuration, unless ``force``; the same configuration resumes."""
    if force:
        return
    path = outdir / CONFIGURATION_FILE
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get("configuration")
    except FileNotFoundError:
        recorded = None
    except (OSError, ValueError, AttributeError):
        recorded = "unreadable"
    if recorded is None:
        produced = [name for name in [*OUTPUT_FILES.values(), MACHINE_TRANSLATED_FILE, DOCUMENTS_DIR, REPORT_PAGES]
                    if (outdir / name).exists()]
        if not produced:
            return
        raise OutputInUse(f"{outdir} already holds {produced[0]} from another run; choose another -o folder, "
                          "or add --force to replace its outputs")
    if recorded != configuration_id(options, translator_id):
        raise OutputInUse(f"{outdir} holds the outputs of a run with other options or another translation model; "
                          "run with the same options to resume it, choose another -o folder, or add --force to "
                          "replace its outputs")


def record_configuration(outdir: Path, options: JobOptions, translator_id: str) -> None:
    with atomic_write(outdir / CONFIGURATION_FILE) as handle:
        json.dump({"configuration": configuration_id(options, translator_id), "options": options.signature().long,
                   "translation_model": translator_id}, handle, ensure_ascii=False)
        handle.write("\n")


def finished_links(outdir: Path, outcomes: Sequence[DocumentOutcome],
                   review: Optional[RunReview] = None) -> Iterator[BitextLink]:
    """The links of every finished document, read back from its file, in input order, with the
    review (`aligner review`) applied."""
    for outcome in outcomes:
        if outcome.failure is None:
            yield from _document_links(outdir, outcome, review)


def _document_links(outdir: Path, outcome: DocumentOutcome, review: Optional[RunReview]):
    links = read_bitext(document_paths(outdir, outcome.job)[0])
    return review.pair(outcome.job.source.doc_id, links) if review else links


def write_combined_bitext(outdir: Path, outcomes: Sequence[DocumentOutcome], handle,
                          review: Optional[RunReview] = None) -> None:
    """bitext.jsonl: byte for byte what ``write_bitext(finished_links(...))`` writes. A document
    whose header holds the combined file's provenance (in a run, most often every document) and
    that no review touches has its lines copied as they are, unparsed; the others are read (the
    review applied) and written again."""
    provenance = None  # the combined file's: its first link's, once its header is written
    reviewed = review.by_pair if review else {}
    for outcome in outcomes:
        if outcome.failure is not None:
            continue
        path = document_paths(outdir, outcome.job)[0]
        with open(path, encoding="utf-8", newline="") as document:
            first = document.readline()
            header = _header_provenance(first)
            if header is not None and provenance in (None, header) and outcome.job.source.doc_id not in reviewed:
                handle.write(first if provenance is None else "")
                provenance = header
                shutil.copyfileobj(document, handle)
                continue
        if provenance is None:  # nothing written yet, and no header to start with: the general writer
            write_bitext(finished_links(outdir, outcomes, review), handle)
            return
        handle.writelines(link.to_json(provenance) + "\n" for link in _document_links(outdir, outcome, review))


def _header_provenance(line: str) -> Optional[dict]:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record.get("provenance") if isinstance(record, dict) and HEADER_KEY in record else None


def _aligned_with_mt(outcome: DocumentOutcome) -> bool:
    """A document without a human translation: its targets are its machine translation."""
    return outcome.job.target is None


@dataclass
class MemoryCounts:
    """What the translation memories left out, for the run's notes."""

    below: int = 0  # aligned human pairs under the threshold
    not_parallel: int = 0  # aligned pairs of documents that are not translations
    mined: int = 0  # units mined from comparable documents that entered aligned.tmx


def memory_units(outdir: Path, outcomes: Sequence[DocumentOutcome], min_score: float,
                 counts: MemoryCounts, review: Optional[RunReview] = None) -> Iterator[BitextLink]:
    """The units of aligned.tmx: aligned human translations at or above ``min_score``, from the
    documents whose verdict is parallel and the units mined from comparable ones; a unit a
    reviewer accepted whatever its score and verdict, one they rejected never. ``counts`` are set
    anew by each pass."""
    counts.below = counts.not_parallel = counts.mined = 0
    for outcome in outcomes:
        if outcome.failure is not None or _aligned_with_mt(outcome):
            continue
        parallel = outcome.verdict.verdict == PARALLEL
        for link in _document_links(outdir, outcome, review):
            if link.is_unaligned or link.is_machine_translation or is_rejected(link):
                continue
            if is_accepted(link):
                yield link
            elif not parallel and not link.is_mined:
                counts.not_parallel += 1
            elif (link.score or 0.0) >= min_score:
                counts.mined += link.is_mined
                yield link
            else:
                counts.below += 1


def machine_translated_units(outdir: Path, outcomes: Sequence[DocumentOutcome]) -> Iterator[BitextLink]:
    """The aligned links whose target is machine translation, whatever their score (it is the
    quality estimate each unit carries). Only the documents without a human translation are read."""
    return (link for link in finished_links(outdir, [outcome for outcome in outcomes if _aligned_with_mt(outcome)])
            if link.is_machine_translation and not link.is_unaligned)


def write_memory(path: Path, units: Callable[[], Iterable[BitextLink]], srclang: str, keep_duplicates: bool):
    """A TMX of ``units()``: each distinct pair once (two passes over the documents' files), or
    with ``keep_duplicates`` every unit (one pass). Returns the writer's TmxWriteStats."""
    from ..formats.tmx import write_distinct_tmx, write_tmx

    with atomic_write(path) as handle:
        if keep_duplicates:
            return write_tmx(units(), handle, srclang=srclang)
        return write_distinct_tmx(units, handle, srclang=srclang)


def _duplicates_note(stats, filename: str) -> List[str]:
    if not stats.duplicates:
        return []
    return [f"{stats.duplicates} unit(s) repeat the source and target text of another: {filename} holds each "
            "such pair once, with how often it occurred (x-occurrences); --keep-duplicates keeps them all"]


def write_outputs(outdir: Path, outcomes: Sequence[DocumentOutcome], notes: List[str], min_score: float,
                  options: JobOptions, keep_duplicates: bool = False,
                  notice: Callable[[str], None] = lambda message: None, pairing=None) -> Dict[str, Path]:
    """The combined bitext JSONL (everything), TSV (everything), TMX (see :func:`memory_units`;
    each distinct pair once unless ``keep_duplicates``), machine-translated.tmx (when some
    target is MT) and report.html, from the finished documents, with OUTDIR/review.jsonl applied
    (its actions that no longer fit: ``notice`` and notes); ``pairing``: the run's pairing
    decisions (a report section), None when it paired nothing."""
    from ..formats.report import pairing_section, write_report
    from ..formats.tsv import write_tsv

    paths = {name: outdir / filename for name, filename in OUTPUT_FILES.items()}
    review = RunReview.of_folder(outdir)
    # The TSV first: it reads (and so checks) every document's records, which the JSONL copies.
    with atomic_write(paths["tsv"]) as handle:
        write_tsv(finished_links(outdir, outcomes, review), handle)
    with atomic_write(paths["jsonl"]) as handle:
        write_combined_bitext(outdir, outcomes, handle, review)
    counts = MemoryCounts()
    stats = write_memory(paths["tmx"], lambda: memory_units(outdir, outcomes, min_score, counts, review),
                         options.src_lang, keep_duplicates)
    notes.extend(_duplicates_note(stats, OUTPUT_FILES["tmx"]))
    for conflict in review.conflicts:
        notice(conflict + " (kept in review.jsonl; review the pair again)")
        notes.append(conflict)
    _write_machine_translated(outdir, outcomes, options, paths, notes, keep_duplicates)
    if counts.below:
        notes.append(f"{counts.below} aligned pair(s) below --min-score {min_score:g} (the probability that a unit "
                     f"is right): kept in {OUTPUT_FILES['jsonl']} and {OUTPUT_FILES['tsv']}, left out of "
                     f"{OUTPUT_FILES['tmx']}")
    if counts.mined:
        notes.append(f"{counts.mined} unit(s) mined from comparable documents (sentences translated in articles "
                     f"that are not translations of each other) are in {OUTPUT_FILES['tmx']}, marked x-origin=mined")
    if counts.not_parallel:
        notes.append(f"{counts.not_parallel} aligned pair(s) of documents that are not translations of each other: "
                     f"kept in {OUTPUT_FILES['jsonl']} and {OUTPUT_FILES['tsv']}, left out of {OUTPUT_FILES['tmx']}")
    write_report(paths["report"], finished_links(outdir, outcomes, review), notes,
                 title=f"aligner run: {options.src_lang}-{options.tgt_lang}, {len(outcomes)} document(s)",
                 threshold=min_score, sections=[pairing_section(pairing)] if pairing is not None else ())
    return paths


def _write_machine_translated(outdir: Path, outcomes: Sequence[DocumentOutcome], options: JobOptions,
                              paths: Dict[str, Path], notes: List[str], keep_duplicates: bool) -> None:
    """machine-translated.tmx when some unit's target is MT (into ``paths`` as "mt"); no file
    otherwise, so a rerun leaves no stale one behind."""
    path = outdir / MACHINE_TRANSLATED_FILE
    if next(machine_translated_units(outdir, outcomes), None) is None:
        path.unlink(missing_ok=True)
        return
    stats = write_memory(path, lambda: machine_translated_units(outdir, outcomes), options.src_lang, keep_duplicates)
    paths["mt"] = path
    notes.extend(_duplicates_note(stats, MACHINE_TRANSLATED_FILE))
    notes.append(f"{stats.units} unit(s) whose target is machine translation are in {MACHINE_TRANSLATED_FILE} "
                 "(marked as MT, with quality-estimation scores), never in " + OUTPUT_FILES["tmx"])


def write_failures(outdir: Path, failed: Sequence[DocumentOutcome], attempts: int) -> Path:
    """failed.tsv: one row per pair that failed every attempt (none: no file, so a finished
    rerun leaves no stale list behind)."""
    path = outdir / FAILED_FILE
    if not failed:
        path.unlink(missing_ok=True)
        return path
    with atomic_write(path, newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(["source", "target", "attempts", "reason"])
        for outcome in failed:
            target = outcome.job.target.doc_id if outcome.job.target else ""
            writer.writerow([outcome.job.source.doc_id, target, attempts, outcome.failure])
    return path
