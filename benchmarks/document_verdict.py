"""The document verdict's rule: right article pairs against wrong ones (aligner.score.verdict).

FLORES-200 dev is made of short articles (consecutive lines with one URL). Each article of 3 or
more sentences is aligned with its translation (a right pair) and with the next such article's
translation (a wrong pair: another story, as when two files are paired by name but are not
translations of each other), the way `aligner run` aligns a pair: one sentence per line,
embeddings only, every link scored. Per language it prints the quantiles of the share of
sentences in links at or above the threshold, for right and for wrong pairs, and how many of
each some candidate rules (MIN_PARALLEL_SHARE among them) get wrong.

    python benchmarks/document_verdict.py              # fa-en and ar-en, at DEFAULT_MIN_PROBABILITY
    python benchmarks/document_verdict.py --threshold 0.6 --langs fa
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aligner.paths import shared_dir  # noqa: E402
from aligner.pipeline.job import JobOptions, PairAligner, PairInput  # noqa: E402
from aligner.score import DEFAULT_MIN_PROBABILITY  # noqa: E402
from aligner.score.verdict import MIN_PARALLEL_SHARE, document_verdict  # noqa: E402
from aligner.text.reading import document_from_lines  # noqa: E402

MIN_SENTENCES = 3


def articles(lang: str) -> List[List[int]]:
    """Line numbers of each FLORES dev article with at least MIN_SENTENCES sentences."""
    rows = (shared_dir() / "data" / "flores200" / "dev.metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]
    urls = [row.split("\t")[0] for row in rows]
    groups: List[List[int]] = []
    for index, url in enumerate(urls):
        if index == 0 or url != urls[index - 1]:
            groups.append([])
        groups[-1].append(index)
    return [group for group in groups if len(group) >= MIN_SENTENCES]


def shares(lang: str, threshold: float) -> tuple:
    flores = shared_dir() / "data" / "flores200"
    src = (flores / f"dev.{lang}").read_text(encoding="utf-8").splitlines()
    tgt = (flores / "dev.en").read_text(encoding="utf-8").splitlines()
    aligner = PairAligner(JobOptions(lang, "en", presegmented=True))
    groups = articles(lang)
    right, wrong = [], []
    for k, group in enumerate(groups):
        source = document_from_lines(f"{k}.{lang}", [src[i] for i in group], lang)
        for other, into in ((group, right), (groups[(k + 1) % len(groups)], wrong)):
            target = document_from_lines(f"{k}.en", [tgt[i] for i in other], "en")
            links = aligner.align_pair(PairInput(source, target)).links
            into.append(document_verdict(links, threshold).share)
    return np.array(right), np.array(wrong)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=DEFAULT_MIN_PROBABILITY)
    parser.add_argument("--langs", nargs="+", default=["fa", "ar"])
    args = parser.parse_args()
    for lang in args.langs:
        right, wrong = shares(lang, args.threshold)
        quantiles = (0, 0.05, 0.5, 0.95, 1)
        print(f"{lang}-en: {len(right)} right and {len(wrong)} wrong pairs, share of sentences in links "
              f">= {args.threshold:g}")
        print("  right: " + "  ".join(f"q{q:g}={np.quantile(right, q):.2f}" for q in quantiles))
        print("  wrong: " + "  ".join(f"q{q:g}={np.quantile(wrong, q):.2f}" for q in quantiles))
        for rule in sorted({0.2, 0.3, 0.34, 0.4, 0.5, 0.6, MIN_PARALLEL_SHARE}):
            mark = "  <- MIN_PARALLEL_SHARE" if rule == MIN_PARALLEL_SHARE else ""
            print(f"  rule share >= {rule:g}: {int((right < rule).sum())} right pairs called comparable, "
                  f"{int((wrong >= rule).sum())} wrong pairs called parallel{mark}")


if __name__ == "__main__":
    main()
