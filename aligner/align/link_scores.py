"""The score of a sentence link from its blocks' signals and the weights, for every link of a
band at once (:class:`BandScores`, the tables the DP reads), and the cost of leaving a sentence
unaligned.

A link's score is ``((a+b)/2)**size * (embed + mt - length) + anchors - many-sentence costs
+ prior * log P(link type)`` with each term weighted (see weights.Weights); signals.py says what
each signal is, blocks.py how a block's sums are read off prefix sums.
"""

from __future__ import annotations

import math
import re
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from . import search, signals
from .blocks import block_norms, prefix_sums
from .weights import Weights

# Documents up to this many DP cells get an exact first pass (core) and the 2-D prefix sums of
# all sentence dot products (LinkScorer); beyond it, coarse-to-fine and dot products in the
# band only.
FULL_CELLS = 360_000
BAND_CHUNK = 1 << 16  # band cells scored at once


class LinkScorer:
    """Scores of links from per-sentence and per-sentence-pair quantities; see signals for what
    each term is. band_scores() computes every link of a band at once."""

    def __init__(self, weights: Weights, src_lengths, tgt_lengths, src_vectors=None, tgt_vectors=None,
                 mt=None, back_mt=None, anchors=None, means=None, ratio=None):
        self.w = weights
        self.src_cum = np.concatenate([[0.0], np.cumsum(src_lengths)])
        self.tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_lengths)])
        # Target characters per source character: given (aligned_ratio), else the documents'.
        self.ratio = ratio or max(self.tgt_cum[-1], 1.0) / max(self.src_cum[-1], 1.0)
        self.src_vectors, self.tgt_vectors = src_vectors, tgt_vectors
        self.prefix = self.dots = None
        if src_vectors is not None:
            # x . mean(other side) equals x's mean cosine with the other side's sentences;
            # ``means`` are those of the whole documents when these vectors are one paragraph.
            self.means = means or (src_vectors.mean(axis=0), tgt_vectors.mean(axis=0))
            self.src_hub = prefix_sums(src_vectors @ self.means[1])
            self.tgt_hub = prefix_sums(tgt_vectors @ self.means[0])
            self.src_norm = block_norms(src_vectors)
            self.tgt_norm = block_norms(tgt_vectors)
            # Small documents: 2-D prefix sums of all sentence dot products make any block's
            # dot product four look-ups. Long ones keep the products inside the band only
            # (band_scores), summed over blocks like the MT and anchor counts.
            if (len(src_vectors) + 1) * (len(tgt_vectors) + 1) <= FULL_CELLS:
                self.prefix = np.zeros((len(src_vectors) + 1, len(tgt_vectors) + 1))
                self.prefix[1:, 1:] = np.cumsum(np.cumsum(src_vectors @ tgt_vectors.T, axis=0, dtype=np.float64),
                                                axis=1)
        self.mt, self.back_mt, self.anchors = mt, back_mt, anchors
        self.concat = None

    def band_scores(self, lo: np.ndarray, hi: np.ndarray, types) -> "BandScores":
        """Every link of the band scored; long documents first get the band's dot products."""
        if self.src_vectors is not None and self.prefix is None:
            col_start, col_end = search.band_columns(lo, hi, types)
            self.dots = signals.PairStats.from_vectors(self.src_vectors, self.tgt_vectors, col_start, col_end)
        return BandScores(self, lo, hi, types)

    def signal_values(self, rows: np.ndarray, a: int, b: int, cols: np.ndarray) -> Dict[str, np.ndarray]:
        """Signal values of the (a, b) links ending at source row rows[k] and column cols[k]
        (with the concatenations' own vectors where pass 3 encoded them)."""
        parts: Dict[str, np.ndarray] = {}
        src_start, tgt_start = rows - a, cols - b
        src_chars = self.src_cum[rows] - self.src_cum[src_start]
        tgt_chars = self.tgt_cum[cols] - self.tgt_cum[tgt_start]
        parts["length"] = signals.length_cost(src_chars, tgt_chars, self.ratio)
        if self.src_vectors is not None:
            # Cosine of block sums from sentence-level products: x.y = sum of pairwise dots and
            # |x|^2 = a + 2 * (dots of neighbours inside the block), for unit sentence vectors.
            if self.prefix is not None:
                prefix = self.prefix
                dot = prefix[rows, cols] - prefix[src_start, cols] - prefix[rows, tgt_start] \
                    + prefix[src_start, tgt_start]
            else:
                dot = self.dots.block_sum(src_start, rows, tgt_start, cols)
            x_norm = self.src_norm[a][rows]
            y_norm = self.tgt_norm[b][cols]
            cosine = dot / (x_norm * y_norm)
            hub = 0.5 * ((self.src_hub[rows] - self.src_hub[src_start]) / x_norm
                         + (self.tgt_hub[cols] - self.tgt_hub[tgt_start]) / y_norm)
            if self.concat is not None and (a > 1 or b > 1):
                cosine, hub = self.concat.override(src_start, rows, tgt_start, cols, cosine, hub)
            parts["cosine"] = cosine
            parts["embed"] = cosine - hub
        if self.mt is not None:
            parts["mt"] = self.mt.score(src_start, rows, tgt_start, cols)
            if self.back_mt is not None:
                parts["mt"] = 0.5 * (parts["mt"] + self.back_mt.score(src_start, rows, tgt_start, cols))
        if self.anchors is not None:
            parts["anchors"], parts["anchor_matches"] = self.anchors.score(src_start, rows, tgt_start, cols)
        return parts

    def combine(self, parts: Dict[str, np.ndarray], a: int, b: int) -> np.ndarray:
        """The scores of (a, b) links from their signal values (signal_values), weighted."""
        w = self.w
        signal = -w.length * parts["length"]
        if "embed" in parts:
            signal = signal + w.embed * parts["embed"]
        if "mt" in parts:
            signal = signal + w.mt * parts["mt"]
        if w.size:
            signal = signal * ((a + b) / 2.0) ** w.size
        if "anchor_matches" in parts:
            # Matched anchors add up over links, so splitting or merging sentences changes the
            # total only when it matches or parts anchors: a per-link agreement ratio instead
            # would charge an unmatched anchor (an indirect question's ؟) once per link and
            # push the search to merge neighbours just to pay it once.
            signal = signal + w.anchors * parts["anchor_matches"]
        return (signal - w.many * (a + b - 2) - (w.many22 if a > 1 and b > 1 else 0.0)
                + w.prior * link_type_log_prior(a, b))


