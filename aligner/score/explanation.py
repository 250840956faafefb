"""Why a unit is doubtful, in plain words, for people who review a translation memory.

``explain_link(link)`` reads the component values the Scorer stored in the link and the
quantities each side mentions (:mod:`.quantities`), and returns one sentence per problem, most
serious first: "the target is not in English", "the number 15 appears only in the target",
"the target is much shorter than the source", "the sentences mean different things". A unit
with nothing against it gets an empty list.
"""

from __future__ import annotations

from typing import List, Optional, Tuple

from ..bitext import BitextLink
from ..document import ARABIC_SCRIPT_LANGUAGES
from ..text.langid import reads_as_arabic_script, script_counts
from .components import PUNCTUATION_CLASSES, length_z, punctuation, unmatched_link_quantities
from .quantities import MONTH, Quantity

LANGUAGE_NAMES = {"fa": "Persian", "ar": "Arabic", "en": "English"}
# Below these component values a reason is given. Semantic is a calibrated probability (below
# 0.5 the embeddings say "not a translation"); the aligner's similarity likewise. A length z
# beyond 2.5 is rarer than 1 in 100 true FLORES-200 dev pairs.
SEMANTIC_DOUBT = 0.5
ALIGNER_DOUBT = 0.5
LENGTH_Z_DOUBT = 2.5
# A link of more sentences than this (1-3, 2-2 ...) is often over-merged.
MERGED_SENTENCES_DOUBT = 3
# Below this path margin the search nearly linked the sentences another way (split, merged or
# shifted): a third of the aligner's wrong links in the raw-path dev news runs, 2 % of the right
# ones (benchmarks/news_run.py --split dev).
PATH_MARGIN_DOUBT = 0.01
_SIDE = {"src": "source", "tgt": "target"}
REASON_KINDS = ("unaligned", "identical", "language", "meaning", "mt", "numbers", "length", "merged", "aligner",
                "path_margin", "punctuation")
# The kinds of reason report.html lists beside a unit at or above the memory's threshold: those
# that predict a wrong unit there. Measured by `benchmarks/doubtful_reasons.py --documents 12` on
# dev (FLORES-200 dev and TICO-19 test, fa-en and ar-en: the aligner's links of perturbed and
# clean news, with score_calibration's weights): a kind is kept when the units it flags are wrong
# at least PREDICTIVE_LIFT times as often as the units at or above the threshold on the whole
# (docs/scoring.md has the table): numbers 59.7, path margin 20.3, aligner 6.0, length 3.2; not
# meaning (1.7: it flags 15 % of the units) nor punctuation (0.5). Kinds that flag no unit at or
# above the threshold there (a copy, the wrong language, MT disagreement, 4+ sentences) cannot be
# measured; they stay, since each says the unit is not a translation as it stands. The others
# stay in explain_link, for a unit below the threshold.
PREDICTIVE_LIFT = 2.0
PREDICTIVE_KINDS = frozenset(REASON_KINDS) - {"meaning", "punctuation"}
MIN_SCRIPT_LETTERS = 8  # fewer letters than this say nothing about a side's script
MT_DOUBT = 0.5  # the mt component (chrF agreement with the machine translation) below this


