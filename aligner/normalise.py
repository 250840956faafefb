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

TATWEEL = "\u0640"
ZWNJ = "\u200c"

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
ARABIC_DECIMAL_SEPARATOR = "\u066b"  # ٫
ARABIC_THOUSANDS_SEPARATOR = "\u066c"  # ٬

# Harakat, tanwin, shadda, sukun, maddah/hamza above/below marks, superscript alef,
# and Quranic annotation marks: they change pronunciation, not the word a reader matches.
DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")
# Presentation forms, which only NFKC folds to the letters they draw.
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_WHITESPACE = re.compile(r"\s+")

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


def normalise_digits(text: str) -> str:
    """Persian and Arabic-Indic digits (and ٫ ٬ separators) to ASCII; nothing else changes."""
    return text.translate(_DIGITS)


def normalise(text: str, lang: str, strip_diacritics: bool = True) -> str:
    """The matching key of ``text`` in language ``lang`` (fa, ar, en or anything else).

    Folds presentation forms, unifies letter variants for the language, maps digits to ASCII,
    removes tatweel (and diacritics unless ``strip_diacritics`` is False) and collapses
    whitespace. ZWNJ is preserved.
    """
    text = _PRESENTATION_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = text.translate(_TABLES.get(lang, _COMMON))
    if strip_diacritics:
        text = DIACRITICS.sub("", text)
    return _WHITESPACE.sub(" ", text).strip()
