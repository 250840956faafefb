"""Sentence alignment: n-m links between a document and its translation.

Modules: :mod:`.signals` (embedding, MT-bridge chrF, length, anchors), :mod:`.blocks` (their
sums over sentence blocks), :mod:`.weights` (how they combine, the tuned sets),
:mod:`.link_scores` (link scores for a band at once), :mod:`.calibration` (a link's [0, 1]
similarity), :mod:`.search` (banded DP, coarse-to-fine), :mod:`.core` (the three-pass aligner),
:mod:`.documents` (Document pairs in, BitextLink records out). Evaluation against gold
alignments lives in :mod:`aligner.bench.alignment`.
"""

from .core import BRIDGE_METHODS, EMBEDDING_METHODS, METHODS, AlignConfig, AlignedLink, align_sentences, signature
from .weights import Weights

__all__ = [
    "BRIDGE_METHODS", "EMBEDDING_METHODS", "METHODS", "AlignConfig", "AlignedLink", "Weights", "align_sentences",
    "signature",
]
