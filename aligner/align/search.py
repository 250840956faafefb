"""Monotone alignment search: dynamic programming inside a band, in linear time and memory.

The DP maximises the sum of link scores over paths from (0, 0) to (n, m), where a link of type
(a, b) consumes a source and b target sentences. Each row i (source prefix length) keeps only
the target prefixes in [lo[i], hi[i]]; backpointers are one byte per band cell, and score rows
are kept for the last max(a) rows only (all rows, 8 bytes per band cell, when max-marginals are
wanted), so memory is O((n + m) * band width).

A band comes either from the whole matrix (small documents) or from a coarser path: Vecalign's
coarse-to-fine idea, where documents are shrunk by merging neighbouring sentences, aligned
exactly at the coarsest level, and the path is refined level by level inside a narrow band.
"""

from __future__ import annotations

from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np

LinkType = Tuple[int, int]
Link = Tuple[int, int, int, int]  # src_start, src_end, tgt_start, tgt_end
# score_fn(i, a, b, cols) -> scores of links (a, b) that end at row i and at each column in cols
ScoreFn = Callable[[int, int, int, np.ndarray], np.ndarray]


def link_types(max_link: int) -> List[LinkType]:
    """All (a, b) with a, b >= 1 and a + b <= max_link, plus deletions (1, 0) and insertions (0, 1)."""
    types = [(a, b) for a in range(1, max_link) for b in range(1, max_link) if a + b <= max_link]
    return sorted(types, key=lambda t: (t[0] + t[1], t)) + [(1, 0), (0, 1)]


def full_band(n: int, m: int) -> Tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def band_around(path: Sequence[Link], n: int, m: int, width: int) -> Tuple[np.ndarray, np.ndarray]:
    """The cells within ``width`` columns of a path's link corners, widened to a connected band."""
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    lo[0] = hi[0] = 0
    for src_start, src_end, tgt_start, tgt_end in path:
        for i in range(src_start, src_end + 1):
            lo[i] = min(lo[i], tgt_start)
            hi[i] = max(hi[i], tgt_end)
    lo = np.maximum(lo - width, 0)
    hi = np.minimum(hi + width, m)
    # Rows are widened by `width` rows too: a shifted path must be able to enter the band.
    rows = np.arange(n + 1)
    lo = lo[np.maximum(rows - width, 0)]
    hi = hi[np.minimum(rows + width, n)]
    lo[0], hi[-1] = 0, m
    return lo, hi


def band_columns(lo: np.ndarray, hi: np.ndarray, types: Sequence[LinkType]) -> Tuple[np.ndarray, np.ndarray]:
    """Per source sentence r, the target sentences [start[r], end[r]) that a link of the band
    can pair it with: per-pair quantities (n-gram matches, dot products) are kept only there."""
    n = len(lo) - 1
    max_a = max(a for a, _ in types)
    max_b = max(b for _, b in types)
    rows = np.arange(n)
    return np.maximum(lo[rows + 1] - max_b, 0), hi[np.minimum(rows + max_a, n)]


def band_dp(n: int, m: int, lo: np.ndarray, hi: np.ndarray, types: Sequence[LinkType],
            score_fn: ScoreFn, skip_score) -> List[Link]:
    """Best monotone path through the band; returns its links in order.

    ``skip_score`` scores 1-0 and 0-1 links (usually negative): one number for every
    sentence, or a pair of arrays (one score per source sentence, one per target sentence).
    """
    return best_path(forward(n, m, lo, hi, types, score_fn, skip_score), n, m, lo, types)


class Forward:
    """The DP's best score per band cell and its backpointer (link type index) per cell.

    ``scores`` holds every row when the DP kept them (for max-marginals), else the last few.
    """

    def __init__(self, scores: dict, backs: List[np.ndarray]):
        self.scores, self.backs = scores, backs


def _skip_arrays(n: int, m: int, skip_score):
    if np.isscalar(skip_score):
        return np.full(n, float(skip_score)), np.full(m, float(skip_score))
    return tuple(np.asarray(s, dtype=np.float64) for s in skip_score)


def best_path(table: Forward, n: int, m: int, lo: np.ndarray, types: Sequence[LinkType]) -> List[Link]:
    if not lo[n] <= m <= lo[n] + len(table.scores[n]) - 1 or not np.isfinite(table.scores[n][m - lo[n]]):
        raise RuntimeError("alignment band does not reach the end of both documents")
    links: List[Link] = []
    i, j = n, m
    while i > 0 or j > 0:
        a, b = types[table.backs[i][j - lo[i]]]
        links.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    links.reverse()
    return links


