"""The logistic function that turns a calibrated score difference into a [0, 1] value; the
aligner's link similarity and the scorer's semantic probability both go through it."""

from __future__ import annotations

import math


def logistic(x: float) -> float:
    """1 / (1 + exp(-x)), without overflow for any finite x."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
