"""The score components: one quality signal each, for a batch of aligned pairs.

Each component is a small class with ``score(links) -> list of values in [0, 1] or None``
(None: the component says nothing about this pair, e.g. MT agreement without a translation).
Its ``name`` (a class attribute) is its key in ``link.scores`` and in :data:`COMPONENTS`, so
the names are known without building anything; :func:`default_components` builds the scorer's
set. The constants of the semantic and length components were fitted on FLORES-200 dev
(``benchmarks/score_calibration.py --fit``); each component's signature names them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Type, Union

from ..bitext import BitextLink
from ..logistic import logistic
from ..registry import Registry
from ..signature import Signature
from ..text.langid import identify
from .quantities import MONTH, Quantity, quantities, unmatched_quantities


class Component:
    """One quality signal. ``name`` is its key in ``link.scores``; ``signature()`` what it depends on."""

    name = "base"

    def signature(self) -> Signature:
        return Signature.of(self.name)

    def score(self, links: Sequence[BitextLink]) -> List[Optional[float]]:
        raise NotImplementedError


# Every component class by name, in the scorer's order (which is also the TSV column order).
COMPONENTS: Registry[Type[Component]] = Registry("score component")


def _registered(component_class: Type[Component]) -> Type[Component]:
    """Class decorator: register a component under its ``name``."""
    COMPONENTS.add(component_class.name, component_class)
    return component_class


# ---------------------------------------------------------------------------- semantic


@dataclass(frozen=True)
class Logistic:
    """p = 1 / (1 + exp(-(slope * x + intercept))): a cosine mapped to a probability-like [0, 1]."""

    slope: float
    intercept: float

    def __call__(self, x: float) -> float:
        return logistic(self.slope * x + self.intercept)


# Fitted by `python benchmarks/score_calibration.py --fit` (logistic regression of true FLORES-200
# dev pairs against shuffled and truncated ones, e5-small cosine). e5 cosines sit in a narrow band
# (about 0.75 for unrelated sentences, 0.9 for translations), so the raw cosine is no probability.
SEMANTIC_CALIBRATION: Dict[Tuple[str, str], Logistic] = {
    ("fa", "en"): Logistic(slope=61.50, intercept=-53.64),
    ("ar", "en"): Logistic(slope=43.38, intercept=-37.60),
}
DEFAULT_SEMANTIC_CALIBRATION = Logistic(slope=52.44, intercept=-45.62)


@_registered
class SemanticSimilarity(Component):
    """Cosine of the two sides' sentence embeddings, calibrated to [0, 1] per language pair."""

    name = "semantic"

    def __init__(self, embedder=None, model: str = "e5-small"):
        self._embedder = embedder
        self._model = model

    def signature(self) -> Signature:
        return Signature.of(self.name, embedder=self._model, calibration="logistic-flores-dev")

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


# ---------------------------------------------------------------------------- length


@dataclass(frozen=True)
class LengthModel:
    """r = log((target chars + 1) / (source chars + 1)) ~ Student-t(mean, sd(n), 4 df), where n is
    the two sides' mean length in characters and sd(n)^2 = floor^2 + spread / n: short sentences
    vary more (Gale and Church's variance grows with length; of the log ratio it shrinks)."""

    mean: float
    floor: float
    spread: float

    def sd(self, chars: float) -> float:
        return math.sqrt(self.floor ** 2 + self.spread / max(chars, 1.0))


# Fitted by `python benchmarks/score_calibration.py --fit` on FLORES-200 dev: the median of r,
# and floor and spread by least squares of (1.4826 x MAD)^2 against 1 / n over five length bins.
LENGTH_MODELS: Dict[Tuple[str, str], LengthModel] = {
    ("fa", "en"): LengthModel(mean=0.0782, floor=0.0918, spread=1.273),
    ("ar", "en"): LengthModel(mean=0.1423, floor=0.1006, spread=1.101),
}
# Other pairs: no shift, and the fa/ar spreads rounded up (no dev data to fit them on).
DEFAULT_LENGTH_MODEL = LengthModel(mean=0.0, floor=0.1, spread=1.3)
# Degrees of freedom of the t shape: FLORES dev ratios have heavier tails than a normal (0.5 % of
# true pairs lie beyond 3 robust sd), and a plausible translation must not score 0.
LENGTH_TAIL_DF = 4.0

# A token that needs no translation (a number, or a Latin-script name or acronym such as "NASA",
# "COVID-19" copied into Persian or Arabic text) is as long on both sides, so it says nothing
# about the translated rest and only dilutes the ratio: digits and tokens found verbatim on both
# sides are not counted.
_LEADING_PUNCTUATION = re.compile(r"\W*")
_HAS_LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9\u06f0-\u06f9\u0660-\u0669]")
_DIGIT = re.compile(r"\d")


