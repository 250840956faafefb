"""The pairing methods of :data:`aligner.pairing.PAIRERS`.

Each is ``method(sources, targets, read, settings)``: the two sides' inputs, ``read(side,
inputs)`` that turns inputs into :class:`.model.PairingDocument` (the caller's reading,
segmenting and embedding; ``side`` is "source" or "target") and is called only for the
documents that content pairing compares, and the content settings. It returns one decision per
source, in order, then one per target left without a source, in order.
"""

from __future__ import annotations

from typing import Callable, List, Sequence

from ..text.reading import Source, pair_sources
from .content import ContentSettings, pair_by_content as pair_documents_by_content
from .model import BY_NAME, NONE, PARALLEL, PairDecision, PairingDocument

Reader = Callable[[str, Sequence[Source]], List[PairingDocument]]


def pair_by_name(sources: Sequence[Source], targets: Sequence[Source], read: Reader,
                 settings: ContentSettings = ContentSettings()) -> List[PairDecision]:
    """Files whose names correspond (a language code in the name ignored); nothing is read."""
    paired = dict(pair_sources(sources, targets, strict=False))
    used = {target.doc_id for target in paired.values()}
    decisions = [PairDecision(s.doc_id, paired[s].doc_id, BY_NAME, None, PARALLEL, None,
                              f"paired by name with {paired[s].doc_id}") if s in paired else
                 PairDecision(s.doc_id, None, "", None, NONE, None, "no target file of the same name")
                 for s in sources]
    decisions += [PairDecision(None, t.doc_id, "", None, NONE, None, "no source file of the same name")
                  for t in targets if t.doc_id not in used]
    return decisions


def pair_by_content(sources: Sequence[Source], targets: Sequence[Source], read: Reader,
                    settings: ContentSettings = ContentSettings()) -> List[PairDecision]:
    """Every source against every target by what they say (see :mod:`.content`)."""
    return pair_documents_by_content(read("source", sources), read("target", targets), settings)


def pair_auto(sources: Sequence[Source], targets: Sequence[Source], read: Reader,
              settings: ContentSettings = ContentSettings()) -> List[PairDecision]:
    """By name where names correspond, by content for the documents left over on both sides."""
    by_name = pair_by_name(sources, targets, read, settings)
    named = {d.source: d for d in by_name if d.source is not None and d.target is not None}
    used = {d.target for d in named.values()}
    left_sources = [s for s in sources if s.doc_id not in named]
    left_targets = [t for t in targets if t.doc_id not in used]
    by_content = {}
    if left_sources and left_targets:
        found = pair_by_content(left_sources, left_targets, read, settings)
        by_content = {(d.source, d.target if d.source is None else None): d for d in found}
    decisions = [named.get(s.doc_id) or by_content.get((s.doc_id, None)) or
                 PairDecision(s.doc_id, None, "", None, NONE, None, "no target left to compare it with")
                 for s in sources]
    paired_targets = used | {d.target for d in decisions if d.target is not None}
    decisions += [by_content.get((None, t.doc_id)) or
                  PairDecision(None, t.doc_id, "", None, NONE, None, "no source left to compare it with")
                  for t in targets if t.doc_id not in paired_targets]
    return decisions
