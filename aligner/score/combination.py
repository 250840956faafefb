"""The combined score: language gates times a weighted geometric mean of the other components.

A :class:`Scorer` computes every component for every link and stores them all
(``link.scores``), plus one combined ``link.score`` in [0, 1] (see docs/scoring.md): one
component near zero (a copy in the wrong language, a different number) pulls the pair down
however good the others are. Its signature, which names every component and the combination,
is stored in every link's provenance.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence

from ..bitext import BitextLink
from ..signature import Signature
from .components import COMPONENTS, Component, default_components

# Language identity gates the score (multiplies it): a line in the wrong language is not a
# translation however similar its embedding (an untranslated copy has cosine 1).
GATES = ("lang_src", "lang_tgt")
# Weights of the geometric mean of the other components (docs/scoring.md), chosen on FLORES-200
# dev corruptions (benchmarks/score_calibration.py --split dev).
COMBINATION_WEIGHTS = {
    "semantic": 3.0,
    "numbers": 3.0,
    "mt": 2.0,
    "length": 1.5,
    "punctuation": 0.5,
    "link": 0.5,
}
# Floor before taking logs: a zero component drives the mean down to FLOOR ** (w / sum w), not 0,
# so pairs with one failed component still rank among themselves.
FLOOR = 1e-3


def combine(scores: Dict[str, float], weights: Dict[str, float] = COMBINATION_WEIGHTS,
            gates: Sequence[str] = GATES) -> float:
    """score = prod(gates) * exp(sum(w_i * log(max(s_i, FLOOR))) / sum(w_i)), over the components
    present in ``scores``; a missing gate counts as 1."""
    gate = 1.0
    for name in gates:
        gate *= scores.get(name, 1.0)
    total = 0.0
    weight_sum = 0.0
    for name, value in scores.items():
        weight = weights.get(name, 0.0)
        if weight and name not in gates:
            total += weight * math.log(max(value, FLOOR))
            weight_sum += weight
    return gate * math.exp(total / weight_sum) if weight_sum else 0.0


class Scorer:
    """Scores links in batches: every component, then the combination; records its signature."""

    def __init__(self, components: Optional[Sequence[Component]] = None,
                 weights: Optional[Dict[str, float]] = None, batch_size: int = 256):
        self.components = list(components) if components is not None else default_components()
        self.weights = dict(weights or COMBINATION_WEIGHTS)
        self.batch_size = batch_size

    @property
    def names(self) -> List[str]:
        return [component.name for component in self.components]

    def signature(self) -> Signature:
        """``score|<component>:[its signature]|...|combination:[geomean|gates|weights|floor]``."""
        weights = ",".join(f"{name}={self.weights[name]:g}" for name in self.names if self.weights.get(name))
        gates = "*".join(name for name in self.names if name in GATES)
        combination = Signature.of("geomean", gates=gates, weights=weights, floor=FLOOR)
        return Signature.of("score", **{component.name: component.signature() for component in self.components},
                            combination=combination)

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
            link.score = combine(ours, self.weights)
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
