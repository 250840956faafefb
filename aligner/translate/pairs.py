"""Which languages a model folder translates, from what the folder holds.

Converted OPUS-MT folders carry no metadata of their own, so the pair is read, in this order,
from: metadata.json (Argos packages; written by `aligner models install`), the model card
(README.md, as Hugging Face's Helsinki-NLP cards and OPUS-MT/Tatoeba-Challenge downloads write
it: "* source language(s): eng", "- tgt_alpha2: ar", ...), and the folder name, where two
adjacent language codes are looked for (``opus-mt-fa-en-ct2``, ``opus-mt-tc-big-en-ar``).
Only codes of the languages aligner translates are recognised, in their ISO 639-1, 639-2 and
639-3 forms, so ``opus-mt`` is never read as Maltese.

Multi-target OPUS-MT models (Tatoeba-Challenge eng-ara and the like) choose the output language
by a ``>>xxx<<`` first source token; ``target_tokens`` finds them in the vocabulary.
"""

from __future__ import annotations

import re
from typing import Dict, Iterable, Optional, Tuple

Pair = Tuple[Optional[str], Optional[str]]

# ISO 639 codes of each language aligner translates, the preferred >>xxx<< token first
# (Tatoeba-Challenge labels Standard Arabic 'ara' and Iranian Persian 'pes').
CODES = {"fa": ("pes", "fas", "per", "fa"), "ar": ("ara", "arb", "ar"), "en": ("eng", "en")}
LANGUAGE_OF = {code: lang for lang, codes in CODES.items() for code in codes}
_CARD_FIELD = re.compile(r"^[\s*\-]*(source|src|target|tgt)[ _](?:languages?(?:\(s\))?|alpha2|constituents)\s*:(.*)$",
                         re.IGNORECASE | re.MULTILINE)
CARD_BYTES = 64 << 10  # a model card is read up to here; the fields sit at its top or in its System Info


def _one_language(codes: Iterable[str]) -> Optional[str]:
    found = {LANGUAGE_OF[code] for code in codes if code in LANGUAGE_OF}
    return found.pop() if len(found) == 1 else None


def pair_from_card(text: str) -> Pair:
    """(source, target) from a model card; None for a side naming no language, or several."""
    sides: Dict[str, list] = {"source": [], "target": []}
    for match in _CARD_FIELD.finditer(text):
        side = "source" if match.group(1).lower() in ("source", "src") else "target"
        sides[side].extend(re.findall(r"(?<![a-z])[a-z]{2,3}(?![a-z])", match.group(2).lower()))
    return _one_language(sides["source"]), _one_language(sides["target"])


def pair_from_name(name: str) -> Pair:
    """The first two adjacent language codes of a folder name, as (source, target)."""
    words = re.split(r"[-_.\s]+", name.lower())
    for first, second in zip(words, words[1:]):
        if first in LANGUAGE_OF and second in LANGUAGE_OF and LANGUAGE_OF[first] != LANGUAGE_OF[second]:
            return LANGUAGE_OF[first], LANGUAGE_OF[second]
    return None, None


def merge(*pairs: Pair) -> Pair:
    """Each side from the first pair that knows it."""
    source = next((s for s, _ in pairs if s), None)
    target = next((t for _, t in pairs if t), None)
    return source, target


def target_tokens(vocabulary: Iterable[str]) -> Dict[str, str]:
    """lang -> the >>xxx<< token selecting it, for a multi-target model's vocabulary."""
    present = {token for token in vocabulary if token.startswith(">>") and token.endswith("<<")}
    found = {}
    for lang, codes in CODES.items():
        token = next((f">>{code}<<" for code in codes if f">>{code}<<" in present), None)
        if token:
            found[lang] = token
    return found
