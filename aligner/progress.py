"""Progress of a long command, the same way everywhere, always on stderr.

On a terminal it is a tqdm bar that redraws itself (count, rate, ETA when the total is known).
Elsewhere (a log file, a cluster job's output) it is a plain status line every few seconds
(``ALIGNER_PROGRESS_INTERVAL``, default 10), so a log shows the run advancing without the
bar's carriage returns. ``quiet`` silences both. Nothing is ever written to stdout.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Callable, Dict, Iterable, Iterator, Optional, TypeVar

from tqdm import tqdm

INTERVAL_ENV_VAR = "ALIGNER_PROGRESS_INTERVAL"
DEFAULT_LOG_INTERVAL = 10.0  # seconds between status lines when stderr is not a terminal

T = TypeVar("T")


def _log_interval() -> float:
    try:
        return max(0.0, float(os.environ.get(INTERVAL_ENV_VAR, DEFAULT_LOG_INTERVAL)))
    except ValueError:
        return DEFAULT_LOG_INTERVAL


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class Progress:
    """Counts ``unit``s of ``desc`` towards ``total`` (None: unknown), with extra counters
    (``extra``, e.g. sentences next to documents) shown beside the count."""

    def __init__(self, desc: str, unit: str, total: Optional[int] = None, initial: int = 0, quiet: bool = False,
                 now: Callable[[], float] = time.monotonic):
        self.desc, self.unit, self.total, self.count = desc, unit, total, initial
        self.extra: Dict[str, int] = {}
        self._initial, self._now = initial, now
        self._started = self._last_line = now()
        self._stream = sys.stderr
        self._bar = None
        self._quiet = quiet
        self._terminal = not quiet and self._stream.isatty()
        if self._terminal:
            self._bar = tqdm(total=total, initial=initial, desc=desc, unit=unit, file=self._stream,
                             mininterval=0.1, leave=False, dynamic_ncols=True)
        self._interval = _log_interval()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def update(self, done: int = 1, **extra: int) -> None:
        """``done`` more units finished; ``extra`` adds to the named side counters."""
        self.count += done
        for name, amount in extra.items():
            self.extra[name] = self.extra.get(name, 0) + amount
        if self._bar is not None:
            if extra:
                self._bar.set_postfix_str(self._extras(), refresh=False)
            self._bar.update(done)
        elif not self._quiet and self._now() - self._last_line >= self._interval:
            self._last_line = self._now()
            self._stream.write(f"aligner: {self.status_line()}\n")
            self._stream.flush()

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """``items`` unchanged, one unit counted as each one passes."""
        for item in items:
            yield item
            self.update(1)

    def status_line(self) -> str:
        """One line: what is done, of how many, how fast, and how long it should still take."""
        elapsed = max(self._now() - self._started, 1e-9)
        done_now = self.count - self._initial
        rate = done_now / elapsed
        count = f"{self.count}/{self.total}" if self.total is not None else str(self.count)
        parts = [f"{self.desc}: {count} {self.unit}"]
        if self.extra:
            parts.append(self._extras())
        parts.append(f"{rate:.2f} {self.unit}/s, elapsed {_clock(elapsed)}")
        if self.total is not None and done_now > 0:
            parts.append(f"ETA {_clock(max(self.total - self.count, 0) / rate)}")
        return ", ".join(parts)

    def _extras(self) -> str:
        return ", ".join(f"{amount} {name}" for name, amount in self.extra.items())

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