def _bare(token: str) -> str:
    """The token without punctuation at its edges, lowercased. The trailing run is matched on the
    reversed token: a search for \\W+$ restarts at every mark of a long run (quadratic on "zalgo")."""
    start = _LEADING_PUNCTUATION.match(token).end()
    end = len(token) - _LEADING_PUNCTUATION.match(token[::-1]).end()
    return token[start:max(start, end)].lower()


def translated_lengths(src: str, tgt: str) -> Tuple[int, int]:
    """Non-space characters of each side, without digits and without tokens copied verbatim
    (Latin names, acronyms) that appear on both sides."""
    src_tokens, tgt_tokens = src.split(), tgt.split()
    copied = {token for token in {_bare(t) for t in src_tokens} & {_bare(t) for t in tgt_tokens}
              if _HAS_LATIN_OR_DIGIT.search(token)}

    def length(tokens: List[str]) -> int:
        return sum(len(_DIGIT.sub("", token)) for token in tokens if _bare(token) not in copied)

    return length(src_tokens), length(tgt_tokens)


def length_model(src_lang: str, tgt_lang: str) -> LengthModel:
    """The fitted model of the language pair; the reverse of a fitted pair mirrors it."""
    model = LENGTH_MODELS.get((src_lang, tgt_lang))
    if model is not None:
        return model
    reverse = LENGTH_MODELS.get((tgt_lang, src_lang))
    return LengthModel(-reverse.mean, reverse.floor, reverse.spread) if reverse else DEFAULT_LENGTH_MODEL


def length_z(link: BitextLink) -> float:
    """Standard deviations between the pair's log length ratio and its language pair's mean (for
    sentences of this length); positive when the target is longer than the pair usually makes it,
    negative when shorter."""
    model = length_model(link.src_lang, link.tgt_lang)
    src_chars, tgt_chars = translated_lengths(link.src, link.tgt)
    ratio = math.log((tgt_chars + 1) / (src_chars + 1))
    return (ratio - model.mean) / model.sd((src_chars + tgt_chars) / 2.0)


def length_plausibility(z: float) -> float:
    """The t density at ``z`` relative to its mode: 1 at the typical ratio, about 0.2 at 2 sd."""
    return (1.0 + z * z / LENGTH_TAIL_DF) ** (-(LENGTH_TAIL_DF + 1) / 2)


@_registered
class LengthRatio(Component):
    """How plausible the length ratio is for the language pair: (1 + z^2/4)^(-5/2), the t density
    relative to its mode (1 at the typical ratio)."""

    name = "length"

    def signature(self) -> Signature:
        return Signature.of(self.name, model="t4-flores-dev")

    def score(self, links):
        return [length_plausibility(length_z(link)) for link in links]


# ---------------------------------------------------------------------------- numbers

# A number replaced by another (12 on one side, 13 on the other; July against August) is strong
# evidence of a wrong pair; a number in digits on one side only is weak (translators spell out
# numbers beyond the word tables, or leave a figure out). Spelled numbers the other side lacks
# are no evidence at all, and a value counts once however often a side repeats it
# (quantities.unmatched_quantities).
NUMBER_SUBSTITUTION_FACTOR = 0.05
NUMBER_UNPAIRED_FACTOR = 0.5


def unmatched_link_quantities(link: BitextLink) -> Tuple[List[Quantity], List[Quantity]]:
    """The quantities (numbers, percentages, months) each side mentions that the other lacks."""
    return unmatched_quantities(quantities(link.src, link.src_lang), quantities(link.tgt, link.tgt_lang))


def number_mismatches(link: BitextLink) -> Tuple[int, int]:
    """(substituted, unpaired): values of one side replaced by different ones on the other
    (numbers against numbers, months against months), and the rest present on one side only."""
    only_src, only_tgt = unmatched_link_quantities(link)
    substituted = unpaired = 0
    for months in (False, True):
        src_left = [q for q in only_src if (q.kind == MONTH) == months]
        tgt_left = [q for q in only_tgt if (q.kind == MONTH) == months]
        pairs = min(len(src_left), len(tgt_left))
        substituted += pairs
        # What the pairs leave over counts, but not a code's number (km2 against «کیلومتر مربع»).
        unpaired += sum(max(0, sum(not q.code for q in left) - pairs) for left in (src_left, tgt_left))
    return substituted, unpaired


