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

Public API, reused by ``aligner bench align``: :func:`score_alignment`,
:func:`read_vecalign_alignments`, :func:`format_vecalign`.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

from ..errors import FormatError
from ..reading import decode

Alignment = List[Tuple[Tuple[int, ...], Tuple[int, ...]]]

_LINE = re.compile(r"^\s*(\[[\d,\s]*\])\s*:\s*(\[[\d,\s]*\])\s*(?::\s*(\S+))?\s*$")


def read_vecalign_alignments(path) -> Alignment:
    """Read a Vecalign-format alignment file: one ``[i, ...]:[j, ...]`` or ``[i]:[j]:cost`` per
    line (0-based indices, empty lists for 1-0/0-1). A malformed line raises FormatError."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FormatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    # Strict decoding names a binary, non-UTF-8 or empty file instead of failing later.
    text = decode(data, str(path))
    return parse_vecalign_alignments(text.splitlines(), name=str(path))


def parse_vecalign_alignments(lines: Iterable[str], name: str = "<alignment>") -> Alignment:
    links: Alignment = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if not match:
            raise FormatError(f"{name}:{number}: not a Vecalign alignment line: {line.strip()[:60]!r}")
        src, tgt = (tuple(int(i) for i in ast.literal_eval(part)) for part in match.group(1, 2))
        links.append((src, tgt))
    return links


def format_vecalign(links: Iterable[Tuple[Sequence[int], Sequence[int], float]]) -> Iterable[str]:
    """Vecalign lines ``[i, ...]:[j, ...]:cost`` for (src_ids, tgt_ids, cost) triples."""
    for src, tgt, cost in links:
        yield f"[{', '.join(map(str, src))}]:[{', '.join(map(str, tgt))}]:{cost:.5f}"


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
