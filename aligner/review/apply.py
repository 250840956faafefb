"""A run's review applied to the links the outputs are written from (`aligner run`, `package`).

:class:`RunReview` reads OUTDIR/review.jsonl once and applies each document pair's events to
that pair's links as they stream by; a pair nobody reviewed streams through untouched. Events
that no longer fit (the source changed under the review) are collected as conflicts, once
each, for the run's notes and stderr: flagged, never dropped from the log.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Sequence

from ..bitext import REVIEW, BitextLink
from .log import REVIEW_FILE, read_events
from .model import ACCEPTED, REJECTED, ReviewEvent, group_by_pair, reviewed_links


class RunReview:
    def __init__(self, events: Sequence[ReviewEvent] = (), source: str = REVIEW_FILE):
        self.by_pair = group_by_pair(events)
        self.source = source
        self._conflicts: Dict[int, str] = {}

    @classmethod
    def of_folder(cls, folder: Path) -> "RunReview":
        """The review in ``folder`` (none when it has no review.jsonl)."""
        path = Path(folder) / REVIEW_FILE
        return cls(read_events(path), str(path))

    def __bool__(self) -> bool:
        return bool(self.by_pair)

    def pair(self, doc_id: str, links: Iterable[BitextLink]) -> Iterable[BitextLink]:
        """One pair's links with its events applied."""
        events = self.by_pair.get(doc_id)
        if not events:
            return links
        reviewed, conflicts = reviewed_links(list(links), events)
        for conflict in conflicts:
            self._conflicts.setdefault(conflict.event.seq, conflict.describe())
        return reviewed

    def links(self, links: Iterable[BitextLink]) -> Iterator[BitextLink]:
        """Links of any number of pairs, in order, each pair's events applied."""
        for doc_id, group in itertools.groupby(links, key=lambda link: link.src_doc):
            yield from self.pair(doc_id, group)

    @property
    def conflicts(self) -> List[str]:
        return [self._conflicts[seq] for seq in sorted(self._conflicts)]


def verdict(link: BitextLink):
    """accepted, rejected, ... or None: what a person decided about ``link``."""
    return link.provenance.get(REVIEW)


def is_accepted(link: BitextLink) -> bool:
    return verdict(link) == ACCEPTED


def is_rejected(link: BitextLink) -> bool:
    return verdict(link) == REJECTED
