"""The numbers, percentages and months a sentence mentions, the way fa/ar/en news writes them.

A date or an amount said two ways must read the same: «800 هزار» = 800,000, «۲٫۵ میلیون» =
2.5 million = 2,500,000, «نهم ژوئیه» = July 9, «٥٠ بالمئة» = 50 % = «۵۰ درصد», «١٢ تموز» = 12
يوليو = July 12. Digits of every script count (۰-۹, ٠-٩, 0-9; ٫ decimal and ٬ thousands
separators; a dot before three digits is also read as a thousands separator, and in Persian a
slash as a decimal one, «۲/۵» = 2.5, besides the fraction 2/5); a scale word after a number
multiplies it; small numbers and ordinals written as words (one … twenty and first … twentieth in
English and Persian; the same in Arabic, where eleven … nineteen and eleventh … nineteenth are two
words, «القرن التاسع عشر» = 19th century, and a dual noun says two, ساعتين = two hours), the
hundreds (two hundred, پانصد, ثلاثمائة) and month names (Gregorian months in English, Persian,
and both Arabic naming systems: يناير … and كانون الثاني …) are read too, and Persian dates of the
Solar Hijri calendar as the Gregorian date a translation gives («۱۵ مهر ۱۴۰۲» = 7 October 2023,
:mod:`.solar_calendar`); a lunar Hijri date, which translations drop, is not read. Numbers joined
from words («بیست و پنج», «خمسة وعشرون», twenty-five), halves («دو و نیم میلیون»), dates in
digits, decades («دهه ۹۰», التسعينيات) and times after noon ("8:30 pm") read as their value.

Digits glued to Latin letters (km2, CO2, A380, 4x4) or after capitalised letters and a hyphen
(COVID-19, SARS-CoV-2) are part of a code or unit, not an amount: they are read like words.

Words are weaker evidence than digits: «یک» is also "a", «نه» also "no", "May" also a verb. So a
number written in words, or inside a code (``spelled``), agrees with the same number in digits on
the other side, but a word-number the other side lacks says nothing; a month or a code's number
the other side lacks says nothing unless the other side has a different month, or number, left
over ("COVID-26" for «کووید-۱۹» is a changed figure). Sides are compared by the values
they name, not by how often: a translation repeats a figure or says it once for two mentions.
But a figure left over on one side is a changed one, not an unpaired one, when the other side
has a stand-in for it: a value it says more often, or a number it spells (unmatched_quantities).
The text is only read, never changed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Dict, Iterable, List, Optional, Tuple

from ..text.normalise import DIACRITICS, TATWEEL, ZWNJ, normalise_digits
from . import solar_calendar

NUMBER, PERCENT, MONTH = "number", "percent", "month"
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")


@dataclass(frozen=True)
class Quantity:
    """One mention: ``value`` is canonical ("800000", "2.5", "50%", "July"), ``kind`` one of
    number/percent/month, ``spelled`` when it is weak evidence (read from words only, or from the
    digits of a code such as km2), ``text`` as written, ``alternative`` another reading of ambiguous
    digits."""

    value: str
    kind: str
    spelled: bool
    text: str
    # another reading of the same digits, or "": '104.500' is 104.5, or 104,500 with a dot between
    # thousands as Persian and European text write it
    alternative: str = ""
    # read from the digits of a code (km2, COVID-19): no evidence alone, but a code number the
    # other side gives differently ("COVID-26" for «کووید-۱۹») is a substitution
    code: bool = False
    # converted from what was written: a Solar Hijri date as its Gregorian value («۱۵ مهر» as 7),
    # a decade («دهه ۹۰» as 1990), a time after noon ("8:30 pm" as 20.30); ``text`` says what was written
    converted: bool = False


# One letter fold for Persian and Arabic words, so that one table serves every spelling:
# hamzated alefs, Arabic/Persian yeh and kaf, teh marbuta and heh with yeh above.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه",
                       "ۀ": "ه", TATWEEL: None})


def _fold(word: str) -> str:
    return DIACRITICS.sub("", word).translate(_FOLD).lower()


def _table(entries: Dict[str, object]) -> Dict[str, object]:
    return {_fold(word): value for word, value in entries.items()}


_SCALES = {
    "en": _table({"hundred": 10**2, "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
                  "bn": 10**9, "dozen": 12}),  # "two dozen" = 24; "dozens", "hundreds" are no figure
    "fa": _table({"هزار": 10**3, "میلیون": 10**6, "ملیون": 10**6, "میلیارد": 10**9, "بیلیون": 10**9,
                  "تریلیون": 10**12}),
    "ar": _table({"ألف": 10**3, "ألفا": 10**3, "آلاف": 10**3, "مليون": 10**6, "مليونا": 10**6,
                  "ملايين": 10**6, "مليار": 10**9, "مليارا": 10**9, "مليارات": 10**9, "بليون": 10**9,
                  # duals say two of the scale: ألفين = 2,000, مليونان = 2,000,000
                  "ألفان": 2 * 10**3, "ألفين": 2 * 10**3, "مليونان": 2 * 10**6, "مليونين": 2 * 10**6,
                  "ملياران": 2 * 10**9, "مليارين": 2 * 10**9,
                  "ترليون": 10**12, "تريليون": 10**12}),
}


# English news abbreviates million and thousand right after the digits ($5m, 20mn, 5k), where the
# same letters also write metres and kilometres (the 100m final, a 5k run): such a number reads
# as the scaled amount, its digits alone the alternative reading.
_ATTACHED_SCALES = {"m": 10**6, "mn": 10**6, "k": 10**3}


# Arabic plural scale words count after a number (٣ آلاف = 3,000); alone they say "thousands of".
_PLURAL_SCALES = {_fold(word) for word in ("آلاف", "ملايين", "مليارات")}


def _counting(words: str, start: int = 1, step: int = 1) -> Dict[str, int]:
    """{word: its number} for space-separated words counting up from ``start`` (in ``step``s)."""
    return {word: (start + i) * step for i, word in enumerate(words.split())}


# Up to twenty and the tens in English and Persian (centuries and dates: «قرن پانزدهم» = 15th
# century). Arabic cardinals stop at ten, then the tens, which with the article are also ordinals
# (القرن العشرين); the ordinals eleventh … nineteenth are two words, unit + عشر (feminine …ة
# عشرة; eleventh with حادي): «القرن الخامس عشر» = 15th century. The numbers between are joined
# from these words (_spelled_number).
_FA_ORDINALS = ("یکم دوم سوم چهارم پنجم ششم هفتم هشتم نهم دهم یازدهم دوازدهم سیزدهم چهاردهم پانزدهم "
                "شانزدهم هفدهم هجدهم نوزدهم بیستم")
_FA_TENS_ORDINALS = "سی‌ام چهلم پنجاهم شصتم هفتادم هشتادم نودم"
_AR_TENS = "عشرون/عشرين ثلاثون/ثلاثين أربعون/أربعين خمسون/خمسين ستون/ستين سبعون/سبعين ثمانون/ثمانين تسعون/تسعين"
# The decades: العشرينيات (or العشرينات) … التسعينيات, {folded word: its tens}.
_AR_DECADES = {_fold(stem + ending): tens for stem, tens in _counting(
    "عشرين ثلاثين أربعين خمسين ستين سبعين ثمانين تسعين", 2, step=10).items() for ending in ("يات", "ات")}
_AR_TEEN_UNITS = "حادي ثاني ثالث رابع خامس سادس سابع ثامن تاسع"
_AR_TEEN_UNITS_FEMININE = "حادية ثانية ثالثة رابعة خامسة سادسة سابعة ثامنة تاسعة"
_AR_TEEN_CARDINALS = "أحد اثنا ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة"
_AR_TEEN_CARDINALS_FEMININE = "إحدى اثنتا ثلاث أربع خمس ست سبع ثماني تسع"
# The duals of the nouns news counts with, in both cases (nominative -ان, oblique -ين).
_AR_DUALS = ("ساعتان ساعتين يومان يومين سنتان سنتين عامان عامين شهران شهرين أسبوعان أسبوعين دقيقتان دقيقتين "
             "مرتان مرتين")
_SMALL = {
    "en": _table({**_counting("one two three four five six seven eight nine ten eleven twelve thirteen "
                              "fourteen fifteen sixteen seventeen eighteen nineteen twenty"),
                  **_counting("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                              "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
                              "twentieth"),
                  **_counting("thirty forty fifty sixty seventy eighty ninety", 3, step=10),
                  **_counting("thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth", 3, step=10)}),
    "fa": _table({**_counting("یک دو سه چهار پنج شش هفت هشت نه ده یازده دوازده سیزده چهارده پانزده شانزده هفده "
                              "هجده نوزده بیست"), "هیجده": 18, "هیجدهم": 18, **_counting(_FA_ORDINALS),
                  **{word + "ین": value for word, value in _counting(_FA_ORDINALS).items()},  # دومین
                  "اول": 1, "اولین": 1, "نخست": 1, "نخستین": 1,
                  # the tens after twenty, and their ordinals (سی‌ام = 30th)
                  **_counting("سی چهل پنجاه شصت هفتاد هشتاد نود", 3, step=10),
                  **{word + suffix: value for word, value in _counting(_FA_TENS_ORDINALS, 3, step=10).items()
                     for suffix in ("", "ین")},
                  # the hundreds, one word each
                  **_counting("صد دویست سیصد چهارصد پانصد ششصد هفتصد هشتصد نهصد", 1, step=100),
                  "یکصد": 100}),
    # masculine and feminine forms of the cardinals and of the ordinals
    "ar": _table({**_counting("واحد اثنان ثلاثة أربعة خمسة ستة سبعة ثمانية تسعة عشرة"),
                  **_counting("واحدة اثنتان ثلاث أربع خمس ست سبع ثماني تسع عشر"),
                  "اثنين": 2, "اثنتين": 2, "ثمان": 8,
                  **_counting("أول ثاني ثالث رابع خامس سادس سابع ثامن تاسع عاشر"),
                  **_counting("أولى ثانية ثالثة رابعة خامسة سادسة سابعة ثامنة تاسعة عاشرة"),
                  **{f"{unit} عشر": value for unit, value in _counting(_AR_TEEN_UNITS, 11).items()},
                  **{f"{unit} عشرة": value for unit, value in _counting(_AR_TEEN_UNITS_FEMININE, 11).items()},
                  # the cardinals eleven … nineteen, two words as the ordinals (خمسة عشر عاما)
                  **{f"{unit} عشر": value for unit, value in _counting(_AR_TEEN_CARDINALS, 11).items()},
                  **{f"{unit} عشرة": value for unit, value in _counting(_AR_TEEN_CARDINALS_FEMININE, 11).items()},
                  "اثني عشر": 12, "اثنتي عشرة": 12,
                  # the tens, nominative and oblique; with the article also the ordinals (القرن العشرين)
                  **{word: value for pair, value in _counting(_AR_TENS, 2, step=10).items()
                     for word in pair.split("/")},
                  # one as the unit of a compound ordinal: الحادي والعشرين = 21st
                  "حادي": 1, "حادية": 1,
                  # a dual noun says "two" without the number: ساعتين = two hours
                  **{noun: 2 for noun in _AR_DUALS.split()},
                  # the hundreds, one word each, with مائة or مئة (two hundred also before its noun: مئتي شخص)
                  "مائة": 100, "مئة": 100,
                  **{word: 200 for word in "مئتان مئتين مئتا مئتي مائتان مائتين مائتا مائتي".split()},
                  **{f"{unit}{hundred}": value for hundred in ("مائة", "مئة")
                     for unit, value in _counting("ثلاث أربع خمس ست سبع ثمان تسع", 3, step=100).items()}}),
}
_ABBREVIATIONS = {"January": ("Jan",), "February": ("Feb",), "April": ("Apr",), "June": ("Jun",), "July": ("Jul",),
                  "August": ("Aug",), "September": ("Sep", "Sept"), "October": ("Oct",), "November": ("Nov",),
                  "December": ("Dec",)}
_MONTHS = {
    # English month names count only capitalised ("may", "march" are words too).
    "en": _table({**{name: name for name in MONTH_NAMES},
                  # abbreviated, beside a day only ("Oct. 15", "15 Sept"): "Jan" and "Jun" are names too
                  **{abbreviation: name for name, abbreviations in _ABBREVIATIONS.items()
                     for abbreviation in abbreviations}}),
    # «می» (May) is left out: it is also the verb prefix, written with a space in much Persian text.
    "fa": _table(dict(zip("ژانویه فوریه مارس آوریل مه ژوئن ژوئیه اوت سپتامبر اکتبر نوامبر دسامبر".split(), MONTH_NAMES),
                      **{"جولای": "July", "آگوست": "August", "اگوست": "August", "آوریل": "April"})),
    "ar": _table({**dict(zip("يناير فبراير مارس أبريل مايو يونيو يوليو أغسطس سبتمبر أكتوبر نوفمبر ديسمبر".split(),
                             MONTH_NAMES)),
                  # the Levantine/Iraqi names (Syriac), some of two words
                  **dict(zip(["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول",
                              "تشرين الأول", "تشرين الثاني", "كانون الأول"], MONTH_NAMES)),
                  "إبريل": "April", "ابريل": "April", "يونيه": "June", "يوليه": "July"}),
}
_PERCENT_WORDS = {
    "en": _table({"percent": True, "per cent": True, "pct": True, "percentage": True}),
    "fa": _table({"درصد": True, "در صد": True}),
    "ar": _table({"بالمئة": True, "بالمائة": True, "في المئة": True, "في المائة": True, "المئة": True}),
}
# Persian joins the ezafe to a word ending in a vowel with ZWNJ (ژوئیه‌ی ۲۰۲۰).
_EZAFE = ("ی", "ای")
_PERCENT_SIGNS = "%\u066a"  # % and the Arabic percent sign ٪
# Arabic attaches conjunctions and prepositions to the next word (وثلاثة، بمليون، الخامس).
_ARABIC_PREFIXES = ("و", "ف", "ب", "ل", "ال", "وال", "بال", "لل")

# Digits with decimal or thousands parts (after mapping the digits to ASCII; the Arabic comma
# separates thousands in Persian text: 400،000).
_DIGIT_RUN = r"\d+(?:[.,\u060c]\d+)*"
# A code or unit: Latin letters and digits with a letter directly before a digit (km2, CO2, A380,
# H1N1, MP3, G20, 4x4, v2.0), or capitalised letters joined by a hyphen to digits (COVID-19,
# SARS-CoV-2, F-16). Its digits name a thing, not an amount. Letters only after the digits are a
# unit or suffix of an amount (5km, 19th, 1990s, 2.5bn), and lower-case letters before a hyphen an
# English word joined to one (mid-2020, pre-1990): those stay numbers.
_CODE = r"(?:[A-Za-z\d]*[A-Za-z]|(?=[a-z]*[A-Z])[A-Za-z]+-)\d(?:[A-Za-z\d]|[.,]\d)*"
# Two numbers joined by one slash, the second of at most three digits: Persian writes its decimal
# separator so («۲/۵ میلیون» = 2.5 million), and a fraction or a pair is written so too (1/5 inch,
# 24/7). Dates and ranges (1400/01/05, 1977/1978) are not: more slashes or longer parts.
_SLASHED = r"(?<![\d/])\d+/\d{1,3}(?![\d/])"
# A date in digits: year, month and day (2023/10/05, 2023-10-05, Persian «۱۴۰۲/۰۷/۱۵») or day,
# month and year (5/10/2023; 10/5/2023 in American English).
_NUMERIC_DATE = r"(?<![\d/.-])(?:\d{4}[/-]\d{1,2}[/-]\d{1,2}|\d{1,2}[/-]\d{1,2}[/-]\d{4})(?![\d/-])"
# A date, a code, a slashed pair, a clock time (hours:minutes), a number, a word (Persian words
# keep their ZWNJ), or a percent sign.
_TOKEN = re.compile(rf"(?P<date>{_NUMERIC_DATE})|(?P<code>{_CODE})"
                    rf"|(?P<number>{_SLASHED}|\d{{1,2}}:\d{{2}}(?!\d)|{_DIGIT_RUN})"
                    rf"|(?P<word>[^\W\d_]+(?:{ZWNJ}[^\W\d_]+)*)"
                    rf"|(?P<sign>[{_PERCENT_SIGNS}])")
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


def _canonical(value: Decimal) -> str:
    """800000 (not 8E+5), 2.5 (not 2.50)."""
    return format(value.normalize(), "f")


def _digit_values(token: str) -> List[Tuple[Decimal, str]]:
    """(value, alternative reading or ""): '1,000' = 1000, '1,5' = 1.5, '09' = 9, '12:30' = 12.30
    (English news writes 12.30 GMT where Persian and Arabic write ۱۲:۳۰), '104.500' = 104.5 or
    104500, '1.234.567' = 1234567; '1.2.3' (a version or a date) is its parts."""
    token = token.replace("\u060c", ",")
    if _THOUSANDS.match(token):
        token = token.replace(",", "")
    token = token.replace(",", ".").replace(":", ".")
    if _DOT_THOUSANDS.match(token):
        whole = Decimal(token.replace(".", ""))
        if token.count(".") > 1:
            return [(whole, "")]
        return [(Decimal(token), _canonical(whole))]
    if token.count(".") > 1:
        return [(Decimal(part), "") for part in token.split(".")]
    return [(Decimal(token), "")]


def _slashed_values(token: str, scale: int, decimal: bool) -> List[Tuple[Decimal, str]]:
    """The two numbers of '2/5', the scale word after it multiplying the second (as '5 million'
    reads); with ``decimal`` (Persian text), each has the decimal reading, scaled, as its
    alternative: «۲/۵ میلیون» pairs with "2.5 million", «۱/۵ اینچ» still with "1/5 inch"."""
    whole, fraction = token.split("/")
    reading = _canonical(Decimal(f"{whole}.{fraction}") * scale) if decimal else ""
    return [(Decimal(whole), reading), (Decimal(fraction) * scale, reading)]


class _Tables:
    """The word tables for a language (all languages for None; none for a language without tables)."""

    def __init__(self, lang: Optional[str]):
        langs = list(_SCALES) if lang is None else [lang] if lang in _SCALES else []
        self.arabic = lang in (None, "ar")
        self.english = lang in (None, "en")
        self.persian = lang in (None, "fa")
        self.scales = _merged(_SCALES, langs)
        self.small = _merged(_SMALL, langs)
        self.months = _merged(_MONTHS, langs)
        self.percent = _merged(_PERCENT_WORDS, langs)

    def lookup(self, table: Dict[str, object], word: str):
        """The word's entry, also after an Arabic clitic prefix or a Persian ezafe/ZWNJ suffix."""
        folded = _fold(word)
        if folded in table:
            return table[folded]
        stem, _, suffix = folded.partition(ZWNJ)
        if suffix in _EZAFE and stem in table:
            return table[stem]
        if self.arabic:
            for prefix in _ARABIC_PREFIXES:
                if folded.startswith(_fold(prefix)) and folded[len(_fold(prefix)):] in table:
                    return table[folded[len(_fold(prefix)):]]
        return None


