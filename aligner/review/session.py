"""A review session: a run's pairs with their review applied, the queue, and every action, logged.

The session holds each pair's links as the run wrote them (OUTDIR/documents/<doc>.jsonl) with
the review's events replayed on top. An action names a pair by its number, the pair's revision
the browser saw, an operation and a link by its sentence ids; it is computed
(:mod:`.edits`), its new links scored, appended to review.jsonl with fsync, and only then applied.
A revision other than the pair's current one is :class:`StaleRevision` (the browser reloads):
two tabs never overwrite each other's edits.
"""

from __future__ import annotations

import gc
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..bitext import BitextLink, read_bitext
from ..score import explain_link
from ..score.combination import DEFAULT_MIN_PROBABILITY
from . import edits
from .log import REVIEW_FILE, ReviewLog, read_events
from .model import (REDO, SECOND_LOOK, UNDO, PairHistory, ReviewEvent, group_by_pair, inverse, link_key, link_record,
                    replay, status_of)


# A unit scoring below this gets explain_link's reasons beside it (above it they are rarely wrong).
DOUBT_BELOW = 0.99


@contextmanager
def collector_paused():
    """Python's cycle collector off for a while: reading a run makes links that the session keeps,
    none in a cycle, and the collector would walk the growing heap again and again as they are
    made (a tenth of the time to read 20,000 links) to free nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class StaleRevision(Exception):
    """The browser acted on an older revision of the pair than the current one."""


@dataclass
class Pair:
    doc_id: str
    path: Path
    history: PairHistory


class Editor:
    """The models an edit needs, loaded on first use (or by :meth:`warm_up` in the background).

    Every use runs in :attr:`worker`, one thread: the embedding cache (SQLite) belongs to the
    thread that opened it."""

    def __init__(self, embedder_name: str = "e5-small"):
        self.embedder_name = embedder_name
        self._scorer = None
        self._embedder = None
        self._warming = False
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-editor")

    def scorer(self):
        from ..embed import get_embedder
        from ..score import Scorer, default_components

        if self._scorer is None:
            self._embedder = get_embedder(self.embedder_name)
            self._scorer = Scorer(default_components(self.embedder_name, embedder=self._embedder))
        return self._scorer

    def warm_up(self) -> None:
        """Load the models in the worker now (once), so that the first edit is as quick as the others."""
        if not self._warming:
            self._warming = True
            self.worker.submit(lambda: self.scorer() and self._embedder.encode(["warm up"]))

    def score(self, links: List[BitextLink]) -> None:
        if links:
            self.scorer().score_batch(links)

    def align(self, src: List[str], tgt: List[str], src_lang: str, tgt_lang: str) -> List[BitextLink]:
        """The project's aligner on one stretch of sentences (no paragraphs: a stretch has none)."""
        from ..align.documents import align_documents
        from ..text.reading import document_from_lines

        self.scorer()  # loads the embedder the scorer shares
        documents = [document_from_lines("review", lines, lang, blank_line_is_paragraph_break=False)
                     for lines, lang in ((src, src_lang), (tgt, tgt_lang))]
        return align_documents(*documents, embedder=self._embedder, paragraphs=False)


