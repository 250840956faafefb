"""What pairing reads (one :class:`PairingDocument` per file) and what it decides (one
:class:`PairDecision` per source document and per target document left without a source)."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import List, Optional, Tuple

import numpy as np

# Verdicts of pairs.tsv. A pair called comparable tells the same story without being a
# translation (it is no claim of translation); unrelated: the document's nearest candidates were
# judged not to be its translation; none: there was nothing to pair it with.
PARALLEL = "parallel"
COMPARABLE = "comparable"
UNRELATED = "unrelated"
NONE = "none"
BY_NAME = "name"
BY_CONTENT = "content"


@dataclass
class PairingDocument:
    """One document as pairing sees it: its sentences' vectors (L2-normalised rows), their
    matching keys (to find boilerplate repeated across the collection) and the quantities it
    mentions (numbers, dates; score.quantities)."""

    doc_id: str
    vectors: np.ndarray
    keys: Tuple[str, ...] = ()
    numbers: Counter = field(default_factory=Counter)
    problem: str = ""  # why the document could not be read (wrong language...): left out of pairing


@dataclass
class PairDecision:
    """One row of pairs.tsv: ``source`` or ``target`` is None for a document left unpaired."""

    source: Optional[str]
    target: Optional[str]
    paired_by: str = ""  # "name", "content", or "" when unpaired
    probability: Optional[float] = None  # calibrated P(translation) of the pair (or of the best candidate)
    verdict: str = NONE
    share: Optional[float] = None  # share of the pair's sentences linked (pairing evidence, later the alignment's)
    reason: str = ""  # why, in plain words
    losers: List[Tuple[str, float]] = field(default_factory=list)  # nearest candidates that lost, with P
    left_out: bool = False  # the document could not be read: reported, not paired

    @property
    def is_translation(self) -> bool:
        """A pair the run aligns as a document and its translation."""
        return self.source is not None and self.target is not None and self.verdict != COMPARABLE

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, record: dict) -> "PairDecision":
        record = dict(record)
        record["losers"] = [tuple(loser) for loser in record.get("losers", [])]
        return cls(**record)
