"""P(translation) of a candidate document pair: logistic regression over its evidence.

The coefficients were fitted by ``python benchmarks/pairing.py --fit`` on the dev folders only
(FLORES-200 dev articles, TICO-19 test documents, for ar-en also UN v1 dev lines of the first
half; fa-en and ar-en together), every re-scored candidate pair a sample, labelled by whether it
is the gold translation. See docs/pairing.md for the numbers.
"""

from __future__ import annotations

from typing import Dict

from ..logistic import logistic
from ..signature import Signature
from .evidence import Evidence

VERSION = 1
FEATURES = ("linked", "distinct", "similarity", "numbers_agree", "numbers_differ", "length")
COEFFICIENTS: Dict[str, float] = {"linked": 16.368, "distinct": 12.543, "similarity": 3.466, "numbers_agree": 2.236,
                                  "numbers_differ": -0.249, "length": -7.531}
BIAS = -14.570


def log_odds(evidence: Evidence) -> float:
    features = evidence.features
    return BIAS + sum(COEFFICIENTS[name] * features[name] for name in FEATURES)


def probability(evidence: Evidence) -> float:
    return logistic(log_odds(evidence))


def signature() -> Signature:
    return Signature.of("pairing-calibration", features="+".join(FEATURES), version=VERSION)
