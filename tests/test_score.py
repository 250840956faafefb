"""Score components, the combination and the filters (score() separate from accept())."""

from __future__ import annotations


import numpy as np
import pytest

from aligner.bitext import BitextLink
from aligner.score import (COEFFICIENTS, COMPONENTS, DEFAULT_MIN_PROBABILITY, FEATURE_SETS, ExactDuplicates,
                           FilterReport, KeepAligned, LengthRatio, LinkTypePlausibility, MinComponent, MinScore,
                           MTAgreement, NearDuplicates, NumberAgreement, PunctuationAgreement, Scorer,
                           SemanticSimilarity, SourceLanguageIdentity, TargetLanguageIdentity, acceptance_filters,
                           apply_filters, default_components, explain_link, length_z, numbers, probability,
                           quantities)
from aligner.score.calibration import feature_set
from aligner.score.components import number_mismatches
from aligner.signature import Signature


def link(src, tgt, src_lang="fa", tgt_lang="en", src_ids=(0,), tgt_ids=(0,), **extra):
    return BitextLink("d.fa", "d.en", src_lang, tgt_lang, src_ids, tgt_ids, src, tgt, **extra)


def number_agreement(src, tgt, src_lang="fa"):
    """The numbers component of one pair (English target)."""
    return NumberAgreement().score([link(src, tgt, src_lang=src_lang)])[0]


@pytest.mark.parametrize("a, b", [
    ("۱۲ نفر", "12 people"),
    ("١٢ شخصا", "12 people"),
    ("۳٫۵ درصد", "3.5 percent"),
    ("٣٫٥ بالمئة", "3.50 percent"),
    ("۱٬۰۰۰ تومان", "1,000 toman"),
    ("تقریباً 400،000 مورد", "about 400,000 cases"),  # Arabic comma as thousands separator
    ("ساعت ۰۹:۳۰", "at 9:30"),
    ("الساعة ١٢:٠٠ بتوقيت غرينتش", "at 12.00 GMT"),  # a clock time is hours.minutes
    ("۱۵ اکتبر", "Oct. 15"),  # an English month abbreviated beside its day
    ("۳۰ سپتامبر", "Sept 30"),
    ("ساعت ۲۰:۳۰", "at 8:30 pm"),  # after noon in words: 24 hours
    ("الساعة 8:30 مساءً", "at 20:30"),
    ("ساعت ۸ بعد از ظهر", "at 8 p.m."),
    ("نتیجه ۳:۱ شد", "it ended 3-1"),  # a colon between other digits separates two numbers
    ("۸۰۰ هزار نفر", "800,000 people"),  # scale words
    ("800 هزار نفر", "800000 people"),
    ("۲٫۵ میلیون دلار", "2.5 million dollars"),
    ("۲٫۵ میلیارد دلار", "$2.5bn"),
    ("۵ میلیون دلار", "a $5m deal"),  # million and thousand abbreviated after the digits
    ("١٫٥ مليون شخص", "1.5m people"),
    ("٢٠ مليون دولار", "20mn dollars"),
    ("١٫٢ مليار دولار", "1.2 billion dollars"),
    ("٣ آلاف شخص", "3,000 people"),
    ("۵۰ درصد", "50%"),  # percent words and signs
    ("۵۰٪", "50 per cent"),
    ("٥٠ بالمئة", "50 percent"),
    ("٥٠ في المائة", "50%"),
    ("نهم ژوئیه", "July 9"),  # an ordinal and a Persian name of a Gregorian month
    ("۹ ژوئیه", "9 July"),
    ("ژوئیه‌ی ۲۰۲۰", "July 2020"),  # the month with its ezafe
    ("التاسع من يوليو", "July 9"),  # Arabic ordinal with the article, Egyptian month name
    ("١٢ تموز", "12 July"),  # the Levantine month name
    ("في كانون الأول", "in December"),  # a two-word month: December, not "first"
    ("في كانون الثاني ٢٠٢١", "in January 2021"),
    ("في أيار", "in May"),
    ("سه نفر", "three people"),
    ("در قرن پانزدهم", "in the 15th century"),  # ordinals up to twenty in Persian and English
    # the tens, and the numbers joined from words: a unit after tens, the rest after hundreds
    ("سی سال", "thirty years"),
    ("ثلاثين عاما", "30 years"),
    ("بیست و پنج سال", "twenty-five years"),
    ("خمسة وعشرون عاما", "25 years"),
    ("اثنين وعشرين شخصا", "22 people"),
    ("در قرن بیست و یکم", "in the twenty-first century"),
    ("في القرن الحادي والعشرين", "in the 21st century"),
    ("صد و پنجاه نفر", "150 people"),
    ("یکصد و بیست و پنج نفر", "125 people"),
    ("مائة وخمسة وعشرون شخصا", "125 people"),
    ("بیست و پنج هزار نفر", "25,000 people"),  # a joined number before a scale word
    ("سی‌امین سالگرد", "the 30th anniversary"),
    ("برای بیست‌ویکمین بار", "for the 21st time"),  # one word with ZWNJ
    ("سی‌و‌پنج نفر", "35 people"),
    ("تب صد و دو درجه", "a fever of a hundred and two"),  # after a scale word, in words too
    ("هزار و دویست نفر", "1,200 people"),
    ("ألف وخمسمائة شخص", "one thousand five hundred people"),
    ("دو میلیون و پانصد هزار نفر", "2.5 million people"),
    ("۳۰۰ هزار نفر", "three hundred thousand people"),  # scale words multiply the ones before them
    ("هزار میلیارد تومان", "1,000 billion tomans"),
    ("صد هزار نفر", "a hundred thousand people"),
    # and a half, and half a
    ("دو و نیم میلیون نفر", "2.5 million people"),
    ("۲ و نیم میلیون نفر", "two and a half million people"),
    ("مليونان ونصف", "2.5 million"),
    ("مليون ونصف المليون شخص", "1.5 million people"),
    ("نیم میلیون نفر", "500,000 people"),
    ("نصف مليون", "half a million"),
    ("۸ و نیم درصد", "8.5%"),
    ("ساعت ۸ و نیم", "at 8:30"),  # half past the hour
])
def test_numbers_agree_across_digit_scripts_and_wordings(a, b):
    src_lang = "ar" if any(ch in a for ch in "ةيكآإأ٠١٢٣٤٥٦٧٨٩") else "fa"
    assert numbers(a, src_lang) == numbers(b, "en")
    assert number_agreement(a, b, src_lang=src_lang) == 1.0


