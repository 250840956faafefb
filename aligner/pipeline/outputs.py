"""The combined outputs of `aligner run`, merged from the per-document files in input order.

Each output streams the documents' JSONL files one after another, so the driver never holds
the run's links: the combined files do not depend on the backend, on --jobs or on which run
finished a document. (report.html is the exception: its renderer takes every link at once.)
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Dict, Iterator, List, Sequence

from ..bitext import BitextLink, read_bitext, write_bitext
from ..formats.atomic import atomic_write
from .documents import DocumentOutcome, document_paths
from .job import JobOptions

OUTPUT_FILES = {"jsonl": "bitext.jsonl", "tsv": "aligned.tsv", "tmx": "aligned.tmx", "report": "report.html"}
FAILED_FILE = "failed.tsv"


def finished_links(outdir: Path, outcomes: Sequence[DocumentOutcome]) -> Iterator[BitextLink]:
    """The links of every finished document, read back from its file, in input order."""
    for outcome in outcomes:
        if outcome.failure is None:
            yield from read_bitext(document_paths(outdir, outcome.job)[0])


def write_outputs(outdir: Path, outcomes: Sequence[DocumentOutcome], notes: List[str], min_score: float,
                  options: JobOptions) -> Dict[str, Path]:
    """The combined bitext JSONL (everything), TSV (everything), TMX (aligned pairs at or above
    ``min_score``) and report.html, from the finished documents."""
    from ..formats.report import write_report
    from ..formats.tmx import write_tmx
    from ..formats.tsv import write_tsv

    paths = {name: outdir / filename for name, filename in OUTPUT_FILES.items()}
    with atomic_write(paths["jsonl"]) as handle:
        write_bitext(finished_links(outdir, outcomes), handle)
    with atomic_write(paths["tsv"]) as handle:
        write_tsv(finished_links(outdir, outcomes), handle)
    below = [0]

    def in_memory() -> Iterator[BitextLink]:
        for link in finished_links(outdir, outcomes):
            if link.is_unaligned:
                continue
            if (link.score or 0.0) >= min_score:
                yield link
            else:
                below[0] += 1

    with atomic_write(paths["tmx"]) as handle:
        write_tmx(in_memory(), handle, srclang=options.src_lang)
    if below[0]:
        notes.append(f"{below[0]} aligned pair(s) scored below --min-score {min_score:g}: kept in "
                     f"{OUTPUT_FILES['jsonl']} and {OUTPUT_FILES['tsv']}, left out of {OUTPUT_FILES['tmx']}")
    write_report(paths["report"], finished_links(outdir, outcomes), notes,
                 title=f"aligner run: {options.src_lang}-{options.tgt_lang}, {len(outcomes)} document(s)")
    return paths


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
