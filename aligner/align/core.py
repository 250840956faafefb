"""Sentence alignment of one document pair: signals -> banded search in passes -> scored links.

Pass 1 finds a path with the cheap vector signals only (sentence embeddings, or hashed n-gram
vectors of the MT output when no embedder is used) and the length signal, over the whole
matrix for small documents or coarse-to-fine for long ones. Pass 2 searches all link types
again inside a band around that path with every signal, including the pairwise ones (MT chrF,
anchors) that are only computed inside that band. Pass 3, with an embedder, finds the n-m
links whose best complete path scores within a margin of the best one (forward and backward
DP), encodes the real concatenated text of their multi-sentence blocks, and searches the same
band again with those blocks scored by their own embeddings. Pass 4, with an embedder and a
weight set that has an AbsorbRule, lets a sentence left unaligned join a neighbouring link when
the link's length and the sentence's cosine with the link's other side say it belongs there.
Last, each link gets its path margin: how much the best path through it outscores the best
path without it (forward and backward DP of the final band), the search's own certainty, which
the combined score reads (score/calibration.py).

How a link is scored lives in link_scores.py (from blocks.py and signals.py, weighted by
weights.py); its reported similarity in calibration.py.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..errors import AlignerError
from ..signature import Signature, Value
from . import search, signals
from .blocks import AnchorMatch, ChrfBridge, ConcatenationVectors
from .calibration import cosine_midpoint, link_similarity, short_document
from .link_scores import FULL_CELLS, BandScores, LinkScorer, aligned_ratio, skip_costs
from .weights import Weights, weight_set, weight_set_name

# The alignment methods, for AlignConfig.method and the command line's --method; "auto"
# resolves to one of the others or stays "auto" (embeddings and the MT bridge together).
METHODS = ("auto", "embed", "mt", "length")
EMBEDDING_METHODS = ("auto", "embed")  # the methods that read sentence embeddings
BRIDGE_METHODS = ("auto", "mt")  # the methods that read the translations (the MT bridge)
COARSEST = 256  # coarse-to-fine halves both documents until neither has more sentences
CUSTOM_WEIGHTS = "custom"  # the weight set name of weights given in AlignConfig


@dataclass
class AlignedLink:
    """One link of an alignment: sentence indices of each side and how good the link is."""

    src_ids: Tuple[int, ...]
    tgt_ids: Tuple[int, ...]
    # Minus the link's score in the search (lower is better): a 1-0 or 0-1 link's skip cost.
    search_cost: float
    # Calibrated [0, 1] similarity (calibration.link_similarity); 0 for 1-0 and 0-1 links.
    similarity: float
    # The signal values the score was combined from (LinkScorer.signal_values); none for 1-0/0-1.
    signal_values: Dict[str, float] = field(default_factory=dict)
    # How much the best path through the link outscores the best path without it, in link-score
    # units (search.path_margins): near 0 the search could as well have split, merged or shifted
    # it. None for 1-0/0-1 links and where no search ran.
    path_margin: Optional[float] = None


@dataclass
class AlignConfig:
    """The aligner's settings (the command line sets method, max_link and concat_margin)."""

    method: str = "auto"
    max_link: int = 4
    band: int = 8  # half-width of the pass-2 band around the pass-1 path, in sentences
    coarse_band: int = 8
    # Pass 3 (embedder given): re-score n-m links with the embeddings of their real
    # concatenated text, for the links whose best path is within this margin (in link-score
    # units) of the best path; 0: off. 0.05 chosen on Text+Berg dev (0.02/0.03/0.05/0.1/0.2).
    concat_margin: float = 0.05
    weights: Optional[Weights] = None

    def weights_name(self, method: str, src_lang: str, tgt_lang: str) -> str:
        """Which weight set aligns this pair: "custom" (given here), else weight_set_name's."""
        if self.weights is not None:
            return CUSTOM_WEIGHTS
        return weight_set_name(method, src_lang, tgt_lang)

    def weights_for(self, method: str, src_lang: str, tgt_lang: str) -> Weights:
        """The weights of the set weights_name names."""
        if self.weights is not None:
            return self.weights
        return weight_set(weight_set_name(method, src_lang, tgt_lang), method)


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