@pytest.mark.parametrize("text, lang, values", [
    ("۲٫۵ میلیون", "fa", {"2500000": 1}),
    ("٢٫٥ مليون", "ar", {"2500000": 1}),
    ("800 هزار", "fa", {"800000": 1}),
    ("نهم ژوئیه", "fa", {"9": 1, "July": 1}),
    ("في شباط وآذار", "ar", {"February": 1, "March": 1}),
    ("يناير", "ar", {"January": 1}),
    ("one, two and ten", "en", {"1": 1, "2": 1, "10": 1}),
    ("the ninth of May", "en", {"9": 1, "May": 1}),
    ("you may march", "en", {}),  # lower-case "may" and "march" are verbs
    ("می‌خواهم", "fa", {}),  # the verb prefix is not a month
    ("آب", "fa", {}),  # water in Persian (August only in Arabic)
    ("آب", "ar", {"August": 1}),
    ("میلیون‌ها نفر", "fa", {}),  # "millions of": no amount
    # words join into one number only as the language joins them
    ("عشرة وعشرين", "ar", {"10": 1, "20": 1}),  # ten is no unit of a compound
    ("ثلاثة وأربعة", "ar", {"3": 1, "4": 1}),
    ("خمسة عشرون", "ar", {"5": 1, "20": 1}),  # no و
    ("twenty, five", "en", {"20": 1, "5": 1}),
    ("بیست و دو و سه", "fa", {"22": 1, "3": 1}),
    ("صد و پانزده", "fa", {"115": 1}),
    ("2 million and 5 of them", "en", {"2000000": 1, "5": 1}),  # English joins words after hundred only
    ("ألف وزير", "ar", {"1000": 1}),  # a word with و written on that is no number
    ("آلاف الأشخاص", "ar", {}),  # "thousands of people": no amount
    ("Jan Egeland said", "en", {}),  # an abbreviation away from a day is a name
    ("on Jun 3 and in June", "en", {"June": 2, "3": 1}),
])
def test_numbers_read_words_per_language(text, lang, values):
    assert numbers(text, lang) == values


@pytest.mark.parametrize("text, lang, values", [
    # Arabic ordinals: eleventh … nineteenth are unit + عشر (feminine …ة عشرة), read as one number
    ("القرن التاسع عشر", "ar", {"19": 1}),
    ("القرن الخامس عشر", "ar", {"15": 1}),
    ("الحادي عشر", "ar", {"11": 1}),
    ("الحادية عشرة", "ar", {"11": 1}),
    ("الثاني عشر", "ar", {"12": 1}),
    ("الثانية عشرة", "ar", {"12": 1}),
    ("والثالث عشر", "ar", {"13": 1}),  # with a clitic before the article
    ("بالسابعة عشرة", "ar", {"17": 1}),
    ("الثامنة عشرة", "ar", {"18": 1}),
    ("القرن العشرين", "ar", {"20": 1}),  # twentieth is twenty with the article
    ("العشرون", "ar", {"20": 1}),
    ("الأول والأولى والعاشر والعاشرة", "ar", {"1": 2, "10": 2}),
    ("في كانون الثاني", "ar", {"January": 1}),  # a two-word month still comes before an ordinal
    # English ordinals in words and in digits with their suffix
    ("eleventh, fifteenth, nineteenth, twentieth", "en", {"11": 1, "15": 1, "19": 1, "20": 1}),
    ("the 19th, 15th, 1st, 2nd and 3rd", "en", {"19": 1, "15": 1, "1": 1, "2": 1, "3": 1}),
    # Persian ordinals go to twentieth
    ("قرن نوزدهم", "fa", {"19": 1}),
    ("نوزدهمین سالگرد", "fa", {"19": 1}),
    ("قرن بیستم", "fa", {"20": 1}),
])
def test_ordinals_read_as_their_number(text, lang, values):
    assert numbers(text, lang) == values


@pytest.mark.parametrize("text, lang, values", [
    # Arabic cardinals eleven to nineteen are two words, as the ordinals
    ("خمسة عشر عاما", "ar", {"15": 1}),
    ("إحدى عشرة دولة", "ar", {"11": 1}),
    ("اثني عشر شهرا", "ar", {"12": 1}),
    ("في السنوات الخمسة عشر الأخيرة", "ar", {"15": 1}),
    # a dual noun says two
    ("لمدة ساعتين", "ar", {"2": 1}),
    ("لأسبوعين تقريبا", "ar", {"2": 1}),
    # the hundreds
    ("two hundred people", "en", {"200": 1}),
    ("hundreds of people", "en", {}),
    ("پانصد نفر", "fa", {"500": 1}),
    ("ثلاثمائة شخص", "ar", {"300": 1}),
    ("مئتي شخص", "ar", {"200": 1}),
    # a dozen is a scale
    ("two-dozen Emmy awards", "en", {"24": 1}),
    ("some four dozen bases", "en", {"48": 1}),
])
def test_counted_words_read_as_their_number(text, lang, values):
    assert numbers(text, lang) == values