def _merged(tables: Dict[str, Dict[str, object]], langs: Iterable[str]) -> Dict[str, object]:
    merged: Dict[str, object] = {}
    for lang in langs:
        merged.update(tables[lang])
    return merged


# Number words whose other sense is common enough that a changed figure cannot be read from them.
_AMBIGUOUS_WORDS = {_fold("نه"), "second"}

_TABLE_CACHE: Dict[Optional[str], _Tables] = {}


def _tables(lang: Optional[str]) -> _Tables:
    if lang not in _TABLE_CACHE:
        _TABLE_CACHE[lang] = _Tables(lang)
    return _TABLE_CACHE[lang]


def quantities(text: str, lang: Optional[str] = None) -> List[Quantity]:
    """Every number, percentage and month ``text`` mentions, in order. ``lang`` (fa, ar, en)
    picks the word tables (None: all three; another language: digits only)."""
    tables = _tables(lang)
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(normalise_digits(text))]
    if tables.persian:
        tokens = [piece for token in tokens for piece in _joined_number_words(tables, token)]
    found: List[Quantity] = []
    i = 0
    while i < len(tokens):
        kind, token, start = tokens[i]
        if kind == "code":
            found.extend(_code_numbers(token))
            i += 1
            continue
        if kind == "date":
            found.extend(_numeric_date(tables, token))
            i += 1
            continue
        small, small_width = _spelled_number(tables, tokens, i)
        if tables.persian or tables.arabic or tables.english:
            date, width = _hijri_date(tables, tokens, i, small, small_width)
            if date is not None:
                found.extend(date)
                i += width
                continue
        if tables.persian and kind == "word" and _fold(token) == _DECADE_WORD:
            decade = _persian_decade(tables, tokens, i + 1)
            if decade is not None:
                found.append(decade)
                i += 2
                continue
        if tables.arabic and kind == "word" and tables.lookup(_AR_DECADES, token) is not None:
            decade, width = _arabic_decade(tables, tokens, i)
            found.append(decade)
            i += width
            continue
        # A month first: «كانون الأول» is December, not "first".
        month, width = _month(tables, tokens, i)
        if month is not None:
            found.append(Quantity(month, MONTH, False, _text_of(tokens, i, i + width)))
            i += width
            continue
        if kind == "number" or small is not None:
            numbers, i = _number_at(tables, tokens, i, small, small_width)
            found.extend(numbers)
            continue
        half = _phrase_width(tables, tokens, i, _HALF_OF)
        if half and i + half < len(tokens) and tables.lookup(tables.scales, tokens[i + half][1]) is not None:
            # «نیم میلیون», "half a million": half the scale word after it
            scale = tables.lookup(tables.scales, tokens[i + half][1])
            found.append(Quantity(_canonical(_HALF * scale), NUMBER, True, _text_of(tokens, i, i + half + 1)))
            i += half + 1
            continue
        scale = tables.lookup(tables.scales, token) if kind == "word" and _fold(token) not in _PLURAL_SCALES else None
        if scale is not None:  # "a thousand", «هزار نفر»: the scale word alone ("a hundred and two")
            amount, scale, end = _larger_scales(tables, tokens, i + 1, Decimal(scale), scale)  # «هزار میلیارد»
            amount, end = _compound(tables, tokens, end, amount, scale)
            found.append(Quantity(_canonical(amount), NUMBER, True, _text_of(tokens, i, end)))
            i = end
            continue
        i += 1
    return found


