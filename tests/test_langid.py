"""Language identification: accuracy on shared test sets, documents, mixed and wrong languages."""

from __future__ import annotations

import pytest

from aligner.document import Document
from aligner.errors import InputError
from aligner.text.langid import check_language, identify, identify_document
from aligner.text.reading import split_paragraphs

FA = "معاون وزیر ارتباطات هرگونه مذاکره محرمانه جدیدی را با تلگرام رد کرد و گفت که پیام‌رسان پاسخ نداد."
AR = "أطلقت فرنسا تحقيقًا في تطبيق تيليجرام لأن المنصة تجاهلت مطالب تحديد هوية مجرمي الإنترنت في البلاد."
EN = "Telegram refused to cooperate with the police, the head of the cyber police said on Wednesday."


def doc(text: str) -> Document:
    return Document(doc_id="d.txt", text=text, paragraphs=split_paragraphs(text))


# Thresholds sit just under the accuracy measured with benchmarks/langid.py (docs/segmentation.md).
@pytest.mark.parametrize("path, lang, threshold", [
    ("flores200/devtest.en", "en", 0.998),
    ("flores200/devtest.fa", "fa", 0.998),
    ("flores200/devtest.ar", "ar", 0.998),
    ("tico19/dev.fa", "fa", 0.995),
    ("tico19/dev.ar", "ar", 0.995),
    ("tatoeba/test.en-fa.fa", "fa", 0.99),
    ("tatoeba/test.en-ar.ar", "ar", 0.99),  # includes dialect lines (arq, arz, ...)
    ("tatoeba/test.en-fa.en", "en", 0.998),
])
def test_accuracy_on_shared_sets(shared_dir, path, lang, threshold):
    lines = [line.strip() for line in (shared_dir / "data" / path).read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    accuracy = sum(identify(line)[0] == lang for line in lines) / len(lines)
    assert accuracy >= threshold, f"{path}: {accuracy:.4f}"


@pytest.mark.parametrize("text, lang", [
    (FA, "fa"), (AR, "ar"), (EN, "en"),
    ("پ", "fa"), ("ة", "ar"),
    ("سپس Whirling Dervishes به صحنه رفت.", "fa"),  # Latin names inside Persian
    ("اين پيام رسان هيچ همکاري نکرد و گفت اينجا نيست.", "fa"),  # Persian typed with Arabic yeh
    ("Der Bundestag hat heute ein neues Gesetz über die Energiepolitik beschlossen.", "de"),
    ("12345 !!!", "und"),
])
def test_identify(text, lang):
    assert identify(text)[0] == lang


@pytest.mark.parametrize("text, lang", [(FA, "fa"), (AR, "ar"), (EN, "en")])
def test_document_language(text, lang):
    document = doc(f"{text}\n\n{text}")
    assert identify_document(document) == lang and document.lang == lang
    assert document.mixed_languages is None


def test_mixed_document_is_flagged():
    document = doc(f"{FA}\n\n{FA}\n\n{EN}")
    assert identify_document(document) == "fa"
    assert set(document.mixed_languages) == {"fa", "en"}
    assert document.mixed_languages["en"] >= 0.2


@pytest.mark.parametrize("text, message", [
    ("Der Bundestag hat heute ein neues Gesetz über die Energiepolitik und den Klimaschutz beschlossen.",
     r"d\.txt: looks like 'de', not Persian, Arabic or English"),
    ("12 34 56", r"d\.txt: no letters"),
])
def test_unsupported_documents_are_rejected(text, message):
    with pytest.raises(InputError, match=message):
        identify_document(doc(text))


@pytest.mark.parametrize("text, wrong", [(FA, "ar"), (AR, "en"), (EN, "fa")])
def test_wrong_lang_is_rejected(text, wrong):
    with pytest.raises(InputError, match=f"text is '.+' but --lang says '{wrong}'"):
        check_language(doc(text), wrong)


def test_right_lang_is_accepted():
    for text, lang in ((FA, "fa"), (AR, "ar"), (EN, "en")):
        check_language(doc(text), lang)
