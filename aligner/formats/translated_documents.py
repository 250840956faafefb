"""Translate a document file into the same format (or a new DOCX/HTML), keeping its structure.

    translate_file("article.docx", "article.fa.docx", translator, get_segmenter("rules", "en"), "fa")

Every block's text is segmented into sentences with the project's segmenter; all sentences of
the document go to the translator as one stream (batched, deduplicated, cached); each block's
translated sentences are joined with a space and written back into its slots, formatting mapped
as formats/documents.py says; then the document and its blocks are marked with the target's
direction and language. Inputs of another kind (plain text, and whatever the readers of text/
turn into a Document) become a new document of the output format, one paragraph per paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..errors import InputError
from ..segment.base import Segmenter
from ..text.reading import Source, document_from_bytes, read_regular_file, strip_span
from .atomic import atomic_write
from .documents import DOCUMENT_FORMATS, Block, DocumentTree, Slot, detect_format, distribute, open_document

# A document larger than this is refused before it is read (news articles are far below).
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
_WHITESPACE = re.compile(r"\s")


@dataclass
class TranslatedDocument:
    """What translate_file did: the formats and how many blocks and sentences were translated."""

    input_format: str
    output_format: str
    blocks: int
    sentences: int


def sentence_spans(text: str, segmenter: Segmenter) -> List[Tuple[int, int]]:
    """Sentence spans of a block's text. Line breaks inside a block are layout (HTML source,
    a DOCX soft wrap), so every whitespace character counts as a space; offsets are unchanged."""
    line = _WHITESPACE.sub(" ", text)
    spans = []
    for start, end in segmenter.split(line):
        start, end = strip_span(line, start, end)
        if start < end:
            spans.append((start, end))
    return spans


def translate_blocks(blocks: Sequence[Block], segmenter: Segmenter, translator) -> int:
    """Translate every block in place (one translator stream for all); returns the sentence count."""
    plans, texts = [], []
    for block in blocks:
        text = block.text
        spans = sentence_spans(text, segmenter)
        if spans:
            plans.append((block, spans))
            texts.extend(" ".join(text[start:end].split()) for start, end in spans)
    translations = iter(translator.translate(texts))
    for block, spans in plans:
        distribute(block, spans, [next(translations).text for _ in spans])
    return len(texts)


def translate_file(path, output, translator, segmenter: Segmenter, tgt_lang: str,
                   output_format: Optional[str] = None, encoding: Optional[str] = None) -> TranslatedDocument:
    """Translate the document at ``path`` into ``output`` (written atomically) in ``output_format``
    (default: the input's format); see the module docstring."""
    path = Path(path)
    name = str(path)
    data = _read_bounded(path)
    input_format = detect_format(data, name)
    output_format = output_format or input_format
    if output_format is None:
        raise InputError(f"{name}: not a DOCX, ODT or HTML document; name the output's format (-o out.docx)")
    if input_format == output_format:
        tree = open_document(data, name, input_format)
        count = translate_blocks(tree.blocks, segmenter, translator)
        tree.mark(tgt_lang)
        result = tree.to_bytes()
        blocks = len(tree.blocks)
    else:
        built = DOCUMENT_FORMATS.get(output_format).build
        if built is None:
            raise InputError(f"{name}: {output_format} output is written only from {output_format} input")
        paragraphs = _paragraphs(data, name, input_format, encoding, translator.src_lang)
        count = translate_blocks(paragraphs, segmenter, translator)
        result = built([(block.text, block.heading) for block in paragraphs], tgt_lang)
        blocks = len(paragraphs)
    with atomic_write(output, "wb") as handle:
        handle.write(result)
    return TranslatedDocument(input_format or "text", output_format, blocks, count)


def _read_bounded(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_regular_file says what is wrong
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(f"{path}: {size / 2**20:.0f} MB; documents up to {MAX_DOCUMENT_BYTES // 2**20} MB are "
                         "translated (split it)")
    return read_regular_file(path, str(path))


def _paragraphs(data: bytes, name: str, input_format: Optional[str], encoding, lang: str) -> List[Block]:
    """The input's paragraphs as one-slot blocks (text and heading level), whatever its format."""
    if input_format is not None:
        tree: DocumentTree = open_document(data, name, input_format)
        pairs = [(block.text, block.heading) for block in tree.blocks]
    else:
        document = document_from_bytes(Source(name, Path(name)), data, encoding, lang)
        pairs = [(document.text[p.start:p.end], 0) for p in document.paragraphs]
    return [_one_slot_block(text, heading) for text, heading in pairs if text.strip()]


def _one_slot_block(text: str, heading: int) -> Block:
    block = Block([], heading)

    def write(new: str) -> None:
        block.slots[0].text = new

    block.slots.append(Slot(text, None, write))
    return block
