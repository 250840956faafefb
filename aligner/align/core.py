"""Sentence alignment of one document pair: signals -> banded search in passes -> scored links.

Pass 1 finds a path with the cheap vector signals only (sentence embeddings, or hashed n-gram
vectors of the MT output when no embedder is used) and the length signal, over the whole
matrix for small documents or coarse-to-fine for long ones. Pass 2 searches all link types
again inside a band around that path with every signal, including the pairwise ones (MT chrF,
anchors) that are only computed inside that band. Pass 3, with an embedder, finds the n-m
links whose best complete path scores within a margin of the best one (forward and backward
DP), encodes the real concatenated text of their multi-sentence blocks, and searches the same
band again with those blocks scored by their own embeddings.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .. import __version__
from ..errors import AlignerError
from . import search, signals

METHODS = ("auto", "embed", "mt", "length")
# Documents up to this many DP cells get an exact first pass; beyond it, coarse-to-fine.
FULL_CELLS = 360_000
COARSEST = 256


@dataclass(frozen=True)
class Weights:
    """How signals combine into a link score (higher is better); the sets below say what dev
    data each was tuned on (benchmarks/align_textberg.py --tune)."""

    embed: float = 1.0
    mt: float = 0.0
    anchors: float = 0.0
    length: float = 0.0
    skip: float = 0.2  # cost of a 1-0 or 0-1 link
    many: float = 0.05  # cost of each sentence beyond the first on a side (n-m links)
    many22: float = 0.05  # extra cost of links with several sentences on both sides
    # Signal scores are multiplied by ((a + b) / 2) ** size: an n-m link stands for the
    # several 1-1 links it replaces, as Vecalign scales its costs by the number of sentences.
    size: float = 0.0
    # Extra cost of leaving a sentence unaligned per 100 letters it holds: dropping a long
    # sentence is unlikely, dropping a page number or OCR debris is common.
    skip_letters: float = 0.0
    # Weight of Gale & Church's link-type priors (log P(type), see link_prior) in the score:
    # one number instead of a penalty per type, so that tuning on a single dev document
    # cannot bend the link-type distribution towards that document's.
    prior: float = 0.0


# Tuned on Text+Berg dev; embed on the average of Text+Berg dev and the news dev documents of
# LANGUAGE_WEIGHTS (--objective textberg+news).
DEFAULT_WEIGHTS: Dict[str, Weights] = {
    "embed": Weights(embed=1.0, anchors=0.0462, length=0.02632, skip=0.0, many=0.0, many22=0.0, skip_letters=0.04,
                     prior=0.0),
    "mt": Weights(embed=0.0, mt=1.0, anchors=0.01, length=0.05488, skip=0.0, many=0.0, many22=0.0, size=0.5,
                  skip_letters=0.01, prior=0.021),
    "auto": Weights(embed=2.0, mt=1.0, anchors=0.02, length=0.0392, skip=0.0, many=0.0, many22=0.0, size=0.5,
                    skip_letters=0.01, prior=0.01029),
    "length": Weights(embed=0.0, anchors=1.68, length=1.0, skip=3.0, many=1.0, many22=1.0, size=1.0),
}
# Pairs with Persian or Arabic on one side, the toolkit's own use, get embed weights tuned on
# perturbed fa-en and ar-en news dev documents (FLORES dev, TICO test; NEWS_DEV in
# benchmarks/align_textberg.py). Text+Berg's dev document wants the opposite skip costs: its
# unaligned sentences are OCR debris and page furniture, news drops and inserts are whole
# sentences, so one weight set cannot serve both.
NEWS_WEIGHTS = Weights(embed=1.0, anchors=0.01617, length=0.00645, skip=0.0, many=0.0, many22=0.0, skip_letters=0.0,
                       prior=0.0)
LANGUAGE_WEIGHTS: Dict[str, Dict[str, Weights]] = {"fa": {"embed": NEWS_WEIGHTS}, "ar": {"embed": NEWS_WEIGHTS}}


@dataclass
class AlignedLink:
    """One link of an alignment: sentence indices of each side and how good the link is."""

    src_ids: Tuple[int, ...]
    tgt_ids: Tuple[int, ...]
    cost: float
    similarity: float
    scores: Dict[str, float] = field(default_factory=dict)


@dataclass
class AlignConfig:
    method: str = "auto"
    max_link: int = 4
    band: int = 8  # half-width of the pass-2 band around the pass-1 path, in sentences
    coarse_band: int = 8
    # Pass 3 (embedder given): re-score n-m links with the embeddings of their real
    # concatenated text, for the links whose best path is within this margin (in link-score
    # units) of the best path; 0: off. 0.05 chosen on Text+Berg dev (0.02/0.03/0.05/0.1/0.2).
    concat_margin: float = 0.05
    weights: Optional[Weights] = None

    def weights_name(self, method: str, src_lang: str = "auto", tgt_lang: str = "auto", short: bool = False) -> str:
        """Which weight set aligns this pair: "custom" (given), a language code of
        LANGUAGE_WEIGHTS, or "default". Short documents (see short_document) get the default
        set: the language sets leave sentences out for free, which is only safe where the
        normalised embedding score is reliable."""
        if self.weights is not None:
            return "custom"
        if short:
            return "default"
        for lang in (src_lang, tgt_lang):
            if method in LANGUAGE_WEIGHTS.get(lang, {}):
                return lang
        return "default"

    def weights_for(self, method: str, src_lang: str = "auto", tgt_lang: str = "auto", short: bool = False) -> Weights:
        name = self.weights_name(method, src_lang, tgt_lang, short)
        if name == "custom":
            return self.weights
        return DEFAULT_WEIGHTS[method] if name == "default" else LANGUAGE_WEIGHTS[name][method]


class LinkScorer:
    """Scores of links from per-sentence and per-sentence-pair quantities; see signals for what
    each term is. band_scores() computes every link of a band at once."""

    def __init__(self, weights: Weights, src_lengths, tgt_lengths, src_vectors=None, tgt_vectors=None,
                 mt=None, back_mt=None, anchors=None, means=None):
        self.w = weights
        self.src_cum = np.concatenate([[0.0], np.cumsum(src_lengths)])
        self.tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_lengths)])
        self.ratio = max(self.tgt_cum[-1], 1.0) / max(self.src_cum[-1], 1.0)
        self.src_vectors, self.tgt_vectors = src_vectors, tgt_vectors
        self.prefix = self.dots = None
        if src_vectors is not None:
            # x . mean(other side) equals x's mean cosine with the other side's sentences;
            # ``means`` are those of the whole documents when these vectors are one paragraph.
            self.means = means or (src_vectors.mean(axis=0), tgt_vectors.mean(axis=0))
            self.src_hub = _cumulative(src_vectors @ self.means[1])
            self.tgt_hub = _cumulative(tgt_vectors @ self.means[0])
            self.src_norm = _block_norms(src_vectors)
            self.tgt_norm = _block_norms(tgt_vectors)
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

    def components(self, rows: np.ndarray, a: int, b: int, cols: np.ndarray) -> Dict[str, np.ndarray]:
        """Signal scores of the (a, b) links ending at source row rows[k] and column cols[k]
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
                + w.prior * link_prior(a, b))


