"""Which paragraphs of a document pair may be aligned on their own (hard delimiters).

Equal paragraph counts are not proof that the paragraphs correspond: a translator who moves a
sentence across a paragraph break, or breaks paragraphs elsewhere, keeps the count and shifts
the boundaries, and aligning paragraph by paragraph would then force wrong links at every
shifted boundary. Paragraphs are used only when their sentence vectors say they correspond:

- each paragraph is more similar to its counterpart than to the neighbouring paragraphs of the
  other side (summed sentence vectors), and
- no confident sentence pair crosses a boundary: near each boundary, no source sentence and
  target sentence that are each other's most similar sentence (mutual best match) lie on
  opposite sides of it.

Otherwise the whole documents are aligned as one sequence, which is always safe.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import numpy as np

from ..document import Sentence
from .signals import mutual_best_pairs

# Sentences on each side of a boundary compared for mutual best matches: enough to see a
# sentence moved across it, few enough that the check costs nothing in long documents.
BOUNDARY_WINDOW = 3


def paragraph_spans(sentences: Sequence[Sentence]) -> List[range]:
    """The sentence ranges of each paragraph, in order."""
    bounds, start = [], 0
    for k in range(1, len(sentences) + 1):
        if k == len(sentences) or sentences[k].paragraph != sentences[k - 1].paragraph:
            bounds.append(range(start, k))
            start = k
    return bounds


def paragraph_segments(src: Sequence[Sentence], tgt: Sequence[Sentence],
                       vectors: Optional[Tuple[np.ndarray, np.ndarray]] = None) -> List[Tuple[range, range]]:
    """(source range, target range) pieces to align separately: one per paragraph when both
    sides have the same number of paragraphs and ``vectors`` (unit sentence vectors of each
    side) show that they correspond; else the whole documents. Without vectors (the length
    method) equal counts are all there is to go on."""
    src_spans, tgt_spans = paragraph_spans(src), paragraph_spans(tgt)
    whole = [(range(len(src)), range(len(tgt)))]
    if len(src_spans) < 2 or len(src_spans) != len(tgt_spans):
        return whole
    if vectors is not None and not paragraphs_correspond(src_spans, tgt_spans, *vectors):
        return whole
    return list(zip(src_spans, tgt_spans))


def paragraphs_correspond(src_spans: Sequence[range], tgt_spans: Sequence[range], src_vectors: np.ndarray,
                          tgt_vectors: np.ndarray) -> bool:
    """Whether paragraph k of each side are translations of each other, for every k (see the
    module docstring for the two checks)."""
    def paragraph_vectors(spans, vectors):
        sums = np.array([vectors[span.start:span.stop].sum(axis=0) for span in spans])
        return sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)

    src_par, tgt_par = paragraph_vectors(src_spans, src_vectors), paragraph_vectors(tgt_spans, tgt_vectors)
    own = np.einsum("ij,ij->i", src_par, tgt_par)
    # Paragraph k against k + 1 of the other side, and k + 1 against k: both must lose to
    # each of the two own pairs they could be confused with.
    later = np.einsum("ij,ij->i", src_par[:-1], tgt_par[1:])
    earlier = np.einsum("ij,ij->i", src_par[1:], tgt_par[:-1])
    if np.any(np.minimum(own[:-1], own[1:]) <= np.maximum(later, earlier)):
        return False
    for src_span, tgt_span in zip(src_spans[1:], tgt_spans[1:]):
        if _mutual_match_crosses(src_span.start, tgt_span.start, src_vectors, tgt_vectors):
            return False
    return True


def _mutual_match_crosses(src_boundary: int, tgt_boundary: int, src_vectors: np.ndarray,
                          tgt_vectors: np.ndarray) -> bool:
    """Whether, among the BOUNDARY_WINDOW sentences either side of a boundary on each side, a
    mutual best match lies before the boundary on one side and after it on the other."""
    s0, t0 = max(src_boundary - BOUNDARY_WINDOW, 0), max(tgt_boundary - BOUNDARY_WINDOW, 0)
    rows, columns = mutual_best_pairs(src_vectors[s0:src_boundary + BOUNDARY_WINDOW]
                                      @ tgt_vectors[t0:tgt_boundary + BOUNDARY_WINDOW].T)
    return bool(np.any((s0 + rows < src_boundary) != (t0 + columns < tgt_boundary)))