@_registered
class NumberAgreement(Component):
    """The same numbers, percentages and months on both sides, across digit scripts, scale words,
    spelled numbers and month names (:mod:`.quantities`): 0.05 ** substituted * 0.5 ** unpaired
    (1 when they agree or there are none)."""

    name = "numbers"

    def signature(self) -> Signature:
        return Signature.of(self.name, reading="quantities-fa-ar-en-4")

    def score(self, links):
        values = []
        for link in links:
            substituted, unpaired = number_mismatches(link)
            values.append(NUMBER_SUBSTITUTION_FACTOR ** substituted * NUMBER_UNPAIRED_FACTOR ** unpaired)
        return values


# ---------------------------------------------------------------------------- punctuation

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


def _agreement(a: Counter, b: Counter) -> float:
    """(shared + 1) / (all + 1) over multisets: 1 when both are empty or equal."""
    shared = sum((a & b).values())
    total = sum((a | b).values())
    return (shared + 1) / (total + 1)


@_registered
class PunctuationAgreement(Component):
    """Same question/exclamation marks, quotes and brackets on both sides (? = ؟, « » = " ")."""

    name = "punctuation"

    def score(self, links):
        return [_agreement(punctuation(link.src), punctuation(link.tgt)) for link in links]


# ---------------------------------------------------------------------------- language


class LanguageIdentity(Component):
    """Is one side (``side``: src or tgt) in its declared language? 1 yes, 0.5 for a
    Persian/Arabic confusion (short lines share most letters), 0 for another language (an
    untranslated copy), None without letters. One registered subclass per side."""

    side = ""

    def signature(self) -> Signature:
        return Signature.of(self.name, identifier="aligner.langid")

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


@_registered
class SourceLanguageIdentity(LanguageIdentity):
    """Is the source side in the source language?"""

    name = "lang_src"
    side = "src"


@_registered
class TargetLanguageIdentity(LanguageIdentity):
    """Is the target side in the target language?"""

    name = "lang_tgt"
    side = "tgt"


# ---------------------------------------------------------------------------- machine translation

# The aligner's own MT signal (a chrF-style character n-gram F-score between the MT of the source
# and the target), stored in the bitext when `aligner align` ran with a translation model.
ALIGNER_MT_SCORE = "align_mt"


@_registered
class MTAgreement(Component):
    """chrF (sacrebleu, 0-1) between a machine translation of the source and the target.

    ``translate`` maps a list of source sentences to translations into the target language;
    ``translator`` is the signature of what translates (a str or a Signature, recorded as it
    is); with ``pair`` (e.g. ("fa", "en")) it is used for links of that language pair only.
    Links it does not translate use the aligner's MT score stored in the link (``align_mt``)
    where it exists; otherwise the component returns None and the combination skips it.
    """

    name = "mt"

    def __init__(self, translate: Optional[Callable[[List[str]], List[str]]] = None,
                 translator: Union[str, Signature] = "none", pair: Optional[Tuple[str, str]] = None):
        self._translate = translate
        self._translator = translator
        self._pair = pair

    def signature(self) -> Signature:
        if self._translate is None:
            return Signature.of(self.name, stored=ALIGNER_MT_SCORE)
        return Signature.of(self.name, metric="chrF", translator=self._translator)

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


# ---------------------------------------------------------------------------- link type

# How plausible a link type is in [0, 1] (not the aligner's Gale-Church log prior): 1-1 links
# dominate sentence-aligned news; merges are rarer and more often wrong. Chosen, not fitted.
LINK_TYPE_PLAUSIBILITY = {"1-1": 1.0, "1-2": 0.85, "2-1": 0.85, "2-2": 0.6, "1-3": 0.6, "3-1": 0.6}
OTHER_LINK_TYPE_PLAUSIBILITY = 0.4


@_registered
class LinkTypePlausibility(Component):
    """Plausibility of the link type (1-1 > 1-2/2-1 > 2-2/1-3/3-1 > others)."""

    name = "link"

    def score(self, links):
        return [LINK_TYPE_PLAUSIBILITY.get(link.link_type, OTHER_LINK_TYPE_PLAUSIBILITY) for link in links]


def default_components(embedder_model: str = "e5-small", translate=None,
                       translator: Union[str, Signature] = "none", embedder=None,
                       mt_pair: Optional[Tuple[str, str]] = None) -> List[Component]:
    """One of every registered component, in registry order; pass ``embedder`` (an Embedder for
    ``embedder_model``) to share one already loaded, e.g. the aligner's; ``translate``,
    ``translator`` and ``mt_pair`` as MTAgreement's ``translate``, ``translator`` and ``pair``."""
    settings = {
        SemanticSimilarity.name: {"embedder": embedder, "model": embedder_model},
        MTAgreement.name: {"translate": translate, "translator": translator, "pair": mt_pair},
    }
    return [component_class(**settings.get(name, {})) for name, component_class in COMPONENTS.items()]
