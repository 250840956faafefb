"""The Scorer: every component for every link, then the combined score, a calibrated probability.

A :class:`Scorer` computes every component for every link and stores them all (``link.scores``),
plus one combined ``link.score``: the probability that the link is a correct translation unit,
one a translator would accept into a translation memory as it stands (:mod:`.calibration`;
docs/scoring.md). Its signature, which names every component and the calibration, is stored in
every link's provenance. Accepting is a separate step (:mod:`.filters`).
"""

from __future__ import annotations

from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence

from ..bitext import BitextLink
from ..signature import Signature
from .calibration import calibration_signature, probability
from .components import COMPONENTS, Component, default_components

# The probability a unit needs to enter aligned.tmx, chosen on dev data only. With coefficients
# version 5: in `python benchmarks/news_run.py --split dev --short 106 --long 29 --draws 2` (the
# raw-article path) the units' precision is within 0.1 point of 0.9's at 0.85 (0.985-0.994 at
# both; the wrong units left are alignment errors that score high) while 0.3-1.1 points more of
# the sentence pairs are kept; in `python benchmarks/score_calibration.py --split dev` 98.9-99.2 %
# of the links of clean articles pass at 0.85 (97.9-99.1 % at 0.9), for 0.01-0.4 point less
# precision on the run links there. Checked again with version 6 (the numbers component's stand-ins):
# at 0.85 the raw-path dev units are 0.986-0.995 precise, keeping 97.5-98.0 % of the pairs, and
# 99.0-99.2 % of the clean dev links pass. Checked again with version 7 (the aligner's path
# margin): the raw-path dev units are 0.991-0.996 precise at 0.85, keeping 95.7-97.3 % of the
# pairs (0.990 in ar-en short documents at 0.8; 94.8 % kept there at 0.9), and 99.4-99.9 % of the
# clean dev links pass. Test numbers (FLORES-200 devtest, TICO-19 dev) are in docs/scoring.md.
DEFAULT_MIN_PROBABILITY = 0.85


class Scorer:
    """Scores links in batches: every component, then the combination; records its signature."""

    def __init__(self, components: Optional[Sequence[Component]] = None, batch_size: int = 256):
        self.components = list(components) if components is not None else default_components()
        self.batch_size = batch_size

    @property
    def names(self) -> List[str]:
        return [component.name for component in self.components]

    def signature(self) -> Signature:
        """``score|<component>:[its signature]|...|combination:[logistic|gates|coefficients|fitted]``."""
        return Signature.of("score", **{component.name: component.signature() for component in self.components},
                            combination=calibration_signature())

    def score_batch(self, links: Sequence[BitextLink]) -> None:
        """Fill ``scores``, ``score`` and ``provenance['score']`` (the signature's long form) of
        each link in place.

        Unaligned (1-0/0-1) links get score 0 and only the link-type component: there is no
        pair to judge, and they must never pass a threshold into a translation memory.
        """
        signature = self.signature().long
        aligned = [link for link in links if not link.is_unaligned]
        columns = {component.name: component.score(aligned) for component in self.components}
        for position, link in enumerate(aligned):
            ours = {name: values[position] for name, values in columns.items() if values[position] is not None}
            link.scores = {**self._foreign(link), **ours}
            link.score = probability(link)
            link.provenance["score"] = signature
        for link in links:
            if link.is_unaligned:
                link.scores = {**self._foreign(link), "link": 0.0}
                link.score = 0.0
                link.provenance["score"] = signature

    def _foreign(self, link: BitextLink) -> Dict[str, float]:
        """Scores another stage stored (the aligner's ``align_*``): kept, never combined."""
        return {name: value for name, value in link.scores.items() if name not in COMPONENTS}

    def score_links(self, links: Iterable[BitextLink]) -> Iterator[BitextLink]:
        """Stream: score ``links`` batch by batch and yield them in order."""
        batch: List[BitextLink] = []
        for link in links:
            batch.append(link)
            if len(batch) >= self.batch_size:
                self.score_batch(batch)
                yield from batch
                batch = []
        if batch:
            self.score_batch(batch)
            yield from batch


def score_missing(links: Iterable[BitextLink], make_scorer: Callable[[], Scorer] = Scorer,
                  batch_size: int = 256) -> Iterator[BitextLink]:
    """Pass links through in order, scoring (in batches) those that have no score yet; the
    scorer (and its embedding model) is made only if some link needs it."""
    scorer = None
    batch: List[BitextLink] = []

    def flush():
        nonlocal scorer
        missing = [link for link in batch if link.score is None]
        if missing:
            scorer = scorer or make_scorer()
            scorer.score_batch(missing)

    for link in links:
        batch.append(link)
        if len(batch) >= batch_size:
            flush()
            yield from batch
            batch = []
    flush()
    yield from batch
