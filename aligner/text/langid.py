"""Language identification for fa, ar and en from script and letter statistics.

Script decides Latin against Arabic script. Within Arabic script, letters that only Persian uses
(پ چ ژ گ, Persian ی ک, ۰-۹) are weighed against letters and words that only Arabic uses (ة, the
article ال, في/من/على, ٠-٩). Arabic yeh/kaf are weak evidence only: old Persian sites type them.
Where the letters say too little (short lines), py3langid, which ships its model in the wheel,
decides among the three. Other Latin-script languages are recognised with py3langid so that a
German file is not mistaken for English.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Dict, Optional, Tuple

import regex

from ..document import LANGUAGES, Document
from ..errors import InputError


_LETTER = regex.compile(r"\p{L}")
_ARABIC_SCRIPT = regex.compile(r"\p{Arabic}")
_LATIN = regex.compile(r"\p{Latin}")
_WORD = regex.compile(r"[\p{L}\u200c]+")

_PERSIAN_LETTERS = {"پ": 3.0, "چ": 3.0, "ژ": 3.0, "گ": 3.0, "ی": 1.0, "ک": 1.0, "\u200c": 1.0}
_PERSIAN_LETTERS.update({d: 1.0 for d in "۰۱۲۳۴۵۶۷۸۹"})
_ARABIC_LETTERS = {"ة": 2.0, "ى": 0.5, "ي": 0.3, "ك": 0.3, "إ": 1.0, "أ": 0.5, "ؤ": 0.5}
_ARABIC_LETTERS.update({d: 1.0 for d in "٠١٢٣٤٥٦٧٨٩"})
# Function words of one language only, compared after folding yeh/kaf (old Persian sites type
# the Arabic letters: "اينجا نيست" is Persian). من is left out: it is Persian "I", Arabic "from".
_PERSIAN_WORDS = frozenset("""
است را که این می‌شود بود شد کرد برای از با هم آن یک نیز خود نیست هست هستم هستی هستند نه
چه چرا اینجا آنجا خیلی دارم داری دارد باشد بودم کن کنم کنی کند نکن شما ما او آنها ایشان
می نمی رو تو یه دیگه چی کجا کی الان فردا دیروز امروز خوب بله لطفا متاسفم
""".split())
_ARABIC_WORDS = frozenset("""
في على إلى الى التي الذي الذين هذا هذه كان كانت عن أن ان قد لا ما مع هل لم لن أنا أنت نحن
هو هي هم ليس كيف لماذا ماذا أين متى جدا شكرا
""".split())
_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
# Arabic script leaves short vowels unwritten, so its words have fewer letters than their Latin
# transliteration; a line that is half Persian, half Latin names is still Persian.
ARABIC_SCRIPT_WEIGHT = 1.5

# Below this many letters the statistics are too thin and py3langid decides.
MIN_LETTERS_FOR_STATISTICS = 40
# A paragraph language covering at least this share of a document's letters makes it "mixed".
MIXED_SHARE = 0.2
# Letter statistics settle long before this many characters; a 10 MB one-line file is judged
# on its start instead of costing seconds and gigabytes of match objects.
SAMPLE_CHARS = 20000


def script_counts(text: str) -> Tuple[int, int, int]:
    """Letters, Arabic-script characters (letters and digits) and Latin letters in ``text``."""
    letters = len(_LETTER.findall(text))
    return letters, len(_ARABIC_SCRIPT.findall(text)), len(_LATIN.findall(text))


def reads_as_arabic_script(arabic_script: int, latin: int) -> bool:
    """Whether text with these counts is Arabic script (fa/ar) rather than Latin: identify's first step."""
    return arabic_script * ARABIC_SCRIPT_WEIGHT >= latin