@pytest.mark.parametrize("src, tgt, expected", [
    ("لمدة ساعتين", "for 2 hours", 1.0),
    ("لمدة ساعتين", "for 7 hours", 0.05),
    ("في السنوات الخمسة عشر الأخيرة", "in the past 15 years", 1.0),
    ("في السنوات الخمسة عشر الأخيرة", "in the past 17 years", 0.05),
    ("أكثر من 24 جائزة", "more than two-dozen awards", 1.0),
])
def test_arabic_counted_words_agree(src, tgt, expected):
    assert number_agreement(src, tgt, src_lang="ar") == pytest.approx(expected)


def test_an_arabic_compound_ordinal_is_one_spelled_number():
    [ordinal] = quantities("القرن الخامس عشر", "ar")
    assert (ordinal.value, ordinal.spelled, ordinal.text) == ("15", True, "الخامس عشر")


@pytest.mark.parametrize("src, src_lang, tgt, expected", [
    ("السيخية نشأت خلال القرن الخامس عشر.", "ar", "Sikhism originated during the 15th century.", 1.0),
    ("في أوائل القرن التاسع عشر", "ar", "in the early 19th century", 1.0),
    ("في القرن العشرين", "ar", "in the twentieth century", 1.0),
    ("للمرة الحادية عشرة", "ar", "for the 11th time", 1.0),
    ("در قرن نوزدهم", "fa", "in the 19th century", 1.0),
    # a different century: the spelled ordinal stands in for the changed figure
    ("في القرن الخامس عشر", "ar", "in the 16th century", 0.05),
    ("في القرن الخامس عشر", "ar", "in the 5th century", 0.05),  # the compound is not its unit
    # but not for a year: a decade of a century is its own figure, and the decade is the year
    ("منذ سبعينيات القرن العشرين", "ar", "since the 1970s", 1.0),
    ("منذ سبعينيات القرن العشرين", "ar", "since the 1980s", 0.5),
])
def test_ordinal_centuries_agree(src, src_lang, tgt, expected):
    assert number_agreement(src, tgt, src_lang=src_lang) == pytest.approx(expected)


@pytest.mark.parametrize("text, lang, amounts, in_codes", [
    # digits with a Latin letter directly before them name a thing or a unit
    ("2.2 million km2", "en", ["2200000"], ["2"]),
    ("CO2 emissions", "en", [], ["2"]),
    ("a 4x4", "en", [], ["4", "4"]),
    ("H1N1 flu", "en", [], ["1", "1"]),
    ("MP3, G20, orf8, A380", "en", [], ["3", "20", "8", "380"]),
    ("an area of 10km2", "en", [], ["10", "2"]),  # all of a glued token is the code
    ("با 4x4 تردد کنید", "fa", [], ["4", "4"]),  # Latin codes in Persian and Arabic text too
    # capitalised letters and a hyphen before the digits: a name
    ("COVID-19", "en", [], ["19"]),
    ("SARS-CoV-2", "en", [], ["2"]),
    ("an F-16", "en", [], ["16"]),
    # letters only after the digits are the amount's unit or suffix; lower case before a hyphen is a word
    ("5km, 19th, the 1990s, $2.5bn", "en", ["5", "19", "1990", "2500000000"], []),
    ("$5m, 5 m, 5k", "en", ["5000000", "5", "5000"], []),
    ("mid-2020", "en", ["2020"], []),
    ("won 5-3 in 2020 after 24 hours", "en", ["5", "3", "2020", "24"], []),
    ("کووید-۱۹", "fa", ["19"], []),  # Persian letters: the digits stay a number
])
def test_digits_in_codes_are_weak(text, lang, amounts, in_codes):
    found = quantities(text, lang)
    assert [q.value for q in found if not q.spelled] == amounts
    assert [q.value for q in found if q.spelled] == in_codes


@pytest.mark.parametrize("src, src_lang, tgt, expected", [
    ("با 15 جزیره که تا بیش از 2.2 میلیون کیلومتر مربع", "fa",
     "with 15 islands spread out over 2.2 million km2 of ocean", 1.0),
    ("نظام الدفع الرباعي 4x4 بدرجة كبيرة", "ar", "a 4x4 is highly advised with a high wheel base 4x4.", 1.0),
    ("كم عدد مركبات 4x4؟", "ar", "How many 4x4 vehicles?", 1.0),
    ("انتشار دی‌اکسید کربن", "fa", "CO2 emissions", 1.0),  # a code the other side says in words
    ("همه‌گیری کووید-۱۹", "fa", "the COVID-19 pandemic", 1.0),  # the code's digits pair with the number
    ("همه‌گیری کرونا", "fa", "the COVID-19 pandemic", 1.0),
    ("نشست گروه ۲۰", "fa", "the G20 summit", 1.0),
    ("۲ میلیون کیلومتر مربع", "fa", "2 million km3", 1.0),  # a different code is no evidence either
    ("۱۲ کیلومتر مربع", "fa", "13 km2", 0.05),  # the amount beside a unit is still compared
    # "m" and "k" after the digits abbreviate million and thousand, or write metres and kilometres
    ("فینال ۱۰۰ متر", "fa", "the 100m final", 1.0),
    ("دوی ۵ کیلومتری", "fa", "a 5k run", 1.0),
    ("فینال ۲۰۰ متر", "fa", "the 100m final", 0.05),
    ("در اواسط ۲۰۱۹", "fa", "in mid-2020", 0.05),
    # A code number is evidence against a number the other side gives differently: a changed figure.
    ("همه‌گیری کووید-۱۹", "fa", "the COVID-26 pandemic", 0.05),
    ("the COVID-19 pandemic", "en", "the COVID-26 pandemic", 0.05),
    ("در سال ۲۰۲۰", "fa", "in COVID-19 times", 0.05),
    ("در سال ۲۰۲۰ و ۲۰۲۱", "fa", "in COVID-19 times", 0.05 * 0.5),  # one pair, one number left over
])
def test_codes_and_units_agree(src, src_lang, tgt, expected):
    assert number_agreement(src, tgt, src_lang=src_lang) == pytest.approx(expected)