def signature(config: AlignConfig, method: str, embedder_id: Optional[str], src_lang: str, tgt_lang: str, *,
              segmenter: Value = None, translator: Value = None) -> Signature:
    """What aligned a document pair with the resolved ``method``. ``segmenter`` and ``translator``
    (the MT model behind the bridge) are the caller's signatures of what made the sentences and
    the translations; each is recorded when given, the translator only for the methods that
    use translations, the embedder only for those that use embeddings."""
    fields: Dict[str, Value] = dict(method=method, max_link=config.max_link, band=config.band,
                                    weights=config.weights_name(method, src_lang, tgt_lang))
    if method in EMBEDDING_METHODS:
        fields.update(embedder=embedder_id, concat_margin=config.concat_margin)
    if config.weights is not None:
        fields["custom_weights"] = ",".join(f"{k}={_weight_text(v)}" for k, v in asdict(config.weights).items())
    if segmenter is not None:
        fields["segmenter"] = segmenter
    if translator is not None and method in BRIDGE_METHODS:
        fields["translator"] = translator
    return Signature.of("aligner", **fields)


def _weight_text(value) -> str:
    """A weight as the signature writes it; a rule's numbers joined by "/" in field order."""
    if isinstance(value, dict):
        return "/".join(f"{number:g}" for number in value.values())
    return "off" if value is None else f"{value:g}"


def _check_translations(n: int, m: int, translations, back_translations) -> None:
    for name, given, want in (("translations", translations, n), ("back translations", back_translations, m)):
        if given is not None and len(given) != want:
            raise AlignerError(f"{len(given)} {name} for {want} sentences: need one per sentence")


def _first_pass_scorer(method: str, weights: Weights, translations, tgt: Sequence[str], vectors, lengths,
                       means) -> Tuple[LinkScorer, tuple]:
    """Pass 1's scorer and the vectors it compares: the sentence embeddings, or for the MT
    method hashed n-gram vectors of the translations and the target, weighted as the MT signal."""
    if method != "mt":
        return LinkScorer(weights, *lengths, *vectors, means=means), vectors
    vectors = (signals.hashed_ngram_vectors(translations), signals.hashed_ngram_vectors(tgt))
    return LinkScorer(replace(weights, embed=weights.mt), *lengths, *vectors), vectors


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


def _bridge_signals(src: Sequence[str], tgt: Sequence[str], translations, back_translations,
                    col_start: np.ndarray, col_end: np.ndarray) -> Tuple[ChrfBridge, Optional[ChrfBridge]]:
    """The MT-bridge chrF of both directions (the back direction when back translations exist)."""
    mt = ChrfBridge(signals.ngram_hashes(translations), signals.ngram_hashes(tgt), col_start, col_end)
    if back_translations is None:
        return mt, None
    return mt, ChrfBridge(signals.ngram_hashes(back_translations), signals.ngram_hashes(src),
                          col_start, col_end, transpose=True)


def _third_pass(src: Sequence[str], tgt: Sequence[str], embedder, band: BandScores, table: search.Forward,
                types, skip, margin: float) -> search.Forward:
    """Pass 3: the same search, with the competitive n-m links scored by the embeddings of
    their real concatenated text; returns the forward DP of the band as it then stands (all
    rows kept), ``table`` when no competitive link has a block to encode.

    Summed vectors misjudge a block by about 0.01 of cosine (Text+Berg dev gold n-m links: 0.926
    summed, 0.919 encoded); a link that loses by more than the margin stays out of the path
    either way, so its blocks are not worth an encoder call.
    """
    n, m = len(src), len(tgt)
    links = search.competitive_links(n, m, band.lo, band.hi, types, band, skip, margin, table)
    src_blocks = sorted({(s0, s1) for s0, s1, _, _ in links if s1 - s0 > 1})
    tgt_blocks = sorted({(t0, t1) for _, _, t0, t1 in links if t1 - t0 > 1})
    if not src_blocks and not tgt_blocks:
        return table
    scorer = band.scorer
    scorer.concat = ConcatenationVectors(src, tgt, scorer.src_vectors, scorer.tgt_vectors, src_blocks, tgt_blocks,
                                         embedder, scorer.means)
    band.rescore_concatenations()
    return search.forward(n, m, band.lo, band.hi, types, band, skip, keep_rows=True)


def _link_values(scorer: LinkScorer, link: search.Link) -> Tuple[float, float]:
    """A link's embedding score and length cost (signals.length_cost)."""
    s0, s1, t0, t1 = link
    values = scorer.signal_values(np.array([s1]), s1 - s0, t1 - t0, np.array([t1]))
    return float(values["embed"][0]), float(values["length"][0])


