"""Sentence segmentation: a small Segmenter base class and a registry of backends.

A segmenter only ever sees one line of one paragraph at a time: line breaks are hard boundaries
(headlines and list items end at the break), so no backend can join across them.
"""

from __future__ import annotations

from typing import Callable, Dict, Iterable, List, Optional, Tuple

from ..document import Document, Sentence
from ..errors import AlignerError
from ..text.langid import identify_document
from ..text.normalise import normalise
from ..text.reading import LINE_BREAK, strip_span

Span = Tuple[int, int]


class Segmenter:
    """Splits one line of text into sentence spans (offsets into that line)."""

    name = "base"

    def __init__(self, lang: str):
        self.lang = lang

    def split(self, line: str) -> List[Span]:
        raise NotImplementedError

    def signature(self) -> str:
        """Identifies the backend and its settings, for reproducibility notes and caches."""
        return f"{self.name}|{self.lang}"


SEGMENTERS: Dict[str, Callable[..., Segmenter]] = {}


def register(name: str):
    def wrap(cls):
        cls.name = name
        SEGMENTERS[name] = cls
        return cls
    return wrap


def get_segmenter(name: str, lang: str, **options) -> Segmenter:
    if name not in SEGMENTERS:
        _load_backends()
    try:
        factory = SEGMENTERS[name]
    except KeyError:
        raise AlignerError(f"unknown segmenter {name!r} (choose from {', '.join(sorted(SEGMENTERS))})") from None
    return factory(lang, **options)


def _load_backends() -> None:
    # Imported for their @register side effect; kept lazy so `stanza` (and torch) load only on use.
    from . import rules, stanza  # noqa: F401


def _line_spans(text: str, start: int, end: int) -> Iterable[Span]:
    """Non-blank lines of text[start:end] as absolute, whitespace-stripped spans."""
    pos = start
    for match in LINE_BREAK.finditer(text, start, end):
        yield strip_span(text, pos, match.start())
        pos = match.end()
    yield strip_span(text, pos, end)


def segment_document(document: Document, segmenter: Optional[Segmenter] = None,
                     backend: str = "rules", strip_diacritics: bool = True) -> Document:
    """Fill ``document.sentences`` (and its language when it is 'auto'); returns the document.

    Sentence offsets index the original text, whose content is never changed.
    """
    if document.lang == "auto":
        identify_document(document)
    if segmenter is None:
        segmenter = get_segmenter(backend, document.lang)
    sentences: List[Sentence] = []
    for paragraph in document.paragraphs:
        for line_start, line_end in _line_spans(document.text, paragraph.start, paragraph.end):
            if line_start >= line_end:
                continue
            line = document.text[line_start:line_end]
            for start, end in segmenter.split(line):
                start, end = strip_span(line, start, end)
                if start >= end:
                    continue
                text = line[start:end]
                sentences.append(Sentence(
                    doc_id=document.doc_id, index=len(sentences), paragraph=paragraph.index,
                    start=line_start + start, end=line_start + end, text=text,
                    key=normalise(text, document.lang, strip_diacritics), lang=document.lang,
                ))
    document.sentences = sentences
    return document
