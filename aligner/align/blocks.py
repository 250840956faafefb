"""Quantities of sentence blocks (runs of consecutive sentences) that link scores are built from.

A link joins a source block with a target block. Its embedding cosine needs the norm of each
block's summed vectors (:func:`block_norms`) or, near the path in pass 3, the embedding of the
block's real concatenated text (:class:`ConcatenationVectors`); its MT-bridge chrF and anchor
agreement need pairwise match counts summed over both blocks (:class:`BlockMatches`).
"""

from __future__ import annotations

from typing import List, Sequence

import numpy as np

from . import signals

MAX_GAP = 8  # longest block (sentences per side) whose norm is computed exactly


def prefix_sums(values: np.ndarray) -> np.ndarray:
    """[0, v0, v0 + v1, ...]: the sum over any run [s, e) is one subtraction."""
    return np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])


def block_norms(vectors: np.ndarray) -> List[np.ndarray]:
    """norms[size][end] = |sum of unit vectors[end - size:end]|, for sizes up to MAX_GAP.

    |x|^2 of a block is its size plus twice the dot products of its sentences at each gap,
    all read from cumulative sums of neighbour products (entries with end < size are unused).
    """
    count = len(vectors)
    ends = np.arange(count + 1)
    gaps = [prefix_sums(np.einsum("ij,ij->i", vectors[:-g], vectors[g:])) for g in range(1, min(MAX_GAP, count))]
    norms = [np.ones(count + 1)]
    for size in range(1, MAX_GAP + 1):
        starts = np.maximum(ends - size, 0)
        total = (ends - starts).astype(np.float64)
        for g, cum in enumerate(gaps[:size - 1], 1):
            last = len(cum) - 1
            upper = np.minimum(np.maximum(ends - g, starts), last)  # pairs (k, k + g), start <= k < end - g
            total += 2.0 * (cum[upper] - cum[np.minimum(starts, last)])
        norms.append(np.sqrt(np.maximum(total, 1e-12)))
    return norms


class ConcatenationVectors:
    """Embeddings of the real concatenated text of some multi-sentence blocks.

    Summed sentence vectors approximate a block's meaning; encoding the concatenation itself
    (Vecalign's overlaps, Bertalign's second pass) is exact but costs one encoder call per block,
    so only the given blocks ((start, end) sentence ranges of competitive links) are encoded. A
    link whose blocks are all single sentences or encoded gets the concatenation cosine and hub.
    """

    def __init__(self, src: Sequence[str], tgt: Sequence[str], src_vectors, tgt_vectors,
                 src_blocks, tgt_blocks, embedder, means):
        self.texts = src, tgt
        self.src = {(s, s + 1): v for s, v in enumerate(src_vectors)}
        self.tgt = {(t, t + 1): v for t, v in enumerate(tgt_vectors)}
        self.src_mean, self.tgt_mean = means
        self.counts = {"src": len(src), "tgt": len(tgt)}
        self.add(src_blocks, tgt_blocks, embedder)

    def add(self, src_blocks, tgt_blocks, embedder) -> None:
        """Encode the concatenations of more blocks ((start, end) ranges not yet encoded)."""
        src_blocks = [block for block in src_blocks if block not in self.src]
        tgt_blocks = [block for block in tgt_blocks if block not in self.tgt]
        src, tgt = self.texts
        texts = [" ".join(src[s:e]) for s, e in src_blocks] + [" ".join(tgt[s:e]) for s, e in tgt_blocks]
        if not texts:
            return
        vectors = embedder.encode(texts)
        self.src.update(zip(src_blocks, vectors[:len(src_blocks)]))
        self.tgt.update(zip(tgt_blocks, vectors[len(src_blocks):]))

    def encoded_ends(self, size: int, side: str) -> np.ndarray:
        """ends[e]: the block of ``size`` sentences ending at e is a single sentence or encoded."""
        count = self.counts[side]
        if size == 1:
            return np.ones(count + 1, dtype=bool)
        ends = np.zeros(count + 1, dtype=bool)
        ends[[e for s, e in (self.src if side == "src" else self.tgt) if e - s == size]] = True
        return ends

    def override(self, src_start, src_end, tgt_start, tgt_end, cosine, hub):
        """Cosine and hub of the links (one per entry) whose blocks are all encoded."""
        cosine, hub = cosine.copy(), hub.copy()
        blocks = zip(src_start.tolist(), src_end.tolist(), tgt_start.tolist(), tgt_end.tolist())
        for k, (s0, s1, t0, t1) in enumerate(blocks):
            x, y = self.src.get((s0, s1)), self.tgt.get((t0, t1))
            if x is not None and y is not None:
                cosine[k] = float(x @ y)
                hub[k] = 0.5 * (float(x @ self.tgt_mean) + float(y @ self.src_mean))
        return cosine, hub


class BlockMatches:
    """Pairwise match counts inside the band, and each side's item totals, summed over blocks."""

    pair_stats = signals.PairStats.from_hashes  # subclasses with sparse Counters: from_counters

    def __init__(self, src_items, tgt_items, col_start, col_end):
        self.pairs = self.pair_stats(src_items, tgt_items, col_start, col_end)
        self.src_total = prefix_sums(signals.totals(src_items))
        self.tgt_total = prefix_sums(signals.totals(tgt_items))

    def counts(self, s0, s1, t0: np.ndarray, t1: np.ndarray):
        """(matches, source totals, target totals) of blocks [s0, s1) x [t0, t1) per entry;
        the source bounds are numbers or arrays like the target ones."""
        src = np.broadcast_to(self.src_total[s1] - self.src_total[s0], np.shape(t0))
        return self.pairs.block_sum(s0, s1, t0, t1), src, self.tgt_total[t1] - self.tgt_total[t0]


class ChrfBridge(BlockMatches):
    """MT-bridge chrF of source blocks against target blocks, from pairwise n-gram matches."""

    def __init__(self, hyp_grams, ref_grams, col_start, col_end, transpose: bool = False):
        # transpose: hypotheses are translations of the *target* (back-translation); pairs are
        # still stored by source row so that both directions share the band layout.
        self.transpose = transpose
        if transpose:
            super().__init__(ref_grams, hyp_grams, col_start, col_end)
        else:
            super().__init__(hyp_grams, ref_grams, col_start, col_end)

    def score(self, s0, s1, t0: np.ndarray, t1: np.ndarray) -> np.ndarray:
        matches, src, tgt = self.counts(s0, s1, t0, t1)
        return signals.chrf(matches, tgt, src) if self.transpose else signals.chrf(matches, src, tgt)


class AnchorMatch(BlockMatches):
    """Anchor agreement of source blocks with target blocks, from pairwise anchor matches."""

    pair_stats = signals.PairStats.from_counters

    def score(self, s0, s1, t0, t1):
        """(agreement in [-1, 1], reported with each link; matched anchors, which the search adds)."""
        matches, src, tgt = self.counts(s0, s1, t0, t1)
        # Pairwise sums count an anchor repeated across a merged block once per sentence pair
        # (two quoted sentences against two: 8 quote matches out of 4 quotes); a block cannot
        # match more anchors than the smaller side holds.
        matches = np.minimum(matches, np.minimum(src, tgt))
        return signals.anchor_agreement(matches, src, tgt), matches

