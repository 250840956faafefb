"""Word processor files: DOCX (python-docx) and ODT (its content.xml, read with lxml).

Both give the body in reading order: headings, paragraphs, each table cell's paragraphs (a
merged cell once), then the footnotes (after the body, so that a sentence is never cut by the
note it cites). The language the file declares and its right-to-left paragraphs are hints.
Both are zips and go through safezip first.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterable, List, Optional

from .base import Block, Extracted, Reader, unreadable
from .safezip import open_checked, read_members

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLES = ("heading", "title", "subtitle")


def _direction(rtl: int, total: int) -> Optional[str]:
    if not total:
        return None
    return "rtl" if rtl * 2 > total else "ltr"


class DocxReader(Reader):
    name = "docx"
    description = "Word DOCX: paragraphs, headings, table cells, footnotes (python-docx)"
    globs = ("*.docx",)

    def read(self, data: bytes, name: str) -> Extracted:
        import docx

        archive = open_checked(data, name, "DOCX")
        footnotes = read_members(archive, ["word/footnotes.xml"], name, "DOCX").get("word/footnotes.xml")
        document = docx.Document(io.BytesIO(data))
        blocks: List[Block] = []
        counts = [0, 0]  # right-to-left paragraphs, paragraphs
        _docx_content(document.iter_inner_content(), blocks, counts, "paragraph")
        blocks += [Block(text, "footnote") for text in _docx_footnotes(footnotes)]
        if not blocks:
            raise unreadable(name, "DOCX", "no text in the document")
        lang = (document.core_properties.language or "").split("-")[0].lower() or None
        title = document.core_properties.title or None
        return Extracted("docx", blocks, title=title, lang_hint=lang, dir_hint=_direction(*counts))


def _docx_content(items: Iterable, blocks: List[Block], counts: List[int], kind: str) -> None:
    from docx.table import Table

    for item in items:
        if isinstance(item, Table):
            seen = {}  # id -> the cell element, kept alive so that its id is not reused
            for row in item.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # a merged cell is returned once per grid column
                        seen[id(cell._tc)] = cell._tc
                        _docx_content(cell.iter_inner_content(), blocks, counts, "cell")
            continue
        text = item.text.strip()
        if not text:
            continue
        style = (item.style.name if item.style is not None else "").lower()
        p_pr = item._p.pPr
        counts[0] += p_pr is not None and p_pr.find(f"{_W}bidi") is not None
        counts[1] += 1
        blocks.append(Block(text, "heading" if kind == "paragraph" and style.startswith(_HEADING_STYLES) else kind))


def _docx_footnotes(xml: Optional[bytes]) -> List[str]:
    """The text of each real footnote (not the separators Word keeps as footnotes -1 and 0)."""
    if not xml:
        return []
    from lxml import etree

    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, huge_tree=False))
    notes = []
    for note in root.iter(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = " ".join("".join(t.text or "" for t in p.iter(f"{_W}t")).strip() for p in note.iter(f"{_W}p"))
        if text.strip():
            notes.append(text.strip())
    return notes


_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"


class OdtReader(Reader):
    name = "odt"
    description = "OpenDocument ODT: paragraphs, headings, table cells, footnotes"
    globs = ("*.odt",)

    def read(self, data: bytes, name: str) -> Extracted:
        from lxml import etree

        archive = open_checked(data, name, "ODT")
        parts = read_members(archive, ["content.xml", "meta.xml", "META-INF/manifest.xml"], name, "ODT")
        parser = etree.XMLParser(resolve_entities=False, huge_tree=False)
        manifest = parts.get("META-INF/manifest.xml")
        if manifest and etree.fromstring(manifest, parser).find(f".//{_MANIFEST}encryption-data") is not None:
            raise unreadable(name, "ODT", "encrypted: password-protected; save it unprotected")
        if "content.xml" not in parts:
            raise unreadable(name, "ODT", "no content.xml")
        content = etree.fromstring(parts["content.xml"], parser)
        body = content.find(f"{_OFFICE}body/{_OFFICE}text")
        blocks: List[Block] = []
        notes: List[str] = []
        counts = [0, 0]  # right-to-left paragraphs, paragraphs
        if body is not None:
            _odt_content(body, _OdtWalk(blocks, notes, counts, _rtl_styles(content)), "paragraph")
        blocks += [Block(text, "footnote") for text in notes]
        if not blocks:
            raise unreadable(name, "ODT", "no text in the document")
        meta = etree.fromstring(parts["meta.xml"], parser) if "meta.xml" in parts else None
        lang = meta.findtext(f".//{_DC}language") if meta is not None else None
        title = meta.findtext(f".//{_DC}title") if meta is not None else None
        return Extracted("odt", blocks, title=title or None, lang_hint=(lang or "").split("-")[0].lower() or None,
                         dir_hint=_direction(*counts))


@dataclass
class _OdtWalk:
    """What a walk over an ODT body collects."""

    blocks: List[Block]
    notes: List[str]  # footnote texts, placed after the body
    counts: List[int]  # right-to-left paragraphs, paragraphs
    rtl_styles: set


def _rtl_styles(content) -> set:
    """Names of the automatic paragraph styles that write right to left."""
    return {style.get(f"{_STYLE}name") for style in content.iter(f"{_STYLE}style")
            if any((p.get(f"{_STYLE}writing-mode") or "").startswith("rl")
                   for p in style.iter(f"{_STYLE}paragraph-properties"))}


def _odt_content(element, walk: _OdtWalk, kind: str) -> None:
    for child in element:
        tag = child.tag
        if tag in (f"{_TEXT}h", f"{_TEXT}p"):
            text = _odt_text(child, walk).strip()
            if text:
                walk.blocks.append(Block(text, "heading" if tag == f"{_TEXT}h" and kind == "paragraph" else kind))
                walk.counts[0] += child.get(f"{_TEXT}style-name") in walk.rtl_styles
                walk.counts[1] += 1
        elif tag == f"{_TABLE}table-cell":
            _odt_content(child, walk, "cell")
        elif tag not in (f"{_TEXT}tracked-changes", f"{_TEXT}sequence-decls", f"{_OFFICE}forms"):
            _odt_content(child, walk, kind)


def _odt_text(paragraph, walk: _OdtWalk) -> str:
    """A paragraph's text: spaces (text:s), tabs and line breaks written out; a footnote's body
    goes to ``walk.notes`` and its citation mark is left out."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        tag = child.tag
        if tag == f"{_TEXT}s":
            parts.append(" " * int(child.get(f"{_TEXT}c") or 1))
        elif tag == f"{_TEXT}tab":
            parts.append("\t")
        elif tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif tag == f"{_TEXT}note":
            body = child.find(f"{_TEXT}note-body")
            if body is not None:
                text = " ".join(_odt_text(p, walk).strip() for p in body.iter(f"{_TEXT}p", f"{_TEXT}h"))
                if text.strip():
                    walk.notes.append(text.strip())
        elif tag != f"{_OFFICE}annotation":  # a comment is not the document's text
            parts.append(_odt_text(child, walk))
        parts.append(child.tail or "")
    return "".join(parts)