@pytest.mark.parametrize("src, tgt, expected", [
    # Persian writes its decimal separator as a slash
    ("۲/۵ میلیون نفر", "2.5 million people", 1.0),
    ("۲/۵ میلیون نفر", "2,500,000 people", 1.0),
    ("بیش از ۹۹/۹۸ درصد", "more than 99.98%", 1.0),
    ("۲/۵ میلیون نفر", "3.5 million people", 0.05),  # one changed figure, though read two ways
    # and a fraction or a pair the same way as English does
    ("۱/۵ اینچ", "1/5 inch", 1.0),
    ("به صورت 24/7 فعال", "active 24/7", 1.0),
    ("۱/۵ اینچ", "1/4 inch", 0.05),
    # dates and ranges are their parts
    ("در سال ۱۹۷۷/۱۹۷۸", "in 1977/1978", 1.0),
    ("۱۴۰۰/۰۱/۰۵", "1400/01/05", 1.0),
])
def test_a_persian_slash_is_a_decimal_separator_or_a_fraction(src, tgt, expected):
    assert number_agreement(src, tgt) == pytest.approx(expected)


@pytest.mark.parametrize("year, month, day, gregorian", [
    (1402, 7, 15, (2023, 10, 7)),    # 15 Mehr 1402
    (1400, 1, 1, (2021, 3, 21)),     # Nowruz 1400
    (1403, 1, 1, (2024, 3, 20)),     # after the common year 1402, in a Gregorian leap year
    (1403, 12, 30, (2025, 3, 20)),   # 1403 is leap: Esfand has 30 days
    (1404, 1, 1, (2025, 3, 21)),
    (1399, 1, 1, (2020, 3, 20)),
    (1357, 11, 22, (1979, 2, 11)),   # 22 Bahman 1357
    (1402, 12, 30, None),            # 1402 is common: no 30 Esfand
])
def test_solar_hijri_dates_to_gregorian(year, month, day, gregorian):
    from datetime import date

    from aligner.score.solar_calendar import to_gregorian

    assert to_gregorian(year, month, day) == (date(*gregorian) if gregorian else None)


@pytest.mark.parametrize("src, src_lang, tgt, expected", [
    # Persian news dates by the Solar Hijri calendar, its translation by the Gregorian one
    ("روز شنبه ۱۵ مهر ۱۴۰۲ اعلام شد", "fa", "It was announced on Saturday, 7 October 2023", 1.0),
    ("در ۱۵ مهرماه", "fa", "on October 7", 1.0),
    ("در ۱۵ مهرماه", "fa", "on October 6", 1.0),  # without a year: either day
    ("پانزدهم مهر ماه ۱۴۰۲", "fa", "October 7, 2023", 1.0),
    ("در سال ۱۴۰۲", "fa", "in 2023", 1.0),
    ("در سال ۱۴۰۲", "fa", "in 2024", 1.0),
    ("روز شنبه ۱۵ مهر ۱۴۰۲", "fa", "on Saturday, 8 October 2023", 0.05),  # another day
    ("روز شنبه ۱۵ مهر ۱۴۰۲", "fa", "on Saturday, 7 November 2023", 0.05),  # another month
    # a year alone is Gregorian outside modern Iran's years
    ("این الفبا را سال 1444 ابداع کرد", "fa", "The alphabet was invented in 1444", 1.0),
    # a month name is a word without a day or year beside it
    ("مهر مادری", "fa", "a mother's love", 1.0),
    # a month and year without a day: the year
    ("در مهر ۱۴۰۲", "fa", "in October 2023", 1.0),
    ("در مهرماه ۱۴۰۲", "fa", "in September 2023", 1.0),
    # a two-digit year after a day and month
    ("روز ۱۵ مهر ۹۹", "fa", "on 6 October 2020", 1.0),
    # a Solar year marked ه.ش or هجری شمسی (not the lunar هـ), or alone in the years of Iran's news
    ("متولد ۱۳۴۵ ه.ش", "fa", "born in 1966", 1.0),
    ("در ۱۴۰۲ هجری شمسی", "fa", "in 2024", 1.0),
    ("بودجه ۱۴۰۳", "fa", "the 2024 budget", 1.0),
    ("بودجه ۱۴۰۳", "fa", "the 2025 budget", 0.05),
    # dates in digits: day, month and year (either order of day and month), or year first
    ("يوم 5/10/2023", "ar", "on 5 October 2023", 1.0),
    ("يوم 5/10/2023", "ar", "on October 5, 2023", 1.0),
    ("يوم 25/10/2023", "ar", "on 25 October 2023", 1.0),
    ("في 2023-10-05", "ar", "on 5 October 2023", 1.0),
    ("يوم 5/10/2023", "ar", "on 5 November 2023", 0.05),
    ("يوم 25/10/2023", "ar", "on 25 May 2023", 0.05),  # 25 is no month
    # ... and a Solar one in Persian text, as its Gregorian date or as written
    ("در تاریخ ۱۴۰۲/۰۷/۱۵", "fa", "on 7 October 2023", 1.0),
    ("در تاریخ ۱۴۰۲/۰۷/۱۵", "fa", "on 8 October 2023", 0.05),
    # a decade: «دهه ۹۰» is the 1990s or the Solar 1390s, the 2010s
    ("در دهه ۹۰", "fa", "in the 1990s", 1.0),
    ("در دهه نود", "fa", "in the 2010s", 1.0),
    ("در دهه ۹۰", "fa", "in the 1980s", 0.05),
    ("في التسعينيات", "ar", "in the 1990s", 1.0),
    # the lunar Hijri date beside the Gregorian one is dropped by translations: nothing to compare
    ("الموافق ١٥ ربيع الأول ١٤٤٥ هـ الموافق ٣٠ سبتمبر ٢٠٢٣م", "ar", "on 30 September 2023", 1.0),
    ("في عام 1445هـ", "ar", "in the year", 1.0),
    ("۱۲ ربیع‌الاول ۱۴۴۵ ه.ق", "fa", "on the Prophet's birthday", 1.0),
    ("در سال ۵۰۰ ق.م", "fa", "in 500 BC", 1.0),  # ق.م is before Christ, not a lunar year
    # a translation that keeps the lunar date, romanised, reads it the same way
    ("في ١٥ رمضان ١٤٤٥ هـ", "ar", "on 15 Ramadan 1445 AH", 1.0),
    ("في ١٠ ذي الحجة", "ar", "on 10 Dhul-Hijjah", 1.0),
    ("في ١٢ ربيع الأول ١٤٤٥ هـ الموافق ٢٧ سبتمبر ٢٠٢٣م", "ar", "on 12 Rabi' al-Awwal 1445 A.H. (27 September 2023)",
     1.0),
    ("في ٣ جمادى الآخرة عام 1445هـ", "ar", "on 3 Jumada II in 1445 Hijri", 1.0),
    ("در ۱۵ رمضان ۱۴۴۵ قمری", "fa", "on 15 Ramadan 1445 AH", 1.0),
    ("في ١٢ ربيع الأول ١٤٤٥ هـ الموافق ٢٧ سبتمبر ٢٠٢٣م", "ar", "on 12 Rabi I 1445 AH (28 September 2023)", 0.05),
    ("الموافق ١٥ ربيع الأول ١٤٤٥ هـ الموافق ٣٠ سبتمبر ٢٠٢٣م", "ar", "on 29 September 2023", 0.05),
])
def test_hijri_dates_agree_with_gregorian(src, src_lang, tgt, expected):
    assert number_agreement(src, tgt, src_lang=src_lang) == pytest.approx(expected)


