"""The combined score as a probability: logistic regression over a few transformed component values.

``probability(link)`` = lang_src x lang_tgt x logistic(w . features(link) + bias). The language
gates multiply because a line in the wrong language is no translation however close its embedding
(an untranslated copy has cosine 1), and the dev data has too few such lines to learn that. The
features are logs and logits of the component values, so each coefficient says how much the
evidence of one component shifts the log-odds.

Three coefficient sets: ``aligned`` for links the aligner made (they carry its calibrated
``similarity`` and its embedding margin ``align_embed``, which compares a link with the other
sentences of the same documents and so sees shifted and comparable-article links the sentence
pair alone cannot), ``plain`` for pairs given without aligner values (``aligner score`` on a TSV),
``mined`` for links mined from comparable documents (their ratio margin, no alignment path).
Both were fitted by ``python benchmarks/score_calibration.py --fit`` on dev data only
(FLORES-200 dev and TICO-19 test, fa-en and ar-en; see that script and docs/scoring.md).
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, Tuple

from ..bitext import BitextLink
from ..logistic import logistic
from ..signature import Signature
from .components import translated_lengths

# Language identity gates the probability (multiplies it).
GATES = ("lang_src", "lang_tgt")
# Logits are clipped: beyond +-12 a probability is 0 or 1 to six digits, and a clip keeps one
# extreme value from dominating a sum of features.
_LOGIT_LIMIT = 12.0
# Logs of component values are floored: below it every value is equally bad evidence.
_LOG_FLOOR = 1e-4


def _logit(value: float) -> float:
    value = min(max(value, 1e-6), 1 - 1e-6)
    return max(-_LOGIT_LIMIT, min(_LOGIT_LIMIT, math.log(value / (1 - value))))


def _log(value: float) -> float:
    return math.log(max(value, _LOG_FLOOR))


# Each feature by name: how it is read from a scored link. A missing component reads as neutral
# evidence (semantic 0.5, the others 1: nothing against the pair).
FEATURES: Dict[str, Callable[[BitextLink], float]] = {
    "semantic": lambda link: _logit(link.scores.get("semantic", 0.5)),
    # log p is ~ the logit below 0.5 and ~0 above: lets a weak embedding match count more
    # against a pair than a strong one counts for it (a linear logit alone cannot)
    "semantic_low": lambda link: _log(link.scores.get("semantic", 1.0)),
    "length": lambda link: _log(link.scores.get("length", 1.0)),
    "numbers": lambda link: _log(link.scores.get("numbers", 1.0)),
    "punctuation": lambda link: _log(link.scores.get("punctuation", 1.0)),
    # log of the shorter side's translated characters: short lines embed less reliably
    "log_chars": lambda link: math.log1p(min(translated_lengths(link.src, link.tgt))),
    "align_similarity": lambda link: _logit(link.similarity if link.similarity is not None else 0.5),
    "align_margin": lambda link: link.scores.get("align_embed", 0.0),
    # log of the search's path margin (align.search.path_margins), floored at 0 and capped at 0.1
    # (a clear win; the right links of dev news have a median of 0.09): near 0 the search could
    # as well have split, merged or shifted the link, which its cosine cannot tell. The 0.005
    # added is a tie's scale: what leaving one sentence unaligned costs in the news weights.
    "path_margin": lambda link: math.log(0.005 + min(max(link.scores.get("align_path_margin", 0.0), 0.0), 0.1)),
    # log of the miner's ratio margin (align.mining), clipped to [0.9, 1.3]: 1 is a pair no closer
    # than either side's average neighbour; above 1.3 a pair is as clear as it gets
    "mine_margin": lambda link: math.log(min(max(link.scores.get("align_mine_margin", 1.0), 0.9), 1.3)),
    # log of how far that margin stands out from either sentence's next best (align.mining), floored
    # at 0 and capped at 0.3; 0.01 added, a near tie's scale. A translation stands out from the rest
    # of a story; a sentence merely on the same topic ties with its neighbours.
    "mine_gap": lambda link: math.log(0.01 + min(max(link.scores.get("align_mine_gap", 0.0), 0.0), 0.3)),
}
FEATURE_SETS: Dict[str, Tuple[str, ...]] = {
    "plain": ("semantic", "semantic_low", "length", "numbers", "punctuation", "log_chars"),
    "aligned": ("semantic", "semantic_low", "length", "numbers", "punctuation", "log_chars", "align_similarity",
                "align_margin", "path_margin"),
    "mined": ("semantic", "semantic_low", "length", "numbers", "punctuation", "log_chars", "mine_margin",
              "mine_gap"),
}

# The version of the coefficients below and the dev data they were fitted on; the scorer's
# signature names both, so a score says which calibration produced it.
CALIBRATION_VERSION = "8"  # 8: the mined set added; plain and aligned as in 7
CALIBRATION_DATA = "flores200-dev+tico19-test"
# Fitted by `python benchmarks/score_calibration.py --fit` (weighted logistic regression, Newton's
# method, ridge 0.01, weights kept >= 0), with this version's aligner: positives are its right links on
# articles perturbed as news translations differ (perturb.py's "news", rate 0.3) and
# clean dev articles and true pairs; negatives its wrong links, its links between different
# articles and with a changed number (these two weigh 0.1: rare in real runs), and shuffled,
# truncated, number-changed and copied pairs (plain pairs weighted to 90 % right, as a run's output).
# The ``mined`` set (links mined from comparable documents, align/mining.py) is fitted by
# `python benchmarks/mining.py --fit` (the same regression, unweighted) on the mined candidates of
# dev comparable and unrelated document pairs (FLORES-200 dev, TICO-19 test; see that script).
COEFFICIENTS: Dict[str, Dict[str, float]] = {
    # 21,337 units, 9,280 right
    "plain": {"semantic": 0.3697, "semantic_low": 1.6333, "length": 1.5432, "numbers": 3.0894, "punctuation": 0.1508,
              "log_chars": 1.4742, "bias": 0.8786},
    # 16,259 units, 11,479 right
    "aligned": {"semantic": 0.0, "semantic_low": 1.1109, "length": 0.4373, "numbers": 3.1296, "punctuation": 0.4741,
                "log_chars": 0.3677, "align_similarity": 0.0, "align_margin": 16.9890, "path_margin": 2.1385,
                "bias": 9.2015},
    # `python benchmarks/mining.py --fit`: 1,488 mined links, 529 right
    "mined": {"semantic": 0.5606, "semantic_low": 0.7882, "length": 0.5044, "numbers": 1.3517, "punctuation": 2.0210,
              "log_chars": 2.1914, "mine_margin": 16.7540, "mine_gap": 4.5904, "bias": 7.8690},
}


def feature_set(link: BitextLink) -> str:
    """``mined`` for a link mined from comparable documents (it has a margin, no path);
    ``aligned`` when the aligner stored its values in the link (its path margin too: links
    aligned before 0.3.3 have none), else ``plain``."""
    if "align_mine_margin" in link.scores:
        return "mined"
    aligned = link.similarity is not None and {"align_embed", "align_path_margin"} <= link.scores.keys()
    return "aligned" if aligned else "plain"


def features(link: BitextLink, name: str) -> List[float]:
    """The values of feature set ``name`` for a scored link, in FEATURE_SETS order."""
    return [FEATURES[feature](link) for feature in FEATURE_SETS[name]]


def gate(link: BitextLink) -> float:
    """The product of the language gates (a missing one counts as 1)."""
    value = 1.0
    for name in GATES:
        value *= link.scores.get(name, 1.0)
    return value


def probability(link: BitextLink) -> float:
    """The calibrated probability that a scored link is a correct translation unit."""
    name = feature_set(link)
    coefficients = COEFFICIENTS[name]
    log_odds = coefficients["bias"] + sum(coefficients[feature] * value for feature, value
                                          in zip(FEATURE_SETS[name], features(link, name)))
    return gate(link) * logistic(log_odds)


def calibration_signature() -> Signature:
    return Signature.of("logistic", gates="*".join(GATES), coefficients=CALIBRATION_VERSION,
                        fitted=CALIBRATION_DATA)