class ReviewSession:
    def __init__(self, outdir: Path, bitext_paths: Sequence[Path], editor: Optional[Editor] = None,
                 threshold: float = DEFAULT_MIN_PROBABILITY):
        self.outdir = Path(outdir)
        self.threshold = threshold
        self.editor = editor or Editor()
        self.log = ReviewLog(self.outdir / REVIEW_FILE)
        self._lock = threading.RLock()
        events = read_events(self.log.path)
        self.seq = max((event.seq for event in events), default=0)
        self.last_event = events[-1] if events else None
        by_pair = group_by_pair(events)
        self.pairs: List[Pair] = []
        with collector_paused():
            for path in bitext_paths:
                links = list(read_bitext(path))
                doc_id = links[0].src_doc if links else Path(path).stem
                self.pairs.append(Pair(doc_id, Path(path), replay(links, by_pair.get(doc_id, []))))
        self._reasons: Dict[tuple, List[str]] = {}
        self._queue: Optional[List[Tuple[float, int, int]]] = None  # (score, pair, position), worst first
        self._progress: Optional[dict] = None  # counted again after an action (every link is visited)

    # What the browser reads.

    def conflicts(self) -> List[str]:
        return [conflict.describe() for pair in self.pairs for conflict in pair.history.conflicts]

    def progress(self) -> dict:
        with self._lock:
            if self._progress is None:
                counts = {"links": 0, "reviewed": 0, "second_look": 0}
                for pair in self.pairs:
                    for link in pair.history.links:
                        counts["links"] += 1
                        status = status_of(link)
                        counts["reviewed"] += status is not None and status != SECOND_LOOK
                        counts["second_look"] += status == SECOND_LOOK
                self._progress = counts
            return dict(self._progress)

    def summary(self) -> dict:
        resume = None
        if self.last_event is not None:
            index = next((k for k, pair in enumerate(self.pairs) if pair.doc_id == self.last_event.pair), None)
            resume = {"pair": index}
        return {"pairs": [{"name": pair.doc_id, "links": len(pair.history.links), "rev": pair.history.rev}
                          for pair in self.pairs],
                "progress": self.progress(), "threshold": self.threshold, "resume": resume,
                "conflicts": self.conflicts()}

    def reasons(self, pair: int, link: BitextLink) -> List[str]:
        """explain_link's reasons for a unit below the threshold or doubtful (cached per link)."""
        key = (pair, link_key(link), link.src, link.tgt, link.score)
        if key not in self._reasons:
            self._reasons[key] = explain_link(link)
        return self._reasons[key]

    def row(self, pair: int, position: int) -> dict:
        link = self.pairs[pair].history.links[position]
        return {"pair": pair, "pos": position, "src_ids": list(link.src_ids), "tgt_ids": list(link.tgt_ids),
                "src": link.src, "tgt": link.tgt, "src_lang": link.src_lang, "tgt_lang": link.tgt_lang,
                "type": link.link_type, "score": link.score, "status": status_of(link),
                "doubtful": (link.score or 0.0) < DOUBT_BELOW, **self._sentences(link)}

    @staticmethod
    def _sentences(link: BitextLink) -> dict:
        """Each side's sentences, for a link that holds several on a side: where it may be split."""
        if max(len(link.src_ids), len(link.tgt_ids)) < 2:
            return {}
        return {"src_sentences": edits.side_sentences(link, "src"), "tgt_sentences": edits.side_sentences(link, "tgt")}

    def reasons_of(self, places: Sequence[Tuple[int, int]]) -> List[List[str]]:
        """explain_link's reasons for the links at (pair, position): asked for after the rows are
        shown, since reading the numbers of a unit takes milliseconds."""
        with self._lock:
            answer = []
            for pair, position in places:
                links = self._pair(pair).history.links
                answer.append(self.reasons(pair, links[position]) if 0 <= position < len(links) else [])
            return answer

    def page(self, pair: int, offset: int, limit: int) -> dict:
        with self._lock:
            history = self._pair(pair).history
            stop = min(len(history.links), offset + limit)
            return {"pair": pair, "rev": history.rev, "total": len(history.links), "offset": offset,
                    "rows": [self.row(pair, k) for k in range(offset, stop)],
                    "undo": len(history.undo), "redo": len(history.redo), "progress": self.progress()}

    def queue(self, offset: int, limit: int) -> dict:
        """Worst first over the whole run: links without a verdict (or marked for a second look),
        lowest probability first; an unaligned sentence (probability 0) comes first of all."""
        with self._lock:
            if self._queue is None:
                self._queue = sorted(((link.score or 0.0), pair_index, position)
                                     for pair_index, pair in enumerate(self.pairs)
                                     for position, link in enumerate(pair.history.links)
                                     if status_of(link) in (None, SECOND_LOOK))
            entries = self._queue
            rows = [self.row(p, k) for _, p, k in entries[offset:offset + limit]]
            for row in rows:
                row["rev"] = self.pairs[row["pair"]].history.rev
            return {"total": len(entries), "offset": offset, "rows": rows, "progress": self.progress()}

    def _pair(self, index: int) -> Pair:
        if not 0 <= index < len(self.pairs):
            raise edits.EditError("no such document pair")
        return self.pairs[index]

    # What the browser does.

    def act(self, pair: int, rev: int, op: str, key: Optional[tuple], args: dict) -> dict:
        """Apply one operation; returns the pair's new revision. StaleRevision, EditError."""
        with self._lock:
            target = self._pair(pair)
            history = target.history
            if rev != history.rev:
                raise StaleRevision(f"the pair is at revision {history.rev}, not {rev}")
            removed, added, undone = self._change(history, op, key, args)
            self.editor.score([link for link in added if link.score is None])
            self.seq += 1
            event = ReviewEvent(self.seq, target.doc_id, history.rev + 1, op, [link_record(x) for x in removed],
                                [link_record(x) for x in added], time.time(), undone)
            self.log.append(event)  # on disk before it is applied or acknowledged
            history.apply(event)
            self.last_event = event
            self._queue = self._progress = None
            return {"rev": history.rev}

    def accept_above(self, threshold: float) -> int:
        """Accept every unit without a verdict scoring ``threshold`` or more, pair by pair (one
        action each); returns how many."""
        accepted = 0
        for index, pair in enumerate(self.pairs):
            try:
                before = len(pair.history.undo)
                self.act(index, pair.history.rev, "accept_above", None, {"threshold": threshold})
                accepted += len(pair.history.undo[before].add) if len(pair.history.undo) > before else 0
            except edits.EditError:
                continue  # nothing to accept in this pair
        return accepted

    def _change(self, history: PairHistory, op: str, key: Optional[tuple], args: dict):
        """(removed links, added links, the seq undone or redone) of an operation."""
        if op in (UNDO, REDO):
            stack = history.undo if op == UNDO else history.redo
            if not stack:
                raise edits.EditError(f"nothing to {op}")
            event = stack[-1]
            remove, add = inverse(event) if op == UNDO else (event.remove, event.add)
            return ([BitextLink.from_dict(r) for r in remove], [BitextLink.from_dict(a) for a in add], event.seq)
        links = history.links
        if op == "accept_above":
            return (*edits.accept_above(links, float(args.get("threshold", self.threshold))), None)
        k = next((p for p, link in enumerate(links) if link_key(link) == key), None)
        if k is None:
            raise edits.EditError("that link is no longer in the alignment (reload)")
        operations = {
            "status": lambda: edits.set_status(links, k, args.get("status")),
            "merge": lambda: edits.merge(links, k, _step(args)),
            "split": lambda: edits.split(links, k, args.get("src_at"), args.get("tgt_at")),
            "move": lambda: edits.move(links, k, "tgt" if args.get("side") == "tgt" else "src", _step(args)),
            "realign": lambda: edits.realign(links, k, self.editor.align),
        }
        if op not in operations:
            raise edits.EditError(f"unknown operation {op!r}")
        return (*operations[op](), None)


def _step(args: dict) -> int:
    return -1 if args.get("step") == -1 else 1
