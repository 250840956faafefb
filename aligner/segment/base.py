"""Sentence segmentation: a small Segmenter base class and a registry of backends.

A segmenter only ever sees one line of one paragraph at a time: line breaks are hard boundaries
(headlines and list items end at the break), so no backend can join across them.
"""

from __future__ import annotations

from typing import Callable, Iterable, List, Optional, Tuple

from ..document import Document, Sentence
from ..registry import Registry
from ..signature import Signature
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

    def signature(self) -> Signature:
        """Identifies the backend and its settings; alignment provenance records it."""
        return Signature.of("segmenter", name=self.name, language=self.lang)


# Lazy entries: `stanza` (and torch) load only when that backend is used.
SEGMENTERS: Registry[Callable[..., Segmenter]] = Registry("segmenter")
SEGMENTERS.add("rules", "aligner.segment.rules:RuleSegmenter")
SEGMENTERS.add("stanza", "aligner.segment.stanza:StanzaSegmenter")


def get_segmenter(name: str, lang: str, **options) -> Segmenter:
    return SEGMENTERS.get(name)(lang, **options)


def _line_spans(text: str, start: int, end: int) -> Iterable[Span]:
    """Non-blank lines of text[start:end] as absolute, whitespace-stripped spans."""
    pos = start
    for match in LINE_BREAK.finditer(text, start, end):
        yield strip_span(text, pos, match.start())
        pos = match.end()
    yield strip_span(text, pos, end)


def segment_document(document: Document, segmenter: Optional[Segmenter] = None) -> Document:
    """Fill ``document.sentences`` (and its language when it is 'auto'); returns the document.

    Without a ``segmenter`` the rules backend of the document's language is used. Sentence
    offsets index the original text, whose content is never changed.
    """
    if document.lang == "auto":
        identify_document(document)
    if segmenter is None:
        segmenter = get_segmenter("rules", document.lang)
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
                    key=normalise(text, document.lang), lang=document.lang,
                ))
    document.sentences = sentences
    return document
