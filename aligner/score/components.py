"""Quality scores for aligned pairs, kept apart from the decision to keep a pair.

``score`` and ``accept`` are separate steps, as in OpusFilter: a Scorer computes every component
for every link and stores them all (``link.scores``), plus one combined ``link.score`` in [0, 1];
thresholds are applied later by Filters (``aligner filter --min-score``), so a linguist can
choose a threshold, or filter on one component, without recomputing anything.

Each component is a small class with ``score(links) -> list of values in [0, 1] or None``
(None: the component says nothing about this pair, e.g. MT agreement without a translation).
The combined score is a weighted geometric mean of the available components (see
docs/scoring.md): one component near zero (a copy in the wrong language, a different number)
pulls the pair down however good the others are. The constants of the semantic and length
components were fitted on FLORES-200 dev (``benchmarks/score_calibration.py --fit``); the
signature string names them, and is stored in every link's provenance.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from ..bitext import BitextLink
from ..text.langid import identify
from ..text.normalise import normalise, normalise_digits

SIGNATURE_VERSION = "1"

# ---------------------------------------------------------------------------- components


class Component:
    """One quality signal. ``name`` is its key in ``link.scores``; ``signature`` what it depends on."""

    name = "base"

    @property
    def signature(self) -> str:
        return self.name

    def score(self, links: Sequence[BitextLink]) -> List[Optional[float]]:
        raise NotImplementedError


def _logistic(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


@dataclass(frozen=True)
class Logistic:
    """p = 1 / (1 + exp(-(slope * x + intercept))): a cosine mapped to a probability-like [0, 1]."""

    slope: float
    intercept: float

    def __call__(self, x: float) -> float:
        return _logistic(self.slope * x + self.intercept)


# Fitted by `python benchmarks/score_calibration.py --fit` (logistic regression of true FLORES-200
# dev pairs against shuffled and truncated ones, e5-small cosine). e5 cosines sit in a narrow band
# (about 0.75 for unrelated sentences, 0.9 for translations), so the raw cosine is no probability.
SEMANTIC_CALIBRATION: Dict[Tuple[str, str], Logistic] = {
    ("fa", "en"): Logistic(slope=61.50, intercept=-53.64),
    ("ar", "en"): Logistic(slope=43.38, intercept=-37.60),
}
DEFAULT_SEMANTIC_CALIBRATION = Logistic(slope=52.44, intercept=-45.62)


class SemanticSimilarity(Component):
    """Cosine of the two sides' sentence embeddings, calibrated to [0, 1] per language pair."""

    name = "semantic"

    def __init__(self, embedder=None, model: str = "e5-small"):
        self._embedder = embedder
        self._model = model

    @property
    def signature(self) -> str:
        return f"semantic:{self._model}+logistic-flores-dev"

    def _encode(self, texts: List[str]):
        if self._embedder is None:
            from ..embed import get_embedder

            self._embedder = get_embedder(self._model)
        return self._embedder.encode(texts)

    def cosines(self, links: Sequence[BitextLink]) -> List[float]:
        """Raw cosines (what the calibration is fitted on)."""
        if not links:
            return []
        src = self._encode([link.src for link in links])
        tgt = self._encode([link.tgt for link in links])
        return [float(value) for value in (src * tgt).sum(axis=1)]

    def score(self, links):
        cosines = self.cosines(links)
        return [SEMANTIC_CALIBRATION.get((link.src_lang, link.tgt_lang), DEFAULT_SEMANTIC_CALIBRATION)(cos)
                for link, cos in zip(links, cosines)]


_SPACE = re.compile(r"\s+")


def _length(text: str) -> int:
    return len(_SPACE.sub("", text))


@dataclass(frozen=True)
class LengthModel:
    """log((target chars + 1) / (source chars + 1)) ~ Normal(mean, sd) for a language pair."""

    mean: float
    sd: float


