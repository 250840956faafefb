"""A link's similarity in [0, 1]: its signal values through logistics calibrated on dev data, so
that unrelated sentences score near 0 and translations near 1 whatever the method and weights.
"""

from __future__ import annotations

import math
from typing import Dict

from ..logistic import logistic

# Text+Berg dev, 1-1 links: 95% of gold links have normalised similarity >= 0.070 and cosine
# >= 0.874; 95% of random pairs <= 0.035 and <= 0.848. Random blocks grow more similar with
# their size (sums of vectors drift to the mean): about +0.006 normalised and +0.02 cosine per
# extra sentence at the 95th percentile, while gold links stay level.
EMBED_MIDPOINT, EMBED_SCALE, EMBED_PER_SENTENCE = 0.05, 0.008, 0.006
COSINE_MIDPOINT, COSINE_SCALE, COSINE_PER_SENTENCE = 0.86, 0.01, 0.02
# e5-small puts Persian/Arabic-English translations lower: on FLORES devtest 95% of fa-en
# (ar-en) translations have cosine >= 0.843 (0.831), 95% of random pairs <= 0.795 (0.786).
COSINE_MIDPOINTS = {"fa": 0.82, "ar": 0.81}
CHRF_MIDPOINT, CHRF_SCALE = 0.15, 0.04
SHORT_DOCUMENT = 20  # sentences


def short_document(n: int, m: int) -> bool:
    """Too short for the embedding normalisation: a side's mean similarity to the other
    document is dominated by the sentence's own translation."""
    return min(n, m) < SHORT_DOCUMENT


def cosine_midpoint(src_lang: str, tgt_lang: str) -> float:
    """The raw cosine at which a link of this pair is as likely a translation as not."""
    return min(COSINE_MIDPOINTS.get(src_lang, COSINE_MIDPOINT), COSINE_MIDPOINTS.get(tgt_lang, COSINE_MIDPOINT))


def link_similarity(values: Dict[str, float], size: int, cosine_midpoint: float) -> float:
    """A [0, 1] similarity for a link of ``size`` sentences (both sides) from its signal values,
    through logistics calibrated on Text+Berg dev with e5-small (``cosine_midpoint`` from
    cosine_midpoint()): the normalised embedding similarity *and* the raw cosine must both be
    high (normalisation alone is unreliable in short documents); without embeddings, the chrF
    of the MT bridge; without either, the length cost."""
    extra = max(size - 2, 0)
    if "cosine" in values:
        raw = logistic((values["cosine"] - cosine_midpoint - extra * COSINE_PER_SENTENCE) / COSINE_SCALE)
        if "embed" not in values:
            return raw
        return min(raw, logistic((values["embed"] - EMBED_MIDPOINT - extra * EMBED_PER_SENTENCE) / EMBED_SCALE))
    if "mt" in values:
        return logistic((values["mt"] - CHRF_MIDPOINT) / CHRF_SCALE)
    return math.exp(-values["length"])
