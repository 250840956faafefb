"""Pairing documents: which target document, if any, is the translation of each source document.

A run given two folders decides this before any alignment. ``name`` pairs files whose names
correspond; ``content`` pairs by what the documents say (:mod:`.content`: nearest candidates by
document vectors, candidates re-scored with sentence-level evidence, a calibrated probability of
translation, a 1-1 assignment); ``auto`` pairs by name where names correspond and by content for
the rest. Every method returns one :class:`~.model.PairDecision` per source document and per
target document left without a source.
"""

from ..registry import Registry

# A pairing method is ``method(sources, targets, documents, settings)`` (see .methods); the names
# are the choices of `aligner run --pair-by`.
PAIRERS: Registry = Registry("pairing method")
PAIRERS.add("auto", "aligner.pairing.methods:pair_auto")
PAIRERS.add("name", "aligner.pairing.methods:pair_by_name")
PAIRERS.add("content", "aligner.pairing.methods:pair_by_content")