def forward(n: int, m: int, lo: np.ndarray, hi: np.ndarray, types: Sequence[LinkType], score_fn: ScoreFn,
            skip_score, keep_rows: bool = False) -> Forward:
    """Fill the DP over the band, row by row (see band_dp for the arguments)."""
    skip_src, skip_tgt = _skip_arrays(n, m, skip_score)
    # cumulative 0-1 scores along a row: tgt_steps[j] = sum of skip_tgt[:j]
    tgt_steps = np.concatenate([[0.0], np.cumsum(skip_tgt)])
    max_a = max(a for a, _ in types)
    scores: dict = {}
    backs: List[np.ndarray] = []
    insertion = types.index((0, 1)) if (0, 1) in types else None
    for i in range(n + 1):
        cols = np.arange(lo[i], hi[i] + 1)
        best = np.full(len(cols), -np.inf)
        back = np.full(len(cols), -1, dtype=np.int8)
        if i == 0 and lo[0] == 0:
            best[0] = 0.0
        for t, (a, b) in enumerate(types):
            if a == 0 or i - a < 0:
                continue
            prev_lo, prev_hi = lo[i - a], hi[i - a]
            starts = cols - b
            valid = (starts >= prev_lo) & (starts <= prev_hi)
            if not valid.any():
                continue
            where = np.nonzero(valid)[0]
            prev = scores[i - a][starts[where] - prev_lo]
            finite = np.isfinite(prev)
            where, prev = where[finite], prev[finite]
            if not len(where):
                continue
            link_score = skip_src[i - 1] if b == 0 else score_fn(i, a, b, cols[where])
            candidate = prev + link_score
            better = candidate > best[where]
            best[where[better]] = candidate[better]
            back[where[better]] = t
        if insertion is not None and len(cols) > 1:
            # 0-1 links chain along the row: best[k] = max_k' best[k'] + (skips of k'+1..k).
            steps = tgt_steps[cols]
            chained = np.maximum.accumulate(best - steps) + steps
            improved = chained > best + 1e-12
            best = np.where(improved, chained, best)
            back[improved] = insertion
        scores[i] = best
        if not keep_rows:
            scores.pop(i - max_a - 1, None)
        backs.append(back)
    return Forward(scores, backs)


class Backward:
    """The best score from each band cell (i, j) to the end (n, m): the same DP over both
    documents reversed. A reversed link of type (a, b) that ends at reversed row r and column c
    is the link ending at row n - r + a and column m - c + b."""

    def __init__(self, n: int, m: int, lo: np.ndarray, hi: np.ndarray, types: Sequence[LinkType],
                 score_fn: ScoreFn, skip_score):
        skip_src, skip_tgt = _skip_arrays(n, m, skip_score)
        self.n, self.m = n, m
        self.rev_lo = m - hi[::-1]

        def reversed_score(r, a, b, cols):
            return score_fn(n - r + a, a, b, m - cols + b)

        self.rows = forward(n, m, self.rev_lo, m - lo[::-1], types, reversed_score, (skip_src[::-1], skip_tgt[::-1]),
                            keep_rows=True).scores

    def after(self, i: int, cols: np.ndarray) -> np.ndarray:
        """Best scores from (i, col) to (n, m) for band columns ``cols`` of row i."""
        r = self.n - i
        return self.rows[r][(self.m - cols) - self.rev_lo[r]]


def _max_marginals(lo: np.ndarray, hi: np.ndarray, listed: Sequence[LinkType], score_fn: ScoreFn, skip_src: np.ndarray,
                   table: Forward, backward: Backward, rows: Sequence[int]):
    """For each row i of ``rows`` and each link type (a, b) of ``listed`` with a source side: the
    columns j at which a link (a, b) ends in the band at (i, j) with a complete path through it,
    and the best such path's score (its max-marginal), from ``table`` (the forward DP, all rows
    kept) and ``backward`` over the same band."""
    before_rows = table.scores
    for i in rows:
        cols = np.arange(lo[i], hi[i] + 1)
        after = backward.after(i, cols)
        for a, b in listed:
            if i - a < 0:
                continue
            starts = cols - b
            where = np.nonzero((starts >= lo[i - a]) & (starts <= hi[i - a]))[0]
            total = before_rows[i - a][starts[where] - lo[i - a]] + after[where]
            finite = np.isfinite(total)
            where, total = where[finite], total[finite]
            if len(where):
                yield i, a, b, cols[where], total + (skip_src[i - 1] if b == 0 else score_fn(i, a, b, cols[where]))