def _number_at(tables: _Tables, tokens, i: int, small: Optional[int],
               small_width: int) -> Tuple[List[Quantity], int]:
    """The quantities of the number at token ``i`` (digits, or a spelled number ``small`` of
    ``small_width`` words) with what it takes after it (and a half, a scale word, pm, a percent
    sign), and the index of the token after them."""
    kind, token, _ = tokens[i]
    slashed = small is None and "/" in token
    values = [(Decimal(small), "")] if small is not None else [] if slashed else _digit_values(token)
    end = i + small_width
    half = _phrase_width(tables, tokens, end, _AND_A_HALF) if len(values) == 1 and not slashed else 0
    if half:  # «دو و نیم میلیون», "two and a half million"; «ساعت ۸ و نیم» is half past eight
        clock = i > 0 and _fold(tokens[i - 1][1]) == _HOUR_WORD
        values = [(values[0][0] + Decimal("0.3"), _canonical(values[0][0] + _HALF)) if clock
                  else (values[0][0] + _HALF, "")]
        end += half
    following = tokens[end][1] if end < len(tokens) and tokens[end][0] == "word" else ""
    scale = tables.lookup(tables.scales, following) if following and (slashed or len(values) == 1) else None
    attached = None  # "5m": a scale letter written onto the digits
    if tables.english and scale is None and len(values) == 1 and not values[0][1] and _adjacent(tokens, end):
        attached = _ATTACHED_SCALES.get(following.lower())
    if scale is not None or attached:
        end += 1
    converted = False
    if (kind == "number" and scale is None and not attached and len(values) == 1 and not values[0][1]
            and 1 <= values[0][0] < 12):
        afternoon = _phrase_width(tables, tokens, end, _AFTERNOON)  # "8:30 pm" = 20:30
        if afternoon:
            values, end = [(values[0][0] + 12, _canonical(values[0][0]))], end + afternoon
            converted = True
    if attached:
        values = [(values[0][0] * attached, _canonical(values[0][0]))]
    elif slashed:
        values = _slashed_values(token, scale or 1, tables.persian)
    elif scale is not None:
        amount, scale, end = _larger_scales(tables, tokens, end, values[0][0] * scale, scale)
        amount, end = _compound(tables, tokens, end, amount, scale)
        values = [(amount, "")]
    percent, end = _percent_after(tables, tokens, end)
    if (tables.persian and not percent and end == i + 1 and kind == "number" and token.isdigit()
            and SOLAR_NEWS_YEARS[0] <= int(token) <= SOLAR_NEWS_YEARS[1]):
        # a year of Iran's news without «سال» («بودجه ۱۴۰۳»): also the Gregorian year it starts in
        values = [(values[0][0], str(int(token) + 621))]
    written = _text_of(tokens, i, end)
    suffix = "%" if percent else ""
    return [Quantity(_canonical(value) + suffix, PERCENT if percent else NUMBER, small is not None, written,
                     alternative + suffix if alternative else "", converted=converted)
            for value, alternative in values], end


