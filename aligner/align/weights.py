"""How the alignment signals combine into a link score: the :class:`Weights` and the named sets
tuned for them, and which set aligns a document pair.

Each set says what dev data it was tuned on (benchmarks/align_textberg.py --tune). A pair gets
the Text+Berg set unless a language of the pair has its own set for the method and the
documents are long enough for it (see :func:`weight_set_name`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict


@dataclass(frozen=True)
class Weights:
    """How signals combine into a link score (higher is better)."""

    embed: float = 1.0
    mt: float = 0.0
    anchors: float = 0.0
    length: float = 0.0
    skip: float = 0.2  # cost of a 1-0 or 0-1 link
    many: float = 0.05  # cost of each sentence beyond the first on a side (n-m links)
    many22: float = 0.05  # extra cost of links with several sentences on both sides
    # Signal scores are multiplied by ((a + b) / 2) ** size: an n-m link stands for the
    # several 1-1 links it replaces, as Vecalign scales its costs by the number of sentences.
    size: float = 0.0
    # Extra cost of leaving a sentence unaligned per 100 letters it holds: dropping a long
    # sentence is unlikely, dropping a page number or OCR debris is common.
    skip_letters: float = 0.0
    # Weight of Gale & Church's link-type priors (log P(type), see
    # link_scores.link_type_log_prior) in the score: one number instead of a penalty per type,
    # so that tuning on a single dev document cannot bend the link-type distribution towards
    # that document's.
    prior: float = 0.0


# Tuned on Text+Berg dev; embed on the average of Text+Berg dev and the news dev documents of
# LANGUAGE_WEIGHTS (--objective textberg+news).
TEXTBERG_WEIGHTS: Dict[str, Weights] = {
    "embed": Weights(embed=1.0, anchors=0.0462, length=0.02632, skip=0.0, many=0.0, many22=0.0, skip_letters=0.04,
                     prior=0.0),
    "mt": Weights(embed=0.0, mt=1.0, anchors=0.01, length=0.05488, skip=0.0, many=0.0, many22=0.0, size=0.5,
                  skip_letters=0.01, prior=0.021),
    "auto": Weights(embed=2.0, mt=1.0, anchors=0.02, length=0.0392, skip=0.0, many=0.0, many22=0.0, size=0.5,
                    skip_letters=0.01, prior=0.01029),
    "length": Weights(embed=0.0, anchors=1.68, length=1.0, skip=3.0, many=1.0, many22=1.0, size=1.0),
}
# Pairs with Persian or Arabic on one side, the toolkit's own use, get embed weights tuned on
# perturbed fa-en and ar-en news dev documents (FLORES dev, TICO test; NEWS_DEV in
# benchmarks/align_textberg.py). Text+Berg's dev document wants the opposite skip costs: its
# unaligned sentences are OCR debris and page furniture, news drops and inserts are whole
# sentences, so one weight set cannot serve both.
NEWS_WEIGHTS = Weights(embed=1.0, anchors=0.01617, length=0.00645, skip=0.0, many=0.0, many22=0.0, skip_letters=0.0,
                       prior=0.0)
LANGUAGE_WEIGHTS: Dict[str, Dict[str, Weights]] = {"fa": {"embed": NEWS_WEIGHTS}, "ar": {"embed": NEWS_WEIGHTS}}
TEXTBERG = "textberg"  # the name of TEXTBERG_WEIGHTS in weight_set_name and signatures


def weight_set_name(method: str, src_lang: str = "auto", tgt_lang: str = "auto", short: bool = False) -> str:
    """Which tuned set aligns this pair: a language code of LANGUAGE_WEIGHTS, or "textberg".
    Short documents (see calibration.short_document) get the Text+Berg set: the language sets
    leave sentences out for free, which is only safe where the normalised embedding score is
    reliable."""
    if not short:
        for lang in (src_lang, tgt_lang):
            if method in LANGUAGE_WEIGHTS.get(lang, {}):
                return lang
    return TEXTBERG


def weight_set(name: str, method: str) -> Weights:
    """The weights of the set ``name`` (from weight_set_name) for ``method``."""
    return TEXTBERG_WEIGHTS[method] if name == TEXTBERG else LANGUAGE_WEIGHTS[name][method]