# Fitted by `python benchmarks/score_calibration.py --fit` on FLORES-200 dev (median and
# 1.4826 x MAD of the log ratio of non-space characters, robust to misaligned lines).
LENGTH_MODELS: Dict[Tuple[str, str], LengthModel] = {
    ("fa", "en"): LengthModel(mean=0.0780, sd=0.1458),
    ("ar", "en"): LengthModel(mean=0.1388, sd=0.1501),
}
DEFAULT_LENGTH_MODEL = LengthModel(mean=0.0, sd=0.25)


def log_length_ratio(src: str, tgt: str) -> float:
    return math.log((_length(tgt) + 1) / (_length(src) + 1))


def length_model(src_lang: str, tgt_lang: str) -> LengthModel:
    """The fitted model of the language pair; the reverse of a fitted pair mirrors it."""
    model = LENGTH_MODELS.get((src_lang, tgt_lang))
    if model is not None:
        return model
    reverse = LENGTH_MODELS.get((tgt_lang, src_lang))
    return LengthModel(-reverse.mean, reverse.sd) if reverse else DEFAULT_LENGTH_MODEL


def length_z(link: BitextLink) -> float:
    """Standard deviations between the pair's log length ratio and its language pair's mean;
    positive when the target is longer than the pair usually makes it, negative when shorter."""
    model = length_model(link.src_lang, link.tgt_lang)
    return (log_length_ratio(link.src, link.tgt) - model.mean) / model.sd


class LengthRatio(Component):
    """How plausible the length ratio is for the language pair: exp(-z^2 / 2), 1 at the mode."""

    name = "length"

    @property
    def signature(self) -> str:
        return "length:lognormal-flores-dev"

    def score(self, links):
        return [math.exp(-0.5 * length_z(link) ** 2) for link in links]


# A number: a clock time (hours:minutes), or digits with optional decimal / thousands parts,
# after mapping ۰-۹ ٠-٩ ٫ ٬ to ASCII. Persian text also separates thousands with the Arabic
# comma (400،000), so between digits it counts as a comma.
_NUMBER = re.compile(r"\d{1,2}:\d{2}(?!\d)|\d+(?:[.,\u060c]\d+)*")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")


def numbers(text: str) -> Counter:
    """The numbers in ``text`` as canonical strings, whatever the digit script:
    '۱۲' = '١٢' = '12', '۳٫۵' = '3.5', '1,000' = '۱۰۰۰' = '1،000' = '1000', '09' = '9',
    '۱۲:۰۰' = '12.00' = '12'.

    A clock time reads as hours.minutes because English news writes 12.00 GMT where Persian
    and Arabic write ۱۲:۰۰; a colon between other digits (a 3:1 score) separates two numbers."""
    found: Counter = Counter()
    for token in _NUMBER.findall(normalise_digits(text)):
        token = token.replace("\u060c", ",")
        if _THOUSANDS.match(token):
            token = token.replace(",", "")
        token = token.replace(",", ".").replace(":", ".")
        if token.count(".") > 1:  # 1.2.3: a version or a date, compare its parts
            found.update(part.lstrip("0") or "0" for part in token.split("."))
            continue
        whole, _, fraction = token.partition(".")
        fraction = fraction.rstrip("0")
        found[(whole.lstrip("0") or "0") + ("." + fraction if fraction else "")] += 1
    return found


def unmatched_numbers(src: str, tgt: str) -> Tuple[Counter, Counter]:
    """The numbers of each side that the other side lacks (multisets, canonical as ``numbers``)."""
    src_numbers, tgt_numbers = numbers(src), numbers(tgt)
    return src_numbers - tgt_numbers, tgt_numbers - src_numbers


def _agreement(a: Counter, b: Counter) -> float:
    """(shared + 1) / (all + 1) over multisets: 1 when both are empty or equal."""
    shared = sum((a & b).values())
    total = sum((a | b).values())
    return (shared + 1) / (total + 1)


# A number replaced by another (12 on one side, 13 on the other) is strong evidence of a wrong
# pair; a number present on one side only is weak (translators spell out "two", "ten").
NUMBER_SUBSTITUTION_FACTOR = 0.05
NUMBER_UNPAIRED_FACTOR = 0.5


