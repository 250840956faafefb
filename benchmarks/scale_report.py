"""The merge step of `aligner run` at archive size: driver memory and time from 1,000 pairs up.

`aligner run` ends by merging the per-document files under OUTDIR/documents/ into bitext.jsonl,
aligned.tsv, aligned.tmx (each distinct pair once, or every link with --keep-duplicates) and
report.html with a page per document pair. This benchmark writes those per-document files
itself (precomputed, synthetic links: no model runs), then times the merge
(:func:`aligner.pipeline.outputs.write_outputs`, as the driver calls it) in a fresh process per
size and reads the process's memory:

- ``before``: its resident memory once it holds what the driver holds before merging (the
  imports and the outcome of every document pair: names, counts, verdicts, notes);
- ``peak``: its peak resident memory (ru_maxrss) after the merge; ``merge`` is peak - before,
  what the merge itself needs;
- the merge's wall time and CPU time (on a machine shared with other work, CPU time is the
  steadier measure).

Each pair has ``--links`` links (default 30): 1-1 units with varied scores, two below the
memory's threshold, a 2-1 link, one unaligned sentence on each side, and a headline that the
article repeats (two identical links, merged in aligned.tmx). Before this merge streamed, the
driver held every link (about 3.3 KB each): 100,000 pairs of 30 links would have needed about
10 GB.

    python benchmarks/scale_report.py                         # 1,000 / 10,000 / 100,000 pairs
    python benchmarks/scale_report.py --pairs 1000 10000 --keep-duplicates
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGE_BYTES = 4096
PLACEHOLDER = "@@DOC@@"


def template_links(size: int):
    """One pair's links with PLACEHOLDER where the document number goes."""
    from aligner.bitext import BitextLink

    src_doc, tgt_doc = f"archive/{PLACEHOLDER}.fa.txt", f"archive/{PLACEHOLDER}.en.txt"
    provenance = {"align": "vecalign:test", "score": "score:7|synthetic"}

    def link(src_ids, tgt_ids, src, tgt, score):
        scored = bool(src_ids and tgt_ids)
        return BitextLink(src_doc, tgt_doc, "fa", "en", tuple(src_ids), tuple(tgt_ids), src, tgt,
                          cost=0.3 if scored else None, similarity=0.8 if scored else None,
                          scores={"semantic": score, "numbers": 1.0, "length": 0.7} if scored else {},
                          score=score if scored else None, provenance=provenance)

    headline = ("سرخط خبر شمارهٔ ۱۲ دربارهٔ تلگرام", "Headline number 12 about Telegram")
    links = [link([0], [0], *headline, 0.97), link([1], [1], *headline, 0.96)]
    for i in range(2, size - 3):
        score = 0.2 + 0.1 * (i % 2) if i in (5, 9) else 0.9 + 0.09 * ((i * 37) % 11) / 10
        links.append(link([i], [i], f"جملهٔ {i} از مقالهٔ {PLACEHOLDER} با نیم‌فاصله و «گیومه» و ۱۲۳۴.",
                          f"Sentence {i} of article {PLACEHOLDER}, with quotes and 1234.", score))
    k = size - 3
    links.append(link([k, k + 1], [k], f"جملهٔ {k} از {PLACEHOLDER}. و ادامه‌اش.", f"Sentences {k} of {PLACEHOLDER}.",
                      0.93))
    links.append(link([k + 2], [], f"جملهٔ بی‌جفت {PLACEHOLDER}.", "", None))
    links.append(link([], [k + 1], "", f"An unpaired sentence of {PLACEHOLDER}.", None))
    return links


def build(outdir: Path, pairs: int, size: int) -> None:
    """OUTDIR/documents/ as a run leaves it: each pair's JSONL and done marker."""
    from aligner.bitext import write_bitext
    from aligner.pipeline.documents import LinkCounts
    from aligner.score.verdict import document_verdict

    links = template_links(size)
    import io

    buffer = io.StringIO()
    write_bitext(links, buffer)
    text = buffer.getvalue()
    marker = json.dumps({"fingerprint": "synthetic", "notes": [], "counts": LinkCounts.of(links).__dict__,
                         "verdict": document_verdict(links).to_dict()})
    folder = outdir / "documents" / "archive"
    folder.mkdir(parents=True)
    for number in range(pairs):
        name = f"{number:06d}"
        (folder / f"{name}.fa.txt.jsonl").write_text(text.replace(PLACEHOLDER, name), encoding="utf-8")
        (folder / f"{name}.fa.txt.done.json").write_text(marker, encoding="utf-8")


