"""Translate a document file into the same format (or a new DOCX/HTML), keeping its structure.

    translate_file("article.docx", "article.fa.docx", translator, get_segmenter("rules", "en"), "fa")

Every block's text is segmented into sentences with the project's segmenter; all sentences of
the document go to the translator as one stream (batched, deduplicated, cached); each block's
translated sentences are joined with a space and written back into its slots, formatting mapped
as formats/documents.py says; then the document and its blocks are marked with the target's
direction and language. Inputs of another kind (a PDF, plain text, or a DOCX written as HTML),
read by text/readers, become a new document of the output format, one paragraph per block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from ..errors import InputError
from ..segment.base import Segmenter
from ..text.readers import detect_format, extract
from ..text.reading import decode, read_regular_file, split_paragraphs, strip_span
from .atomic import atomic_write
from .documents import DOCUMENT_FORMATS, Block, Slot, distribute, open_document

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
                   output_format: str, encoding: Optional[str] = None) -> TranslatedDocument:
    """Translate the document at ``path`` into ``output`` (written atomically) as ``output_format``
    (a DOCUMENT_FORMATS name); see the module docstring."""
    path = Path(path)
    name = str(path)
    data = _read_bounded(path)
    input_format = detect_format(data, name)
    if input_format == output_format:
        tree = open_document(data, name, input_format)
        blocks = tree.blocks
        count = translate_blocks(blocks, segmenter, translator)
        tree.mark(tgt_lang)
        result = tree.to_bytes()
    else:
        build = DOCUMENT_FORMATS.get(output_format).build
        blocks = _paragraphs(data, name, input_format, encoding)
        count = translate_blocks(blocks, segmenter, translator)
        result = build([(block.text, block.heading) for block in blocks], tgt_lang)
    with atomic_write(output, "wb") as handle:
        handle.write(result)
    return TranslatedDocument(input_format, output_format, len(blocks), count)


def _read_bounded(path: Path) -> bytes:
    try:
        size = path.stat().st_size
    except OSError:
        size = 0  # read_regular_file says what is wrong
    if size > MAX_DOCUMENT_BYTES:
        raise InputError(f"{path}: {size / 2**20:.0f} MB; documents up to {MAX_DOCUMENT_BYTES // 2**20} MB are "
                         "translated (split it)")
    return read_regular_file(path, str(path))


# Heading levels of the readers' block kinds in a new document.
_HEADING_LEVELS = {"title": 1, "heading": 2}


def _paragraphs(data: bytes, name: str, input_format: str, encoding) -> List[Block]:
    """The input's blocks as one-slot blocks (text and heading level), read by text/readers."""
    if input_format == "warc":
        raise InputError(f"{name}: a WARC crawl holds many pages; translate it with txt or jsonl output")
    if input_format == "text":
        text = decode(data, name, encoding)
        pairs = [(text[p.start:p.end], 0) for p in split_paragraphs(text)]
    else:
        pairs = [(block.text, _HEADING_LEVELS.get(block.kind, 0)) for block in extract(data, name, input_format).blocks]
    blocks = [_one_slot_block(text, heading) for text, heading in pairs if text.strip()]
    if not blocks:
        raise InputError(f"{name}: no text to translate")
    return blocks


def _one_slot_block(text: str, heading: int) -> Block:
    block = Block([], heading)

    def write(new: str) -> None:
        block.slots[0].text = new

    block.slots.append(Slot(text, None, write))
    return block