class NumberAgreement(Component):
    """Same numbers on both sides, across Persian, Arabic-Indic and Western digits:
    0.05 ** substitutions * 0.5 ** unpaired numbers (1 when the numbers agree or there are none)."""

    name = "numbers"

    def score(self, links):
        values = []
        for link in links:
            only_src, only_tgt = (sum(unmatched.values()) for unmatched in unmatched_numbers(link.src, link.tgt))
            substituted = min(only_src, only_tgt)
            values.append(NUMBER_SUBSTITUTION_FACTOR ** substituted
                          * NUMBER_UNPAIRED_FACTOR ** (only_src + only_tgt - 2 * substituted))
        return values


# Marks whose presence carries meaning in every one of fa/ar/en. Commas and full stops are left
# out: Persian and Arabic punctuate clauses differently from English, so they would only add noise.
# The apostrophe is left out because English uses it inside words.
PUNCTUATION_CLASSES = {
    "question": "?؟⸮",
    "exclamation": "!",
    "quote": "\"«»“”„",
    "parenthesis": "()[]",
}
_PUNCTUATION_CLASS = {char: name for name, chars in PUNCTUATION_CLASSES.items() for char in chars}


def punctuation(text: str) -> Counter:
    return Counter(_PUNCTUATION_CLASS[c] for c in text if c in _PUNCTUATION_CLASS)


class PunctuationAgreement(Component):
    """Same question/exclamation marks, quotes and brackets on both sides (? = ؟, « » = " ")."""

    name = "punctuation"

    def score(self, links):
        return [_agreement(punctuation(link.src), punctuation(link.tgt)) for link in links]


class LanguageIdentity(Component):
    """Is one side in its declared language? 1 yes, 0.5 for a Persian/Arabic confusion (short
    lines share most letters), 0 for another language (an untranslated copy), None without letters."""

    def __init__(self, side: str):
        assert side in ("src", "tgt")
        self.side = side
        self.name = f"lang_{side}"

    @property
    def signature(self) -> str:
        return f"{self.name}:aligner.langid"

    def score(self, links):
        values: List[Optional[float]] = []
        for link in links:
            text, expected = (link.src, link.src_lang) if self.side == "src" else (link.tgt, link.tgt_lang)
            found, _ = identify(text)
            if found == "und":
                values.append(None)
            elif found == expected:
                values.append(1.0)
            elif {found, expected} <= {"fa", "ar"}:
                values.append(0.5)
            else:
                values.append(0.0)
        return values


# The aligner's own MT signal (a chrF-style character n-gram F-score between the MT of the source
# and the target), stored in the bitext when `aligner align` ran with a translation model.
ALIGNER_MT_SCORE = "align_mt"


class MTAgreement(Component):
    """chrF (sacrebleu, 0-1) between a machine translation of the source and the target.

    ``translate`` maps a list of source sentences to translations into the target language;
    with ``pair`` (e.g. ("fa", "en")) it is used for links of that language pair only. Links it
    does not translate use the aligner's MT score stored in the link (``align_mt``) where it
    exists; otherwise the component returns None and the combination skips it.
    """

    name = "mt"

    def __init__(self, translate: Optional[Callable[[List[str]], List[str]]] = None, model_id: str = "none",
                 pair: Optional[Tuple[str, str]] = None):
        self._translate = translate
        self._model_id = model_id
        self._pair = pair

    @property
    def signature(self) -> str:
        return f"mt:chrF+{self._model_id}" if self._translate else f"mt:{ALIGNER_MT_SCORE}"

    def _translates(self, link: BitextLink) -> bool:
        return self._translate is not None and (self._pair is None or (link.src_lang, link.tgt_lang) == self._pair)

    def score(self, links):
        values = [link.scores.get(ALIGNER_MT_SCORE) for link in links]
        positions = [i for i, link in enumerate(links) if self._translates(link)]
        if positions:
            from sacrebleu.metrics import CHRF

            chrf = CHRF()
            translations = self._translate([links[i].src for i in positions])
            for i, hypothesis in zip(positions, translations):
                values[i] = chrf.sentence_score(hypothesis, [links[i].tgt]).score / 100.0
        return values