def outcomes(outdir: Path, pairs: int):
    """What the driver holds before the merge: every pair's outcome, read from its marker."""
    from aligner.pipeline.documents import DocumentJob, load_finished
    from aligner.text.reading import Source

    result = []
    for number in range(pairs):
        name = f"archive/{number:06d}"
        job = DocumentJob(number, Source(f"{name}.fa.txt", Path(f"/archive/{name}.fa.txt")),
                          Source(f"{name}.en.txt", Path(f"/archive/{name}.en.txt")))
        result.append(load_finished(outdir, job, "synthetic"))
    return result


def resident_bytes() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE_BYTES


def measure(outdir: Path, pairs: int, keep_duplicates: bool) -> dict:
    """In this (fresh) process: the merge of ``pairs`` pairs, its time and memory."""
    from aligner.pipeline.job import JobOptions
    from aligner.pipeline.outputs import write_outputs
    import aligner.formats.report  # noqa: F401  (imported before "before", as in a run)
    import aligner.formats.tmx  # noqa: F401
    import aligner.formats.tsv  # noqa: F401

    held = outcomes(outdir, pairs)
    before = resident_bytes()
    start, cpu_start = time.perf_counter(), time.process_time()
    notes: list = []
    write_outputs(outdir, held, notes, 0.5, JobOptions("fa", "en"), keep_duplicates=keep_duplicates)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    units = (outdir / "aligned.tmx").read_text(encoding="utf-8").count("<tu ") if pairs <= 10_000 else None
    pages = sum(1 for _ in (outdir / "report").iterdir())
    return {"pairs": pairs, "seconds": seconds, "cpu": cpu, "before": before, "peak": peak, "pages": pages, "units": units,
            "report_bytes": (outdir / "report.html").stat().st_size, "notes": notes}


def run_size(work: Path, pairs: int, size: int, keep_duplicates: bool) -> dict:
    outdir = work / f"run-{pairs}x{size}"
    if not (outdir / "documents").is_dir():
        started = time.perf_counter()
        build(outdir, pairs, size)
        print(f"  built {pairs:,} pairs x {size} links in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    args = [sys.executable, __file__, "--measure", str(outdir), str(pairs)] + (["--keep-duplicates"] * keep_duplicates)
    child = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(child.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--links", type=int, default=30, help="links per pair (at least 8)")
    parser.add_argument("--keep-duplicates", action="store_true", help="merge as `run --keep-duplicates`")
    parser.add_argument("--work", type=Path, default=None, help="folder for the runs (default: a temporary one)")
    parser.add_argument("--measure", nargs=2, metavar=("OUTDIR", "PAIRS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(Path(args.measure[0]), int(args.measure[1]), args.keep_duplicates)))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="aligner-scale-"))
    try:
        rows = [run_size(work, pairs, args.links, args.keep_duplicates) for pairs in args.pairs]
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    mib = 1 << 20
    print(f"merge of precomputed pairs, {args.links} links each"
          f"{' (--keep-duplicates)' if args.keep_duplicates else ''}: driver memory and time")
    print(f"{'pairs':>8} {'links':>10} {'before MiB':>11} {'peak MiB':>9} {'merge MiB':>10} {'B/link':>7} "
          f"{'wall s':>7} {'CPU s':>7} {'links/CPU s':>11} {'pages':>7} {'report.html KiB':>16}")
    for row in rows:
        links = row["pairs"] * args.links
        merge = row["peak"] - row["before"]
        print(f"{row['pairs']:>8,} {links:>10,} {row['before'] / mib:>11.1f} {row['peak'] / mib:>9.1f} "
              f"{merge / mib:>10.1f} {merge / links:>7.1f} {row['seconds']:>7.0f} {row['cpu']:>7.0f} "
              f"{links / row['cpu']:>11,.0f} "
              f"{row['pages']:>7,} {row['report_bytes'] / 1024:>16.0f}")
    print(f"before this merge streamed: about 3.3 KB a link held, {rows[-1]['pairs'] * args.links * 3.3e3 / 1e9:.1f} GB "
          f"for {rows[-1]['pairs']:,} pairs")


if __name__ == "__main__":
    main()
