"""The review model: what a person decided about a run's links, as events, and how they apply.

A review is a list of :class:`ReviewEvent`, one per action, in the order they happened (the
lines of OUTDIR/review.jsonl). Every action, whatever it is (accept, merge, split, re-align,
undo), is one replacement in one document pair: the links it removes, each recorded with its
texts, and the links it puts in their place, each with its scores and, when a person judged it,
its verdict in ``provenance["review"]``. Applying an event is therefore one pure function
(:func:`apply_event`), the same for the review server, `aligner run`, `aligner package` and
`aligner bench align`.

A removed link must be in the pair's current links with the same texts. When it is not (the
source text changed and the run was redone, or the aligner now links those sentences another
way) the event is a :class:`Conflict`: it is kept in the log, reported, and not applied, so
nothing a person decided is silently dropped nor applied to text they never saw.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from ..bitext import REVIEW, BitextLink

ACCEPTED, REJECTED, SECOND_LOOK, UNTRANSLATED = "accepted", "rejected", "second_look", "untranslated"
# The verdicts a person gives a link. Accepted units enter aligned.tmx whatever their score;
# rejected ones never do; second_look only marks a unit to come back to; untranslated says that an
# unaligned sentence has no translation on purpose.
STATUSES = (ACCEPTED, REJECTED, SECOND_LOOK, UNTRANSLATED)
# Verdicts that settle a link: re-aligning a stretch keeps these links as they are.
SETTLED = (ACCEPTED, REJECTED, UNTRANSLATED)
EVENT_VERSION = 1
UNDO, REDO = "undo", "redo"

LinkKey = Tuple[Tuple[int, ...], Tuple[int, ...]]


def link_key(link: BitextLink) -> LinkKey:
    """A link's identity within its pair: its sentence ids (every sentence is in one link)."""
    return tuple(link.src_ids), tuple(link.tgt_ids)


def status_of(link: BitextLink) -> Optional[str]:
    return link.provenance.get(REVIEW)


def with_status(link: BitextLink, status: Optional[str]) -> BitextLink:
    """A copy of ``link`` with the verdict ``status`` (None: no verdict)."""
    provenance = {key: value for key, value in link.provenance.items() if key != REVIEW}
    if status is not None:
        provenance[REVIEW] = status
    return BitextLink(**{**link.__dict__, "scores": dict(link.scores), "provenance": provenance})


@dataclass
class ReviewEvent:
    """One action on one document pair: ``remove`` replaced by ``add`` (link records)."""

    seq: int  # position in the whole review, from 1
    pair: str  # the pair's source document id
    rev: int  # the pair's revision after this event (1 for its first)
    op: str  # what the person did: accept, merge_next, split, realign, undo, ...
    remove: List[dict]
    add: List[dict]
    time: float = 0.0
    target: Optional[int] = None  # undo/redo: the seq of the event undone or redone

    def to_json(self) -> str:
        record = {"v": EVENT_VERSION, "seq": self.seq, "pair": self.pair, "rev": self.rev, "op": self.op,
                  "time": round(self.time, 3), "remove": self.remove, "add": self.add}
        if self.target is not None:
            record["target"] = self.target
        return json.dumps(record, ensure_ascii=False)

    @classmethod
    def from_dict(cls, record: dict) -> "ReviewEvent":
        """An event from its decoded JSON (ValueError says what is wrong)."""
        if not isinstance(record, dict) or record.get("v") != EVENT_VERSION:
            raise ValueError(f"not a review event of version {EVENT_VERSION}")
        try:
            event = cls(int(record["seq"]), str(record["pair"]), int(record["rev"]), str(record["op"]),
                        list(record["remove"]), list(record["add"]), float(record.get("time", 0.0)),
                        record.get("target"))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"missing or bad field {exc}") from None
        for item in event.remove + event.add:  # every link record is checked as bitext is
            BitextLink.from_dict(item)
        return event

    def removed_links(self) -> List[BitextLink]:
        return [BitextLink.from_dict(record) for record in self.remove]

    def added_links(self) -> List[BitextLink]:
        return [BitextLink.from_dict(record) for record in self.add]


def link_record(link: BitextLink) -> dict:
    return json.loads(link.to_json())


@dataclass
class Conflict:
    """An event that no longer fits the pair's links, and why (one line)."""

    event: ReviewEvent
    reason: str

    def describe(self) -> str:
        return f"{self.event.pair}: review action {self.event.seq} ({self.event.op}) not applied: {self.reason}"


class ConflictError(ValueError):
    pass