# 1-1 links dominate sentence-aligned news; merges are rarer and more often wrong. These are
# priors, not fitted values.
LINK_PRIORS = {"1-1": 1.0, "1-2": 0.85, "2-1": 0.85, "2-2": 0.6, "1-3": 0.6, "3-1": 0.6}
OTHER_LINK_PRIOR = 0.4


class LinkTypePrior(Component):
    """Prior plausibility of the link type (1-1 > 1-2/2-1 > 2-2/1-3/3-1 > others)."""

    name = "link"

    def score(self, links):
        return [LINK_PRIORS.get(link.link_type, OTHER_LINK_PRIOR) for link in links]


# ---------------------------------------------------------------------------- combination

# Language identity gates the score (multiplies it): a line in the wrong language is not a
# translation however similar its embedding (an untranslated copy has cosine 1).
GATES = ("lang_src", "lang_tgt")
# Weights of the geometric mean of the other components (docs/scoring.md), chosen on FLORES-200
# dev corruptions (benchmarks/score_calibration.py --split dev).
DEFAULT_WEIGHTS = {
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


def combine(scores: Dict[str, float], weights: Dict[str, float] = DEFAULT_WEIGHTS,
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


def default_components(embedder_model: str = "e5-small", translate=None, mt_model_id: str = "none",
                       embedder=None, mt_pair: Optional[Tuple[str, str]] = None) -> List[Component]:
    """Every component; pass ``embedder`` (an Embedder for ``embedder_model``) to share one
    already loaded, e.g. the aligner's; ``translate`` / ``mt_pair`` as for MTAgreement."""
    return [SemanticSimilarity(embedder, model=embedder_model), LengthRatio(), NumberAgreement(), PunctuationAgreement(),
            LanguageIdentity("src"), LanguageIdentity("tgt"), MTAgreement(translate, mt_model_id, mt_pair),
            LinkTypePrior()]


COMPONENT_NAMES = [component.name for component in default_components()]


class Scorer:
    """Scores links in batches: every component, then the combination; sets a signature."""

    def __init__(self, components: Optional[Sequence[Component]] = None,
                 weights: Optional[Dict[str, float]] = None, batch_size: int = 256):
        self.components = list(components) if components is not None else default_components()
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        self.batch_size = batch_size

    @property
    def names(self) -> List[str]:
        return [component.name for component in self.components]

    @property
    def signature(self) -> str:
        parts = [component.signature for component in self.components]
        weights = ",".join(f"{name}={self.weights[name]:g}" for name in self.names if self.weights.get(name))
        gates = "*".join(name for name in self.names if name in GATES)
        return f"score:{SIGNATURE_VERSION}|" + "|".join(parts) + f"|combine:{gates}*geomean({weights})"

    def score_batch(self, links: Sequence[BitextLink]) -> None:
        """Fill ``scores``, ``score`` and ``provenance['score']`` of each link in place.

        Unaligned (1-0/0-1) links get score 0 and only the link-type component: there is no
        pair to judge, and they must never pass a threshold into a translation memory.
        """
        signature = self.signature
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
        return {name: value for name, value in link.scores.items() if name not in COMPONENT_NAMES}

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


# ---------------------------------------------------------------------------- acceptance


class Filter:
    """Decides whether a scored link is kept; ``reason`` names it in reports."""

    reason = "base"

    def accept(self, link: BitextLink) -> bool:
        raise NotImplementedError


class MinScore(Filter):
    def __init__(self, threshold: float):
        self.threshold = threshold
        self.reason = f"score < {threshold:g}"

    def accept(self, link):
        return link.score is not None and link.score >= self.threshold


class MinComponent(Filter):
    """A threshold on one component; a link without that component is kept (nothing to judge)."""

    def __init__(self, name: str, threshold: float):
        self.name = name
        self.threshold = threshold
        self.reason = f"{name} < {threshold:g}"

    def accept(self, link):
        value = link.scores.get(self.name)
        return value is None or value >= self.threshold


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