class BandScores:
    """The score of every link inside a band, per link type, computed at once: a few array
    operations per link type instead of one call per DP row and type. The forward DP, the
    backward DP of pass 3 and pass 3's search read the same table, and pass 3 recomputes only
    the links whose blocks it encoded (rescore_concatenations).

    Cell k of a table is the link ending at row i and column lo[i] + k - offsets[i]; links
    that start outside the band are -inf.
    """

    def __init__(self, scorer: LinkScorer, lo: np.ndarray, hi: np.ndarray, types):
        self.scorer, self.lo, self.hi = scorer, lo, hi
        self.offsets = np.concatenate([[0], np.cumsum(hi - lo + 1)]).astype(np.int64)
        rows, cols = self._cells()
        self.tables = {}
        for a, b in types:
            if a == 0 or b == 0:
                continue
            start_rows, start_cols = rows - a, cols - b
            valid = (start_rows >= 0) & (start_cols >= 0)
            inside = start_rows[valid]
            valid[valid] = (start_cols[valid] >= lo[inside]) & (start_cols[valid] <= hi[inside])
            table = np.full(len(rows), -np.inf)
            where = np.nonzero(valid)[0]
            # In chunks: the signals' temporaries of a whole long band would outweigh the tables.
            for chunk in range(0, len(where), BAND_CHUNK):
                cells = where[chunk:chunk + BAND_CHUNK]
                table[cells] = scorer.combine(scorer.signal_values(rows[cells], a, b, cols[cells]), a, b)
            self.tables[a, b] = table

    def _cells(self):
        """Row and column of every cell of the band, in table order."""
        widths = self.hi - self.lo + 1
        rows = np.repeat(np.arange(len(self.lo)), widths)
        return rows, np.arange(self.offsets[-1]) - np.repeat(self.offsets[:-1] - self.lo, widths)

    def __call__(self, i: int, a: int, b: int, cols: np.ndarray) -> np.ndarray:
        return self.tables[a, b][self.offsets[i] + cols - self.lo[i]]

    def rescore_concatenations(self) -> None:
        """Recompute the links whose multi-sentence blocks all have encoded concatenations
        (scorer.concat); single sentences count as encoded."""
        concat = self.scorer.concat
        rows, cols = self._cells()
        for (a, b), table in self.tables.items():
            if a == 1 and b == 1:
                continue
            # Links starting outside the band are -inf and stay so.
            covered = concat.encoded_ends(a, "src")[rows] & concat.encoded_ends(b, "tgt")[cols] & (table > -np.inf)
            if covered.any():
                parts = self.scorer.signal_values(rows[covered], a, b, cols[covered])
                table[covered] = self.scorer.combine(parts, a, b)