BAND_CHUNK = 1 << 16  # band cells scored at once


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
                table[cells] = scorer.combine(scorer.components(rows[cells], a, b, cols[cells]), a, b)
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
                parts = self.scorer.components(rows[covered], a, b, cols[covered])
                table[covered] = self.scorer.combine(parts, a, b)


MAX_GAP = 8  # longest block (sentences per side) whose norm is computed exactly


def _cumulative(values: np.ndarray) -> np.ndarray:
    return np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])


def _block_norms(vectors: np.ndarray) -> List[np.ndarray]:
    """norms[size][end] = |sum of unit vectors[end - size:end]|, for sizes up to MAX_GAP.

    |x|^2 of a block is its size plus twice the dot products of its sentences at each gap,
    all read from cumulative sums of neighbour products (entries with end < size are unused).
    """
    count = len(vectors)
    ends = np.arange(count + 1)
    gaps = [_cumulative(np.einsum("ij,ij->i", vectors[:-g], vectors[g:])) for g in range(1, min(MAX_GAP, count))]
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
        texts = [" ".join(src[s:e]) for s, e in src_blocks] + [" ".join(tgt[s:e]) for s, e in tgt_blocks]
        vectors = embedder.encode(texts) if texts else np.zeros((0, src_vectors.shape[1]), dtype=np.float32)
        self.src = {(s, s + 1): v for s, v in enumerate(src_vectors)}
        self.tgt = {(t, t + 1): v for t, v in enumerate(tgt_vectors)}
        self.src.update(zip(src_blocks, vectors[:len(src_blocks)]))
        self.tgt.update(zip(tgt_blocks, vectors[len(src_blocks):]))
        self.src_mean, self.tgt_mean = means
        self.counts = {"src": len(src), "tgt": len(tgt)}
        self.encoded = len(texts)

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
        self.src_total = _cumulative(signals.totals(src_items))
        self.tgt_total = _cumulative(signals.totals(tgt_items))

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
    pair_stats = signals.PairStats.from_counters

    def score(self, s0, s1, t0, t1):
        """(agreement in [-1, 1], reported with each link; matched anchors, which the search adds)."""
        matches, src, tgt = self.counts(s0, s1, t0, t1)
        # Pairwise sums count an anchor repeated across a merged block once per sentence pair
        # (two quoted sentences against two: 8 quote matches out of 4 quotes); a block cannot
        # match more anchors than the smaller side holds.
        matches = np.minimum(matches, np.minimum(src, tgt))
        return signals.anchor_agreement(matches, src, tgt), matches