def competitive_links(n: int, m: int, lo: np.ndarray, hi: np.ndarray, types: Sequence[LinkType],
                      score_fn: ScoreFn, skip_score, margin: float, table: Forward) -> List[Link]:
    """Links with several sentences on a side whose best complete path scores within ``margin``
    of the best path: max-marginals from ``table`` (the forward DP, all rows kept) and a
    backward DP over the same band.

    Only these links can enter the best path when multi-sentence blocks are re-scored by
    less than the margin; every other link loses by more than that whatever its own score.
    """
    backward = Backward(n, m, lo, hi, types, score_fn, skip_score)
    best = table.scores[n][m - lo[n]]
    listed = [(a, b) for a, b in types if a and b and a + b > 2]
    found: List[Link] = []
    for i, a, b, ends, total in _max_marginals(lo, hi, listed, score_fn, _skip_arrays(n, m, skip_score)[0], table,
                                               backward, range(1, n + 1)):
        # The tolerance keeps the best path's own links despite float rounding.
        found += [(i - a, i, int(j) - b, int(j)) for j in ends[total >= best - margin - 1e-9]]
    return found


def path_margins(n: int, m: int, lo: np.ndarray, hi: np.ndarray, types: Sequence[LinkType], score_fn: ScoreFn,
                 skip_score, table: Forward, path: Sequence[Link]) -> List[Optional[float]]:
    """For each link of ``path`` with both sides, how much the best complete path through it
    outscores the best one without it; None for 1-0 and 0-1 links.

    Every complete path covers the link's first source sentence with exactly one link, so the
    best path without the link is the best path through any other link that covers that
    sentence (a 1-0 link included). Max-marginals come from ``table`` (the forward DP, all rows
    kept) and a backward DP over the same band. A margin near 0 is a near tie: the search could
    as well have split, merged or shifted the link (the link's own score cannot tell, since a
    sentence embeds nearly as close to a translation of it and a neighbour as to its own).
    """
    skip_src, _ = _skip_arrays(n, m, skip_score)
    backward = Backward(n, m, lo, hi, types, score_fn, skip_score)
    listed = [(a, b) for a, b in types if a]
    max_a = max(a for a, _ in listed)
    # The path's links with both sides, by their first source sentence, and the best max-marginal
    # of any other link covering that sentence.
    first = {s0: (s0, s1, t0, t1) for s0, s1, t0, t1 in path if s1 > s0 and t1 > t0}
    other = dict.fromkeys(first, -np.inf)
    rows = [i for i in range(1, n + 1) if first.keys() & set(range(max(i - max_a, 0), i))]
    for i, a, b, ends, total in _max_marginals(lo, hi, listed, score_fn, skip_src, table, backward, rows):
        # Of the links of one type ending in one row, one at most is the path's: the best two stand for all.
        for top in np.argsort(-total)[:2]:
            value, col = float(total[top]), int(ends[top])
            for s in first.keys() & set(range(i - a, i)):
                if first[s] != (i - a, i, col - b, col):
                    other[s] = max(other[s], value)
    margins: List[Optional[float]] = []
    for link in path:
        s0, s1, t0, t1 = link
        if s1 == s0 or t1 == t0:
            margins.append(None)
            continue
        own = float(table.scores[s0][t0 - lo[s0]] + score_fn(s1, s1 - s0, t1 - t0, np.array([t1]))[0]
                    + backward.after(s1, np.array([t1]))[0])
        margins.append(own - other[s0])
    return margins


def shrink(vectors: np.ndarray, lengths: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Merge neighbouring pairs of sentences (vectors summed then normalised, lengths summed)."""
    count = len(lengths)
    pad = count % 2
    if vectors is not None:
        merged = vectors[:count - pad:2] + vectors[1:count - pad:2]
        if pad:
            merged = np.vstack([merged, vectors[-1:]])
        vectors = merged / np.maximum(np.linalg.norm(merged, axis=1, keepdims=True), 1e-12)
    merged_lengths = lengths[:count - pad:2] + lengths[1:count - pad:2]
    if pad:
        merged_lengths = np.concatenate([merged_lengths, lengths[-1:]])
    return vectors, merged_lengths


def expand(path: Sequence[Link], n: int, m: int) -> List[Link]:
    """A coarse path's links at the next finer level (each coarse unit is two fine ones)."""
    return [(min(2 * s, n), min(2 * e, n), min(2 * ts, m), min(2 * te, m)) for s, e, ts, te in path]
