"""Normalisation keys for matching: letter variants, digits, tatweel, diacritics; ZWNJ survives."""

from __future__ import annotations

import pytest

from aligner.text.normalise import encoder_text, normalise, normalise_digits


@pytest.mark.parametrize("lang, text, key", [
    # Persian: Arabic yeh/kaf/alef maqsura become Persian yeh/kaf; ZWNJ kept; tatweel removed.
    ("fa", "مي‌خواهم كتاب بخرم", "می‌خواهم کتاب بخرم"),
    ("fa", "مصطفى", "مصطفی"),
    ("fa", "تهـــران", "تهران"),
    ("fa", "خانۀ ما", "خانه ما"),
    ("fa", "مَدرِسه", "مدرسه"),
    ("fa", "۱۲۳۴۵۶۷۸۹۰ و ۳٫۵ و ۱٬۰۰۰", "1234567890 و 3.5 و 1,000"),
    # Arabic: alef variants match bare alef; tashkeel and tatweel removed; Persian letters folded.
    ("ar", "أحمد إلى آخر ٱلكتاب", "احمد الي اخر الكتاب"),
    ("ar", "مُحَمَّدٌ", "محمد"),
    ("ar", "العربيـــة", "العربية"),
    ("ar", "کتاب ی", "كتاب ي"),
    ("ar", "٠١٢٣٤٥٦٧٨٩ و٣٫٥", "0123456789 و3.5"),
    # Presentation forms fold to the letters they draw.
    ("ar", "\ufefb\ufe8e", "لاا"),
    # English: digits and whitespace only.
    ("en", "  Two   spaces\tand ٣ ", "Two spaces and 3"),
    ("en", "Café 3.5", "Café 3.5"),
])
def test_normalise(lang, text, key):
    assert normalise(text, lang) == key


@pytest.mark.parametrize("lang, text", [
    ("fa", "می‌خواهم"), ("fa", "کتاب‌ها"), ("ar", "نص\u200cعربي"), ("en", "a\u200cb"),
])
def test_zwnj_is_preserved(lang, text):
    assert "\u200c" in normalise(text, lang)


@pytest.mark.parametrize("lang, text, key", [
    ("fa", "مَدرِسه", "مَدرِسه"),
    ("ar", "مُحَمَّدٌ", "مُحَمَّدٌ"),
])
def test_diacritics_removal_is_optional(lang, text, key):
    assert normalise(text, lang, strip_diacritics=False) == key


@pytest.mark.parametrize("text, expected", [
    ("۱۴۰۲/۰۵/۰۱", "1402/05/01"),
    ("٣٫٥ و ٣٬٠٠٠", "3.5 و 3,000"),
    ("كتاب 12", "كتاب 12"),
])
def test_normalise_digits_changes_digits_only(text, expected):
    assert normalise_digits(text) == expected


@pytest.mark.parametrize("text, expected", [
    # Vocalised Arabic (hadith, Quran with alef wasla and small high marks) loses its marks only.
    ("حَدَّثَنَا أَبُو بَكْرِ بْنُ أَبِي شَيْبَةَ", "حدثنا أبو بكر بن أبي شيبة"),
    ("بِسۡمِ ٱللَّهِ ٱلرَّحۡمَٰنِ", "بسم الله الرحمن"),
    ("العربيـــة", "العربية"),
    ("\ufefb", "\u0644\u0627"),
    # Undiacritised text reaches the encoder unchanged: letter variants, digits, ZWNJ, spacing.
    ("أحمد إلى ۱۲ كتاب", "أحمد إلى ۱۲ كتاب"),
    ("می‌خواهم  کتاب‌ها را", "می‌خواهم  کتاب‌ها را"),
    ("Café 3.5", "Café 3.5"),
])
def test_encoder_text_removes_marks_only(text, expected):
    assert encoder_text(text) == expected