def _folded_phrases(phrases: Dict[str, Tuple[str, ...]]) -> Dict[str, List[Tuple[str, ...]]]:
    """{language: its phrases as tuples of folded words}."""
    return {lang: [tuple(_fold(word) for word in phrase.split()) for phrase in phrases[lang]] for lang in phrases}


# After a clock time, the words that put it after noon: "8:30 pm" is 20:30 as Persian and Arabic
# news write it, «۸ بعدازظهر», «الساعة 8 مساءً» likewise; the hour as written is the alternative.
_AFTERNOON = _folded_phrases({"en": ("pm", "p m"), "fa": ("بعدازظهر", "بعد از ظهر", "عصر"), "ar": ("مساء", "مساءا")})
# What marks a year as Solar Hijri: ه.ش (read as ه ش: not the lunar هـ), هجری شمسی, شمسی.
_SOLAR_MARKS = _folded_phrases({"en": (), "fa": ("ه ش", "هجری شمسی", "شمسی"), "ar": ()})
_HALF = Decimal("0.5")
_HOUR_WORD = _fold("ساعت")
# "and a half" after a number («دو و نیم», «مليونان ونصف», "two and a half"), and "half (a)"
# before a scale word («نیم میلیون», «نصف مليون», "half a million").
_AND_A_HALF = _folded_phrases({"en": ("and a half",), "fa": ("و نیم",), "ar": ("ونصف", "و نصف")})
_HALF_OF = _folded_phrases({"en": ("half a", "half"), "fa": ("نیم",), "ar": ("نصف",)})


def _phrase_width(tables: _Tables, tokens, end: int, phrases: Dict[str, List[Tuple[str, ...]]]) -> int:
    """How many words at ``end`` make one of the ``phrases`` of the text's languages (0: none)."""
    langs = [lang for lang, on in (("en", tables.english), ("fa", tables.persian), ("ar", tables.arabic)) if on]
    for lang in langs:
        for phrase in phrases[lang]:
            words = tokens[end:end + len(phrase)]
            if len(words) == len(phrase) and all(kind == "word" and _fold(word) == expected
                                                 for (kind, word, _), expected in zip(words, phrase)):
                return len(phrase)
    return 0