def _persian_or_arabic(text: str) -> Tuple[str, float, float]:
    """The likelier of fa/ar, its share of the evidence, and the total evidence weight."""
    persian = sum(_PERSIAN_LETTERS.get(c, 0.0) for c in text)
    arabic = sum(_ARABIC_LETTERS.get(c, 0.0) for c in text)
    for word in _WORD.findall(text):
        if word in _ARABIC_WORDS:
            arabic += 2.0
        elif word.translate(_TO_PERSIAN) in _PERSIAN_WORDS:
            persian += 2.0
        if word.startswith("ال") and len(word) > 3:
            arabic += 0.5
    total = persian + arabic
    if total == 0:
        return "ar", 0.0, 0.0
    return ("fa", persian / total, total) if persian >= arabic else ("ar", arabic / total, total)


@lru_cache(maxsize=None)
def _py3langid(languages: Optional[Tuple[str, ...]]):
    """One py3langid identifier per language set, configured once (restricting a shared one on
    every call would make each caller's result depend on the previous caller's set)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    if languages:
        identifier.set_languages(list(languages))
    return identifier


def _py3langid_classify(text: str, restrict: Optional[Tuple[str, ...]]) -> Tuple[str, float]:
    lang, prob = _py3langid(restrict).classify(text)
    return lang, float(prob)


def identify(text: str) -> Tuple[str, float]:
    """The language of ``text`` and a confidence in [0, 1].

    Returns one of fa/ar/en, or another ISO 639-1 code for Latin-script text that py3langid
    confidently assigns elsewhere, or 'und' when the text has no letters.
    """
    text = text[:SAMPLE_CHARS]
    letters, arabic_script, latin = script_counts(text)
    if letters == 0:
        return "und", 0.0
    if reads_as_arabic_script(arabic_script, latin):
        lang, confidence, evidence = _persian_or_arabic(text)
        # Short lines: trust the letters only when they say something unambiguous.
        enough = letters >= MIN_LETTERS_FOR_STATISTICS or evidence >= 2.0
        if enough and confidence >= (0.7 if letters >= MIN_LETTERS_FOR_STATISTICS else 0.8):
            return lang, confidence
        return _py3langid_classify(text, ("fa", "ar"))
    lang, prob = _py3langid_classify(text, None)
    if lang != "en" and prob >= 0.9 and letters >= MIN_LETTERS_FOR_STATISTICS:
        return lang, prob
    return "en", latin / letters


def paragraph_languages(document: Document) -> Dict[str, int]:
    """Letters per identified language, paragraph by paragraph."""
    shares: Counter = Counter()
    for paragraph in document.paragraphs:
        text = document.paragraph_text(paragraph)
        sample = text[:SAMPLE_CHARS]
        letters = len(_LETTER.findall(sample)) * len(text) // max(1, len(sample))
        if letters:
            shares[identify(sample)[0]] += letters
    return dict(shares)


def identify_document(document: Document) -> str:
    """Set and return ``document.lang`` from its whole text; flag mixed documents.

    Raises InputError when the document is not in Persian, Arabic or English.
    """
    shares = paragraph_languages(document)
    total = sum(shares.values())
    if not total:
        raise InputError(f"{document.doc_id}: no letters, cannot tell its language")
    lang = max(shares, key=shares.get)
    if lang not in LANGUAGES:
        raise InputError(f"{document.doc_id}: looks like {lang!r}, not Persian, Arabic or English "
                         "(pass --lang to force a language)")
    minor = {code: n / total for code, n in shares.items() if code != lang and n / total >= MIXED_SHARE}
    document.mixed_languages = {lang: shares[lang] / total, **minor} if minor else None
    document.lang = lang
    return lang


def check_language(document: Document, expected: str, option: str = "--lang") -> None:
    """Reject a document whose text is confidently in another of fa/ar/en than ``expected``;
    ``option`` is the command-line option that said ``expected``, for the message."""
    if expected not in LANGUAGES:
        return
    shares = paragraph_languages(document)
    total = sum(shares.values())
    if not total:
        return
    found = max(shares, key=shares.get)
    # Only a clash between two supported languages is an error: text in another language forced
    # to one of them is what identify_document's "pass --lang to force" asks for.
    if found != expected and found in LANGUAGES and shares[found] / total >= 0.8:
        raise InputError(f"{document.doc_id}: text is {found!r} but {option} says {expected!r}")