def resolve_method(method: str, has_embedder: bool, has_translations: bool) -> str:
    if method not in METHODS:
        raise AlignerError(f"unknown alignment method {method!r} (choose from {', '.join(METHODS)})")
    if method == "auto":
        if has_embedder and has_translations:
            return "auto"
        return "embed" if has_embedder else ("mt" if has_translations else "length")
    if method == "mt" and not has_translations:
        raise AlignerError("--method mt needs translations of the source sentences (--translation or --model)")
    if method == "embed" and not has_embedder:
        raise AlignerError("--method embed needs an embedder")
    return method


def signature(config: AlignConfig, method: str, embedder_id: Optional[str], src_lang: str = "auto",
              tgt_lang: str = "auto", short: bool = False) -> str:
    """Reproducibility signature, sacrebleu style."""
    parts = [f"method:{method}", f"max:{config.max_link}", f"band:{config.band}",
             f"weights:{config.weights_name(method, src_lang, tgt_lang, short)}"]
    if method in ("embed", "auto"):
        parts += [f"emb:{embedder_id}", f"concat:{config.concat_margin:g}"]
    if config.weights is not None:
        parts.append("w:" + ",".join(f"{k}={v:g}" for k, v in asdict(config.weights).items()))
    parts.append(f"version:{__version__}")
    return "|".join(parts)


