"""Scoring signals for sentence links, each computed so that a link's score is cheap to get
from its sentences' scores.

A link joins a block of consecutive source sentences with a block of consecutive target
sentences. Every signal here is *decomposable*: what a block needs is a sum over its sentences
(embedding vectors, character counts) or over its sentence pairs (n-gram and anchor matches), so
an n-m link costs as little as 1-1 (core's pass 3 encodes real concatenations, near the path only).

- embedding: the cosine of summed sentence vectors, minus how similar each side is to the other
  document on average (Vecalign's normalisation: generic sentences and long concatenations are
  similar to everything, which must not make them look like translations).
- mt: chrF-style character n-gram F-score between the machine translation of the source block
  and the target block (Bleualign's bridge, with character n-grams instead of BLEU).
- length: Gale-Church's length-ratio deviation, with the ratio estimated from the documents.
- anchors: numbers (any digit script), URLs, ? and !, quotes, and Latin words inside Persian or
  Arabic text, matched across sides.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from typing import List, Optional, Sequence

import numpy as np

from ..text.normalise import normalise_digits

NGRAM_ORDERS = (3, 4, 5)
CHRF_BETA = 2.0
# Gale & Church's variance of the target length per source character.
LENGTH_VARIANCE = 6.8
LATIN_SCRIPT_LANGS = {"en", "de", "fr", "es", "it", "pt", "nl", "tr", "id", "ms", "sv", "da", "no", "pl", "cs"}

_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z\-']+")
_MARKS = {"?": "?", "\u061f": "?", "!": "!", "\u00ab": '"', "\u00bb": '"', "\u201c": '"', "\u201d": '"',
          "\u201e": '"', '"': '"'}


def _ngram_text(text: str) -> str:
    """What n-grams are taken from: digits normalised, lower-cased, spaces collapsed, padded."""
    return " " + _SPACES.sub(" ", normalise_digits(text).lower()).strip() + " "


def _ngrams(text: str):
    text = _ngram_text(text)
    return (text[k:k + order] for order in NGRAM_ORDERS for k in range(len(text) - order + 1))


def char_ngrams(text: str) -> Counter:
    """Character n-grams (orders NGRAM_ORDERS) of lower-cased text with spaces collapsed."""
    return Counter(_ngrams(text))


def anchor_tokens(text: str, words: Optional[set] = None) -> Counter:
    """Tokens that survive translation unchanged: numbers, URLs, ?/!, quotes, and Latin words
    (all of them when ``words`` is None, else only those in ``words``)."""
    text = normalise_digits(text)
    tokens: Counter = Counter(_URL.findall(text))
    text = _URL.sub(" ", text)
    tokens.update(number.rstrip(".,:/") for number in _NUMBER.findall(text))
    tokens.update(_MARKS[c] for c in text if c in _MARKS)
    found = (w.lower() for w in _LATIN_WORD.findall(text))
    tokens.update(found if words is None else (w for w in found if w in words))
    return tokens


def latin_words(texts: Sequence[str]) -> set:
    return {w.lower() for text in texts for w in _LATIN_WORD.findall(text)}


def document_anchors(src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str):
    """Anchor counters for both sides; Latin words count when exactly one side is non-Latin:
    all of them in the non-Latin text, and in the Latin text those the other document contains."""
    src_latin = src_lang in LATIN_SCRIPT_LANGS
    tgt_latin = tgt_lang in LATIN_SCRIPT_LANGS
    if src_latin == tgt_latin:
        # Two non-Latin sides, or two Latin ones: words are not anchors (they are the text itself).
        src_words = tgt_words = frozenset()
    else:
        src_words = latin_words(tgt) if src_latin else None
        tgt_words = latin_words(src) if tgt_latin else None
    return [anchor_tokens(t, src_words) for t in src], [anchor_tokens(t, tgt_words) for t in tgt]


# Multiplier of the polynomial n-gram hash mod 2**64: odd (invertible), with well-mixed bits.
_HASH_BASE = np.uint64(0x9E3779B97F4A7C15)


def ngram_hashes(texts: Sequence[str]) -> List[np.ndarray]:
    """The distinct character n-grams of each text (orders NGRAM_ORDERS, as char_ngrams) as
    sorted 64-bit hashes: chrF's clipped counts, minus repeats inside one sentence (rare). The
    whole document is hashed with a few array operations instead of a Python string per n-gram.
    Two n-grams of a document share a hash with probability about 1e-8 (a few 10^5 distinct
    n-grams in 2**64 values)."""
    prepared = [_ngram_text(text).encode("utf-32-le") for text in texts]
    codes = np.frombuffer(b"".join(prepared), dtype=np.uint32).astype(np.uint64)
    ends = np.cumsum([len(text) // 4 for text in prepared], dtype=np.int64)
    owner = np.repeat(np.arange(len(prepared)), np.diff(np.concatenate([[0], ends])))
    hashes, owners = [], []
    for order in NGRAM_ORDERS:
        count = len(codes) - order + 1
        if count <= 0:
            continue
        value = np.full(count, order, dtype=np.uint64)  # seeded with the order: orders hash apart
        for k in range(order):
            value = value * _HASH_BASE + codes[k:k + count]
        within = np.arange(count) + order <= ends[owner[:count]]  # windows inside one text
        hashes.append(value[within])
        owners.append(owner[:count][within])
    if not hashes:
        return [np.zeros(0, dtype=np.uint64) for _ in texts]
    hashes, owners = np.concatenate(hashes), np.concatenate(owners)
    order = np.lexsort((hashes, owners))
    hashes, owners = hashes[order], owners[order]
    first = np.ones(len(hashes), dtype=bool)
    first[1:] = (hashes[1:] != hashes[:-1]) | (owners[1:] != owners[:-1])
    hashes, owners = hashes[first], owners[first]
    return np.split(hashes, np.searchsorted(owners, np.arange(1, len(texts))))


def char_lengths(texts: Sequence[str]) -> np.ndarray:
    return np.array([len(_SPACES.sub(" ", t).strip()) for t in texts], dtype=np.float64)


def length_cost(src_chars: np.ndarray, tgt_chars: np.ndarray, ratio: float) -> np.ndarray:
    """Gale-Church deviation delta**2 / 2 of block lengths (0 for a perfect ratio), capped."""
    mean = (src_chars + tgt_chars / ratio) / 2.0
    delta = (tgt_chars - src_chars * ratio) / np.sqrt(np.maximum(mean, 1.0) * LENGTH_VARIANCE)
    return np.minimum(delta * delta / 2.0, 25.0)


def chrf(matches: np.ndarray, hyp_total: np.ndarray, ref_total: np.ndarray) -> np.ndarray:
    """chrF-style F-beta of character n-gram matches (orders pooled)."""
    precision = matches / np.maximum(hyp_total, 1.0)
    recall = matches / np.maximum(ref_total, 1.0)
    beta2 = CHRF_BETA ** 2
    return (1 + beta2) * precision * recall / np.maximum(beta2 * precision + recall, 1e-9)


def anchor_agreement(matches: np.ndarray, src_total: np.ndarray, tgt_total: np.ndarray) -> np.ndarray:
    """+1 when every anchor on both sides matches, -1 when none does, 0 without anchors."""
    total = src_total + tgt_total
    # 2 * matches / total is the share of anchors (both sides) that found a partner.
    return np.where(total > 0, (4.0 * matches - total) / np.maximum(total, 1.0), 0.0)


def mutual_best_pairs(similarity: np.ndarray):
    """(rows, columns) of the cells of a similarity matrix that are the best of both their row and
    their column: sentence pairs that are each other's nearest neighbour."""
    best_column = similarity.argmax(axis=1)
    rows = np.nonzero(similarity.argmax(axis=0)[best_column] == np.arange(len(best_column)))[0]
    return rows, best_column[rows]


