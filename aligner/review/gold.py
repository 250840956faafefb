"""A review as gold alignments: what the reviewer settled, and the run's links over the same sentences.

Gold, per reviewed pair: the links a person accepted, and the sentences they marked as
intentionally untranslated (1-0/0-1). The prediction: the run's own links (as the aligner wrote
them, before the review) that share a sentence with a gold link, or that the reviewer rejected
(each a miss). Unreviewed stretches are left out of both, so a half-reviewed run measures the
aligner on what was checked, never on what was not.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence, Tuple

from ..bitext import read_bitext
from .model import ACCEPTED, REJECTED, UNTRANSLATED, ReviewEvent, group_by_pair, link_key, reviewed_links, status_of

Alignment = List[Tuple[Tuple[int, ...], Tuple[int, ...]]]


def review_alignments(bitext_paths: Sequence[Path], events: Sequence[ReviewEvent]) -> List[Tuple[str, Alignment, Alignment]]:
    """(pair, gold, the run's links over the same sentences) of every pair with a settled link."""
    by_pair = group_by_pair(events)
    result = []
    for path in bitext_paths:
        run_links = list(read_bitext(path))
        if not run_links or run_links[0].src_doc not in by_pair:
            continue
        reviewed, _ = reviewed_links(run_links, by_pair[run_links[0].src_doc])
        gold = [link_key(link) for link in reviewed if status_of(link) in (ACCEPTED, UNTRANSLATED)]
        rejected = {link_key(link) for link in reviewed if status_of(link) == REJECTED}
        src = {i for s, _ in gold for i in s}
        tgt = {j for _, t in gold for j in t}
        predicted = [link_key(link) for link in run_links
                     if link_key(link) in rejected or src & set(link.src_ids) or tgt & set(link.tgt_ids)]
        if gold or predicted:
            result.append((run_links[0].src_doc, gold, predicted))
    return result
