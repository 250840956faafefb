"""Pairing by content: nearest candidates, sentence-level evidence, a calibrated probability,
a 1-1 assignment.

1. Candidates: each source's k nearest targets by document vectors and each target's k nearest
   sources (:mod:`.candidates`); a pair is never aligned unless it is a candidate.
2. Every candidate pair is re-scored from its sentences (:mod:`.evidence`) into P(translation)
   (:mod:`.calibration`).
3. Greedy 1-1 assignment by probability: the most probable pair first, a document taken at most
   once, pairs below the threshold never. A source (or target) whose two best free candidates
   are nearly as probable (near-duplicate articles) is left unpaired rather than guessed.
4. Sources left over are matched with a free target that holds counterparts of at least
   :data:`COMPARABLE_SHARE` of their sentences, in any order: comparable (the same story, not
   a translation). Everything else is unpaired, with the nearest candidate and its probability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..signature import Signature
from .calibration import log_odds, signature as calibration_signature
from .candidates import NEIGHBOURS, candidate_pairs, document_vectors
from .evidence import Evidence, boilerplate_weights, pair_evidence
from .model import BY_CONTENT, COMPARABLE, NONE, PARALLEL, UNRELATED, PairDecision, PairingDocument
from ..logistic import logistic

# Tuned on the dev folders (benchmarks/pairing.py --split dev --threshold T; docs/pairing.md): at
# 0.5 and 0.6 one fa-en source without a translation is paired (precision 0.993) and ar-en
# recall is 0.995; at 0.7 and 0.8 no wrong pair, ar-en recall 0.984 (two translations of short
# articles, P 0.6-0.7, are called comparable instead). A wrong pair costs a translator more than
# a missed one, which still gives its sentences to mining.
MIN_PAIR_PROBABILITY = 0.7
COMPARABLE_SHARE = 0.2
AMBIGUOUS_LOG_ODDS = 1.0  # two candidates closer than this in log-odds are a tie
SHOWN_LOSERS = 3


@dataclass(frozen=True)
class ContentSettings:
    threshold: float = MIN_PAIR_PROBABILITY
    neighbours: int = NEIGHBOURS
    comparable_share: float = COMPARABLE_SHARE

    def signature(self) -> Signature:
        return Signature.of("pair-by-content", threshold=self.threshold, neighbours=self.neighbours,
                            comparable=self.comparable_share, calibration=calibration_signature(), version=1)


@dataclass
class Scored:
    i: int
    j: int
    evidence: Evidence
    log_odds: float

    @property
    def probability(self) -> float:
        return logistic(self.log_odds)


@dataclass
class Assignment:
    pairs: Dict[int, Scored] = field(default_factory=dict)  # source -> its pair
    taken: Dict[int, int] = field(default_factory=dict)  # target -> source
    ties: Dict[int, Tuple[Scored, Scored]] = field(default_factory=dict)  # source left unpaired: the tie
    comparable: Dict[int, Scored] = field(default_factory=dict)


def score_candidates(sources: Sequence[PairingDocument], targets: Sequence[PairingDocument],
                     neighbours: int = NEIGHBOURS) -> List[Scored]:
    """Every candidate pair with its evidence and log-odds."""
    src_weights, tgt_weights = boilerplate_weights(sources), boilerplate_weights(targets)
    dim = next((len(d.vectors[0]) for d in [*sources, *targets] if len(d.vectors)), 1)
    candidates = candidate_pairs(document_vectors(sources, src_weights, dim),
                                 document_vectors(targets, tgt_weights, dim), neighbours)
    scored = []
    for i, found in enumerate(candidates):
        found = sorted(found)
        for j, elsewhere in zip(found, _best_elsewhere(sources[i], [targets[j] for j in found])):
            evidence = pair_evidence(sources[i], targets[j], src_weights[i], tgt_weights[j], elsewhere)
            scored.append(Scored(i, j, evidence, log_odds(evidence)))
    return scored


def _best_elsewhere(source: PairingDocument, candidates: Sequence[PairingDocument]) -> List[Optional[np.ndarray]]:
    """Per candidate, each source sentence's best cosine in the other candidates (None: no other)."""
    sizes = [len(c.vectors) for c in candidates]
    if len(candidates) < 2 or not len(source.vectors) or not sum(sizes):
        return [None] * len(candidates)
    sim = source.vectors @ np.concatenate([c.vectors for c in candidates if len(c.vectors)]).T
    best = np.full((len(source.vectors), len(candidates)), -1.0, dtype=np.float32)
    start = 0
    for c, size in enumerate(sizes):
        if size:
            best[:, c] = sim[:, start:start + size].max(axis=1)
        start += size
    order = np.argsort(-best, axis=1)
    first, second = best[np.arange(len(best)), order[:, 0]], best[np.arange(len(best)), order[:, 1]]
    return [np.where(order[:, 0] == c, second, first) for c in range(len(candidates))]