_JOINED_AND = re.compile(f"{ZWNJ}و{ZWNJ}?")


def _joined_number_words(tables: _Tables, token) -> list:
    """A Persian number written as one word, its parts joined by «و» and ZWNJ («بیست‌وپنج»,
    «بیست‌و‌یکمین»), as its words and «و» apart, as _spelled_number reads them; any other
    token as it is."""
    kind, word, start = token
    if kind != "word" or _JOINED_AND.search(word) is None:
        return [token]
    pieces, position = [], 0
    for joint in _JOINED_AND.finditer(word):
        pieces += [("word", word[position:joint.start()], start + position),
                   ("word", "و", start + joint.start() + 1)]
        position = joint.end()
    pieces.append(("word", word[position:], start + position))
    numbers = [piece for _, piece, _ in pieces[::2]]  # the pieces between the joints
    return pieces if all(tables.lookup(tables.small, piece) is not None for piece in numbers) else [token]


def _adjacent(tokens, end: int) -> bool:
    """Does token ``end`` follow the one before it with nothing between ("5m", not "5 m")?"""
    return 0 < end < len(tokens) and tokens[end][2] == tokens[end - 1][2] + len(tokens[end - 1][1])


_AND = {_fold("و")}


def _larger_scales(tables: _Tables, tokens, end: int, amount: Decimal, scale: int
                   ) -> Tuple[Decimal, int, int]:
    """``amount`` (said with ``scale``, ending at ``end``) times the larger scale words that follow
    it ("three hundred thousand" = 300,000), the last scale and where the words end."""
    while end < len(tokens) and tokens[end][0] == "word":
        larger = tables.lookup(tables.scales, tokens[end][1])
        if larger is None or larger <= scale:
            break
        amount, scale, end = amount * larger, larger, end + 1
    return amount, scale, end


def _compound(tables: _Tables, tokens, end: int, amount: Decimal, scale: int) -> Tuple[Decimal, int]:
    """An amount that goes on after its scale word with «و» and a smaller one, in digits or words,
    as Persian and Arabic news write them: «۲ میلیون و ۵۰۰ هزار» = 2,500,000, «۵ هزار و ۲۰۰» =
    5,200, «دو میلیون و پانصد هزار», «ألف وخمسمائة» = 1,500 (و written onto the words); English
    in words, with "and" only after hundred ("one thousand five hundred", "a hundred and two":
    "2 million and 5 of them" is two figures). Returns the whole amount and where it ends
    (``amount`` and ``end`` when it does not go on)."""
    while end < len(tokens) and tokens[end][0] == "word":
        half = _phrase_width(tables, tokens, end, _AND_A_HALF)
        if half:  # «مليونان ونصف» = 2.5 million; half of the scale's power of ten (a dual says two)
            amount += _HALF * 10 ** (len(str(scale)) - 1)
            end += half
            if end < len(tokens) and tables.lookup(tables.scales, tokens[end][1]) == scale:
                end += 1  # «مليون ونصف المليون»
            break
        connector = _fold(tokens[end][1])
        if (connector in _AND and end + 1 < len(tokens) and tokens[end + 1][0] == "number"
                and tokens[end + 1][1].isdigit()):
            part, after = Decimal(tokens[end + 1][1]), end + 2
        else:
            # the words of the smaller amount: after «و» or "and", or with و written onto them
            glued = tables.arabic and connector.startswith("و") and connector not in _AND
            joined = connector in _AND or (tables.english and scale == 100 and connector == "and")
            bare = tables.english and connector.isascii() and not joined  # "one thousand five hundred"
            if not (glued or joined or bare):
                break
            start = end if glued or bare else end + 1
            words, width = _spelled_number(tables, tokens, start)
            if words is None:
                break
            part, after = Decimal(words), start + width
        following = tokens[after][1] if after < len(tokens) and tokens[after][0] == "word" else ""
        smaller = tables.lookup(tables.scales, following) if following else None
        if smaller is not None:
            part, smaller, after = _larger_scales(tables, tokens, after + 1, part * smaller, smaller)
        if part >= scale:  # «۵ هزار و ۲ هزار»: two amounts, not one
            break
        amount, end, scale = amount + part, after, smaller or 1
    return amount, end


# Solar Hijri month names, folded, with the month's number; "ماه" (month) may follow, glued
# («مهرماه»), after a ZWNJ or as a word of its own.
_SOLAR_MONTHS = {_fold(name): number for number, name in enumerate(solar_calendar.MONTHS, 1)}
_MONTH_WORD, _YEAR_WORD, _DECADE_WORD, _AGE_WORD = _fold("ماه"), _fold("سال"), _fold("دهه"), _fold("سالگی")
_CENTURY = {_fold("قرن"): True}  # a table, for the lookup's clitics: القرن
# «سال ۱۳۵۷» … «سال ۱۴۲۰»: 1978 to 2041.
SOLAR_NEWS_YEARS = (1357, 1420)


def _solar_month(word: str) -> Optional[int]:
    folded = _fold(word).replace(ZWNJ, "")
    if folded.endswith(_MONTH_WORD) and folded[:-len(_MONTH_WORD)] in _SOLAR_MONTHS:
        folded = folded[:-len(_MONTH_WORD)]
    return _SOLAR_MONTHS.get(folded)


def _solar_year(tokens, i: int, after_month: bool = False) -> Optional[int]:
    """The Solar Hijri year at ``i``; after a day and month also written with two digits, as
    Persian news often writes it («۱۵ مهر ۹۹» = 1399)."""
    if i < len(tokens) and tokens[i][0] == "number" and tokens[i][1].isdigit():
        year = int(tokens[i][1])
        if after_month and len(tokens[i][1]) == 2:
            year += 1300 if year >= 50 else 1400
        if solar_calendar.FIRST_YEAR <= year <= solar_calendar.LAST_YEAR:
            return year
    return None


# The months of the (lunar) Islamic calendar, as Arabic and Persian write them and as English
# romanises them, folded, without spaces, hyphens, apostrophes or ZWNJ: «١٥ ربيع الأول ١٤٤٥ هـ»,
# «۱۲ ربیع‌الاول», "15 Rabi' al-Awwal 1445 AH" (a translation may keep the date as it was).
_LUNAR_MONTHS = {_fold(name).replace(" ", "").replace(ZWNJ, "").replace("-", "").replace("'", "") for name in (
    "محرم", "صفر", "ربيع الأول", "ربيع الثاني", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "جمادى الثانية",
    "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة", "ذي القعدة", "ذي الحجة",
    "ربیع‌الاول", "ربیع‌الثانی", "جمادی‌الاول", "جمادی‌الاولی", "جمادی‌الثانی", "جمادی‌الثانیه", "ذی‌القعده",
    "ذی‌الحجه",
    "Muharram", "Safar", "Rabi al-Awwal", "Rabi ul-Awwal", "Rabi I", "Rabi al-Thani", "Rabi ul-Thani",
    "Rabi al-Akhir", "Rabi ul-Akhir", "Rabi II", "Jumada al-Awwal", "Jumada al-Ula", "Jumada ul-Awwal", "Jumada I",
    "Jumada al-Thani", "Jumada al-Akhirah", "Jumada al-Akhira", "Jumada ul-Akhir", "Jumada II", "Rajab",
    "Sha'ban", "Shaaban", "Ramadan", "Ramadhan", "Ramazan", "Shawwal", "Dhu al-Qadah", "Dhu al-Qi'dah",
    "Dhul-Qadah", "Dhul-Qi'dah", "Dhu al-Hijjah", "Dhul-Hijjah", "Dhu al-Hijja", "Dhul-Hijja")}