def already_applied(links: Sequence[BitextLink], event: ReviewEvent) -> bool:
    """True when ``links`` already hold what ``event`` adds (same ids and texts; a later event may
    have changed the verdict) and none of the links it removes (a bitext written with the review
    applied, read again)."""
    current = {link_key(link): link for link in links}
    added = event.added_links()
    kept = {link_key(link) for link in added}
    return (all(link_key(x) not in current for x in event.removed_links() if link_key(x) not in kept)
            and all(link_key(x) in current and _same(current[link_key(x)], x) for x in added))


def _same(a: BitextLink, b: BitextLink) -> bool:
    return (a.src, a.tgt) == (b.src, b.tgt)


def apply_event(links: Sequence[BitextLink], event: ReviewEvent) -> List[BitextLink]:
    """The pair's links after ``event``: its removed links (which must be there, with the same
    texts: ConflictError otherwise) replaced by its added ones, where the first removed one stood."""
    position = {link_key(link): k for k, link in enumerate(links)}
    places = []
    for removed in event.removed_links():
        k = position.get(link_key(removed))
        if k is None:
            raise ConflictError(f"the link {_shown(removed)} is no longer in the alignment")
        if (links[k].src, links[k].tgt) != (removed.src, removed.tgt):
            raise ConflictError(f"the text of {_shown(removed)} changed since it was reviewed")
        places.append(k)
    if not places:
        raise ConflictError("the action removes no link")
    gone = set(places)
    start = min(places)
    added = sorted(event.added_links(), key=reading_position)
    kept_before = [link for k, link in enumerate(links[:start]) if k not in gone]
    kept_after = [link for k, link in enumerate(links) if k >= start and k not in gone]
    return kept_before + added + kept_after


def reading_position(link: BitextLink) -> Tuple[int, int]:
    """Where a link stands in reading order (its first source, else first target, sentence)."""
    return (link.src_ids[0] if link.src_ids else -1, link.tgt_ids[0] if link.tgt_ids else -1)


def _shown(link: BitextLink) -> str:
    return f"{link.link_type} (source {list(link.src_ids)}, target {list(link.tgt_ids)})"


@dataclass
class PairHistory:
    """A pair's links after its events, with what undo and redo would take back or do again."""

    links: List[BitextLink]
    rev: int = 0
    undo: List[ReviewEvent] = field(default_factory=list)  # events that undo can take back, last on top
    redo: List[ReviewEvent] = field(default_factory=list)  # events undone, that redo can do again
    conflicts: List[Conflict] = field(default_factory=list)

    def apply(self, event: ReviewEvent) -> None:
        """Apply ``event`` (a conflict is recorded, not raised) and keep the undo/redo stacks."""
        self.rev = max(self.rev, event.rev)
        try:
            self.links = apply_event(self.links, event)
        except ConflictError as exc:
            self.conflicts.append(Conflict(event, str(exc)))
            return
        if event.op == UNDO:
            if self.undo and self.undo[-1].seq == event.target:
                self.redo.append(self.undo.pop())
        elif event.op == REDO:
            if self.redo and self.redo[-1].seq == event.target:
                self.redo.pop()
            self.undo.append(event)
        else:
            self.undo.append(event)
            self.redo.clear()


def inverse(event: ReviewEvent) -> Tuple[List[dict], List[dict]]:
    """What undoing ``event`` removes and adds."""
    return event.add, event.remove


def replay(links: Sequence[BitextLink], events: Iterable[ReviewEvent]) -> PairHistory:
    """A pair's history: its events applied in order to its links as the run wrote them."""
    history = PairHistory(list(links))
    for event in events:
        history.apply(event)
    return history


def group_by_pair(events: Iterable[ReviewEvent]) -> Dict[str, List[ReviewEvent]]:
    pairs: Dict[str, List[ReviewEvent]] = {}
    for event in events:
        pairs.setdefault(event.pair, []).append(event)
    return pairs


def reviewed_links(links: Sequence[BitextLink], events: Sequence[ReviewEvent]) -> Tuple[List[BitextLink], List[Conflict]]:
    """A pair's links with its review applied, and the events that no longer fit (reported by the
    caller, never dropped from the log). An event the links already reflect (a bitext written
    with this review applied) is no conflict."""
    current, conflicts = list(links), []
    for event in events:
        try:
            current = apply_event(current, event)
        except ConflictError as exc:
            if not already_applied(current, event):
                conflicts.append(Conflict(event, str(exc)))
    return current, conflicts