@pytest.mark.parametrize("src, src_lang, tgt, expected", [
    # an amount goes on after its scale word with «و» and a smaller amount
    ("۲ میلیون و ۵۰۰ هزار نفر", "fa", "2.5 million people", 1.0),
    ("۵ هزار و ۲۰۰ نفر", "fa", "5,200 people", 1.0),
    ("2 مليون و500 ألف شخص", "ar", "2.5 million people", 1.0),
    ("۲ میلیون و ۵۰۰ هزار نفر", "fa", "2.6 million people", 0.05),
    # but not into an amount as large, nor past a word between
    ("۵ هزار و ۲ هزار", "fa", "5,000 and 2,000", 1.0),
    ("۳ هزار نفر و ۲ نفر", "fa", "3,000 people and 2 people", 1.0),
    # an Arabic dual of a scale says two of it
    ("حوالي مليونين شخص", "ar", "about 2 million people", 1.0),
])
def test_compound_amounts_agree(src, src_lang, tgt, expected):
    assert number_agreement(src, tgt, src_lang=src_lang) == pytest.approx(expected)


@pytest.mark.parametrize("src, tgt, reason", [
    ("روز شنبه ۱۵ مهر ۱۴۰۲ اعلام شد", "It was announced on 8 October 2023",
     "the source says 7 (15 مهر 1402) where the target says 8"),
    ("در تاریخ ۱۴۰۲/۰۷/۱۵ اعلام شد", "It was announced on 8 October 2023",
     "the source says 7 (1402/07/15) where the target says 8"),
    ("این ترانه در دهه ۹۰ محبوب بود", "The song was popular in the 1980s",
     "the source says 1990 (دهه 90) where the target says 1980"),
    ("جلسه ساعت ۲۱:۳۰ آغاز شد", "The meeting began at 8:30 pm",
     "the source says 21:30 where the target says 20:30 (8:30 pm)"),
])
def test_a_converted_value_is_explained_as_written(src, tgt, reason):
    assert explain_link(link(src, tgt)) == [reason]


def test_a_slash_between_english_numbers_is_no_decimal():
    assert [q.value for q in quantities("open 24/7", "en")] == ["24", "7"]
    assert number_agreement("open 24/7", "open 24.7", src_lang="en") < 1.0


def test_a_dot_between_thousands_is_read_both_ways():
    assert numbers("104.500", "fa") == {"104.5": 1}
    assert number_agreement("گنجایش 104.500 بشکه", "holding 104,500 barrels") == 1.0
    assert number_agreement("گنجایش 104.500 بشکه", "holding 104.5 barrels") == 1.0


def test_spelled_numbers_are_weaker_evidence_than_digits():
    # «یک» is also "a": a spelled number the other side lacks is no evidence against the pair
    [one] = quantities("یک کتاب", "fa")
    assert one.spelled and one.value == "1"
    assert number_agreement("یک کتاب خریدم.", "I bought a book.") == 1.0


@pytest.mark.parametrize("src, tgt, expected", [
    ("بدون عدد", "no number", 1.0),
    ("۱۲ نفر", "13 people", 0.05),  # a substituted number: strong evidence
    ("دو نفر", "2 people", 1.0),  # spelled out on one side: the same number
    ("دو نفر", "3 people", 0.05),  # a spelled number against another figure: changed
    ("یک نفر", "3 people", 0.5),  # but not one, which is also "a": the figure is only unpaired
    ("۱۲ و ۱۳", "12 and 14", 0.05),
    ("ساعت ۱۲:۳۰", "at 12.00", 0.05),
    ("۸۰۰ هزار", "800 people", 0.05),  # the scale word changes the number
    ("در ژوئیه", "in August", 0.05),  # a different month
    ("در ژوئیه", "in summer", 1.0),  # a month on one side only: no evidence
])
def test_number_agreement_values(src, tgt, expected):
    assert number_agreement(src, tgt) == pytest.approx(expected)