# What marks a year as lunar Hijri, in any of the three languages: ه.ق, هـ (folded to ه) and قمری,
# not ق alone (ق.م is BC); AH, A.H. and Hijri.
_LUNAR_MARK_PHRASES = ("ه ق", "ه", "قمری", "ah", "a h", "hijri")
_LUNAR_MARKS = _folded_phrases({lang: _LUNAR_MARK_PHRASES for lang in ("en", "fa", "ar")})


def _lunar_month_width(tokens, i: int) -> int:
    """How many words the lunar month name at ``i`` takes (0 when there is none)."""
    for width in (3, 2, 1):
        words = tokens[i:i + width]
        if len(words) == width and all(kind == "word" for kind, _, _ in words):
            if "".join(_fold(word) for _, word, _ in words).replace(ZWNJ, "") in _LUNAR_MONTHS:
                return width
    return 0


def _hijri_date(tables: _Tables, tokens, i: int, small: Optional[int], small_width: int
                ) -> Tuple[Optional[List[Quantity]], int]:
    """A date of the Hijri calendars at ``i``: the quantities to compare for it and its width,
    or (None, 1) when none starts there. ``small`` and ``small_width`` are the number in words
    at ``i`` and its words (``_phrase`` of the small numbers), which can be its day.

    Solar (Persian news dates by it): read as its Gregorian day, month and year, which is how its
    translation says it («۱۵ مهر ۱۴۰۲» = 7 October 2023); a year of SOLAR_NEWS_YEARS after «سال»
    or a month as the two Gregorian years it spans («سال ۱۴۰۲», «مهر ۱۴۰۲» = 2023 or 2024).
    Without a year a day falls on one of two Gregorian days (a leap year moves 1 Farvardin), the
    other being the alternative.

    Lunar (Arabic news gives it beside the Gregorian date, «١٥ ربيع الأول ١٤٤٥ هـ الموافق ٣٠
    سبتمبر ٢٠٢٣م»): its day and year are nothing to compare, as a translation drops them, so they
    are read as no quantity at all; so is a year marked هـ. An English translation that keeps
    the date ("15 Ramadan 1445 AH") reads it the same way."""
    kind, token, _ = tokens[i]
    solar_mark = _phrase_width(tables, tokens, i + 1, _SOLAR_MARKS) if kind == "number" and token.isdigit() else 0
    if solar_mark and solar_calendar.FIRST_YEAR <= int(token) <= solar_calendar.LAST_YEAR:
        # «۱۴۰۲ ه.ش», «۱۴۰۲ هجری شمسی»: the two Gregorian years it spans
        first, second = solar_calendar.gregorian_years(int(token))
        return [Quantity(str(first), NUMBER, False, _text_of(tokens, i, i + 1 + solar_mark), str(second),
                         converted=True)], 1 + solar_mark
    lunar_mark = _phrase_width(tables, tokens, i + 1, _LUNAR_MARKS) if kind == "number" and token.isdigit() else 0
    if lunar_mark:
        return [], 1 + lunar_mark  # 1445 هـ
    if tables.persian and kind == "word" and (_fold(token) == _YEAR_WORD or _solar_month(token)):
        # «سال ۱۴۰۲», «مهر ۱۴۰۲» (a month without its day falls in one of two Gregorian months)
        after = i + 1 + (i + 1 < len(tokens) and _fold(tokens[i + 1][1]) == _MONTH_WORD)
        year = _solar_year(tokens, after)
        # Alone, a year may be Gregorian too («سال 1444», the 15th century): only the years of
        # modern Iran's news are read as solar.
        if year is None or not SOLAR_NEWS_YEARS[0] <= year <= SOLAR_NEWS_YEARS[1]:
            return None, 1
        first, second = solar_calendar.gregorian_years(year)
        return [Quantity(str(first), NUMBER, False, _text_of(tokens, i, after + 1), str(second), converted=True)], \
            after + 1 - i
    day, width = (int(token), 1) if kind == "number" and token.isdigit() else (small, small_width)
    if not day or day > 31 or i + width >= len(tokens) or tokens[i + width][0] != "word":
        return None, 1
    lunar = _lunar_month_width(tokens, i + width)
    if lunar:
        end = i + width + lunar
        if end < len(tokens) and tokens[end][0] == "number" and tokens[end][1].isdigit():
            end += 1 + _phrase_width(tables, tokens, end + 1, _LUNAR_MARKS)
        return [], end - i
    month = _solar_month(tokens[i + width][1]) if tables.persian else None
    if month is None:
        return None, 1
    end = i + width + 1
    if end < len(tokens) and tokens[end][0] == "word" and _fold(tokens[end][1]) == _MONTH_WORD:
        end += 1
    year = _solar_year(tokens, end, after_month=True)
    dates = ([solar_calendar.to_gregorian(year, month, int(day))] if year is not None else
             [solar_calendar.to_gregorian(y, month, int(day)) for y in (1402, 1403)])  # a common and a leap year
    if None in dates:  # no such day
        return None, 1
    end += year is not None
    written = _text_of(tokens, i, end)
    spelled = kind != "number"
    other_day = str(dates[-1].day) if dates[-1].day != dates[0].day else ""
    found = [Quantity(str(dates[0].day), NUMBER, spelled, written, other_day, converted=True),
             Quantity(MONTH_NAMES[dates[0].month - 1], MONTH, False, written, converted=True)]
    if year is not None:
        found.append(Quantity(str(dates[0].year), NUMBER, False, written, converted=True))
    return found, end - i