def _absorb_unaligned(src: Sequence[str], tgt: Sequence[str], embedder, scorer: LinkScorer,
                      path: List[search.Link], max_link: int) -> List[search.Link]:
    """Pass 4: a sentence the path leaves unaligned joins a neighbouring link when the weights'
    AbsorbRule gives it log-odds above 0 of belonging there (the higher neighbour when both
    qualify), the link's blocks with and without it encoded as text.

    The search keeps a translator's merge of two sentences, or one half of a split sentence, as
    a 1-1 link beside an unaligned sentence: a sentence embeds nearly as close to a translation
    of it and a neighbour as to its own, and in news, where leaving a sentence out must cost
    little, the search's length signal is too weak to tell. The rule weighs the link's length
    with and without the sentence, the sentence's cosine with the link's other side and its
    own length: a 1-1 link half as long on one side as a translation would be is fixed by taking
    in the neighbour, a short fragment is rarely a sentence of its own, and taking in an omitted
    or inserted sentence spoils the link's length.
    """
    candidates = []  # (index of the 1-0/0-1 link, index of the neighbouring link, the merged link)
    for k, (s0, s1, t0, t1) in enumerate(path):
        if (s1 - s0) + (t1 - t0) != 1:
            continue
        for j in (k - 1, k + 1):
            if not 0 <= j < len(path):
                continue
            n0, n1, m0, m1 = path[j]
            if n1 > n0 and m1 > m0 and (n1 - n0) + (m1 - m0) < max_link:
                candidates.append((k, j, (min(s0, n0), max(s1, n1), min(t0, m0), max(t1, m1))))
    if not candidates:
        return path
    if scorer.concat is None:
        scorer.concat = ConcatenationVectors(src, tgt, scorer.src_vectors, scorer.tgt_vectors, [], [], embedder,
                                             scorer.means)
    concat, rule = scorer.concat, scorer.w.absorb
    links = [path[j] for _, j, _ in candidates] + [merged for _, _, merged in candidates]
    concat.add(sorted({(s0, s1) for s0, s1, _, _ in links if s1 - s0 > 1}),
               sorted({(t0, t1) for _, _, t0, t1 in links if t1 - t0 > 1}), embedder)
    scored = []
    for k, j, merged in candidates:
        embed, length = _link_values(scorer, path[j])
        merged_embed, merged_length = _link_values(scorer, merged)
        s0, s1, t0, t1 = path[k]
        n0, n1, m0, m1 = path[j]
        # The unaligned sentence against the other side of the link it would join.
        if s1 > s0:
            cosine, text = float(concat.src[s0, s1] @ concat.tgt[m0, m1]), src[s0]
        else:
            cosine, text = float(concat.tgt[t0, t1] @ concat.src[n0, n1]), tgt[t0]
        log_odds = (rule.embed * (merged_embed - embed) + rule.length * (length - merged_length)
                    + rule.cosine * cosine - rule.shortness * math.log1p(len(text)) + rule.bias)
        scored.append((log_odds, k, j, merged))
    replaced: Dict[int, search.Link] = {}
    absorbed = set()
    for log_odds, k, j, merged in sorted(scored, key=lambda item: -item[0]):
        if log_odds > 0 and k not in absorbed and j not in replaced:
            replaced[j] = merged
            absorbed.add(k)
    return [replaced.get(k, link) for k, link in enumerate(path) if k not in absorbed]


# Sentence counts this unequal (one side over 20 times the other, and 1,000 sentences longer) are not
# a document and its translation: every sentence is left unaligned and nothing is encoded, instead of
# embedding, say, 100,000 lines to align them with two.
UNEQUAL_RATIO, UNEQUAL_EXCESS = 20, 1000


def too_unequal(n: int, m: int) -> bool:
    return max(n, m) > UNEQUAL_RATIO * min(n, m) and abs(n - m) > UNEQUAL_EXCESS


