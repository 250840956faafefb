"""Normalisation for matching. The original text is never replaced by what this returns.

Persian and Arabic text from the web mixes code points that look identical (Arabic yeh and kaf in
Persian text, presentation forms, tatweel, three digit scripts); two sentences that a reader sees
as equal must get the same key. What is deliberately *kept*: ZWNJ (U+200C), which separates
Persian morphemes (می‌خواهم), and the order of characters (no visual reordering or reshaping).
Persian ZWNJ repair (inserting a missing ZWNJ) is not attempted: the space/ZWNJ choice is
ambiguous without a lexicon, and a wrong repair would break matching instead of helping it.
"""

from __future__ import annotations

import re
import unicodedata

import regex

TATWEEL = "\u0640"
ZWNJ = "\u200c"

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ARABIC_DECIMAL_SEPARATOR = "\u066b"  # ٫
ARABIC_THOUSANDS_SEPARATOR = "\u066c"  # ٬

# Harakat, tanwin, shadda, sukun, maddah/hamza above/below marks, superscript alef,
# and Quranic annotation marks: they change pronunciation, not the word a reader matches.
_DIACRITIC_CHARS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
DIACRITICS = re.compile(f"[{_DIACRITIC_CHARS}]")
# Presentation forms, which only NFKC folds to the letters they draw.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")

_DIGITS = {ord(c): str(i) for i, c in enumerate(PERSIAN_DIGITS)}
_DIGITS.update({ord(c): str(i) for i, c in enumerate(ARABIC_INDIC_DIGITS)})
_DIGITS[ord(ARABIC_DECIMAL_SEPARATOR)] = "."
_DIGITS[ord(ARABIC_THOUSANDS_SEPARATOR)] = ","

_COMMON = dict(_DIGITS)
_COMMON[ord(TATWEEL)] = None

# Persian: Arabic yeh, alef maqsura and kaf become their Persian forms; teh marbuta and
# heh-with-yeh-above are spelled with heh in Persian.
_PERSIAN = dict(_COMMON)
_PERSIAN.update({ord("ي"): "ی", ord("ى"): "ی", ord("ك"): "ک", ord("ۀ"): "ه", ord("ة"): "ه"})

# Arabic: hamzated and wasla alefs match bare alef; Persian yeh/kaf typed on Persian keyboards
# become their Arabic forms; alef maqsura matches yeh, a frequent spelling variation.
_ARABIC = dict(_COMMON)
_ARABIC.update({ord(c): "ا" for c in "أإآٱ"})
_ARABIC.update({ord("ی"): "ي", ord("ى"): "ي", ord("ک"): "ك"})

_TABLES = {"fa": _PERSIAN, "ar": _ARABIC}


class _CharMap:
    """A character table applied with one regex pass: str.translate looks every character up in
    a dict, which is 3-4 times slower on Persian/Arabic text where only a few characters change."""

    def __init__(self, table):
        self._replacement = {chr(k): v or "" for k, v in table.items()}
        self._pattern = re.compile("[" + re.escape("".join(self._replacement)) + "]")
        self._replace = lambda match: self._replacement[match.group()]

    def __call__(self, text: str) -> str:
        return self._pattern.sub(self._replace, text)


_MAPS = {lang: _CharMap(table) for lang, table in _TABLES.items()}
_MAP_COMMON = _CharMap(_COMMON)
_MAP_DIGITS = _CharMap(_DIGITS)


def _fold_presentation_forms(text: str) -> str:
    if _PRESENTATION_FORMS.search(text):
        text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text


def normalise_digits(text: str) -> str:
    """Persian and Arabic-Indic digits (and ٫ ٬ separators) to ASCII; nothing else changes."""
    return _MAP_DIGITS(text)


def normalise(text: str, lang: str, strip_diacritics: bool = True) -> str:
    """The matching key of ``text`` in language ``lang`` (fa, ar, en or anything else).

    Folds presentation forms, unifies letter variants for the language, maps digits to ASCII,
    removes tatweel (and diacritics unless ``strip_diacritics`` is False) and collapses
    whitespace. ZWNJ is preserved.
    """
    text = _fold_presentation_forms(text)
    text = _MAPS.get(lang, _MAP_COMMON)(text)
    if strip_diacritics:
        text = DIACRITICS.sub("", text)
    # str.split() splits on Unicode whitespace only; ZWNJ is not whitespace and survives.
    return " ".join(text.split())


_ENCODER_MARKS = re.compile(f"[{_DIACRITIC_CHARS}{TATWEEL}]")
ALEF_WASLA, ALEF = "\u0671", "\u0627"
# Real writing stacks a few combining marks on a letter (Vietnamese, Hebrew points, Indic and
# Tibetan signs: two to five); "zalgo" text stacks hundreds, each its own encoder token.
MAX_STACKED_MARKS = 8
_MARKS_PAST_THE_STACK = regex.compile(rf"(?<=[\p{{Mn}}\p{{Me}}]{{{MAX_STACKED_MARKS}}})[\p{{Mn}}\p{{Me}}]+")


def encoder_text(text: str) -> str:
    """What a neural sentence encoder is given for ``text`` (matching only, like normalise):
    presentation forms folded, Arabic-script diacritics and tatweel removed, alef wasla (ٱ,
    Quranic spelling) written as alef. Letters, digits, ZWNJ, spacing and order are kept, so
    undiacritised text (news) reaches the encoder unchanged.

    Why: fully vocalised Arabic (hadith, Quran) tokenises into about four times as many pieces
    as the same words without marks (multilingual-e5: 2,273 against 600 tokens for the first
    hadith of the benchmark), pieces the encoder rarely saw in the web text it learnt from;
    without the marks the hadith stress case aligns twice as well, and encodes six times faster.
    Combining marks past the MAX_STACKED_MARKS-th on one letter are dropped too, so a line of
    "zalgo" text costs the encoder about a token per letter instead of one per mark.
    """
    text = _fold_presentation_forms(text)
    text = _ENCODER_MARKS.sub("", text).replace(ALEF_WASLA, ALEF)
    return _MARKS_PAST_THE_STACK.sub("", text)
