"""Sentence alignment: n-m links between a document and its translation.

Modules: :mod:`.signals` (embedding, MT-bridge chrF, length, anchors), :mod:`.search`
(banded DP, coarse-to-fine), :mod:`.core` (the two-pass aligner), :mod:`.documents`
(Document pairs in, BitextLink records out), :mod:`.evaluation` (Vecalign strict/lax P/R/F1).
"""

from .core import METHODS, AlignConfig, AlignedLink, Weights, align_sentences, signature
from .evaluation import format_vecalign, parse_vecalign_alignments, read_vecalign_alignments, score_alignment

__all__ = [
    "METHODS", "AlignConfig", "AlignedLink", "Weights", "align_sentences", "signature",
    "format_vecalign", "parse_vecalign_alignments", "read_vecalign_alignments", "score_alignment",
]
