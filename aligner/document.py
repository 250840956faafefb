"""The data model every stage shares: Document -> Paragraph -> Sentence.

A Document keeps its original text untouched. Paragraphs and sentences are spans of it
(character offsets), so output can always reproduce the original bytes; ``key`` holds the
normalised form that matching uses and is never written where the original is expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Tuple

from .errors import InputError

# The languages aligner segments, identifies and translates.
LANGUAGES = ("fa", "ar", "en")
# ISO 639-1: the codes a pre-segmented pair in another language, or a bitext written by another
# tool, may carry.
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en
eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv
ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne
ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg sh si sk sl sm sn so sq sr ss
st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())
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


@dataclass(frozen=True)
class Origin:
    """Where a document's text came from and what its reader found beside the text. Hints are
    what the file declares; the language is still identified from the text."""

    format: str = "text"  # text, html, docx, odt, pdf (a WARC record: html with its url)
    url: Optional[str] = None  # a WARC record's target URI
    title: Optional[str] = None  # the headline the file names (HTML title, document title)
    lang_hint: Optional[str] = None
    dir_hint: Optional[str] = None  # "rtl" or "ltr"
    notes: Tuple[str, ...] = ()  # what the reader capped or repaired

    def describe(self, path: Optional[str]) -> str:
        """The file (and URL) a document came from, as reports name it."""
        where = path or "<stdin>"
        return f"{where} ({self.url})" if self.url else where


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
    origin: Origin = field(default_factory=Origin)

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


def check_language_code(code: str, option: str, any_language: bool = False) -> str:
    """``code`` if it is 'auto' or one of LANGUAGES (with ``any_language``: any ISO 639-1 code);
    otherwise an InputError naming ``option``."""
    if code == "auto" or code in LANGUAGES:
        return code
    if any_language and code in ISO_639_1:
        return code
    if any_language:
        raise InputError(f"{option} {code!r}: not an ISO 639-1 language code (such as fa, ar, en, de)")
    raise InputError(f"{option} {code!r}: aligner segments and identifies fa, ar and en only "
                     "(other ISO 639-1 codes work with pre-segmented input: --presegmented)")
