"""Whether a document pair is a translation: one verdict per pair, from its scored links.

A pair of articles that are not translations of each other (paired by file name, but about the
same story at best) still gets links: the aligner pairs every sentence it can. Its links are
mostly improbable, though, so the share of sentences that lie in probable links separates the
two kinds of pair far better than any single link can.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Iterable

from ..bitext import BitextLink
from .combination import DEFAULT_MIN_PROBABILITY

PARALLEL = "parallel"  # a document and its translation
COMPARABLE = "comparable"  # not a translation: most sentences are in improbable links, or none; or mined
EMPTY = "empty"  # nothing to align: a side without sentences, or no sentence aligned at all
VERDICTS = (PARALLEL, COMPARABLE, EMPTY)

# A pair is parallel when at least this share of its sentences (both sides) lie in aligned links
# whose probability is at least DEFAULT_MIN_PROBABILITY. A wrong verdict costs only the units at
# or above that threshold, so a right pair called comparable loses a share `share` of its
# sentences, and a wrong pair called parallel gives as many wrong units. Measured with the
# calibrated probability at DEFAULT_MIN_PROBABILITY (0.85), embeddings only:
# - benchmarks/document_verdict.py, FLORES-200 dev, 228 articles of 3+ sentences per language,
#   each with its translation (right) and with the next article's (wrong); coefficients version
#   6. Right pairs: median share 1.00, 5th percentile 0.75 (fa-en) / 0.80 (ar-en), lowest 0.67 /
#   0.33; wrong pairs: 95th percentile 0.00, highest 0.40 (chance links in a short article). At
#   0.2: 0 right pairs comparable, 5 / 11 wrong pairs parallel; at 0.3: 0 right, 2 / 2 wrong; at
#   0.34-0.4: 0 / 1 right, 1 / 1 wrong; at 0.5: 0 / 1 right, 0 wrong. (Version 5: lowest right
#   0.67 / 0.50, none comparable up to 0.5.)
# - benchmarks/news_run.py --split dev --short 106 --long 29 --draws 2, coefficients version 5
#   (perturbed FLORES/TICO news of 8-80 sentences, 270 parallel and 6 non-parallel pairs per
#   language): non-parallel shares 0.00 (all twelve); the lowest parallel shares 0.29 (one fa-en
#   digest of two articles whose second one the aligner mixed up), then 0.63 (fa-en) and 0.57
#   (ar-en).
# 0.3 keeps every real translation of the article set and every news pair but that digest (0.29),
# and lets through two chance pairs of short articles per language; 0.5 would call an ar-en
# article pair of the set comparable (share 0.33) and leaves little margin under the lowest news
# shares (0.57). (With the uncalibrated scores of 0.1.0 the lowest parallel news shares were
# 0.23-0.24.)
MIN_PARALLEL_SHARE = 0.3


@dataclass(frozen=True)
class DocumentVerdict:
    verdict: str  # one of VERDICTS
    sentences: int  # source and target sentences of the pair
    probable: int  # of those, the ones in aligned links at or above the threshold
    threshold: float  # the rule it was judged by, so that a stored verdict of another rule is judged again
    min_share: float

    @property
    def follows_the_current_rule(self) -> bool:
        return (self.threshold, self.min_share) == (DEFAULT_MIN_PROBABILITY, MIN_PARALLEL_SHARE)

    @property
    def share(self) -> float:
        return self.probable / self.sentences if self.sentences else 0.0

    def describe(self) -> str:
        """What the verdict rests on, e.g. '12% of the 40 sentences in probable links'."""
        if self.verdict == EMPTY:
            return f"no sentence of {self.sentences} aligned"
        return f"{self.share:.0%} of the {self.sentences} sentences in probable links"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict) -> "DocumentVerdict":
        verdict = cls(**record)
        if verdict.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {verdict.verdict!r}")
        return verdict


def document_verdict(links: Iterable[BitextLink], threshold: float = DEFAULT_MIN_PROBABILITY,
                     min_share: float = MIN_PARALLEL_SHARE) -> DocumentVerdict:
    """The verdict on one document pair's links (every sentence of the pair in exactly one link)."""
    sentences = probable = aligned = 0
    mined = False  # links mined from a pair already judged comparable (align/mining.py): it stays so
    for link in links:
        size = len(link.src_ids) + len(link.tgt_ids)
        sentences += size
        mined = mined or link.is_mined
        if not link.is_unaligned:
            aligned += 1
            if link.score is not None and link.score >= threshold:
                probable += size
    if mined:
        verdict = COMPARABLE
    else:
        verdict = EMPTY if not aligned else PARALLEL if probable >= min_share * sentences else COMPARABLE
    return DocumentVerdict(verdict, sentences, probable, threshold, min_share)