def _persian_decade(tables: _Tables, tokens, i: int) -> Optional[Quantity]:
    """The decade «دهه» names with the tens at ``i`` («دهه ۹۰», «دهه نود»): the 1990s of a
    translation, or the Solar 1390s, which Iranian news means as often and which its
    translation gives as the 2010s (the alternative)."""
    kind, token, _ = tokens[i] if i < len(tokens) else ("", "", 0)
    # not an ordinal: «دهه بیستم زندگی» is one's twenties
    tens = int(token) if kind == "number" and token.isdigit() and len(token) == 2 else (
        tables.lookup(tables.small, token) if kind == "word" and not _fold(token).endswith("م") else None)
    if not isinstance(tens, int) or not 10 <= tens <= 90 or tens % 10:
        return None
    if i + 1 < len(tokens) and _fold(tokens[i + 1][1]).startswith(_AGE_WORD):
        return None  # «دهه ۲۰ سالگی»: one's twenties
    # 1390-1399 begin in 2011: the decade a translation names is 20 years on
    return Quantity(str(1900 + tens), NUMBER, kind == "word", _text_of(tokens, i - 1, i + 1), str(1920 + tens),
                    converted=True)


def _arabic_decade(tables: _Tables, tokens, i: int) -> Tuple[Quantity, int]:
    """The decade word at ``i`` (التسعينيات) as a year, and the words it takes: of the century
    named after it (خمسينيات القرن التاسع عشر = the 1850s), else of the twentieth (سبعينيات
    القرن الماضي), the bare tens the alternative (في العشرينيات من عمره = in his 20s;
    temperatures in the 90s)."""
    tens = tables.lookup(_AR_DECADES, tokens[i][1])
    if i + 1 < len(tokens) and tables.lookup(_CENTURY, tokens[i + 1][1]):
        century, width = _spelled_number(tables, tokens, i + 2)
        if isinstance(century, int) and 11 <= century <= 21:
            year = (century - 1) * 100 + tens
            return Quantity(str(year), NUMBER, True, _text_of(tokens, i, i + 2 + width)), 2 + width
    return Quantity(str(1900 + tens), NUMBER, True, tokens[i][1], str(tens)), 1


def _numeric_date(tables: _Tables, token: str) -> List[Quantity]:
    """A date written in digits, read as its day, month (a month name, as a translation writes
    it: 5/10/2023 = 5 October 2023) and year. Day and month are read in the other order too, as
    the alternative, where both are months (10/5/2023 is 5 October or, in American English, 10
    May). In Persian text a year of the Solar Hijri calendar makes it a Solar date, read as its
    Gregorian day («۱۴۰۲/۰۷/۱۵» = 7 October 2023), the digits as written the alternative. Not a
    date (a month over 12, a day over 31): its numbers."""
    parts = [int(part) for part in re.split(r"[/-]", token)]
    if re.match(r"\d{4}[/-]", token):  # year first: then month and day
        year, orders = parts[0], [(parts[2], parts[1])]
    else:
        year, orders = parts[2], [(parts[0], parts[1]), (parts[1], parts[0])]
    if tables.persian and solar_calendar.FIRST_YEAR <= year <= solar_calendar.LAST_YEAR and len(orders) == 1:
        (day, month), date = orders[0], solar_calendar.to_gregorian(year, orders[0][1], orders[0][0])
        if date is not None:  # the digits as written are the alternative: a translation may keep them
            return [Quantity(str(date.day), NUMBER, False, token, str(day), converted=True),
                    Quantity(MONTH_NAMES[date.month - 1], MONTH, False, token, MONTH_NAMES[month - 1], converted=True),
                    Quantity(str(date.year), NUMBER, False, token, str(year), converted=True)]
    orders = [(day, month) for day, month in orders if 1 <= day <= 31 and 1 <= month <= 12]
    if not orders:
        return [Quantity(str(part), NUMBER, False, token) for part in parts]
    (day, month), other = orders[0], orders[-1]
    return [Quantity(str(day), NUMBER, False, token, str(other[0]) if other[0] != day else ""),
            Quantity(MONTH_NAMES[month - 1], MONTH, False, token,
                     MONTH_NAMES[other[1] - 1] if other[1] != month else ""),
            Quantity(str(year), NUMBER, False, token)]


def _code_numbers(code: str) -> List[Quantity]:
    """The numbers inside a code (km2, 4x4, COVID-19), as weak evidence like spelled numbers: the
    other side may name the thing without them («کیلومتر مربع», «کرونا»), but «کووید-۱۹» or
    «گروه ۲۰» still pairs with them (and a different number left over against them is a change)."""
    return [Quantity(_canonical(value), NUMBER, True, code, code=True)
            for run in re.findall(_DIGIT_RUN, code) for value, _ in _digit_values(run)]


def _text_of(tokens, first: int, end: int) -> str:
    """The tokens first..end-1 as the normalised text shows them, one space apart."""
    return " ".join(token for _, token, _ in tokens[first:end])


def _spelled_number(tables: _Tables, tokens, i: int) -> Tuple[Optional[int], int]:
    """The number in words at ``i`` (None and 1 when none starts there) with the smaller numbers
    joined to it, and the words it takes: a unit after English tens ("twenty-five",
    "twenty-first"); in Persian a smaller number after «و» and hundreds or tens («صد و بیست و
    پنج» = 125, «قرن بیست و یکم» = 21st century); in Arabic the tens after a unit and the rest
    after hundreds, each with و glued on («خمسة وعشرون» = 25, «القرن الحادي والعشرين» = 21st
    century, «مائة وخمسون» = 150)."""
    small, width = _phrase(tables, tables.small, tokens, i)
    if small is None:
        return small, width
    value, last, end = small, small, i + width

    def word(k):
        return tokens[k][1] if k < len(tokens) and tokens[k][0] == "word" else None

    while word(end) is not None:
        folded = _fold(word(end))
        if tables.persian and folded in _AND and word(end + 1) is not None:
            part, after = tables.lookup(tables.small, word(end + 1)), end + 2
        elif tables.arabic and folded.startswith("و") and len(folded) > 1:
            part, after = tables.lookup(tables.small, word(end)), end + 1  # lookup strips the glued و
        elif tables.english and tokens[end][2] - (tokens[end - 1][2] + len(tokens[end - 1][1])) <= 1:
            part, after = tables.lookup(tables.small, word(end)), end + 1  # "twenty-five", "twenty five"
        else:
            break
        if not isinstance(part, int):
            break
        glued = folded.startswith("و") and folded not in _AND  # Arabic: و written onto the number
        hundreds_then_rest = last >= 100 and last % 100 == 0 and part < 100
        tens_then_unit = 20 <= last <= 90 and last % 10 == 0 and 1 <= part <= 9 and not glued
        unit_then_tens = 1 <= last <= 9 and 20 <= part <= 90 and part % 10 == 0 and glued
        if not (hundreds_then_rest or tens_then_unit or unit_then_tens):
            break
        value, last, end = value + part, part, after
    return value, end - i


def _phrase(tables: _Tables, table: Dict[str, object], tokens, i: int) -> Tuple[Optional[object], int]:
    """The entry of ``table`` for the two words from ``i`` (كانون الأول، الخامس عشر، في المئة), else
    for the word at ``i``, and how many words it took (None and 1 when neither is in the table)."""
    for width in (2, 1):
        words = tokens[i:i + width]
        if len(words) == width and all(kind == "word" for kind, _, _ in words):
            entry = tables.lookup(table, _text_of(tokens, i, i + width))
            if entry is not None:
                return entry, width
    return None, 1


