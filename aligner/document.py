"""The data model every stage shares: Document -> Paragraph -> Sentence.

A Document keeps its original text untouched. Paragraphs and sentences are spans of it
(character offsets), so output can always reproduce the original bytes; ``key`` holds the
normalised form that matching uses and is never written where the original is expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, List, Optional

LANGUAGES = ("fa", "ar", "en")
# Beyond fa/ar: a bitext written by another tool may carry other languages (the report shows them).
ARABIC_SCRIPT_LANGUAGES = frozenset({"fa", "ar", "ur", "ps", "ckb", "ug", "sd"})
RTL_LANGUAGES = ARABIC_SCRIPT_LANGUAGES | {"he", "yi", "dv"}


@dataclass(frozen=True)
class Sentence:
    """One sentence: a span [start, end) of its document's text."""

    doc_id: str
    index: int  # position among all sentences of the document, from 0
    paragraph: int  # index of the paragraph that holds it, from 0
    start: int
    end: int
    text: str  # original text, exactly document.text[start:end]
    key: str  # normalised text used for matching only
    lang: str

    def to_dict(self) -> dict:
        return {
            "doc": self.doc_id,
            "paragraph": self.paragraph,
            "sentence": self.index,
            "start": self.start,
            "end": self.end,
            "lang": self.lang,
            "text": self.text,
        }


@dataclass(frozen=True)
class Paragraph:
    """A block of text between blank lines (or a single line where lines are boundaries)."""

    index: int
    start: int
    end: int


@dataclass
class Document:
    """A whole input file (or stdin) as read, with its language and, once segmented, sentences."""

    doc_id: str
    text: str
    lang: str = "auto"
    path: Optional[str] = None
    paragraphs: List[Paragraph] = field(default_factory=list)
    sentences: List[Sentence] = field(default_factory=list)
    # Set by language identification when a document mixes languages substantially.
    mixed_languages: Optional[dict] = None

    def paragraph_text(self, paragraph: Paragraph) -> str:
        return self.text[paragraph.start : paragraph.end]

    def sentences_by_paragraph(self) -> Iterator[List[Sentence]]:
        """Sentences grouped by paragraph, in document order (empty paragraphs are skipped)."""
        group: List[Sentence] = []
        for sentence in self.sentences:
            if group and sentence.paragraph != group[-1].paragraph:
                yield group
                group = []
            group.append(sentence)
        if group:
            yield group