def assign(scored: Sequence[Scored], threshold: float, comparable_share: float) -> Assignment:
    """Greedy 1-1 by probability, ties left unpaired, then comparable pairs among the rest."""
    done = Assignment()
    by_source: Dict[int, List[Scored]] = {}
    by_target: Dict[int, List[Scored]] = {}
    for pair in scored:
        by_source.setdefault(pair.i, []).append(pair)
        by_target.setdefault(pair.j, []).append(pair)
    floor = math.log(threshold / (1 - threshold)) if 0 < threshold < 1 else (-math.inf if threshold <= 0 else math.inf)
    blocked_targets = set()
    for pair in sorted(scored, key=lambda p: -p.log_odds):
        if pair.log_odds < floor:
            break
        if pair.i in done.pairs or pair.i in done.ties or pair.j in done.taken or pair.j in blocked_targets:
            continue
        rival = _rival(pair, by_source[pair.i], by_target[pair.j], done, floor)
        if rival is not None:
            done.ties[pair.i] = (pair, rival)
            blocked_targets.add(pair.j)
            continue
        done.pairs[pair.i], done.taken[pair.j] = pair, pair.i
    for pair in sorted(scored, key=lambda p: -p.evidence.distinct_any_order):
        if pair.evidence.distinct_any_order < comparable_share:
            break
        if pair.i in done.pairs or pair.i in done.ties or pair.i in done.comparable or pair.j in done.taken:
            continue
        done.comparable[pair.i], done.taken[pair.j] = pair, pair.i
    return done


def _rival(pair: Scored, of_source: Sequence[Scored], of_target: Sequence[Scored], done: Assignment,
           floor: float) -> Optional[Scored]:
    """Another free candidate of the pair's source or target, above the threshold and within
    AMBIGUOUS_LOG_ODDS of it (a near duplicate), else None."""
    for other in [*of_source, *of_target]:
        if other is pair or other.log_odds < floor or other.i in done.pairs or other.j in done.taken:
            continue
        if pair.log_odds - other.log_odds < AMBIGUOUS_LOG_ODDS:
            return other
    return None


def pair_by_content(sources: Sequence[PairingDocument], targets: Sequence[PairingDocument],
                    settings: ContentSettings = ContentSettings()) -> List[PairDecision]:
    """One decision per source (in order), then one per target left without a source; a
    target that could not be read (its ``problem``) is left out, with its reason."""
    unreadable = [PairDecision(None, t.doc_id, "", None, NONE, None, f"left out: {t.problem}", left_out=True)
                  for t in targets if t.problem]
    targets = [t for t in targets if not t.problem]
    scored = score_candidates(sources, targets, settings.neighbours)
    done = assign(scored, settings.threshold, settings.comparable_share)
    by_source: Dict[int, List[Scored]] = {}
    by_target: Dict[int, List[Scored]] = {}
    for pair in scored:
        by_source.setdefault(pair.i, []).append(pair)
        by_target.setdefault(pair.j, []).append(pair)
    decisions = [_source_decision(i, sources, targets, done, by_source.get(i, []), settings)
                 for i in range(len(sources))]
    for j, target in enumerate(targets):
        if j not in done.taken:
            decisions.append(_target_decision(target, sources, by_target.get(j, []), settings))
    return decisions + unreadable


