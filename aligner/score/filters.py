"""Acceptance, kept apart from scoring (as in OpusFilter): Filters decide on stored scores.

A Filter only reads what a :class:`~.combination.Scorer` stored (``link.score``,
``link.scores``), so a linguist can choose a threshold, or filter on one component, without
recomputing anything. Duplicate filters remember what they have seen, so each run needs new ones.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Type

from ..bitext import REVIEW, BitextLink
from ..registry import Registry
from ..text.normalise import normalise


class Filter:
    """Decides whether a scored link is kept; ``reason`` names it in reports."""

    reason = "base"

    def accept(self, link: BitextLink) -> bool:
        raise NotImplementedError


class MinScore(Filter):
    """A threshold on the combined score; a unit a person accepted (`aligner review`) passes
    whatever its score."""

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.reason = f"score < {threshold:g}"

    def accept(self, link):
        return link.provenance.get(REVIEW) == "accepted" or (link.score is not None and link.score >= self.threshold)


class NotRejected(Filter):
    """Drops a unit a person rejected in `aligner review`."""

    reason = "rejected in review"

    def accept(self, link):
        return link.provenance.get(REVIEW) != "rejected"


class MinComponent(Filter):
    """A threshold on one component; a link without that component is kept (nothing to judge)."""

    def __init__(self, name: str, threshold: float):
        self.name = name
        self.threshold = threshold
        self.reason = f"{name} < {threshold:g}"

    def accept(self, link):
        value = link.scores.get(self.name)
        return value is None or value >= self.threshold


class TargetKind(Filter):
    """Keeps the links whose target is machine translation (``machine``) or a human translation:
    a translation memory never mixes the two."""

    def __init__(self, machine: bool):
        self.machine = machine
        self.reason = "human translation" if machine else "machine translation"

    def accept(self, link):
        return link.is_machine_translation == self.machine


class KeepAligned(Filter):
    reason = "unaligned (1-0/0-1)"

    def accept(self, link):
        return not link.is_unaligned


def _digest(*parts: str) -> bytes:
    return hashlib.blake2b("\0".join(parts).encode("utf-8"), digest_size=16).digest()


class ExactDuplicates(Filter):
    """Drops a pair whose source and target texts both equal an earlier pair's (first one kept).
    Keeps 16-byte digests only, so millions of pairs fit in memory."""

    reason = "exact duplicate"

    def __init__(self):
        self._seen = set()

    def key(self, link: BitextLink) -> bytes:
        return _digest(link.src, link.tgt)

    def accept(self, link):
        key = self.key(link)
        if key in self._seen:
            return False
        self._seen.add(key)
        return True


_NOT_WORD = re.compile(r"[\W_]+")


def near_duplicate_key(text: str, lang: str) -> str:
    """Text that differs only in case, punctuation, spacing, digit script, letter variants
    (ي/ی, ك/ک), diacritics or ZWNJ/space choice gets the same key."""
    return _NOT_WORD.sub("", normalise(text, lang).replace("\u200c", "").casefold())


class NearDuplicates(ExactDuplicates):
    """Drops a pair whose normalised source and target equal an earlier pair's."""

    reason = "near duplicate"

    def key(self, link):
        return _digest(near_duplicate_key(link.src, link.src_lang), near_duplicate_key(link.tgt, link.tgt_lang))


# The kinds of duplicate removal, by name (``aligner filter --dedup``).
DUPLICATE_FILTERS: Registry[Type[ExactDuplicates]] = Registry("duplicate filter")
DUPLICATE_FILTERS.add("exact", ExactDuplicates)
DUPLICATE_FILTERS.add("near", NearDuplicates)


def acceptance_filters(min_score: Optional[float] = None, component_minimums: Sequence[Tuple[str, float]] = (),
                       dedup: Optional[str] = "near", drop_unaligned: bool = True) -> List[Filter]:
    """The filters of ``aligner filter``, in the order they decide: unaligned links, the combined
    score, each (component name, threshold) of ``component_minimums``, then duplicates of the
    ``dedup`` kind (a DUPLICATE_FILTERS name, or None for none)."""
    filters: List[Filter] = [KeepAligned()] if drop_unaligned else []
    if min_score is not None:
        filters.append(MinScore(min_score))
    filters.extend(MinComponent(name, threshold) for name, threshold in component_minimums)
    # Duplicates last: a pair rejected by a threshold must not hide a later copy that passes.
    if dedup is not None:
        filters.append(DUPLICATE_FILTERS.get(dedup)())
    return filters


@dataclass
class FilterReport:
    kept: int = 0
    rejected: Dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        dropped = ", ".join(f"{count} {reason}" for reason, count in self.rejected.items() if count)
        return f"kept {self.kept}" + (f", removed {dropped}" if dropped else "")


def apply_filters(links: Iterable[BitextLink], filters: Sequence[Filter],
                  report: Optional[FilterReport] = None) -> Iterator[BitextLink]:
    """Yield the links every filter accepts; count each rejection under the first filter that
    rejected it (so the report adds up to the input)."""
    report = report if report is not None else FilterReport()
    for link in links:
        failed = next((f for f in filters if not f.accept(link)), None)
        if failed is None:
            report.kept += 1
            yield link
        else:
            report.rejected[failed.reason] = report.rejected.get(failed.reason, 0) + 1
