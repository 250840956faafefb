"""Sentence alignment: n-m links between a document and its translation.

Modules: :mod:`.signals` (embedding, MT-bridge chrF, length, anchors), :mod:`.search`
(banded DP, coarse-to-fine), :mod:`.core` (the two-pass aligner), :mod:`.documents`
(Document pairs in, BitextLink records out). Evaluation against gold alignments lives in
:mod:`aligner.bench.alignment`.
"""

from .core import METHODS, AlignConfig, AlignedLink, Weights, align_sentences, signature

__all__ = [
    "METHODS", "AlignConfig", "AlignedLink", "Weights", "align_sentences", "signature",
]