def _losers(candidates: Sequence[Scored], winner: Optional[Scored], names: Sequence[PairingDocument],
            side: str = "j") -> List[Tuple[str, float]]:
    """The most probable candidates other than the winner, as (document, P)."""
    others = sorted((c for c in candidates if c is not winner), key=lambda c: -c.log_odds)[:SHOWN_LOSERS]
    return [(names[getattr(c, side)].doc_id, round(c.probability, 4)) for c in others]


def _source_decision(i: int, sources: Sequence[PairingDocument], targets: Sequence[PairingDocument],
                     done: Assignment, candidates: Sequence[Scored], settings: ContentSettings) -> PairDecision:
    source = sources[i].doc_id
    if i in done.pairs:
        pair = done.pairs[i]
        target = targets[pair.j].doc_id
        return PairDecision(
            source, target, BY_CONTENT, pair.probability, PARALLEL, pair.evidence.linked,
            f"paired by content with {target}: {pair.evidence.links} sentence(s) match in order "
            f"({pair.evidence.linked:.0%} of both documents), P(translation) {pair.probability:.2f} "
            f"at or above {settings.threshold:g}", _losers(candidates, pair, targets))
    if i in done.comparable:
        pair = done.comparable[i]
        target = targets[pair.j].doc_id
        return PairDecision(
            source, target, BY_CONTENT, pair.probability, COMPARABLE, pair.evidence.distinct_any_order,
            f"not a translation of {target} (P(translation) {pair.probability:.2f}, below {settings.threshold:g}), "
            f"but {pair.evidence.distinct_any_order:.0%} of its sentences have a counterpart there: the same "
            "story, comparable", _losers(candidates, pair, targets))
    if i in done.ties:
        first, second = done.ties[i]
        return PairDecision(
            source, None, "", first.probability, UNRELATED, None,
            f"left unpaired: {targets[first.j].doc_id if first.i == i else sources[first.i].doc_id} and "
            f"{targets[second.j].doc_id if second.i == i else sources[second.i].doc_id} are about as likely "
            f"(P {first.probability:.2f} and {second.probability:.2f}): near duplicates, not guessed",
            _losers(candidates, None, targets))
    if not candidates:
        return PairDecision(source, None, "", None, NONE, None, "no target document to compare it with")
    best = max(candidates, key=lambda c: c.log_odds)
    lost_to = done.taken.get(best.j)
    why = (f"its most probable candidate, {targets[best.j].doc_id} (P {best.probability:.2f}), is paired with "
           f"{sources[lost_to].doc_id}, more probable" if lost_to is not None and best.probability >= settings.threshold
           else f"no translation among the targets: the most probable candidate, {targets[best.j].doc_id}, has "
                f"P(translation) {best.probability:.2f}, below {settings.threshold:g} "
                f"({best.evidence.links} sentence(s) match)")
    return PairDecision(source, None, "", best.probability, UNRELATED, None, why, _losers(candidates, None, targets))


def _target_decision(target: PairingDocument, sources: Sequence[PairingDocument], candidates: Sequence[Scored],
                     settings: ContentSettings) -> PairDecision:
    if not candidates:
        return PairDecision(None, target.doc_id, "", None, NONE, None, "no source document to compare it with")
    best = max(candidates, key=lambda c: c.log_odds)
    return PairDecision(
        None, target.doc_id, "", best.probability, UNRELATED, None,
        f"no source is its translation: the most probable, {sources[best.i].doc_id}, has P(translation) "
        f"{best.probability:.2f}" + (f", below {settings.threshold:g}" if best.probability < settings.threshold
                                     else ", but is paired with another target"),
        _losers(candidates, None, sources, side="i"))
