"""Alignment evaluation with Vecalign's strict and lax precision, recall and F1.

Definitions (Thompson & Koehn 2019, as in Vecalign's score.py, reimplemented):

- An alignment is a list of links ``(src_ids, tgt_ids)`` of sentence indices (0-based).
- Precision is measured on the predicted links (1-0 and 0-1 links included, links empty on
  both sides ignored); recall is measured on the gold links, with 1-0 and 0-1 links removed from
  both gold and prediction.
- *Strict*: a link counts only when it equals a gold link exactly.
- *Lax*: a link also counts when some source sentence of it is gold-linked to some target
  sentence of it (partial overlap on both sides).
- Counts are summed over all documents before dividing (micro-average).

The aligner's tuning scripts (benchmarks/) and ``aligner bench align`` both score with
:func:`score_alignment`, so they can never disagree on what "strict" and "lax" mean.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from ..errors import InputError
from ..formats.vecalign import Alignment, read_vecalign_alignments


def _counts(gold: Alignment, test: Alignment) -> Tuple[int, int, int, int]:
    """(strict hits, strict misses, lax hits, lax misses) of ``test`` links against ``gold``."""
    gold_set = {(tuple(s), tuple(t)) for s, t in gold if s or t}
    test_set = {(tuple(s), tuple(t)) for s, t in test if s or t}
    linked_targets: Dict[int, set] = defaultdict(set)
    for src, tgt in gold_set:
        for i in src:
            linked_targets[i].update(tgt)
    strict_hit = strict_miss = lax_hit = lax_miss = 0
    for src, tgt in test_set:
        if (src, tgt) in gold_set:
            strict_hit += 1
            lax_hit += 1
            continue
        strict_miss += 1
        candidates = set().union(*(linked_targets[i] for i in src)) if src else set()
        if candidates & set(tgt):
            lax_hit += 1
        else:
            lax_miss += 1
    return strict_hit, strict_miss, lax_hit, lax_miss


def _ratio(hit: int, miss: int) -> float:
    return hit / (hit + miss) if hit + miss else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_alignment(gold, pred) -> Dict[str, float]:
    """Strict and lax precision/recall/F1 of predicted alignments against gold ones.

    ``gold`` and ``pred`` are either one alignment each (a list of ``(src_ids, tgt_ids)``
    links) or equally long lists of alignments (one per document; counts are summed over
    documents). Returns ``{"strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1"}``.
    """
    gold_docs, pred_docs = _as_documents(gold), _as_documents(pred)
    if len(gold_docs) != len(pred_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(pred_docs)} predicted ones")
    p_counts = [0, 0, 0, 0]
    r_counts = [0, 0, 0, 0]
    for gold_doc, pred_doc in zip(gold_docs, pred_docs):
        for k, v in enumerate(_counts(gold_doc, pred_doc)):
            p_counts[k] += v
        # Recall is precision with the roles swapped, deletions and insertions left out.
        gold_links = [(s, t) for s, t in gold_doc if s and t]
        pred_links = [(s, t) for s, t in pred_doc if s and t]
        for k, v in enumerate(_counts(pred_links, gold_links)):
            r_counts[k] += v
    result = {
        "strict_p": _ratio(p_counts[0], p_counts[1]), "strict_r": _ratio(r_counts[0], r_counts[1]),
        "lax_p": _ratio(p_counts[2], p_counts[3]), "lax_r": _ratio(r_counts[2], r_counts[3]),
    }
    result["strict_f1"] = _f1(result["strict_p"], result["strict_r"])
    result["lax_f1"] = _f1(result["lax_p"], result["lax_r"])
    return result


def _as_documents(alignments) -> List[Alignment]:
    alignments = list(alignments)
    if alignments and _is_link(alignments[0]):
        return [alignments]
    return alignments


def _is_link(item) -> bool:
    return (isinstance(item, (tuple, list)) and len(item) == 2
            and all(isinstance(side, (tuple, list)) and all(isinstance(i, int) for i in side) for side in item))

ALIGNMENT_MEASURES = ("strict_p", "strict_r", "strict_f1", "lax_p", "lax_r", "lax_f1")


@dataclass
class AlignmentBench:
    """Strict and lax P/R/F1 (Vecalign's definitions) per gold/predicted file pair and overall.

    ``total`` sums the link counts over all files before dividing (micro-average), as Vecalign's
    score.py does with several files.
    """

    files: List[Tuple[str, str, Dict[str, float]]]  # (gold, pred, scores)
    total: Dict[str, float]

    def to_dict(self) -> dict:
        return {"definition": "vecalign strict/lax (Thompson & Koehn 2019)", "total": self.total,
                "files": [{"gold": g, "pred": p, **scores} for g, p, scores in self.files]}

    def format_text(self, width: int = 3) -> str:
        column = max(6, width + 2)
        lines = [f"{'':<10}  {'strict':>{column}}  {'lax':>{column}}"]
        for label, key in (("precision", "p"), ("recall", "r"), ("F1", "f1")):
            strict, lax = self.total["strict_" + key], self.total["lax_" + key]
            lines.append(f"{label:<10}  {strict:>{column}.{width}f}  {lax:>{column}.{width}f}")
        if len(self.files) > 1:
            lines += ["", "per file: " + "  ".join(ALIGNMENT_MEASURES) + "  pred"]
            for _, pred, scores in self.files:
                lines.append("  ".join(f"{scores[k]:.{width}f}" for k in ALIGNMENT_MEASURES) + f"  {pred}")
        return "\n".join(lines)


def covered_range(alignment: Alignment, side: int) -> str:
    """The first and last sentence index that an alignment's links name on one side."""
    ids = [i for link in alignment for i in link[side]]
    return f"{min(ids)}-{max(ids)}" if ids else "none"


def check_same_sentences(gold: Alignment, pred: Alignment, gold_path: Path, pred_path: Path) -> None:
    """InputError unless gold and prediction cover the same sentence ranges on both sides: a
    prediction of another document would otherwise get a meaningless, tiny F1."""
    for side, name in ((0, "source"), (1, "target")):
        gold_range, pred_range = covered_range(gold, side), covered_range(pred, side)
        if gold_range != pred_range:
            raise InputError(f"{pred_path}: covers {name} sentences {pred_range} but the gold {gold_path} covers "
                             f"{gold_range}; are they alignments of the same document?")


def bench_alignment(gold_paths: Sequence[Path], pred_paths: Sequence[Path]) -> AlignmentBench:
    """Score Vecalign-format predicted alignments against gold ones, file by file and overall."""
    if len(gold_paths) != len(pred_paths):
        raise InputError(f"{len(gold_paths)} gold file(s) but {len(pred_paths)} predicted file(s); "
                         "give them in matching order")
    golds = [read_vecalign_alignments(path) for path in gold_paths]
    preds = [read_vecalign_alignments(path) for path in pred_paths]
    for gold_path, pred_path, gold, pred in zip(gold_paths, pred_paths, golds, preds):
        check_same_sentences(gold, pred, gold_path, pred_path)
    files = [(str(g), str(p), score_alignment(gold, pred))
             for g, p, gold, pred in zip(gold_paths, pred_paths, golds, preds)]
    return AlignmentBench(files, score_alignment(golds, preds))
