"""Reading input: files, folders and stdin, decoded strictly, split into paragraphs.

Every command reads through this module so that every command rejects the same bad input with
the same one-line message. Decoding is strict on purpose: a wrongly guessed code page silently
corrupts Persian and Arabic text, so we only accept what we can prove (UTF-8, UTF-16 with BOM)
and ask the user to name anything else with ``--encoding``.
"""

from __future__ import annotations

import codecs
import fnmatch
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, List, Optional, Sequence, Tuple

from ..document import Document, Origin, Paragraph, Sentence
from ..errors import InputError
from ..paths import file_kind
from .normalise import normalise
from .readers import INPUT_GLOBS, Extracted, detect_format, extract
from .readers import warc

DEFAULT_INCLUDE = INPUT_GLOBS  # every format read: plain text, HTML, WARC, DOCX, ODT, PDF
_SNIFF_BYTES = 4096
STDIN_NAME = "-"

# Bytes that Windows-1256 uses for Arabic letters (0xC1-0xDA, 0xDC-0xDF, 0xE1, 0xE3-0xE6, ...):
# a non-UTF-8 file whose high bytes mostly fall here is almost surely cp1256 Persian/Arabic.
_CP1256_LETTER_BYTES = frozenset(
    list(range(0xC1, 0xDB)) + list(range(0xDC, 0xE0)) + [0xE1] + list(range(0xE3, 0xE7))
    + [0x81, 0x8D, 0x8E, 0x90, 0x98, 0xEC, 0xED]
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


@dataclass(frozen=True)
class Source:
    """One input to read: a path, or stdin when ``path`` is None."""

    doc_id: str
    path: Optional[Path]
    url: Optional[str] = None  # a WARC record: its target URI
    offset: Optional[int] = None  # a WARC record: its byte offset in the file
    problem: Optional[str] = None  # a WARC record that could not be read: why (read_bytes raises it)

    @property
    def display_name(self) -> str:
        name = str(self.path) if self.path is not None else "<stdin>"
        return f"{name} ({self.url})" if self.url else name


def iter_sources(inputs: Sequence[str], include: Sequence[str] = DEFAULT_INCLUDE) -> Iterator[Source]:
    """Expand files, folders (recursively, filtered by ``include`` globs) and '-' (stdin).

    Folders are walked in sorted order so that output order never depends on the file system.
    Document ids are paths relative to the folder given, so that two folders can be paired by id.
    Only regular files are read: a named pipe or a device would block or never end.
    """
    if not inputs:
        raise InputError("no input given (pass files, folders, or - for stdin)")
    for item in inputs:
        if item == STDIN_NAME:
            yield Source("stdin", None)
            continue
        path = Path(item)
        kind = file_kind(path)
        if kind == "folder":
            yield from _folder_sources(path, include)
        elif kind == "file":
            yield from _file_sources(display_id(path.name), path)
        elif kind == "missing":
            raise InputError(f"{display_id(str(path))}: no such file or folder")
        else:
            raise InputError(f"{display_id(str(path))}: {kind}")


def _folder_sources(folder: Path, include: Sequence[str]) -> Iterator[Source]:
    found = False
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not any(fnmatch.fnmatch(name, pat) for pat in include):
                continue
            file_path = Path(root) / name
            kind = file_kind(file_path)
            if kind != "file":
                raise InputError(f"{display_id(str(file_path))}: {kind}")
            found = True
            yield from _file_sources(display_id(file_path.relative_to(folder).as_posix()), file_path)
    if not found:
        raise InputError(f"{display_id(str(folder))}: folder holds no file matching {', '.join(include)}")


def _file_sources(doc_id: str, path: Path) -> Iterator[Source]:
    """The file itself, or for a WARC crawl one source per HTML page (and per broken record)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        head = b""  # read_bytes reports it
    if not warc.is_warc(head):
        yield Source(doc_id, path)
        return
    seen = set()
    for entry in warc.list_records(path, display_id(str(path))):
        if entry.problem:
            yield Source(f"{doc_id}@{entry.offset}", path, offset=entry.offset, problem=entry.problem)
            continue
        record_id = f"{doc_id}/{warc.url_id(entry.url)}"
        if record_id in seen:  # the same URL crawled twice: its later captures are other documents
            record_id = f"{record_id}@{entry.offset}"
        seen.add(record_id)
        yield Source(record_id, path, url=entry.url, offset=entry.offset)


def display_id(name: str) -> str:
    """``name`` printable and writable as UTF-8: a file name that is not valid UTF-8 (its bytes
    come back from the OS as surrogate escapes) is shown with \\x escapes for those bytes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _guess_legacy_encoding(data: bytes) -> str:
    high = [b for b in data if b >= 0x80]
    if high and sum(b in _CP1256_LETTER_BYTES for b in high) / len(high) > 0.6:
        return "it looks like Windows-1256 (Arabic/Persian); rerun with --encoding cp1256"
    return "it looks like Latin-1/Windows-1252; rerun with --encoding latin-1 if that is right"


def check_encoding(encoding: str) -> None:
    """InputError unless ``encoding`` names a codec that decodes bytes to text (not rot13, zlib, hex)."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise InputError(f"{encoding!r} is not a text encoding (use e.g. utf-8, cp1256, latin-1)")


def decode(data: bytes, name: str, encoding: Optional[str] = None) -> str:
    """Decode bytes strictly; raise InputError naming ``name`` and the detected problem."""
    if encoding:
        check_encoding(encoding)
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError(f"{name}: not valid {encoding} (byte offset {exc.start}, line {line})") from None
        except UnicodeError as exc:  # a codec that can decode nothing, such as 'undefined'
            raise InputError(f"{name}: cannot decode with {encoding!r} ({exc})") from None
        text = text.lstrip("\ufeff")
    elif data.startswith(codecs.BOM_UTF8):
        text = _decode_utf8(data[len(codecs.BOM_UTF8):], name)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{name}: starts with a UTF-16 byte order mark but is not valid UTF-16") from None
    else:
        if b"\x00" in data[:65536]:
            raise InputError(f"{name}: binary file (NUL bytes); expected UTF-8 or UTF-16 text with a BOM")
        text = _decode_utf8(data, name)
    controls = len(_CONTROL_CHARS.findall(text[:65536]))
    if controls > max(8, len(text[:65536]) // 100):
        raise InputError(f"{name}: binary file ({controls} control characters); expected text")
    if not text.strip():
        raise InputError(f"{name}: empty file (no text to process)")
    return text


def _decode_utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"{name}: not UTF-8 (invalid byte 0x{data[exc.start]:02x} at line {line}); "
            + _guess_legacy_encoding(data)
        ) from None


def read_bytes(source: Source, stdin: Optional[BinaryIO] = None) -> bytes:
    """The source's bytes: a file's, stdin's, or a WARC record's HTTP payload."""
    if source.problem:
        raise InputError(source.problem)
    if source.offset is not None and source.path is not None:
        return warc.record_payload(source.path, source.offset, source.display_name)
    if source.path is None:
        stream = stdin if stdin is not None else sys.stdin.buffer
        return stream.read()
    return read_regular_file(source.path, source.display_name)


def read_regular_file(path: Path, name: Optional[str] = None) -> bytes:
    """The bytes of a regular file; InputError naming ``name`` (default: the path) otherwise."""
    name = name or display_id(str(path))
    kind = file_kind(path)
    if kind == "missing":
        raise InputError(f"{name}: cannot read (no such file)")
    if kind == "folder":
        raise InputError(f"{name}: cannot read (a folder, not a file)")
    if kind != "file":
        raise InputError(f"{name}: {kind}")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


def split_paragraphs(text: str) -> List[Paragraph]:
    """Paragraph spans of ``text``: blocks separated by blank lines.

    A text with no blank line at all is laid out one paragraph per line (as most scraped news
    is), so then every non-empty line is a paragraph. Either way a line break is always a
    boundary the segmenter never crosses; this function only decides the grouping.
    Offsets exclude line terminators and surrounding whitespace. Runs in linear time.
    """
    lines = []  # (start, end) of each line's content
    pos = 0
    for match in LINE_BREAK.finditer(text):
        lines.append((pos, match.start()))
        pos = match.end()
    lines.append((pos, len(text)))

    def is_blank(span):
        return not text[span[0]:span[1]].strip()

    # One paragraph per line unless some blank line separates two non-blank lines.
    blank_between = False
    seen_text = pending_blank = False
    for span in lines:
        if is_blank(span):
            pending_blank = seen_text
        elif pending_blank:
            blank_between = True
            break
        else:
            seen_text = True
    one_per_line = not blank_between

    paragraphs: List[Paragraph] = []
    block_start = block_end = None
    for span in lines:
        if is_blank(span):
            if block_start is not None:
                paragraphs.append(_paragraph(text, len(paragraphs), block_start, block_end))
                block_start = None
            continue
        if one_per_line:
            paragraphs.append(_paragraph(text, len(paragraphs), *span))
            continue
        if block_start is None:
            block_start = span[0]
        block_end = span[1]
    if block_start is not None:
        paragraphs.append(_paragraph(text, len(paragraphs), block_start, block_end))
    return paragraphs


def strip_span(text: str, start: int, end: int):
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraph(text: str, index: int, start: int, end: int) -> Paragraph:
    start, end = strip_span(text, start, end)
    return Paragraph(index, start, end)


def read_document(source: Source, encoding: Optional[str] = None, lang: str = "auto",
                  stdin: Optional[BinaryIO] = None) -> Document:
    """Read and decode one source into a Document with its paragraphs (not yet segmented)."""
    return document_from_bytes(source, read_bytes(source, stdin), encoding, lang)


def document_from_bytes(source: Source, data: bytes, encoding: Optional[str] = None,
                        lang: str = "auto") -> Document:
    """Decode the bytes already read from ``source`` into a Document with its paragraphs: plain
    text as it is, any other format (found from the bytes) through its reader."""
    path = str(source.path) if source.path is not None else None
    fmt = detect_format(data, source.display_name)
    if fmt == "warc":
        raise InputError(f"{source.display_name}: a WARC crawl; pass it as a file or in a folder, not on stdin")
    if fmt != "text":
        return document_from_extracted(source, extract(data, source.display_name, fmt), lang)
    text = decode(data, source.display_name, encoding)
    return Document(doc_id=source.doc_id, text=text, lang=lang, path=path,
                    paragraphs=split_paragraphs(text), origin=Origin(url=source.url))


def document_from_extracted(source: Source, extracted: Extracted, lang: str = "auto") -> Document:
    """A Document whose text is the reader's blocks, one per line with a blank line between
    them (what --keep-text writes, and what jsonl offsets count in); each block one paragraph."""
    text, paragraphs = "", []
    for block in extracted.blocks:
        if text:
            text += "\n\n"
        start = len(text)
        text += block.text
        paragraphs.append(Paragraph(len(paragraphs), start, len(text)))
    if not text.strip():
        raise InputError(f"{source.display_name}: empty {extracted.format} file (no text to process)")
    origin = Origin(extracted.format, source.url, extracted.title, extracted.lang_hint, extracted.dir_hint,
                    tuple(extracted.notes))
    return Document(doc_id=source.doc_id, text=text, lang=lang,
                    path=str(source.path) if source.path is not None else None,
                    paragraphs=paragraphs, origin=origin)


def document_from_lines(doc_id: str, lines: Sequence[str], lang: str, path: Optional[str] = None,
                        blank_line_is_paragraph_break: bool = True) -> Document:
    """A document whose sentences are given one per line (its text is the lines joined by LF).

    For pre-segmented files, a blank line separates paragraphs and holds no sentence; surrounding
    whitespace is not part of a sentence. For machine translations (one line per source
    sentence) pass ``blank_line_is_paragraph_break=False``: every line is a sentence, even an
    empty one, so sentence k stays the translation of source sentence k.
    """
    document = Document(doc_id=doc_id, text="\n".join(lines), lang=lang, path=path)
    paragraph, position, paragraph_start, blank = 0, 0, None, False
    for line in lines:
        stripped = line.strip()
        if not stripped and blank_line_is_paragraph_break:
            blank = bool(document.sentences)
        else:
            if blank:
                document.paragraphs.append(Paragraph(paragraph, paragraph_start, document.sentences[-1].end))
                paragraph, paragraph_start, blank = paragraph + 1, None, False
            start = position + (line.index(stripped) if stripped else 0)
            if paragraph_start is None:
                paragraph_start = start
            document.sentences.append(Sentence(
                doc_id=doc_id, index=len(document.sentences), paragraph=paragraph, start=start,
                end=start + len(stripped), text=stripped, key=normalise(stripped, lang), lang=lang))
        position += len(line) + 1
    if document.sentences:
        document.paragraphs.append(Paragraph(paragraph, paragraph_start, document.sentences[-1].end))
    return document


def read_documents(inputs: Sequence[str], include: Sequence[str] = DEFAULT_INCLUDE,
                   encoding: Optional[str] = None, lang: str = "auto",
                   stdin: Optional[BinaryIO] = None) -> Iterator[Document]:
    """Read every input lazily, one Document at a time, in a deterministic order."""
    for source in iter_sources(inputs, include):
        yield read_document(source, encoding, lang, stdin)


def iter_lines(source: Source, encoding: Optional[str] = None,
               stdin: Optional[BinaryIO] = None) -> List[str]:
    """The lines of a one-item-per-line file (pre-segmented text), without terminators."""
    text = decode(read_bytes(source, stdin), source.display_name, encoding)
    return LINE_BREAK.split(text.rstrip("\r\n"))


def name_key(source: Source) -> str:
    """A document id with a language code removed from its name: news.fa.txt and news.en.txt pair
    up; a WARC record's key is its URL without language segments (/fa/news/1 and /en/news/1)."""
    if source.url:
        return "url:" + warc.url_pair_key(source.url)
    parts = source.doc_id.split(".")
    if len(parts) == 1:
        return source.doc_id
    kept = [p for p in parts[:-1] if len(p) not in (2, 3) or not p.isalpha() or not p.islower()] or parts[:1]
    return ".".join(kept + parts[-1:])


def stem_key(source: Source) -> str:
    """name_key without the file's extension: article.fa.docx pairs with article.en.html."""
    key = name_key(source)
    head, dot, extension = key.rpartition(".")
    return key if source.url or not dot or "/" in extension else head


def pair_sources(src_sources: Sequence[Source], tgt_sources: Sequence[Source],
                 strict: bool = True) -> List[Tuple[Source, Source]]:
    """Pair documents by id (relative path), or by id without a language code in the name, or
    without its extension too (a DOCX with its translation saved as a page).

    With ``strict`` a source without a partner is an InputError; otherwise it is left out and the
    caller reports it.
    """
    keys = (lambda source: source.doc_id, name_key, stem_key)  # the closest match first
    tables: List[dict] = [{} for _ in keys]
    for source in tgt_sources:
        for table, key in zip(tables, keys):
            table.setdefault(key(source), source)
    pairs, unpaired = [], []
    for source in src_sources:
        partner = next((table[key(source)] for table, key in zip(tables, keys) if key(source) in table), None)
        if partner is None:
            unpaired.append(source.doc_id)
        else:
            pairs.append((source, partner))
    if strict and unpaired:
        more = " ..." if len(unpaired) > 5 else ""
        raise InputError(f"no target file pairs with {', '.join(unpaired[:5])}{more}")
    return pairs
