"""Reproducibility signatures: what produced a result, in one value, sacrebleu style.

Every stage that leaves a mark in an output (the segmenter, the translator and its model, the
aligner, the scorer, a run's options) describes itself with a :class:`Signature`: a name, its
deciding settings as ``key:value`` fields in a fixed order, and the aligner version last. The
long form spells the keys out (provenance, caches, fingerprints); the short form abbreviates the
common ones for tables and notes. A field whose value is itself a Signature (the MT model behind
an alignment bridge) is written in brackets, so one string says everything behind a result.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Dict, Tuple, Union

from . import __version__

Value = Union[str, int, float, bool, None, "Signature"]

# Long key -> short key; keys without an entry are written the same in both forms.
SHORT_KEYS: Dict[str, str] = {
    "method": "m", "max_link": "max", "weights": "w", "embedder": "emb", "segmenter": "seg",
    "translator": "mt", "concat_margin": "concat", "language": "lang", "components": "comp",
    "combination": "comb", "compute_type": "compute", "beam_size": "beam", "version": "v",
}


def _format(value: Value, short: bool) -> str:
    if isinstance(value, Signature):
        return f"[{value.format(short)}]"
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Signature:
    """``name|key:value|...|version:X``; build one with :meth:`of`."""

    name: str
    fields: Tuple[Tuple[str, Value], ...] = ()
    version: str = __version__

    @classmethod
    def of(cls, name: str, /, **fields: Value) -> "Signature":
        """A signature whose fields keep the keyword order given (a field may be called name too)."""
        return cls(name, tuple(fields.items()))

    def get(self, key: str) -> Value:
        return dict(self.fields)[key]

    def format(self, short: bool = False) -> str:
        keys = (lambda key: SHORT_KEYS.get(key, key)) if short else (lambda key: key)
        parts = [self.name] + [f"{keys(key)}:{_format(value, short)}" for key, value in self.fields]
        return "|".join(parts + [f"{keys('version')}:{self.version}"])

    @property
    def long(self) -> str:
        return self.format(short=False)

    @property
    def short(self) -> str:
        return self.format(short=True)

    @property
    def digest(self) -> str:
        """A stable hash of the long form, for cache keys and done markers."""
        return hashlib.sha256(self.long.encode()).hexdigest()

    def __str__(self) -> str:
        return self.long