def aligned_ratio(path: Sequence[search.Link], src_lengths: np.ndarray, tgt_lengths: np.ndarray
                  ) -> Optional[float]:
    """Target characters per source character over the links of a path that have both sides
    (None when none has: LinkScorer then takes the documents' ratio).
    The documents' own ratio counts the sentences one side left out or added (a fifth of a
    short news article can be), which makes a correct 1-1 link look too short or too long and
    a merge look better than it is. (The median of the links' ratios, which ignores a few
    wrong links better, did no better on the news dev cells.)"""
    aligned = [(s0, s1, t0, t1) for s0, s1, t0, t1 in path if s1 > s0 and t1 > t0]
    src_chars = sum(float(src_lengths[s0:s1].sum()) for s0, s1, _, _ in aligned)
    tgt_chars = sum(float(tgt_lengths[t0:t1].sum()) for _, _, t0, t1 in aligned)
    return tgt_chars / src_chars if src_chars >= 1 and tgt_chars >= 1 else None


PAIRED_RATIO_CELLS = 250_000  # a 500 x 500 paragraph pair: 2 MB of similarities
# How far (natural log) from the median ratio a nearest-neighbour pair may be and still measure
# the documents' ratio: 1.5 times either way; a merge or split half is twice or half.
PAIRED_RATIO_SPREAD = 0.4


def paired_ratio(src_vectors: np.ndarray, tgt_vectors: np.ndarray, src_lengths: np.ndarray, tgt_lengths: np.ndarray,
                 pieces: Sequence[Tuple[range, range]]) -> Optional[float]:
    """Target characters per source character over the sentence pairs that are each other's
    nearest neighbour inside a piece (a pair of corresponding paragraphs): the documents' ratio
    for aligning them paragraph by paragraph, where a paragraph's own links are too few to
    measure it (a 2-1 link with an insert glued on sets the ratio of a two-link paragraph).
    Pairs more than PAIRED_RATIO_SPREAD from the median log ratio are left out (merges and
    split halves), and so are pieces over PAIRED_RATIO_CELLS sentence pairs: their similarity
    matrix would break the aligner's linear memory, and their own links measure the ratio well.
    None when no pair is found."""
    src_pairs, tgt_pairs = [], []
    for src_range, tgt_range in pieces:
        if not len(src_range) or not len(tgt_range) or len(src_range) * len(tgt_range) > PAIRED_RATIO_CELLS:
            continue
        rows, columns = signals.mutual_best_pairs(
            src_vectors[src_range.start:src_range.stop] @ tgt_vectors[tgt_range.start:tgt_range.stop].T)
        src_pairs.append(src_lengths[src_range.start + rows])
        tgt_pairs.append(tgt_lengths[tgt_range.start + columns])
    if not src_pairs:
        return None
    src_chars, tgt_chars = np.concatenate(src_pairs), np.concatenate(tgt_pairs)
    # A merge (two sentences against one) is its pair's nearest neighbour as often as a 1-1
    # translation is, at twice the ratio: pairs that far from the median ratio are left out.
    log_ratios = np.log((tgt_chars + 1.0) / (src_chars + 1.0))
    typical = np.abs(log_ratios - np.median(log_ratios)) <= PAIRED_RATIO_SPREAD
    src_total, tgt_total = float(src_chars[typical].sum()), float(tgt_chars[typical].sum())
    return tgt_total / src_total if src_total >= 1 and tgt_total >= 1 else None


def link_type_log_prior(a: int, b: int) -> float:
    """log P(link type) after Gale & Church (1993): 1-1 0.89, 1-0 and 0-1 0.0099 together,
    2-1 and 1-2 0.089 together, each further sentence another factor 0.05."""
    if a == 0 or b == 0:
        return math.log(0.0099 / 2)
    return math.log(0.89) + (a + b - 2) * math.log(0.05)


_LETTER = re.compile(r"[^\W\d_]")


def skip_costs(texts: Sequence[str], weights: Weights) -> np.ndarray:
    """Cost of leaving each sentence unaligned."""
    base = weights.skip - weights.prior * link_type_log_prior(1, 0)
    if not weights.skip_letters:
        return np.full(len(texts), base)
    letters = np.array([len(_LETTER.findall(t)) for t in texts], dtype=np.float64)
    return base + weights.skip_letters * np.minimum(letters, 300.0) / 100.0

