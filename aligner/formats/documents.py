"""Translated documents written back in their own format: the shared model and the registry.

A format (DOCX, ODT, HTML) opens a file as a :class:`DocumentTree`: its text blocks (paragraphs,
headings, table cells, list items) in reading order, each a list of :class:`Slot` s, the
places in the file that hold its text (a DOCX ``w:t``, the text of an HTML ``<b>``...), with a
formatting key per slot (bold, italic, a link ...). A translation replaces the slots' text and
leaves everything else (styles, tables, images, links) as it was; ``mark`` then sets the
document's and each block's direction and language tags for the target language.

How the formatting of a paragraph maps onto its translation (:func:`distribute`):

* a paragraph with one formatting (the usual case) gets its whole translation in that formatting;
* a sentence that lies inside one formatting (a bold lead sentence, a linked sentence) keeps
  that formatting exactly;
* a sentence across several formattings is cut into as many pieces, at word boundaries, in the
  proportions the formattings held in the source sentence. Word order changes in translation,
  so that a bold word stays on the word that translates it is not guaranteed: only the amount
  of bold text and its place in the sentence carry over.

Whitespace-only slots (the space between a bold and an italic run) are emptied; the translated
sentences are joined with one space.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Callable, Hashable, List, Optional, Sequence, Tuple

from ..errors import InputError
from ..registry import Registry

# Language tags written into documents: BCP 47 with the region office suites expect.
LANGUAGE_TAGS = {"fa": "fa-IR", "ar": "ar-SA", "en": "en-US"}
RTL_LANGUAGES = {"fa", "ar"}


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES


@dataclass
class Slot:
    """One place in the file holding part of a block's text, and its formatting."""

    text: str
    key: Hashable  # equal keys: same formatting
    write: Callable[[str], None]  # puts new text into the file's tree
    placeholder: bool = False  # an element standing for white space: it takes no text, only ""


@dataclass
class Block:
    """One paragraph-like unit: its slots in order; ``heading`` is its level (0: body text)."""

    slots: List[Slot]
    heading: int = 0

    @property
    def text(self) -> str:
        return "".join(slot.text for slot in self.slots)


class DocumentTree:
    """An opened document: its blocks, then ``mark(lang)`` and ``to_bytes()`` after the slots were
    rewritten."""

    blocks: List[Block]

    def mark(self, lang: str) -> None:
        raise NotImplementedError

    def to_bytes(self) -> bytes:
        raise NotImplementedError


@dataclass(frozen=True)
class DocumentFormat:
    """``suffixes``: the file names it is chosen by for output; ``open(data, name)`` the tree
    (InputError when unreadable); ``build(blocks, lang)`` a new document from (text, heading
    level) pairs, for inputs of another format (a PDF, plain text). Which format an input is,
    text/readers decides from its bytes."""

    suffixes: Tuple[str, ...]
    open: Callable[[bytes, str], DocumentTree]
    build: Callable[[Sequence[Tuple[str, int]], str], bytes]


DOCUMENT_FORMATS: Registry[DocumentFormat] = Registry("document format")
DOCUMENT_FORMATS.add("docx", "aligner.formats.docx:DOCX")
DOCUMENT_FORMATS.add("odt", "aligner.formats.odt:ODT")
DOCUMENT_FORMATS.add("html", "aligner.formats.html_page:HTML")


def format_of_suffix(path: str) -> Optional[str]:
    """The document format a file name's extension names, or None."""
    lowered = str(path).lower()
    for name, document_format in DOCUMENT_FORMATS.items():
        if lowered.endswith(document_format.suffixes):
            return name
    return None


def open_document(data: bytes, name: str, format_name: str) -> DocumentTree:
    tree = DOCUMENT_FORMATS.get(format_name).open(data, name)
    if not any(block.text.strip() for block in tree.blocks):
        raise InputError(f"{name}: no text to translate (an empty document, or text only in images)")
    return tree


# --- formatting onto translations --------------------------------------------------------------

@dataclass
class _Group:
    """Consecutive slots with the same formatting, and the span of the block's text they hold."""

    slots: List[Slot]
    start: int
    end: int
    pieces: List[str] = field(default_factory=list)


def _groups(slots: Sequence[Slot]) -> List[_Group]:
    groups: List[_Group] = []
    position = 0
    for slot in slots:
        end = position + len(slot.text)
        if groups and groups[-1].slots[-1].key == slot.key:
            groups[-1].slots.append(slot)
            groups[-1].end = end
        else:
            groups.append(_Group([slot], position, end))
        position = end
    return groups


def _visible(text: str, start: int, end: int) -> int:
    """Non-space characters of text[start:end]: the weight a formatting has in a sentence."""
    return sum(1 for ch in text[start:end] if not ch.isspace())


def _cut(translation: str, weights: Sequence[int]) -> List[str]:
    """``translation`` cut into len(weights) consecutive pieces (some maybe empty) whose lengths
    follow ``weights``, every cut just after a space."""
    boundaries = [0] + [k + 1 for k, ch in enumerate(translation) if ch == " "] + [len(translation)]
    total = sum(weights)
    cuts, running = [0], 0
    for weight in weights[:-1]:
        running += weight
        target = len(translation) * running / total
        k = bisect.bisect_left(boundaries, target)
        nearest = min(boundaries[max(k - 1, 0):k + 1], key=lambda b: abs(b - target))
        cuts.append(max(nearest, cuts[-1]))
    cuts.append(len(translation))
    return [translation[a:b] for a, b in zip(cuts, cuts[1:])]


def distribute(block: Block, sentences: Sequence[Tuple[int, int]], translations: Sequence[str]) -> None:
    """Write the ``translations`` of the block's ``sentences`` (spans of ``block.text``) into its
    slots, keeping formatting where it maps (see the module docstring)."""
    text = block.text
    groups = _groups(block.slots)
    visible = [g for g in groups if _visible(text, g.start, g.end)]
    for number, ((start, end), translation) in enumerate(zip(sentences, translations)):
        if number < len(sentences) - 1 and translation:
            translation += " "
        covering = [g for g in visible if g.start < end and g.end > start and
                    _visible(text, max(g.start, start), min(g.end, end))]
        if not covering:  # cannot happen for a sentence of non-space text; kept safe
            covering = visible[:1]
        weights = [_visible(text, max(g.start, start), min(g.end, end)) for g in covering]
        for group, piece in zip(covering, _cut(translation, weights)):
            group.pieces.append(piece)
    for group in groups:
        holder = next((slot for slot in group.slots if not slot.placeholder), group.slots[0])
        holder.write("".join(group.pieces))
        for slot in group.slots:
            if slot is not holder:
                slot.write("")