def _percent_after(tables: _Tables, tokens, end: int) -> Tuple[bool, int]:
    """Is the token at ``end`` a percent sign or a one- or two-word percent phrase? And the new end."""
    if end < len(tokens) and tokens[end][0] == "sign":
        return True, end + 1
    percent, width = _phrase(tables, tables.percent, tokens, end)
    return (True, end + width) if percent is not None else (False, end)


def _month(tables: _Tables, tokens, i: int) -> Tuple[Optional[str], int]:
    month, width = _phrase(tables, tables.months, tokens, i)
    written = _text_of(tokens, i, i + width)
    # English month names count only capitalised (no English month name has two words), and
    # abbreviated only beside a number
    if month is None or (written.isascii() and not written[0].isupper()):
        return None, 1
    if written.isascii() and written not in MONTH_NAMES and not any(
            0 <= k < len(tokens) and tokens[k][0] == "number" for k in (i - 1, i + 1)):
        return None, 1
    return month, width


def numbers(text: str, lang: Optional[str] = None) -> Counter:
    """The canonical values of every quantity ``text`` mentions, as a multiset: the normalised
    numeric values a text mentions ('۱۲' = '١٢' = '12', '۳٫۵' = '3.5', '800 هزار' = '800,000' =
    '800000', '۵۰ درصد' = '50%', 'ژوئیه' = 'July')."""
    return Counter(quantity.value for quantity in quantities(text, lang))


# The ways a quantity can be named on the other side: by its value; a percentage by the bare
# number (one side left out "percent"); ambiguous digits by their other reading (104.500 with 104,500).
_KEYS = (lambda q: q.value, lambda q: q.value.rstrip("%") if q.kind != MONTH else q.value,
         lambda q: q.alternative or q.value)


def unmatched_quantities(src: Iterable[Quantity], tgt: Iterable[Quantity]) -> Tuple[List[Quantity], List[Quantity]]:
    """The quantities of each side the other side does not account for, one per value, keeping
    only evidence. A quantity is accounted for when the other side names its value at all
    (``_KEYS``), however often: a translation repeats a figure or says it once for two mentions,
    so counts prove nothing. A leftover spelled number is dropped (a word's other sense, or a
    number said another way); a leftover month is dropped unless the other side has a leftover
    month too, and a leftover code number unless the other side has a leftover number.

    A side with fewer leftovers than the other has its stand-ins (``_stand_ins``) brought in
    to pair with them, as many as pair: a value it says more often than the other side, or a
    number it spells, against a figure the other side has left over is a changed figure («دو
    نفر» for "3 people"; «۱۲ نفر و ۱۲ خودرو» for "12 people and 13 cars"), which a leftover
    alone would only call unpaired."""
    src, tgt = list(src), list(tgt)
    src_names, tgt_names = _names(src), _names(tgt)
    src_left, tgt_left = _unaccounted(src, tgt_names), _unaccounted(tgt, src_names)
    if not src_left and not tgt_left:  # the sides agree: stand-ins would pair with nothing
        return [], []
    src_spare, tgt_spare = _stand_ins(src, tgt, tgt_names), _stand_ins(tgt, src, src_names)
    kept: Tuple[List[Quantity], List[Quantity]] = ([], [])
    # A leftover month, or a code's number, is evidence only against a leftover of its kind on
    # the other side (a month; any number or percentage): a different month, a changed figure.
    for months in (True, False):
        def of_kind(side):
            return [q for q in side if (q.kind == MONTH) == months]

        def strong(left, other_left):
            return [q for q in left if other_left or not (months or q.code)]
        s_left, t_left = of_kind(src_left), of_kind(tgt_left)
        s_left, t_left = (s_left + _brought_in(of_kind(src_spare), s_left, t_left),
                          t_left + _brought_in(of_kind(tgt_spare), t_left, s_left))
        kept[0].extend(strong(s_left, t_left))
        kept[1].extend(strong(t_left, s_left))
    return kept


def _stand_ins(side: List[Quantity], other: List[Quantity], other_names: List[set]) -> List[Quantity]:
    """What ``side`` may have changed into a figure the other side has left over: a value it
    writes in digits more often than ``other`` does (one per value), then the numbers it spells
    that ``other`` does not name, but not one ("a" as often as 1) and not the words whose other
    sense is common («نه» = no, "second" of time). Code numbers are names, not figures."""
    def in_digits(quantity):
        return not quantity.spelled

    counts = Counter(quantity.value for quantity in other if in_digits(quantity))
    said = Counter(quantity.value for quantity in side if in_digits(quantity))
    surplus: Dict[str, Quantity] = {}
    spelled: Dict[str, Quantity] = {}
    for quantity in side:
        if in_digits(quantity):
            if said[quantity.value] > counts[quantity.value] > 0:
                surplus.setdefault(quantity.value, quantity)
        elif (not quantity.code and quantity.value != "1" and _fold(quantity.text) not in _AMBIGUOUS_WORDS
              and not _named(quantity, other_names)):
            spelled.setdefault(quantity.value, quantity)
    return list(surplus.values()) + list(spelled.values())


def _brought_in(spare: List[Quantity], left: List[Quantity], other_left: List[Quantity]) -> List[Quantity]:
    """The stand-ins (``spare``) that pair with the other side's leftover figures ``left`` has
    no partner for. A code's number is a name and takes none; a spelled number (twenty at most)
    takes only a figure below 100: against a year it says something else («سبعينيات القرن
    العشرين» = the 1970s)."""
    figures = [quantity for quantity in other_left if not quantity.code]
    small = sum(quantity.kind != MONTH and Decimal(quantity.value.rstrip("%")) < 100 for quantity in figures)
    chosen: List[Quantity] = []
    for quantity in spare:
        if len(chosen) >= len(figures) - len(left):
            break
        if quantity.spelled:
            if small <= 0:
                continue
            small -= 1
        chosen.append(quantity)
    return chosen


def _names(side: List[Quantity]) -> List[set]:
    """Per way of naming (``_KEYS``), the values ``side`` names."""
    return [{key(quantity) for quantity in side} for key in _KEYS]


def _named(quantity: Quantity, names: List[set]) -> bool:
    """Does the side with ``names`` (``_names``) name ``quantity``'s value in any of the ways?"""
    return any(key(quantity) in values for key, values in zip(_KEYS, names))


def _unaccounted(side: List[Quantity], other_names: List[set]) -> List[Quantity]:
    """The quantities of ``side`` whose value the other side (its ``_names``) does not name, one
    per value (its first mention in digits); spelled ones are no evidence and left out, code
    numbers kept for unmatched_quantities to judge."""
    left: Dict[str, Quantity] = {}
    for quantity in side:
        if (quantity.code or not quantity.spelled) and not _named(quantity, other_names):
            # one per value; the two parts of «۲/۵» are one figure, read two ways
            left.setdefault(quantity.alternative or quantity.value, quantity)
    return list(left.values())
