"""HTML pages translated in place (lxml.html).

Text blocks are the elements that hold running text (paragraphs, headings h1-h6, list items,
table cells, captions, quotes, the title, and any container's loose text); a slot is the text
or tail of an element inside a block, keyed by its inline ancestors (``<b>``, ``<em>``, ``<a
href>`` ...), so a link's text stays in its link. Scripts, styles, ``<code>``, ``<pre>``, SVG
and MathML are never translated, nor are attribute values (``alt``, ``title``).

``mark`` sets ``<html lang dir>``, and ``lang`` and ``dir`` on every translated block (an inline
element inside one loses its own, now wrong, ``lang``/``dir``; a block whose direction changes
has its ``align`` and inline ``text-align`` left/right swapped); the page is written as UTF-8
with ``<meta charset="utf-8">``.
"""

from __future__ import annotations

import html
import re
from typing import List, Sequence, Tuple

import lxml.html
from lxml import etree

from ..errors import InputError
from .documents import Block, DocumentFormat, DocumentTree, Slot, is_rtl

BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "caption", "figcaption",
              "blockquote", "title", "div", "section", "article", "main", "header", "footer", "nav", "aside",
              "body", "address", "summary", "legend", "figure", "ul", "ol", "dl", "table", "tr", "form"}
SKIP_TAGS = {"script", "style", "noscript", "template", "code", "pre", "svg", "math", "textarea", "select",
             "iframe", "object", "head"}
_MIRRORED = {"left": "right", "right": "left"}
_TEXT_ALIGN = re.compile(r"(text-align\s*:\s*)(left|right)\b", re.I)
_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)


def _heading(tag: str) -> int:
    return int(tag[1]) if re.fullmatch(r"h[1-6]", tag) else (1 if tag == "title" else 0)


class HtmlTree(DocumentTree):
    def __init__(self, data: bytes, name: str):
        self.root = _parse(data, name)
        self.doctype = self.root.getroottree().docinfo.doctype or "<!DOCTYPE html>"
        self.blocks: List[Block] = []
        self.block_elements: List[etree._Element] = []
        for element in self.root.iter():
            if not isinstance(element.tag, str) or element.tag not in BLOCK_TAGS:
                continue
            if element.tag != "title" and any(a.tag in SKIP_TAGS for a in element.iterancestors()):
                continue
            slots: List[Slot] = []
            _collect(element, (), slots)
            if any(slot.text.strip() for slot in slots):
                self.blocks.append(Block(slots, _heading(element.tag)))
                self.block_elements.append(element)

    def mark(self, lang: str) -> None:
        direction = "rtl" if is_rtl(lang) else "ltr"
        before = [_direction(element) for element in self.block_elements]
        self.root.set("lang", lang)
        self.root.set("dir", direction)
        for element, was in zip(self.block_elements, before):
            if element.tag == "title":
                continue
            if was != direction:
                _mirror_alignment(element)
            element.set("lang", lang)
            element.set("dir", direction)
            for inner in element.iterdescendants():
                if isinstance(inner.tag, str) and inner.tag not in BLOCK_TAGS:
                    inner.attrib.pop("lang", None)
                    inner.attrib.pop("dir", None)

    def to_bytes(self) -> bytes:
        head = self.root.find("head")
        if head is None:
            head = etree.Element("head")
            self.root.insert(0, head)
        for meta in head.findall("meta"):
            if meta.get("charset") or (meta.get("http-equiv") or "").lower() == "content-type":
                head.remove(meta)
        head.insert(0, etree.Element("meta", charset="utf-8"))
        return lxml.html.tostring(self.root, doctype=self.doctype, encoding="utf-8", method="html")


def _direction(element: etree._Element) -> str:
    """The direction an element had: its own ``dir`` or its nearest ancestor's (default ltr)."""
    for node in (element, *element.iterancestors()):
        if (node.get("dir") or "").lower() in ("rtl", "ltr"):
            return node.get("dir").lower()
    return "ltr"


def _mirror_alignment(element: etree._Element) -> None:
    """A block that changes direction keeps its alignment to the line's start or end: its
    ``align`` attribute and inline ``text-align`` swap left and right (style sheets are not
    rewritten)."""
    if (element.get("align") or "").lower() in _MIRRORED:
        element.set("align", _MIRRORED[element.get("align").lower()])
    style = element.get("style")
    if style:
        element.set("style", _TEXT_ALIGN.sub(lambda m: m.group(1) + _MIRRORED[m.group(2).lower()], style))


def _parse(data: bytes, name: str) -> etree._Element:
    """The page's root; its bytes are UTF-8 unless a BOM or <meta charset> says otherwise."""
    declared = _CHARSET.search(data[:4096])
    encoding = None
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        encoding = None  # lxml reads the BOM
    elif declared is None:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{name}: HTML that is not UTF-8 and declares no charset (<meta charset>)") from None
        encoding = "utf-8"
    # huge_tree: a page may hold megabytes of script in one text node. libxml2 still stops at
    # 2,048 levels of nesting, and then quietly returns what it had: that is an error here,
    # never a page translated in part.
    parser = lxml.html.HTMLParser(encoding=encoding, huge_tree=True)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError, LookupError) as exc:
        raise InputError(f"{name}: cannot be read as HTML ({exc})") from None
    fatal = [error.message for error in parser.error_log if error.level_name == "FATAL"]
    if fatal:
        raise InputError(f"{name}: HTML beyond the parser's limits ({fatal[0]}); not translated")
    return root


def _collect(element: etree._Element, key: Tuple, slots: List[Slot]) -> None:
    """The slots of ``element`` that belong to it, not to a nested block or a skipped element."""
    if element.text:
        slots.append(Slot(element.text, key, _setter(element, "text")))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else None  # comments, processing instructions
        if tag is not None and tag not in BLOCK_TAGS and tag not in SKIP_TAGS:
            _collect(child, key + ((tag, child.get("class"), child.get("href")),), slots)
        if child.tail:
            slots.append(Slot(child.tail, key, _setter(child, "tail")))


def _setter(element: etree._Element, attribute: str):
    def write(new: str) -> None:
        setattr(element, attribute, new)
    return write


def build_html(blocks: Sequence[Tuple[str, int]], lang: str) -> bytes:
    """A new page of headings and paragraphs, marked for ``lang``; the title is the first heading."""
    direction = "rtl" if is_rtl(lang) else "ltr"
    title = next((text for text, level in blocks if level), blocks[0][0] if blocks else "")
    body = "\n".join(f"<h{min(level, 6)}>{html.escape(text)}</h{min(level, 6)}>" if level else
                     f"<p>{html.escape(text)}</p>" for text, level in blocks)
    page = (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
    return page.encode("utf-8")


def _open(data: bytes, name: str) -> HtmlTree:
    try:
        return HtmlTree(data, name)
    except RecursionError:
        raise InputError(f"{name}: HTML nested too deeply (inline elements inside each other); not translated") from None


HTML = DocumentFormat((".html", ".htm", ".xhtml"), _open, build_html)