def _first_pass(n, m, scorer: LinkScorer, vectors, lengths, types, skip, coarse_band) -> List[search.Link]:
    """Pass 1 at full resolution: exact for small documents, else coarse-to-fine. ``skip`` is
    (per source sentence, per target sentence) skip scores; coarse levels use their mean."""
    if (n + 1) * (m + 1) <= FULL_CELLS:
        lo, hi = search.full_band(n, m)
        return search.band_dp(n, m, lo, hi, types, scorer.band_scores(lo, hi, types), skip)
    # Coarse-to-fine: halve both sides until the coarsest level is small enough for an exact DP.
    src_vectors, tgt_vectors = vectors
    src_lengths, tgt_lengths = lengths
    pyramid = [(src_vectors, tgt_vectors, src_lengths, tgt_lengths)]
    while max(len(pyramid[-1][2]), len(pyramid[-1][3])) > COARSEST:
        sv, tv, sl, tl = pyramid[-1]
        sv, sl = search.shrink(sv, sl)
        tv, tl = search.shrink(tv, tl)
        pyramid.append((sv, tv, sl, tl))
    coarse_types = [(1, 1), (1, 2), (2, 1), (1, 0), (0, 1)]
    path = None
    for level in range(len(pyramid) - 1, 0, -1):
        sv, tv, sl, tl = pyramid[level]
        cn, cm = len(sl), len(tl)
        coarse_scorer = LinkScorer(scorer.w, sl, tl, sv, tv)
        if path is None:
            lo, hi = search.full_band(cn, cm)
        else:
            lo, hi = search.band_around(path, cn, cm, coarse_band)
        path = search.band_dp(cn, cm, lo, hi, coarse_types, coarse_scorer.band_scores(lo, hi, coarse_types),
                              float(np.mean(skip[0])))
        path = search.expand(path, len(pyramid[level - 1][2]), len(pyramid[level - 1][3]))
    lo, hi = search.band_around(path, n, m, coarse_band)
    return search.band_dp(n, m, lo, hi, types, scorer.band_scores(lo, hi, types), skip)


