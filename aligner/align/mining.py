"""Mining the translated sentences of comparable documents, in any order.

Two articles that tell the same story without being translations of each other (the verdict
``comparable``, score/verdict.py) still share sentences now and then: a quote rendered in both,
a paragraph translated before the stories diverge. The three-pass aligner cannot find them: it
keeps the order of both documents. A miner looks at every source-target sentence pair instead.

:class:`MarginMiner` is the ratio margin of Artetxe & Schwenk (2019), as LASER and WikiMatrix
mine: a pair's cosine divided by the mean cosine of each side's k nearest neighbours on the other
side. An embedding model puts some sentences close to everything (short ones, names, figures);
the margin asks whether a pair is closer than either side is to its other neighbours. Each source
sentence's and each target sentence's best pair by margin are candidates (both directions,
Artetxe & Schwenk's "max" strategy); taken greedily by margin, each sentence joins at most one
1-1 pair. Pairs below ``min_margin`` are not even candidates. Whether a mined pair is a unit a
translator can trust is the scorer's call (the calibrated probability with the ``mined``
coefficient set, score/calibration.py), not the margin's: the miner proposes, the scorer judges.

:func:`mined_links` turns mined pairs into a document pair's links: every mined pair one 1-1
link, every other sentence a 1-0 / 0-1 link, so each sentence is in exactly one link as always.
Miners are registered in :data:`MINERS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, List, Sequence

import numpy as np

from ..bitext import MINED, BitextLink
from ..document import Document
from ..registry import Registry
from ..signature import Signature

# Neighbours per side in the margin's denominator: LASER's k=4. In a document pair a side has
# tens of sentences, not millions, so fewer neighbours exist; k shrinks to what there is.
DEFAULT_K = 4
# Candidates need a margin of at least this: a pair no closer than each side's average
# neighbour is no translation worth scoring (the right pairs of the dev setups of
# benchmarks/mining.py have margins of 1.05 and up; wrong candidates pile up below 1.02).
DEFAULT_MIN_MARGIN = 1.0


@dataclass(frozen=True)
class MinedPair:
    src: int  # sentence index in the source document
    tgt: int
    cosine: float
    margin: float  # the ratio margin, 1 = as close as the average neighbour
    gap: float  # how far the margin stands out: over the next best of either sentence with another one


class Miner:
    """Finds 1-1 sentence pairs that may be translations, in any order, from sentence vectors."""

    name = "base"

    def mine(self, src_vectors: np.ndarray, tgt_vectors: np.ndarray) -> List[MinedPair]:
        raise NotImplementedError

    def signature(self) -> Signature:
        return Signature.of(self.name)


class MarginMiner(Miner):
    """Ratio margin over the k nearest neighbours in both directions, greedy 1-1 by margin."""

    name = "margin"

    def __init__(self, k: int = DEFAULT_K, min_margin: float = DEFAULT_MIN_MARGIN):
        self.k = k
        self.min_margin = min_margin

    def signature(self) -> Signature:
        return Signature.of(self.name, k=self.k, min_margin=self.min_margin)

    def mine(self, src_vectors: np.ndarray, tgt_vectors: np.ndarray) -> List[MinedPair]:
        if len(src_vectors) == 0 or len(tgt_vectors) == 0:
            return []
        src_vectors = np.asarray(src_vectors, np.float32)
        tgt_vectors = np.asarray(tgt_vectors, np.float32)
        forward = np.concatenate([_mean_top(block, self.k) for block in _cosine_blocks(src_vectors, tgt_vectors)])
        backward = np.concatenate([_mean_top(block, self.k) for block in _cosine_blocks(tgt_vectors, src_vectors)])
        rows = _Best(len(src_vectors))  # each source sentence's best and second-best margins
        columns = _Best(len(tgt_vectors))
        start = 0
        for cosines in _cosine_blocks(src_vectors, tgt_vectors):
            denominator = (forward[start:start + len(cosines), None] + backward[None, :]) / 2
            # Neighbours no closer than orthogonal (not an embedding model's usual geometry): no margin.
            margins = np.where(denominator > 1e-6, cosines / np.maximum(denominator, 1e-6), 0.0)
            rows.set_rows(start, margins, cosines)
            columns.merge(margins.T, cosines.T, start)
            start += len(cosines)
        candidates = {(i, int(rows.index[i])): (rows.top[0, i], rows.cosine[i]) for i in range(len(src_vectors))}
        candidates.update({(int(columns.index[j]), j): (columns.top[0, j], columns.cosine[j])
                           for j in range(len(tgt_vectors))})
        return self._greedy(candidates, rows, columns)

    def _greedy(self, candidates, rows: "_Best", columns: "_Best") -> List[MinedPair]:
        """Candidates at or above min_margin taken by margin, each sentence at most once."""
        used_src, used_tgt, pairs = set(), set(), []
        for (i, j), (margin, cosine) in sorted(candidates.items(), key=lambda item: (-item[1][0], item[0])):
            if margin < self.min_margin:
                break
            if i not in used_src and j not in used_tgt:
                used_src.add(i)
                used_tgt.add(j)
                gap = min(margin - rows.other(i, j), margin - columns.other(j, i))
                pairs.append(MinedPair(i, j, float(cosine), float(margin), float(gap)))
        return sorted(pairs, key=lambda pair: pair.src)


class _Best:
    """Per sentence of one side: the best margin over the other side, its index and cosine, and
    the second-best margin (1, an average neighbour's, where the other side has one sentence)."""

    def __init__(self, size: int):
        self.top = np.full((2, size), -np.inf)
        self.index = np.zeros(size, dtype=np.int64)
        self.cosine = np.zeros(size)

    def set_rows(self, start: int, margins: np.ndarray, cosines: np.ndarray) -> None:
        """Rows start.. of the matrix, whole."""
        stop, index = start + len(margins), margins.argmax(axis=1)
        self.top[:, start:stop] = _top_two(margins)
        self.index[start:stop] = index
        self.cosine[start:stop] = cosines[np.arange(len(margins)), index]

    def merge(self, margins: np.ndarray, cosines: np.ndarray, offset: int) -> None:
        """Columns (one row here per sentence) seen so far, merged with a block of them."""
        best, second = _top_two(margins)
        index = margins.argmax(axis=1)
        better = best > self.top[0]
        self.top[1] = np.maximum(np.minimum(self.top[0], best), np.maximum(self.top[1], second))
        self.top[0, better] = best[better]
        self.index[better] = offset + index[better]
        self.cosine[better] = cosines[np.arange(len(margins)), index][better]

    def other(self, k: int, partner: int) -> float:
        """The best margin of sentence k with any sentence but ``partner``."""
        value = self.top[1, k] if self.index[k] == partner else self.top[0, k]
        return float(value) if np.isfinite(value) else 1.0


def _top_two(values: np.ndarray) -> np.ndarray:
    """(2, rows): each row's largest and second-largest value (-inf without a second)."""
    if values.shape[1] < 2:
        return np.vstack([values.max(axis=1), np.full(len(values), -np.inf)])
    part = np.partition(values, values.shape[1] - 2, axis=1)
    return np.vstack([part[:, -1], part[:, -2]])


# Rows of the cosine matrix computed at once: memory stays at this many rows whatever the
# documents' sizes (a 200-sentence article against a 100,000-line file is 100 MB at most).
_BLOCK_ROWS = 256


def _cosine_blocks(rows: np.ndarray, columns: np.ndarray) -> Iterator[np.ndarray]:
    for start in range(0, len(rows), _BLOCK_ROWS):
        yield rows[start:start + _BLOCK_ROWS] @ columns.T


def _mean_top(values: np.ndarray, k: int) -> np.ndarray:
    """The mean of each row's k largest values (all of them when a row has fewer)."""
    k = min(k, values.shape[1])
    top = np.partition(values, values.shape[1] - k, axis=1)[:, values.shape[1] - k:]
    return top.mean(axis=1)


MINERS: Registry = Registry("miner")
MINERS.add("margin", MarginMiner)
DEFAULT_MINER = "margin"  # what `aligner run` mines comparable pairs with


def mine_documents(src_doc: Document, tgt_doc: Document, embedder, miner: Miner) -> List[BitextLink]:
    """The links of a comparable document pair: its mined pairs (1-1) and every other sentence
    unaligned; the sentence vectors come from ``embedder`` (cached: the aligner encoded them)."""
    src, tgt = src_doc.sentences, tgt_doc.sentences
    pairs: Sequence[MinedPair] = []
    if src and tgt:
        vectors = embedder.encode([s.text for s in src] + [t.text for t in tgt])
        pairs = miner.mine(vectors[:len(src)], vectors[len(src):])
    provenance = {MINED: Signature.of("mine", miner=miner.signature(),
                                      embedder=getattr(embedder, "model_id", "none")).long}
    return mined_links(src_doc, tgt_doc, pairs, provenance)


def mined_links(src_doc: Document, tgt_doc: Document, pairs: Sequence[MinedPair],
                provenance: dict) -> List[BitextLink]:
    """One 1-1 link per mined pair (cosine as ``similarity``, the margin and its gap as
    ``scores["align_mine_margin"]`` and ``scores["align_mine_gap"]``), then a 1-0 / 0-1 link
    for every sentence no pair holds; source-side links in source order, then the target's
    unpaired sentences."""
    src, tgt = src_doc.sentences, tgt_doc.sentences
    by_src = {pair.src: pair for pair in pairs}
    paired_tgt = {pair.tgt for pair in pairs}

    def link(src_ids, tgt_ids, pair=None) -> BitextLink:
        return BitextLink(src_doc.doc_id, tgt_doc.doc_id, src_doc.lang, tgt_doc.lang, src_ids, tgt_ids,
                          " ".join(src[i].text for i in src_ids), " ".join(tgt[j].text for j in tgt_ids),
                          similarity=pair.cosine if pair else None,
                          scores={"align_mine_margin": pair.margin, "align_mine_gap": pair.gap} if pair else {},
                          provenance=dict(provenance))

    links = [link((i,), (by_src[i].tgt,), by_src[i]) if i in by_src else link((i,), ()) for i in range(len(src))]
    links += [link((), (j,)) for j in range(len(tgt)) if j not in paired_tgt]
    return links
