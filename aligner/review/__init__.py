"""Review: what a person decided about a run's links (`aligner review`), and how it applies.

:mod:`.model` (events and how they replace links, pure), :mod:`.log` (OUTDIR/review.jsonl,
appended with fsync), :mod:`.edits` (the operations: verdicts, merge, split, move, re-align),
:mod:`.session` (a run under review: the queue, actions, revisions), :mod:`.server` (the local
web editor). `aligner run`, `aligner package` and `aligner bench align` apply a review with
:func:`apply_review`.
"""

from .log import REVIEW_FILE, read_events
from .model import ACCEPTED, REJECTED, STATUSES, Conflict, ReviewEvent, group_by_pair, reviewed_links

__all__ = ["REVIEW_FILE", "read_events", "ACCEPTED", "REJECTED", "STATUSES", "Conflict", "ReviewEvent",
           "group_by_pair", "reviewed_links"]
