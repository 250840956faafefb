"""Work counted in Python lines executed instead of seconds: the same count on every machine,
so a test can tell linear from quadratic growth without a clock (benchmarks/ time things)."""

from __future__ import annotations

import sys


def lines_executed(function, *args, package: str = "aligner") -> int:
    """How many lines of ``package``'s code run while calling ``function(*args)``."""
    count = 0

    def count_lines(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return count_lines

    def enter(frame, event, arg):
        return count_lines if frame.f_globals.get("__name__", "").startswith(package + ".") else None

    previous = sys.gettrace()
    sys.settrace(enter)
    try:
        function(*args)
    finally:
        sys.settrace(previous)
    return count
