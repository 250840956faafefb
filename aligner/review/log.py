"""OUTDIR/review.jsonl: the review's events, one JSON line each, appended and synced one by one.

An event is acknowledged to the browser only after its line is on disk (``os.fsync``), so a
server killed at any moment loses nothing it has acknowledged. A last line without its newline
is the one event being written when the process died, never acknowledged: it is ignored.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import List

from ..bitext import numbered_lines
from ..errors import FormatError
from .model import ReviewEvent

REVIEW_FILE = "review.jsonl"


def read_events(path: Path) -> List[ReviewEvent]:
    """The events of a review log in order (none for a missing file); a bad line raises
    FormatError naming file:line."""
    path = Path(path)
    if not path.exists():
        return []
    complete = path.read_bytes().endswith(b"\n")
    lines = list(numbered_lines(path))
    if lines and not complete:
        lines.pop()  # cut short by a crash while it was written: never acknowledged
    events = []
    for number, line in lines:
        if not line.strip():
            continue
        try:
            events.append(ReviewEvent.from_dict(json.loads(line)))
        except ValueError as exc:
            raise FormatError(f"{path}:{number}: not a review event ({exc})") from None
    return events


class ReviewLog:
    """Appends events to a review log, one line each, on disk before :meth:`append` returns."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._trim_torn_line()

    def _trim_torn_line(self) -> None:
        """Cut a last line left unfinished by a crash, so the next event starts a line of its own."""
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(self.path, "r+b") as handle:
                handle.truncate(data.rfind(b"\n") + 1)
                os.fsync(handle.fileno())

    def append(self, event: ReviewEvent) -> None:
        line = (event.to_json() + "\n").encode("utf-8")
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