@pytest.mark.parametrize("src, src_lang, tgt, mismatches", [
    # a value is matched by its presence on the other side, however often each side says it
    ("نظام الدفع الرباعي 4x4 بدرجة كبيرة", "ar", "a 4x4 is highly advised with a high wheel base 4x4.", (0, 0)),
    ("۱۲ نفر آمدند و ۱۲ نفر رفتند.", "fa", "12 people came and went.", (0, 0)),
    ("جاء ١٢ شخصا.", "ar", "12 came, and 12 left.", (0, 0)),
    ("در سال ۲۰۱۹ و باز در ۲۰۱۹، ۵۰ درصد", "fa", "in 2019, 50%", (0, 0)),
    ("در ژوئیه و باز در ژوئیه", "fa", "in July", (0, 0)),
    # a changed value is still a substitution, counted once however often it is repeated
    ("۱۲ نفر", "fa", "13 people", (1, 0)),
    ("۱۲ نفر آمدند و ۱۲ نفر رفتند.", "fa", "13 people came and went.", (1, 0)),
    ("۱۲ و ۱۳", "fa", "12 and 14 and 14", (1, 0)),
    ("در ژوئیه", "fa", "in August and again in August", (1, 0)),
    # a value on one side only is still unpaired
    ("۱۲ نفر", "fa", "12 people and 13 cars", (0, 1)),
    # a value said more often on one side stands in for a figure the other side has left over
    ("۱۲ نفر و ۱۲ خودرو", "fa", "12 people and 13 cars", (1, 0)),
    ("۱۲ نفر و ۱۲ خودرو", "fa", "12 people and cars", (0, 0)),
    # a code is a name: its repetition stands in for nothing
    ("COVID-19 و COVID-19", "ar", "COVID-19 and COVID-24", (0, 0)),
    ("۱۲ و ۱۵", "fa", "12 and 13 and 14", (1, 1)),
])
def test_numbers_match_by_value_presence_not_count(src, src_lang, tgt, mismatches):
    assert number_mismatches(link(src, tgt, src_lang=src_lang)) == mismatches


def test_a_repeated_value_is_explained_once():
    reasons = explain_link(link("۱۲ نفر آمدند و ۱۲ نفر رفتند.", "13 people came and went."))
    assert [reason for reason in reasons if "12" in reason] == ["the source says 12 where the target says 13"]
    assert not any("4" in reason for reason in explain_link(
        link("نظام الدفع الرباعي 4x4", "a 4x4 with a high wheel base 4x4.", src_lang="ar")))


@pytest.mark.parametrize("src, tgt, expected", [
    ("چرا؟", "Why?", 1.0),
    ("او گفت «نه».", 'He said "no".', 1.0),
    ("چرا؟", "Why.", 0.5),
    ("عالی!", "Great!", 1.0),
    ("سلام.", "Hello.", 1.0),
])
def test_punctuation_agreement(src, tgt, expected):
    assert PunctuationAgreement().score([link(src, tgt)]) == [pytest.approx(expected)]


@pytest.mark.parametrize("side, src, tgt, expected", [
    ("tgt", "این یک جمله فارسی است که ترجمه نشده است.", "این یک جمله فارسی است که ترجمه نشده است.", 0.0),
    ("tgt", "این یک جمله است.", "This is a sentence.", 1.0),
    ("src", "این یک جمله فارسی است که به انگلیسی ترجمه شده است.", "This is a Persian sentence.", 1.0),
    ("src", "هذه جملة عربية طويلة بما فيه الكفاية للتعرف على اللغة.", "An Arabic sentence.", 0.5),
    ("src", "۱۲۳", "123", None),
])
def test_language_identity(side, src, tgt, expected):
    component = {"src": SourceLanguageIdentity, "tgt": TargetLanguageIdentity}[side]()
    assert component.score([link(src, tgt)]) == [expected]


@pytest.mark.parametrize("src_lang, tgt_lang, src, tgt", [
    ("fa", "en", "این جمله‌ای نسبتاً طولانی است.", "This is a short one."),
    ("ar", "en", "هذه جملة قصيرة.", "This is a much longer English sentence than the Arabic."),
])
def test_length_z_is_mirrored_for_the_reverse_pair(src_lang, tgt_lang, src, tgt):
    forward = link(src, tgt, src_lang, tgt_lang)
    backward = link(tgt, src, tgt_lang, src_lang)
    assert length_z(backward) == pytest.approx(-length_z(forward))
    assert LengthRatio().score([backward]) == pytest.approx(LengthRatio().score([forward]))


FIFTEEN_METRES = ("فاصله عمودی زیر برج 15 متر است.", "The vertical clearance under the bridge is 15 meters.")


def test_length_copes_with_concise_persian_and_copied_tokens():
    # Short sentences vary more: this English is 80 % longer than its Persian, rare but plausible
    [value] = LengthRatio().score([link(*FIFTEEN_METRES)])
    assert 0.05 < value < 0.5
    # digits and a Latin name copied into the Persian say nothing about the translated rest
    short = link("شرکت Apple در سال ۲۰۲۳ فروخت.", "Apple sold in 2023.")
    long_names = link("شرکت Apple Computer Incorporated در سال ۲۰۲۳ فروخت.",
                      "Apple Computer Incorporated sold in 2023.")
    assert length_z(short) == pytest.approx(length_z(long_names))


def test_length_ratio_prefers_plausible_lengths():
    full = "این جمله‌ای نسبتاً طولانی است که درباره‌ی آب و هوای امروز تهران صحبت می‌کند."
    good, truncated = LengthRatio().score([
        link(full, "This is a relatively long sentence which talks about the weather of Tehran today."),
        link(full, "This is"),
    ])
    assert good > 0.5 > truncated


def test_link_type_plausibility_and_mt_without_a_model():
    assert LinkTypePlausibility().score([link("a", "b"), link("a", "b", src_ids=(0, 1))]) == [1.0, 0.85]
    # without a model: the aligner's stored MT score where it ran with one, else nothing
    assert MTAgreement().score([link("a", "b"), link("a", "b", scores={"align_mt": 0.625})]) == [None, 0.625]


