"""Which of explain_link's reasons predict a wrong unit among the units a memory keeps?

report.html lists "doubtful units": units at or above the threshold (so in aligned.tmx) that
some reason speaks against. A reason that flags right units as often as wrong ones is noise (on
the sample corpus, "the two sides differ in quotation marks" flagged most right units: Persian
sources often have none). For each reason kind (aligner/score/explanation.py REASON_KINDS) this
measures, over the dev links of benchmarks/score_calibration.py (the aligner's links of
perturbed and of clean news articles, right iff equal to a gold link, and right links with one
number changed, with that script's weights; FLORES-200 dev and TICO-19 test, fa-en and ar-en)
at or above the threshold:

  flagged   weighted units the kind flags
  wrong     the share of those that are wrong
  lift      that share over the share of wrong units among all units at or above the threshold
  recall    the share of the wrong units at or above the threshold that it flags

A kind is predictive when its lift is at least explanation.PREDICTIVE_LIFT; report.html lists
only those (explanation.PREDICTIVE_KINDS).

    python benchmarks/doubtful_reasons.py                # dev (what PREDICTIVE_KINDS is chosen on)
    python benchmarks/doubtful_reasons.py --split test   # reported only
    python benchmarks/doubtful_reasons.py --documents 12 # the first 12 documents of each corpus
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from score_calibration import LANGS, POSITIVE, scored, unit_weights  # noqa: E402

from aligner.score import DEFAULT_MIN_PROBABILITY, Scorer  # noqa: E402
from aligner.score.explanation import PREDICTIVE_KINDS, PREDICTIVE_LIFT, REASON_KINDS, link_reasons  # noqa: E402

# A run's links: what report.html sees (the plain and comparable constructions are not a run's units).
RUN_LABELS = ("aligned:right", "aligned:wrong", "clean:right", "clean:wrong", "aligned:number")


def tally(split: str, work: Path, threshold: float, limit: Optional[int] = None):
    """Weighted (all, wrong) totals at or above ``threshold`` and, per kind, (flagged, flagged wrong)."""
    totals = [0.0, 0.0]
    kinds = defaultdict(lambda: [0.0, 0.0])
    scorer = Scorer()
    for lang in LANGS:
        for labels, links in scored(split, lang, work, scorer, RUN_LABELS, limit).values():
            for label, link, weight in zip(labels, links, unit_weights(labels)):
                if label not in RUN_LABELS or link.is_unaligned or link.score < threshold:
                    continue
                wrong = label not in POSITIVE
                totals[0] += weight
                totals[1] += weight * wrong
                for kind in {kind for kind, _ in link_reasons(link)}:
                    kinds[kind][0] += weight
                    kinds[kind][1] += weight * wrong
    return totals, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--threshold", type=float, default=DEFAULT_MIN_PROBABILITY)
    parser.add_argument("--work", type=Path, default=Path("/tmp/aligner-score-calibration-news"),
                        help="score_calibration.py's labelled links (built there when missing)")
    parser.add_argument("--documents", type=int, default=None,
                        help="the first N documents (of about 30 sentences) of each corpus; default all")
    options = parser.parse_args()
    (total, wrong), kinds = tally(options.split, options.work, options.threshold, options.documents)
    base = wrong / total if total else 0.0
    print(f"{options.split}: {total:.0f} weighted units at or above {options.threshold:g}, {100 * base:.2f} % wrong")
    print(f"{'kind':<12} {'flagged':>8} {'wrong %':>8} {'lift':>6} {'recall %':>9}  predictive  listed now")
    for kind in REASON_KINDS:
        flagged, flagged_wrong = kinds.get(kind, (0.0, 0.0))
        share = flagged_wrong / flagged if flagged else 0.0
        lift = share / base if base else 0.0
        recall = flagged_wrong / wrong if wrong else 0.0
        print(f"{kind:<12} {flagged:>8.0f} {100 * share:>8.1f} {lift:>6.1f} {100 * recall:>9.1f}  "
              f"{'yes' if flagged and lift >= PREDICTIVE_LIFT else 'no':<10}  {'yes' if kind in PREDICTIVE_KINDS else 'no'}")


if __name__ == "__main__":
    main()