def _language(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def _value(quantity: Quantity) -> str:
    """'800,000', '2.5', '50%', 'July', '20:30'; a converted value with what was written, '7 (15 مهر)'."""
    # as written, since the converted value (a Gregorian date, 1990 for «دهه ۹۰») is nowhere in the text
    written = f" ({quantity.text})" if quantity.converted else ""
    if quantity.kind == MONTH:
        return quantity.value + written
    whole, dot, fraction = quantity.value.rstrip("%").partition(".")
    if ":" in quantity.text:  # a clock time, read as hours.minutes: 20:30, not 20.3
        return f"{whole}:{fraction.ljust(2, '0')}" + written
    # Thousands separators from 10,000 up: a year (2019) is not written 2,019.
    return ((f"{int(whole):,}" if abs(int(whole)) >= 10000 else whole) + dot + fraction
            + ("%" if quantity.value.endswith("%") else "") + written)


def _shown(quantity: Quantity) -> str:
    return ("the month " if quantity.kind == MONTH else "the number ") + _value(quantity)


def _script_mismatch(text: str, lang: str) -> bool:
    """True when a side is written in the other script than its language (e.g. untranslated
    English), deciding Arabic against Latin script as language identification does."""
    letters, arabic_script, latin = script_counts(text)
    if letters < MIN_SCRIPT_LETTERS or not (arabic_script or latin):  # e.g. Hebrew: neither script
        return False
    return reads_as_arabic_script(arabic_script, latin) != (lang in ARABIC_SCRIPT_LANGUAGES)


def _language_reason(link: BitextLink, side: str) -> Optional[str]:
    value = link.scores.get(f"lang_{side}")
    lang = link.src_lang if side == "src" else link.tgt_lang
    if value is None:
        # Not scored (a bitext read from elsewhere): the script still tells.
        text = link.src if side == "src" else link.tgt
        return f"the {_SIDE[side]} is not in {_language(lang)}" if _script_mismatch(text, lang) else None
    if value >= 1.0:
        return None
    if value > 0.0 and lang in ("fa", "ar"):
        other = "ar" if lang == "fa" else "fa"
        return f"the {_SIDE[side]} reads like {_language(other)} rather than {_language(lang)}"
    return f"the {_SIDE[side]} is not in {_language(lang)}"


def _number_reasons(link: BitextLink) -> List[str]:
    # A stored numbers component of 1 says no quantity is unmatched: reading both sides again
    # (milliseconds a link) would find none. Reports explain every unit of a run.
    if link.scores.get("numbers", 0.0) >= 1.0:
        return []
    only_src, only_tgt = unmatched_link_quantities(link)
    reasons = []
    for months in (False, True):
        src = [q for q in only_src if (q.kind == MONTH) == months]
        tgt = [q for q in only_tgt if (q.kind == MONTH) == months]
        for a, b in zip(src, tgt):
            reasons.append(f"the source says {_value(a)} where the target says {_value(b)}")
        for side, left in (("source", src[len(tgt):]), ("target", tgt[len(src):])):
            reasons.extend(f"{_shown(q)} appears only in the {side}" for q in left)
    return reasons


def _punctuation_reason(link: BitextLink) -> Optional[str]:
    if link.scores.get("punctuation", 1.0) >= 1.0:
        return None
    src, tgt = punctuation(link.src), punctuation(link.tgt)
    differing = [name for name in PUNCTUATION_CLASSES if src[name] != tgt[name]]
    marks = {"question": "question marks", "exclamation": "exclamation marks", "quote": "quotation marks",
             "parenthesis": "brackets"}
    if not differing:
        return "the sentences are punctuated differently"
    return "the two sides differ in " + " and ".join(marks[name] for name in differing)


def explain_link(link: BitextLink) -> List[str]:
    """Plain reasons why ``link`` may not be a correct translation unit (empty: none found),
    from its stored component values and the numbers each side mentions; most serious first."""
    return [text for _, text in link_reasons(link)]


def doubtful_reasons(link: BitextLink) -> List[str]:
    """The reasons of :func:`explain_link` of the kinds that predict a wrong unit among those at
    or above the memory's threshold (:data:`PREDICTIVE_KINDS`): what report.html lists."""
    return [text for kind, text in link_reasons(link) if kind in PREDICTIVE_KINDS]


def link_reasons(link: BitextLink) -> List[Tuple[str, str]]:
    """(kind, reason) of every reason :func:`explain_link` gives, kinds from :data:`REASON_KINDS`."""
    if link.is_unaligned:
        side = "source" if link.src_ids else "target"
        return [("unaligned", f"the {side} sentence has no counterpart on the other side")]
    reasons: List[Tuple[str, str]] = []
    if link.src.strip() and link.src.strip() == link.tgt.strip():
        reasons.append(("identical", "source and target are identical: not translated"))
    for side in ("src", "tgt"):
        reason = _language_reason(link, side)
        if reason:
            reasons.append(("language", reason))
    if link.scores.get("semantic", 1.0) < SEMANTIC_DOUBT:
        reasons.append(("meaning", f"the sentences mean different things (meaning {link.scores['semantic']:.2f})"))
    if link.scores.get("mt", 1.0) < MT_DOUBT:
        reasons.append(("mt", "the machine translation of the source says something else "
                              f"(agreement {link.scores['mt']:.2f})"))
    reasons.extend(("numbers", reason) for reason in _number_reasons(link))
    z = length_z(link)
    if abs(z) > LENGTH_Z_DOUBT:  # positive: the target is longer than the language pair makes it
        longer, shorter = ("target", "source") if z > 0 else ("source", "target")
        reasons.append(("length", f"the {longer} is much longer than a translation of the {shorter} would be "
                                  f"(length z = {z:+.1f})"))
    sentences = len(link.src_ids) + len(link.tgt_ids)
    if sentences > MERGED_SENTENCES_DOUBT:
        reasons.append(("merged", f"the unit joins {sentences} sentences ({link.link_type}): part of it may have no "
                                  "translation on the other side"))
    if link.similarity is not None and "align_embed" in link.scores and link.similarity < ALIGNER_DOUBT:
        reasons.append(("aligner", f"the aligner was unsure of this link (similarity {link.similarity:.2f})"))
    margin = link.scores.get("align_path_margin")
    if margin is not None and margin < PATH_MARGIN_DOUBT:
        reasons.append(("path_margin", f"the aligner nearly joined or split these sentences another way (path margin "
                                       f"{margin:.3f}): a neighbouring sentence may belong here, or part of this one "
                                       "elsewhere"))
    reason = _punctuation_reason(link)
    if reason:
        reasons.append(("punctuation", reason))
    return reasons