def test_mt_agreement_is_chrf_of_the_translation():
    def translate(texts):
        return ["I want to buy books." for _ in texts]

    component = MTAgreement(translate, translator="fake")
    same, other = component.score([link("x", "I want to buy books."), link("x", "Completely unrelated words.")])
    assert same == pytest.approx(1.0) and other < 0.3
    assert component.signature() == Signature.of("mt", metric="chrF", translator="fake")
    assert component.signature().long.startswith("mt|metric:chrF|translator:fake|")
    model = Signature.of("translator", model="opus-mt-fa-en")
    nested = MTAgreement(translate, translator=model).signature()
    assert nested.get("translator") == model and "|translator:[translator|model:opus-mt-fa-en|" in nested.long


def scored(scores, **extra):
    """A 1-1 fa-en link carrying the given component values (as the Scorer stores them)."""
    return link("این یک جمله است.", "This is a sentence.", scores=dict(scores), **extra)


GOOD = {"semantic": 0.95, "length": 0.9, "numbers": 1.0, "punctuation": 1.0, "lang_src": 1.0, "lang_tgt": 1.0}


@pytest.mark.parametrize("change", [
    {"semantic": 0.05},  # the embeddings say "not a translation"
    {"numbers": 0.05},  # a number substituted
    {"length": 0.001},  # a truncated side
])
def test_probability_falls_with_each_kind_of_evidence(change):
    good, bad = probability(scored(GOOD)), probability(scored({**GOOD, **change}))
    assert 0.0 <= bad < good <= 1.0


@pytest.mark.parametrize("gate", ["lang_src", "lang_tgt"])
def test_a_line_in_the_wrong_language_has_probability_zero(gate):
    assert probability(scored({**GOOD, gate: 0.0})) == 0.0
    assert probability(scored({**GOOD, gate: 0.5})) == pytest.approx(0.5 * probability(scored(GOOD)))


def test_the_aligners_values_are_used_where_the_link_has_them():
    plain = scored(GOOD)
    trusted = scored({**GOOD, "align_embed": 0.2, "align_path_margin": 0.1}, similarity=0.999)
    doubted = scored({**GOOD, "align_embed": -0.05, "align_path_margin": 0.1}, similarity=0.01)
    assert feature_set(trusted) == feature_set(doubted) == "aligned"
    assert probability(doubted) < probability(trusted)
    assert probability(doubted) < probability(plain)


def test_a_near_tie_in_the_search_lowers_the_probability():
    clear = scored({**GOOD, "align_embed": 0.1, "align_path_margin": 0.1}, similarity=0.999)
    tied = scored({**GOOD, "align_embed": 0.1, "align_path_margin": 0.001}, similarity=0.999)
    assert probability(tied) < probability(clear)


def test_a_link_aligned_without_a_path_margin_is_scored_as_a_plain_pair():
    # bitext written before 0.3.3: the aligned coefficients were fitted with the margin
    old = scored({**GOOD, "align_embed": 0.1}, similarity=0.999)
    assert feature_set(old) == "plain"
    assert probability(old) == pytest.approx(probability(scored(GOOD)))


def test_coefficients_cover_every_feature_of_their_set():
    for name, feature_names in FEATURE_SETS.items():
        assert set(COEFFICIENTS[name]) == set(feature_names) | {"bias"}
    assert 0.0 < DEFAULT_MIN_PROBABILITY < 1.0


class FakeEmbedder:
    """Texts sharing a first word point the same way: enough to test the plumbing."""

    def encode(self, texts):
        vectors = np.zeros((len(texts), 8), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row, hash(text.split()[0].lower()) % 8] = 1.0 if text else 0.0
        return vectors


def fake_scorer():
    components = default_components()
    components[0] = SemanticSimilarity(FakeEmbedder())
    return Scorer(components)


def test_scorer_fills_every_component_and_a_signature():
    links = [link("Tehran ۱۲ نفر؟", "Tehran 12 people?"), link("", "Orphan.", src_ids=())]
    scorer = fake_scorer()
    scorer.score_batch(links)
    aligned, orphan = links
    assert set(aligned.scores) == set(COMPONENTS.names()) - {"mt"}
    assert 0.0 <= aligned.score <= 1.0
    signature = scorer.signature()
    assert aligned.provenance["score"] == signature.long
    assert signature.long.startswith("score|semantic:[semantic|embedder:e5-small|")
    assert signature.get("combination").get("gates") == "lang_src*lang_tgt"
    assert "|combination:[logistic|gates:lang_src*lang_tgt|coefficients:" in signature.long
    assert "|fitted:flores200-dev+tico19-test|" in signature.long
    assert (orphan.score, orphan.scores) == (0.0, {"link": 0.0})


def test_rescoring_keeps_the_aligners_scores_out_of_the_combination():
    first = link("Tehran ۱۲ نفر؟", "Tehran 12 people?", scores={"align_cosine": 0.5, "numbers": 0.0})
    scorer = fake_scorer()
    scorer.score_batch([first])
    assert first.scores["align_cosine"] == 0.5 and first.scores["numbers"] == 1.0  # stale value replaced
    assert first.score == probability(link(first.src, first.tgt, scores={
        k: v for k, v in first.scores.items() if k != "align_cosine"}))


def test_scoring_streams_in_order():
    links = [link(f"w{i} جمله", f"w{i} sentence") for i in range(7)]
    scorer = fake_scorer()
    scorer.batch_size = 3
    assert list(scorer.score_links(iter(links))) == links
    assert all(item.score is not None for item in links)


def test_components_are_registered_by_name_in_the_scorers_order():
    names = ["semantic", "length", "numbers", "punctuation", "lang_src", "lang_tgt", "mt", "link"]
    assert COMPONENTS.names() == names
    assert [component.name for component in default_components()] == names
    assert [component.name for component in Scorer().components] == names