def align_sentences(src: Sequence[str], tgt: Sequence[str], src_lang: str = "auto", tgt_lang: str = "auto",
                    embedder=None, translations: Optional[Sequence[str]] = None,
                    back_translations: Optional[Sequence[str]] = None,
                    config: Optional[AlignConfig] = None,
                    src_vectors: Optional[np.ndarray] = None,
                    tgt_vectors: Optional[np.ndarray] = None,
                    document_vectors: Optional[Tuple[np.ndarray, np.ndarray]] = None,
                    document_ratio: Optional[float] = None) -> List[AlignedLink]:
    """Align two lists of sentences; every sentence appears in exactly one returned link.

    ``translations`` are MT outputs of the source sentences into the target language (one per
    source sentence); ``back_translations`` of the target sentences into the source language.
    ``src_vectors``/``tgt_vectors`` skip the embedder when the caller already has them.
    ``document_vectors`` are the sentence vectors of the whole documents when ``src`` and
    ``tgt`` are one paragraph of them: the embedding normalisation and the choice of weights
    and the reported similarities then look at the documents, not at the paragraph (a
    one-sentence paragraph would be normalised against its own translation).
    ``document_ratio`` (link_scores.paired_ratio) is then the documents' length ratio, for the
    weights that measure it from aligned sentences instead of the documents' lengths.
    """
    config = config or AlignConfig()
    n, m = len(src), len(tgt)
    _check_translations(n, m, translations, back_translations)
    if n == 0 or m == 0 or too_unequal(n, m):
        return [AlignedLink((i,), (), 0.0, 0.0) for i in range(n)] + \
               [AlignedLink((), (j,), 0.0, 0.0) for j in range(m)]
    has_vectors = embedder is not None or src_vectors is not None
    method = resolve_method(config.method, has_vectors, translations is not None)
    short = short_document(*(map(len, document_vectors) if document_vectors is not None else (n, m)))
    weights = config.weights_for(method, src_lang, tgt_lang)
    types = search.link_types(config.max_link)

    if method in EMBEDDING_METHODS and src_vectors is None:
        vectors = embedder.encode(list(src) + list(tgt))
        src_vectors, tgt_vectors = vectors[:n], vectors[n:]
    elif method not in EMBEDDING_METHODS:
        src_vectors = tgt_vectors = None
    means = None
    if src_vectors is not None and document_vectors is not None:
        means = (document_vectors[0].mean(axis=0), document_vectors[1].mean(axis=0))
    lengths = (signals.char_lengths(src), signals.char_lengths(tgt))
    skip = (-skip_costs(src, weights), -skip_costs(tgt, weights))

    # Pass 1: vectors and length only.
    first, first_vectors = _first_pass_scorer(method, weights, translations, tgt, (src_vectors, tgt_vectors),
                                              lengths, means)
    path = _first_pass(n, m, first, first_vectors, lengths, types, skip, config.coarse_band)

    # Pass 2: every signal, inside a band around the first path.
    lo, hi = search.band_around(path, n, m, config.band)
    col_start, col_end = search.band_columns(lo, hi, types)
    mt = back_mt = None
    if method in BRIDGE_METHODS:
        mt, back_mt = _bridge_signals(src, tgt, translations, back_translations, col_start, col_end)
    anchors = AnchorMatch(*signals.document_anchors(src, tgt, src_lang, tgt_lang), col_start, col_end)
    scorer = LinkScorer(weights, *lengths, src_vectors, tgt_vectors, mt, back_mt, anchors, means,
                        ratio=(document_ratio or aligned_ratio(path, *lengths)) if weights.aligned_ratio else None)
    rescore = embedder is not None and method in EMBEDDING_METHODS and config.concat_margin > 0
    band = scorer.band_scores(lo, hi, types)
    table = search.forward(n, m, lo, hi, types, band, skip, keep_rows=True)
    if rescore:
        table = _third_pass(src, tgt, embedder, band, table, types, skip, config.concat_margin)
    path = search.best_path(table, n, m, lo, types)
    if embedder is not None and method in EMBEDDING_METHODS and weights.absorb is not None:
        path = _absorb_unaligned(src, tgt, embedder, scorer, path, config.max_link)
    margins = search.path_margins(n, m, lo, hi, types, band, skip, table, path)
    midpoint = cosine_midpoint(src_lang, tgt_lang)
    return [_describe(link, scorer, skip, midpoint, short, margin) for link, margin in zip(path, margins)]


def _describe(link: search.Link, scorer: LinkScorer, skip, midpoint: float, short: bool,
              path_margin: Optional[float]) -> AlignedLink:
    """A path's link with its search cost, signal values, similarity (``midpoint``: the
    pair's calibration.cosine_midpoint) and path margin (search.path_margins)."""
    s0, s1, t0, t1 = link
    src_ids, tgt_ids = tuple(range(s0, s1)), tuple(range(t0, t1))
    if not src_ids or not tgt_ids:
        cost = -float(skip[0][s0] if src_ids else skip[1][t0])
        return AlignedLink(src_ids, tgt_ids, search_cost=round(cost, 4), similarity=0.0)
    a, b = s1 - s0, t1 - t0
    values = {k: float(v[0]) for k, v in scorer.signal_values(np.array([s1]), a, b, np.array([t1])).items()}
    score = float(scorer.combine({k: np.array([v]) for k, v in values.items()}, a, b)[0])
    # The normalisation subtracts each side's mean similarity to the other document: in a
    # short document that mean is dominated by the sentence's own translation, so only the
    # raw cosine is trusted there.
    trusted = {k: v for k, v in values.items() if k != "embed"} if short else values
    similarity = link_similarity(trusted, len(src_ids) + len(tgt_ids), midpoint)
    return AlignedLink(src_ids, tgt_ids, search_cost=round(-score, 4), similarity=round(similarity, 4),
                       signal_values={k: round(v, 4) for k, v in values.items()}, path_margin=round(path_margin, 4))