def align_sentences(src: Sequence[str], tgt: Sequence[str], src_lang: str = "auto", tgt_lang: str = "auto",
                    embedder=None, translations: Optional[Sequence[str]] = None,
                    back_translations: Optional[Sequence[str]] = None,
                    config: Optional[AlignConfig] = None,
                    src_vectors: Optional[np.ndarray] = None,
                    tgt_vectors: Optional[np.ndarray] = None,
                    document_vectors: Optional[Tuple[np.ndarray, np.ndarray]] = None) -> List[AlignedLink]:
    """Align two lists of sentences; every sentence appears in exactly one returned link.

    ``translations`` are MT outputs of the source sentences into the target language (one per
    source sentence); ``back_translations`` of the target sentences into the source language.
    ``src_vectors``/``tgt_vectors`` skip the embedder when the caller already has them.
    ``document_vectors`` are the sentence vectors of the whole documents when ``src`` and
    ``tgt`` are one paragraph of them: the embedding normalisation and the choice of weights
    then look at the documents, not at the paragraph (a one-sentence paragraph would be
    normalised against its own translation).
    """
    config = config or AlignConfig()
    n, m = len(src), len(tgt)
    for name, given, want in (("translations", translations, n), ("back translations", back_translations, m)):
        if given is not None and len(given) != want:
            raise AlignerError(f"{len(given)} {name} for {want} sentences: need one per sentence")
    if n == 0 or m == 0:
        return [AlignedLink((i,), (), 0.0, 0.0) for i in range(n)] + \
               [AlignedLink((), (j,), 0.0, 0.0) for j in range(m)]
    has_vectors = embedder is not None or src_vectors is not None
    method = resolve_method(config.method, has_vectors, translations is not None)
    short = short_document(*(map(len, document_vectors) if document_vectors is not None else (n, m)))
    weights = config.weights_for(method, src_lang, tgt_lang, short)
    types = search.link_types(config.max_link)

    if method in ("embed", "auto") and src_vectors is None:
        vectors = embedder.encode(list(src) + list(tgt))
        src_vectors, tgt_vectors = vectors[:n], vectors[n:]
    elif method not in ("embed", "auto"):
        src_vectors = tgt_vectors = None
    means = None
    if src_vectors is not None and document_vectors is not None:
        means = (document_vectors[0].mean(axis=0), document_vectors[1].mean(axis=0))
    src_lengths, tgt_lengths = signals.char_lengths(src), signals.char_lengths(tgt)

    # Pass 1: vectors and length only.
    first_vectors = (src_vectors, tgt_vectors)
    first_weights = weights
    if method == "mt":
        first_vectors = (signals.hashed_ngram_vectors(translations), signals.hashed_ngram_vectors(tgt))
        first_weights = replace(weights, embed=weights.mt)
    first = LinkScorer(first_weights, src_lengths, tgt_lengths, *first_vectors, means=None if method == "mt" else means)
    skip = (-skip_costs(src, weights), -skip_costs(tgt, weights))
    path = _first_pass(n, m, first, first_vectors, (src_lengths, tgt_lengths), types, skip, config.coarse_band)

    # Pass 2: every signal, inside a band around the first path.
    lo, hi = search.band_around(path, n, m, config.band)
    col_start, col_end = search.band_columns(lo, hi, types)
    mt = back_mt = None
    if method in ("mt", "auto"):
        mt = ChrfBridge(signals.ngram_hashes(translations), signals.ngram_hashes(tgt), col_start, col_end)
        if back_translations is not None:
            back_mt = ChrfBridge(signals.ngram_hashes(back_translations), signals.ngram_hashes(src),
                                 col_start, col_end, transpose=True)
    src_anchors, tgt_anchors = signals.document_anchors(src, tgt, src_lang, tgt_lang)
    anchors = AnchorMatch(src_anchors, tgt_anchors, col_start, col_end)
    scorer = LinkScorer(weights, src_lengths, tgt_lengths, src_vectors, tgt_vectors, mt, back_mt, anchors, means)
    rescore = embedder is not None and method in ("embed", "auto") and config.concat_margin > 0
    band = scorer.band_scores(lo, hi, types)
    table = search.forward(n, m, lo, hi, types, band, skip, keep_rows=rescore)
    path = search.best_path(table, n, m, lo, types)
    if rescore:
        # Pass 3: the same search, with the competitive n-m links scored by the embeddings of
        # their real concatenated text. Summed vectors misjudge a block by about 0.01 of cosine
        # (Text+Berg dev gold n-m links: 0.926 summed, 0.919 encoded); a link that loses by
        # more than the margin stays out of the path either way, so its blocks are not worth
        # an encoder call.
        links = search.competitive_links(n, m, lo, hi, types, band, skip, config.concat_margin, table)
        src_blocks = sorted({(s0, s1) for s0, s1, _, _ in links if s1 - s0 > 1})
        tgt_blocks = sorted({(t0, t1) for _, _, t0, t1 in links if t1 - t0 > 1})
        if src_blocks or tgt_blocks:
            scorer.concat = ConcatenationVectors(src, tgt, src_vectors, tgt_vectors, src_blocks, tgt_blocks,
                                                 embedder, scorer.means)
            band.rescore_concatenations()
            path = search.band_dp(n, m, lo, hi, types, band, skip)
    midpoint = min(COSINE_MIDPOINTS.get(src_lang, COSINE_MIDPOINT), COSINE_MIDPOINTS.get(tgt_lang, COSINE_MIDPOINT))
    return [_describe(link, scorer, weights, skip, midpoint, short) for link in path]


_LETTER = re.compile(r"[^\W\d_]")


def link_prior(a: int, b: int) -> float:
    """log P(link type) after Gale & Church (1993): 1-1 0.89, 1-0 and 0-1 0.0099 together,
    2-1 and 1-2 0.089 together, each further sentence another factor 0.05."""
    if a == 0 or b == 0:
        return math.log(0.0099 / 2)
    return math.log(0.89) + (a + b - 2) * math.log(0.05)


def skip_costs(texts: Sequence[str], weights: Weights) -> np.ndarray:
    """Cost of leaving each sentence unaligned."""
    base = weights.skip - weights.prior * link_prior(1, 0)
    if not weights.skip_letters:
        return np.full(len(texts), base)
    letters = np.array([len(_LETTER.findall(t)) for t in texts], dtype=np.float64)
    return base + weights.skip_letters * np.minimum(letters, 300.0) / 100.0