def test_filters_are_separate_from_scores_and_report_every_rejection():
    links = [
        link("الف", "A", score=0.9, scores={"numbers": 1.0}),
        link("الف", "A", score=0.9, scores={"numbers": 1.0}),  # exact duplicate
        link("الف!", "a", src_ids=(1,), tgt_ids=(1,), score=0.8, scores={"numbers": 1.0}),  # near duplicate
        link("ب", "B", score=0.2, scores={"numbers": 1.0}),  # low score
        link("پ ۱۲", "P 13", score=0.7, scores={"numbers": 0.05}),  # wrong number
        link("", "Orphan", src_ids=(), score=0.0, scores={"link": 0.0}),
    ]
    report = FilterReport()
    filters = [KeepAligned(), MinScore(0.5), MinComponent("numbers", 0.9), NearDuplicates()]
    kept = list(apply_filters(links, filters, report))
    assert kept == links[:1]
    assert report.kept + sum(report.rejected.values()) == len(links)
    assert report.rejected == {"unaligned (1-0/0-1)": 1, "score < 0.5": 1, "numbers < 0.9": 1, "near duplicate": 2}
    assert "kept 1" in report.summary()


def test_acceptance_filters_decide_thresholds_before_duplicates():
    filters = acceptance_filters(0.5, [("numbers", 0.9)], "exact")
    assert [f.reason for f in filters] == ["unaligned (1-0/0-1)", "score < 0.5", "numbers < 0.9", "exact duplicate"]
    assert [f.reason for f in acceptance_filters(dedup=None, drop_unaligned=False)] == []
    assert isinstance(acceptance_filters()[-1], NearDuplicates)


@pytest.mark.parametrize("filter_class, kept", [(ExactDuplicates, 2), (NearDuplicates, 1)])
def test_duplicate_kinds(filter_class, kept):
    pairs = [link("می‌خواهم ۱۲ کتاب", "I want 12 books."), link("ميخواهم 12 كتاب", "i want 12 books")]
    assert len(list(apply_filters(pairs, [filter_class()]))) == kept


@pytest.fixture(scope="module")
def e5():
    from aligner.embed import get_embedder

    return get_embedder("e5-small", use_cache=False)


def test_semantic_similarity_is_calibrated_and_separates_pairs(e5):
    component = SemanticSimilarity(e5)
    true_fa, true_ar, wrong = component.score([
        link("دانشمندان دستگاه جدیدی برای تشخیص سرطان ساختند.", "Scientists built a new device to detect cancer."),
        link("بنى العلماء جهازا جديدا للكشف عن السرطان.", "Scientists built a new device to detect cancer.",
             src_lang="ar"),
        link("دانشمندان دستگاه جدیدی برای تشخیص سرطان ساختند.", "The football match ended in a draw."),
    ])
    assert all(0.0 <= value <= 1.0 for value in (true_fa, true_ar, wrong))
    assert true_fa > 0.5 > wrong and true_ar > 0.5


def test_the_fifteen_metre_pair_is_likely_and_a_changed_number_is_not(e5):
    components = default_components(embedder=e5)
    right, changed = link(*FIFTEEN_METRES), link(FIFTEEN_METRES[0], FIFTEEN_METRES[1].replace("15", "51"))
    Scorer(components).score_batch([right, changed])
    # a plain pair (no aligner values): its unusual length costs it, but it stays likely
    assert right.score > 0.5 > 0.1 > changed.score
    assert "the source says 15 where the target says 51" in explain_link(changed)


def test_mt_agreement_translates_only_its_pair():
    calls = []

    def translate(texts):
        calls.append(list(texts))
        return ["Hello there." for _ in texts]

    component = MTAgreement(translate, "fake", pair=("fa", "en"))
    fa, ar = component.score([link("سلام", "Hello there."), link("مرحبا", "Hi.", src_lang="ar")])
    assert fa == pytest.approx(1.0) and ar is None and calls == [["سلام"]]


@pytest.mark.parametrize("src, tgt, scores, reason", [
    ("فاصله ۱۵ متر است.", "The distance is 15 meters.", {"lang_tgt": 0.0}, "the target is not in English"),
    ("فاصله زیاد است.", "The distance is 15 meters.", {"numbers": 0.05}, "the number 15 appears only in the target"),
    ("۸۰۰ هزار نفر آمدند.", "800 people came.", {"numbers": 0.05}, "the source says 800,000 where the target says 800"),
    ("در ژوئیه آمدند.", "They came in August.", {"numbers": 0.05}, "the source says July where the target says August"),
    ("این جمله‌ای نسبتاً طولانی است که درباره‌ی آب و هوای امروز تهران صحبت می‌کند.", "This is", {},
     "the source is much longer than a translation of the target would be"),
    ("او به خانه رفت.", "The football match ended in a draw.", {"semantic": 0.01},
     "the sentences mean different things (meaning 0.01)"),
    ("چرا رفت؟", "Why did he go.", {"punctuation": 0.5}, "the two sides differ in question marks"),
    ("او به خانه رفت.", "He went home.", {"align_path_margin": 0.002},
     "the aligner nearly joined or split these sentences another way (path margin 0.002)"),
])
def test_explain_link_says_why_a_unit_is_doubtful(src, tgt, scores, reason):
    # The numbers rows carry the component the Scorer stores for them (0.05: a figure differs);
    # a stored 1 says every quantity matched, and explain_link then reads none.
    assert any(r.startswith(reason) for r in explain_link(link(src, tgt, scores={**GOOD, **scores})))


def test_explain_link_has_nothing_against_a_good_unit():
    good = link("نهم ژوئیه ۸۰۰ هزار نفر آمدند.", "On July 9, 800,000 people came.", scores=GOOD)
    assert explain_link(good) == []
    assert explain_link(link(good.src, good.tgt, scores={**GOOD, "align_path_margin": 0.05})) == []
    assert explain_link(link("", "Orphan.", src_ids=())) == ["the target sentence has no counterpart on the other side"]