def hashed_ngram_vectors(texts: Sequence[str], dim: int = 512) -> np.ndarray:
    """L2-normalised bag of hashed character n-grams: a language-blind 'embedding' for comparing
    a machine translation with its reference when no neural embedder is used."""
    import zlib

    vectors = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        for gram, count in char_ngrams(text).items():
            vectors[row, zlib.crc32(gram.encode("utf-8")) % dim] += count
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class PairStats:
    """Per-pair quantities (n-gram or anchor matches, embedding dot products) stored only inside
    a band of the pair matrix.

    Row r (source sentence r) holds columns [start[r], start[r] + len(rows[r])), kept as a
    cumulative sum so that the sum over any run of target sentences is one subtraction; all rows
    lie in one flat array, so that many blocks are summed with a few gathers.
    """

    def __init__(self, starts: np.ndarray, rows: List[np.ndarray]):
        self.starts = np.asarray(starts, dtype=np.int64)
        sizes = np.array([len(row) + 1 for row in rows], dtype=np.int64)
        self.base = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) - self.starts
        # Each row's cumulative sum starts at 0: one cumsum over the rows with a 0 before each,
        # less the running total where each row begins.
        values = np.concatenate([np.zeros(0)] + [np.concatenate([[0.0], row]) for row in rows])
        total = np.cumsum(values, dtype=np.float64)
        self.flat = total - np.repeat(total[self.base + self.starts], sizes)

    @classmethod
    def from_vectors(cls, src_vectors: np.ndarray, tgt_vectors: np.ndarray,
                     col_start: np.ndarray, col_end: np.ndarray) -> "PairStats":
        """Dot products of sentence vectors inside the band (long documents, where the whole
        matrix of products would not fit)."""
        rows = [tgt_vectors[col_start[r]:col_end[r]] @ vector for r, vector in enumerate(src_vectors)]
        return cls(np.asarray(col_start), rows)

    @classmethod
    def from_hashes(cls, src_items: Sequence[np.ndarray], tgt_items: Sequence[np.ndarray],
                    col_start: np.ndarray, col_end: np.ndarray) -> "PairStats":
        """Intersection sizes of sets given as arrays of distinct integers (ngram_hashes:
        hundreds per sentence), a source row at a time: the row's items are marked in a mask
        over the documents' vocabulary and the items of the row's band columns looked up in it,
        one gather and one cumulative sum per row instead of a set intersection per cell."""
        src_sizes = [len(items) for items in src_items]
        tgt_sizes = [len(items) for items in tgt_items]
        everything = np.concatenate([np.zeros(0, dtype=np.uint64), *src_items, *tgt_items])
        vocabulary, dense = np.unique(everything, return_inverse=True)
        split = sum(src_sizes)
        src_dense = np.split(dense[:split], np.cumsum(src_sizes)[:-1]) if src_sizes else []
        tgt_dense = dense[split:]
        offsets = np.concatenate([[0], np.cumsum(tgt_sizes, dtype=np.int64)])
        mask = np.zeros(len(vocabulary), dtype=bool)
        rows = []
        for r, items in enumerate(src_dense):
            first, last = int(col_start[r]), int(col_end[r])
            if last <= first:
                rows.append(np.zeros(0))
                continue
            mask[items] = True
            found = np.concatenate([[0], np.cumsum(mask[tgt_dense[offsets[first]:offsets[last]]], dtype=np.int64)])
            bounds = offsets[first:last + 1] - offsets[first]
            rows.append(np.diff(found[bounds]).astype(np.float64))
            mask[items] = False
        return cls(np.asarray(col_start), rows)

    @classmethod
    def from_counters(cls, src_items: Sequence[Counter], tgt_items: Sequence[Counter],
                      col_start: np.ndarray, col_end: np.ndarray) -> "PairStats":
        """Clipped match counts (per shared key, the smaller count) of sparse Counters
        (anchors: most sentences hold none or a few), from an index of the target sentences
        holding each token instead of one comparison per band cell."""
        holders: dict = {}
        for c, items in enumerate(tgt_items):
            for token, count in items.items():
                holders.setdefault(token, ([], []))
                holders[token][0].append(c)
                holders[token][1].append(count)
        rows = []
        for r, items in enumerate(src_items):
            row = np.zeros(col_end[r] - col_start[r])
            for token, count in items.items():
                if token not in holders:
                    continue
                cols, counts = holders[token]
                first, last = bisect_left(cols, col_start[r]), bisect_left(cols, col_end[r])
                for c, held in zip(cols[first:last], counts[first:last]):
                    row[c - col_start[r]] += min(count, held)
            rows.append(row)
        return cls(np.asarray(col_start), rows)

    def block_sum(self, src_start, src_end, tgt_start, tgt_end) -> np.ndarray:
        """Sum over source sentences [src_start, src_end) and target sentences
        [tgt_start, tgt_end), per entry (scalars or arrays of blocks); the band must cover them."""
        src_start, src_end, tgt_start, tgt_end = np.broadcast_arrays(src_start, src_end, tgt_start, tgt_end)
        total = np.zeros(src_start.shape, dtype=np.float64)
        sizes = src_end - src_start
        for k in range(int(sizes.max(initial=0))):
            inside = sizes > k
            rows = src_start[inside] + k
            base = self.base[rows]
            total[inside] += self.flat[base + tgt_end[inside]] - self.flat[base + tgt_start[inside]]
        return total


def totals(items) -> np.ndarray:
    return np.array([len(c) if isinstance(c, np.ndarray) else sum(c.values()) for c in items], dtype=np.float64)