def _describe(link: search.Link, scorer: LinkScorer, weights: Weights, skip,
              cosine_midpoint: Optional[float] = None, short: bool = False) -> AlignedLink:
    s0, s1, t0, t1 = link
    src_ids, tgt_ids = tuple(range(s0, s1)), tuple(range(t0, t1))
    if not src_ids or not tgt_ids:
        cost = -float(skip[0][s0] if src_ids else skip[1][t0])
        return AlignedLink(src_ids, tgt_ids, cost=round(cost, 4), similarity=0.0)
    parts = {k: float(v[0]) for k, v in scorer.components(np.array([s1]), s1 - s0, t1 - t0, np.array([t1])).items()}
    score = float(scorer.combine({k: np.array([v]) for k, v in parts.items()}, s1 - s0, t1 - t0)[0])
    # The normalisation subtracts each side's mean similarity to the other document: in a
    # short document that mean is dominated by the sentence's own translation, so only the
    # raw cosine is trusted there.
    if short:
        parts_for_similarity = {k: v for k, v in parts.items() if k != "embed"}
    else:
        parts_for_similarity = parts
    similarity = link_similarity(parts_for_similarity, len(src_ids) + len(tgt_ids), cosine_midpoint)
    return AlignedLink(src_ids, tgt_ids, cost=round(-score, 4), similarity=round(similarity, 4),
                       scores={k: round(v, 4) for k, v in parts.items()})


def link_similarity(parts: Dict[str, float], size: int = 2, cosine_midpoint: Optional[float] = None) -> float:
    """A [0, 1] similarity for a link of ``size`` sentences (both sides), through logistics
    calibrated on Text+Berg dev with e5-small: the normalised embedding similarity *and* the
    raw cosine must both be high (normalisation alone is unreliable in short documents);
    without embeddings, the chrF of the MT bridge. Unrelated sentences score near 0,
    translations near 1."""
    extra = max(size - 2, 0)
    if "cosine" in parts:
        midpoint = COSINE_MIDPOINT if cosine_midpoint is None else cosine_midpoint
        raw = _logistic((parts["cosine"] - midpoint - extra * COSINE_PER_SENTENCE) / COSINE_SCALE)
        if "embed" not in parts:
            return raw
        return min(raw, _logistic((parts["embed"] - EMBED_MIDPOINT - extra * EMBED_PER_SENTENCE) / EMBED_SCALE))
    if "mt" in parts:
        return _logistic((parts["mt"] - CHRF_MIDPOINT) / CHRF_SCALE)
    return math.exp(-parts["length"])


def _logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


# Text+Berg dev, 1-1 links: 95% of gold links have normalised similarity >= 0.070 and cosine
# >= 0.874; 95% of random pairs <= 0.035 and <= 0.848. Random blocks grow more similar with
# their size (sums of vectors drift to the mean): about +0.006 normalised and +0.02 cosine per
# extra sentence at the 95th percentile, while gold links stay level.
EMBED_MIDPOINT, EMBED_SCALE, EMBED_PER_SENTENCE = 0.05, 0.008, 0.006
COSINE_MIDPOINT, COSINE_SCALE, COSINE_PER_SENTENCE = 0.86, 0.01, 0.02
# e5-small puts Persian/Arabic-English translations lower: on FLORES devtest 95% of fa-en
# (ar-en) translations have cosine >= 0.843 (0.831), 95% of random pairs <= 0.795 (0.786).
COSINE_MIDPOINTS = {"fa": 0.82, "ar": 0.81}
SHORT_DOCUMENT = 20  # sentences


def short_document(n: int, m: int) -> bool:
    """Too short for the embedding normalisation: a side's mean similarity to the other
    document is dominated by the sentence's own translation."""
    return min(n, m) < SHORT_DOCUMENT
CHRF_MIDPOINT, CHRF_SCALE = 0.15, 0.04
