"""Sentence-level evidence that one document is the translation of another.

For a candidate pair, every sentence is matched with its most similar sentence on the other
side; a match that is the best in both directions and at least :data:`STRONG_SIMILARITY` is a
link. A translation links most of its sentences, in the same order; an article that only
tells the same story links few, or links them in another order; an unrelated article links
next to none. Numbers and dates (score.quantities) must agree between a document and its
translation. Sentences that repeat across the collection (a site's boilerplate: bylines,
copyright lines, "read more") say nothing about which article is which, so they count for
nothing (:func:`boilerplate_weights`).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np

from .model import PairingDocument

# e5-small cosines (FLORES-200 dev, fa-en, one sentence against the 997 English ones): a sentence
# and its translation: 5th percentile 0.85, median 0.89; a sentence and the most similar of the
# 996 others: median 0.83. A mutual best match at or above this is a link.
STRONG_SIMILARITY = 0.83
# A link is distinct when its cosine beats the source sentence's best in every other candidate
# target by this much (dev folders: at 0.02, 3 of 12 ar-en comparable calls were chance
# matches of UN and short FLORES articles; at 0.04 none, 12 of 16 comparable articles found) (the margin idea of LASER mining, against the other candidates): chance
# links between articles on one topic, frequent in formulaic UN prose, are not.
MIN_MARGIN = 0.04
# A key found in this many documents of one side (or more) is boilerplate.
BOILERPLATE_DOCUMENTS = 3


def boilerplate_weights(documents: Sequence[PairingDocument]) -> List[np.ndarray]:
    """Per document, 1 for each sentence and 0 for those whose key repeats in
    BOILERPLATE_DOCUMENTS documents of the collection or more (or is empty); a document given
    without keys: 1 for every sentence."""
    found = Counter(key for document in documents for key in set(document.keys) if key)
    weights = []
    for document in documents:
        if not document.keys:
            weights.append(np.ones(len(document.vectors), dtype=np.float32))
            continue
        weights.append(np.array([1.0 if key and found[key] < BOILERPLATE_DOCUMENTS else 0.0
                                 for key in document.keys], dtype=np.float32))
    return weights


@dataclass(frozen=True)
class Evidence:
    """What the sentences of a pair say; ``features`` go into the calibrated probability."""

    linked: float  # share of both sides' sentences (boilerplate left out) in links kept in order
    linked_any_order: float  # share of the source's sentences in links, in any order
    distinct: float  # share of both sides' sentences in distinct links kept in order
    distinct_any_order: float  # share of the source's sentences in distinct links, in any order
    similarity: float  # mean cosine of the mutual best matches
    numbers_agree: float  # Jaccard of the two documents' quantities (0 when neither has any)
    numbers_differ: float  # share of their quantities not found on the other side
    length: float  # |log| of the ratio of sentence counts (boilerplate left out)
    links: int

    @property
    def features(self) -> Dict[str, float]:
        return {"linked": self.linked, "distinct": self.distinct, "similarity": self.similarity,
                "numbers_agree": self.numbers_agree, "numbers_differ": self.numbers_differ, "length": self.length}


NO_EVIDENCE = Evidence(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0)


def pair_evidence(src: PairingDocument, tgt: PairingDocument, src_weights: np.ndarray,
                  tgt_weights: np.ndarray, elsewhere: Optional[np.ndarray] = None) -> Evidence:
    """The evidence of one candidate pair (a side without sentences: none); ``elsewhere``: each
    source sentence's best cosine in the source's other candidate targets (None: there are none)."""
    n, m = len(src.vectors), len(tgt.vectors)
    if not n or not m:
        return NO_EVIDENCE
    sim = src.vectors @ tgt.vectors.T
    best_t, best_s = sim.argmax(axis=1), sim.argmax(axis=0)
    mutual = np.nonzero(best_s[best_t] == np.arange(n))[0]
    matched = sim[mutual, best_t[mutual]]
    counted = (src_weights[mutual] > 0) & (tgt_weights[best_t[mutual]] > 0) & (matched >= STRONG_SIMILARITY)
    links_i, links_j = mutual[counted], best_t[mutual[counted]]
    src_count, tgt_count = float(src_weights.sum()), float(tgt_weights.sum())
    distinct = sim[links_i, links_j] - (elsewhere[links_i] if elsewhere is not None else -1.0) >= MIN_MARGIN
    both = src_count + tgt_count
    agree, differ = _numbers(src.numbers, tgt.numbers)
    return Evidence(
        linked=2 * increasing_run(links_j.tolist()) / both if both else 0.0,
        linked_any_order=len(links_i) / src_count if src_count else 0.0,
        distinct=2 * increasing_run(links_j[distinct].tolist()) / both if both else 0.0,
        distinct_any_order=int(distinct.sum()) / src_count if src_count else 0.0,
        similarity=float(matched.mean()) if len(matched) else 0.0, numbers_agree=agree, numbers_differ=differ,
        length=abs(math.log((src_count + 1) / (tgt_count + 1))), links=len(links_i))


def increasing_run(values: Sequence[int]) -> int:
    """Length of the longest strictly increasing subsequence (patience sorting)."""
    tails: List[int] = []
    for value in values:
        k = bisect.bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
        else:
            tails[k] = value
    return len(tails)


def _numbers(src: Counter, tgt: Counter):
    """(Jaccard, share not found on the other side) of two multisets of quantities."""
    union = sum((src | tgt).values())
    if not union:
        return 0.0, 0.0
    common = sum((src & tgt).values())
    return common / union, (union - common) / union
