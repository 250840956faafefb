"""The combined outputs of `aligner run`, merged from the per-document files in input order.

Each output streams the documents' JSONL files one after another, so the driver never holds
the run's links: the combined files do not depend on the backend, on --jobs or on which run
finished a document. (report.html is the exception: its renderer takes every link at once.)
aligned.tmx takes only what a translator can trust (see :func:`memory_units`); everything else
stays in the JSONL and TSV and is shown in report.html.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

from ..bitext import BitextLink, read_bitext, write_bitext
from ..errors import OutputInUse
from ..formats.atomic import atomic_write
from ..score.verdict import PARALLEL
from .documents import DOCUMENTS_DIR, DocumentOutcome, document_paths
from .job import JobOptions

OUTPUT_FILES = {"jsonl": "bitext.jsonl", "tsv": "aligned.tsv", "tmx": "aligned.tmx", "report": "report.html"}
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
        produced = [name for name in [*OUTPUT_FILES.values(), MACHINE_TRANSLATED_FILE, DOCUMENTS_DIR]
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


def finished_links(outdir: Path, outcomes: Sequence[DocumentOutcome]) -> Iterator[BitextLink]:
    """The links of every finished document, read back from its file, in input order."""
    for outcome in outcomes:
        if outcome.failure is None:
            yield from read_bitext(document_paths(outdir, outcome.job)[0])


@dataclass
class MemoryCounts:
    """What the translation memories left out, for the run's notes."""

    below: int = 0  # aligned human pairs under the threshold
    not_parallel: int = 0  # aligned pairs of documents that are not translations


def memory_units(outdir: Path, outcomes: Sequence[DocumentOutcome], min_score: float,
                 counts: MemoryCounts) -> Iterator[BitextLink]:
    """The units of aligned.tmx: aligned human translations at or above ``min_score``, from the
    documents whose verdict is parallel."""
    for outcome in outcomes:
        if outcome.failure is not None:
            continue
        parallel = outcome.verdict.verdict == PARALLEL
        for link in read_bitext(document_paths(outdir, outcome.job)[0]):
            if link.is_unaligned or link.is_machine_translation:
                continue
            if not parallel:
                counts.not_parallel += 1
            elif (link.score or 0.0) >= min_score:
                yield link
            else:
                counts.below += 1


def machine_translated_units(outdir: Path, outcomes: Sequence[DocumentOutcome]) -> Iterator[BitextLink]:
    """The aligned links whose target is machine translation, whatever their score (it is the
    quality estimate each unit carries)."""
    return (link for link in finished_links(outdir, outcomes)
            if link.is_machine_translation and not link.is_unaligned)


def write_outputs(outdir: Path, outcomes: Sequence[DocumentOutcome], notes: List[str], min_score: float,
                  options: JobOptions, pairing=None) -> Dict[str, Path]:
    """The combined bitext JSONL (everything), TSV (everything), TMX (see :func:`memory_units`),
    machine-translated.tmx (when some target is MT) and report.html, from the finished documents;
    ``pairing``: the run's pairing decisions (a report section), None when it paired nothing."""
    from ..formats.report import pairing_section, write_report
    from ..formats.tmx import write_tmx
    from ..formats.tsv import write_tsv

    paths = {name: outdir / filename for name, filename in OUTPUT_FILES.items()}
    with atomic_write(paths["jsonl"]) as handle:
        write_bitext(finished_links(outdir, outcomes), handle)
    with atomic_write(paths["tsv"]) as handle:
        write_tsv(finished_links(outdir, outcomes), handle)
    counts = MemoryCounts()
    with atomic_write(paths["tmx"]) as handle:
        write_tmx(memory_units(outdir, outcomes, min_score, counts), handle, srclang=options.src_lang)
    _write_machine_translated(outdir, outcomes, options, paths, notes)
    if counts.below:
        notes.append(f"{counts.below} aligned pair(s) below --min-score {min_score:g} (the probability that a unit "
                     f"is right): kept in {OUTPUT_FILES['jsonl']} and {OUTPUT_FILES['tsv']}, left out of "
                     f"{OUTPUT_FILES['tmx']}")
    if counts.not_parallel:
        notes.append(f"{counts.not_parallel} aligned pair(s) of documents that are not translations of each other: "
                     f"kept in {OUTPUT_FILES['jsonl']} and {OUTPUT_FILES['tsv']}, left out of {OUTPUT_FILES['tmx']}")
    write_report(paths["report"], finished_links(outdir, outcomes), notes,
                 title=f"aligner run: {options.src_lang}-{options.tgt_lang}, {len(outcomes)} document(s)",
                 threshold=min_score, sections=[pairing_section(pairing)] if pairing is not None else ())
    return paths


def _write_machine_translated(outdir: Path, outcomes: Sequence[DocumentOutcome], options: JobOptions,
                              paths: Dict[str, Path], notes: List[str]) -> None:
    """machine-translated.tmx when some unit's target is MT (into ``paths`` as "mt"); no file
    otherwise, so a rerun leaves no stale one behind."""
    from ..formats.tmx import write_tmx

    path = outdir / MACHINE_TRANSLATED_FILE
    if next(machine_translated_units(outdir, outcomes), None) is None:
        path.unlink(missing_ok=True)
        return
    with atomic_write(path) as handle:
        stats = write_tmx(machine_translated_units(outdir, outcomes), handle, srclang=options.src_lang)
    paths["mt"] = path
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
