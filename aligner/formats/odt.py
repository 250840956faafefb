"""ODT (OpenDocument text) translated in place, with lxml on content.xml and styles.xml.

Text blocks are the ``text:p`` and ``text:h`` of the body (table cells, list items, notes and
frames hold ``text:p`` too) and of the page headers and footers in styles.xml; a slot is the
text or tail of the block or of a ``text:span`` / ``text:a`` inside it, keyed by those
ancestors' style names and links. Fields (dates, page numbers), note citations and frames are
left as they are; a space, tab or line-break element whose place the translation no longer
needs is removed.

``mark`` sets on every paragraph style (and the default one) ``style:writing-mode`` (rl-tb for
fa/ar, lr-tb for en), mirrors ``fo:text-align`` when the direction changes (see
MIRRORED_ALIGN), sets the language (``style:language-complex``
and ``style:country-complex`` for fa/ar, ``fo:language`` and ``fo:country`` for en), copies bold,
italic and size to their complex-script twins (LibreOffice shows Arabic script with those),
turns tables and pages right to left, and sets ``dc:language`` in meta.xml.
"""

from __future__ import annotations

import io
from typing import List, Sequence, Tuple

from lxml import etree

from ..errors import InputError
from .documents import LANGUAGE_TAGS, Block, DocumentFormat, DocumentTree, Slot, is_rtl
from .office_zip import OfficeZip, ensure_child

NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


BLOCKS = {q("text:p"), q("text:h")}
INLINE = {q("text:span"), q("text:a")}
# Elements that stand for white space: they join the text around them.
SPACES = {q("text:s"): " ", q("text:tab"): "\t", q("text:line-break"): "\n"}
STYLE_ORDER = [q(n) for n in ("style:section-properties", "style:table-properties", "style:paragraph-properties",
                              "style:text-properties")]
DOCUMENT_STYLES_ORDER = [q(n) for n in ("office:font-face-decls", "office:styles", "office:automatic-styles",
                                         "office:master-styles")]
COMPLEX_TWINS = {q("fo:font-weight"): q("style:font-weight-complex"),
                 q("fo:font-style"): q("style:font-style-complex"),
                 q("fo:font-size"): q("style:font-size-complex")}
# LibreOffice aligns "start" to the left and "end" to the right whatever the writing mode (and
# writes its own right-to-left paragraphs with "end"): a paragraph that changes direction gets
# the mirrored alignment, and a right-to-left one without any gets "end", so that it reads from
# the right margin as a right-to-left reader expects.
MIRRORED_ALIGN = {"left": "end", "start": "end", "right": "start", "end": "start"}


class OdtTree(DocumentTree):
    def __init__(self, data: bytes, name: str):
        self.package = OfficeZip(data, name, "ODT")
        if self.package.parts.get("mimetype", ODT_MIMETYPE).strip() != ODT_MIMETYPE:
            raise InputError(f"{name}: an OpenDocument file but not a text document (ODT)")
        self.content = self.package.xml("content.xml")
        if self.content is None:
            raise InputError(f"{name}: not an ODT document (no content.xml)")
        self.styles = self.package.xml("styles.xml")
        self.spaces: List[etree._Element] = []  # space elements whose slot was emptied
        self.blocks: List[Block] = []
        for root in (self.content, self.styles):
            for element in (root.iter(*BLOCKS) if root is not None else ()):
                slots: List[Slot] = []
                self._collect(element, (), slots)
                if any(slot.text.strip() for slot in slots):
                    level = element.get(q("text:outline-level"), "1") if element.tag == q("text:h") else "0"
                    self.blocks.append(Block(slots, int(level) if level.isdigit() else 1))

    def _collect(self, element: etree._Element, key: Tuple, slots: List[Slot]) -> None:
        if element.text:
            slots.append(Slot(element.text, key, _setter(element, "text")))
        for child in element:
            if child.tag in INLINE:
                style = child.get(q("text:style-name")) or child.get("{http://www.w3.org/1999/xlink}href")
                self._collect(child, key + ((child.tag, style),), slots)
            elif child.tag in SPACES:
                count = int(child.get(q("text:c"), "1")) if child.tag == q("text:s") else 1
                slots.append(Slot(SPACES[child.tag] * min(count, 100), key, self._space_setter(child), placeholder=True))
            if child.tail:
                slots.append(Slot(child.tail, key, _setter(child, "tail")))

    def _space_setter(self, element: etree._Element):
        def write(new: str) -> None:
            if not new:
                self.spaces.append(element)
        return write

    def mark(self, lang: str) -> None:
        for element in self.spaces:
            _remove_keeping_tail(element)
        self.spaces = []
        rtl = is_rtl(lang)
        _style_bare_tables(self.content)
        for root in (self.content, self.styles):
            if root is not None:
                _mark_styles(root, rtl, lang)
        if self.styles is not None:
            _ensure_default_paragraph_style(self.styles, rtl, lang)
            _ensure_page_layout(self.styles, rtl)
        meta = self.package.xml("meta.xml")
        office_meta = meta.find(q("office:meta")) if meta is not None else None
        if office_meta is not None:
            ensure_child(office_meta, q("dc:language"), ()).text = LANGUAGE_TAGS[lang]

    def to_bytes(self) -> bytes:
        return self.package.to_bytes()


def _setter(element: etree._Element, attribute: str):
    def write(new: str) -> None:
        setattr(element, attribute, new)
    return write


def _remove_keeping_tail(element: etree._Element) -> None:
    parent, previous = element.getparent(), element.getprevious()
    if element.tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _mark_styles(root: etree._Element, rtl: bool, lang: str) -> None:
    mode = "rl-tb" if rtl else "lr-tb"
    for style in root.iter(q("style:style"), q("style:default-style")):
        family = style.get(q("style:family"))
        if family == "paragraph":
            _mark_paragraph_style(style, rtl, lang)
        elif family == "table":
            ensure_child(style, q("style:table-properties"), STYLE_ORDER).set(q("style:writing-mode"), mode)
        for text_properties in style.findall(q("style:text-properties")):
            if rtl:
                for latin, twin in COMPLEX_TWINS.items():
                    if text_properties.get(latin) and not text_properties.get(twin):
                        text_properties.set(twin, text_properties.get(latin))
    for layout in root.iter(q("style:page-layout")):
        properties = layout.find(q("style:page-layout-properties"))
        if properties is not None:
            properties.set(q("style:writing-mode"), mode)


def _mark_paragraph_style(style: etree._Element, rtl: bool, lang: str) -> None:
    paragraph = ensure_child(style, q("style:paragraph-properties"), STYLE_ORDER)
    was_rtl = paragraph.get(q("style:writing-mode"), "").startswith("rl")
    align = paragraph.get(q("fo:text-align"))
    if was_rtl != rtl and align in MIRRORED_ALIGN:
        paragraph.set(q("fo:text-align"), MIRRORED_ALIGN[align])
    elif rtl and align is None:
        paragraph.set(q("fo:text-align"), "end")
    paragraph.set(q("style:writing-mode"), "rl-tb" if rtl else "lr-tb")
    _set_language(ensure_child(style, q("style:text-properties"), STYLE_ORDER), rtl, lang)


def _set_language(properties: etree._Element, rtl: bool, lang: str) -> None:
    language, _, country = LANGUAGE_TAGS[lang].partition("-")
    if rtl:
        properties.set(q("style:language-complex"), language)
        properties.set(q("style:country-complex"), country)
    else:
        properties.set(q("fo:language"), language)
        properties.set(q("fo:country"), country)


def _style_bare_tables(content: etree._Element) -> None:
    """A table's direction is a property of its style: give tables without one a style."""
    bare = [table for table in content.iter(q("table:table")) if not table.get(q("table:style-name"))]
    if not bare:
        return
    automatic = ensure_child(content, q("office:automatic-styles"), [q("office:scripts"), q("office:font-face-decls"),
                                                                      q("office:automatic-styles"), q("office:body")])
    etree.SubElement(automatic, q("style:style"), {q("style:name"): "AlignerTable", q("style:family"): "table"})
    for table in bare:
        table.set(q("table:style-name"), "AlignerTable")


def _ensure_default_paragraph_style(styles: etree._Element, rtl: bool, lang: str) -> None:
    """Paragraphs without a style of their own follow the default paragraph style: make sure
    there is one (odfpy and some converters write none)."""
    office_styles = ensure_child(styles, q("office:styles"), DOCUMENT_STYLES_ORDER)
    for default in office_styles.findall(q("style:default-style")):
        if default.get(q("style:family")) == "paragraph":
            return
    default = etree.SubElement(office_styles, q("style:default-style"), {q("style:family"): "paragraph"})
    _mark_paragraph_style(default, rtl, lang)


def _ensure_page_layout(styles: etree._Element, rtl: bool) -> None:
    """The page's direction is its layout's: a document without a page layout (odfpy writes
    none) gets one, used by a new default master page."""
    if next(styles.iter(q("style:page-layout")), None) is not None or \
            next(styles.iter(q("style:master-page")), None) is not None:
        return
    order = DOCUMENT_STYLES_ORDER
    layout = etree.SubElement(ensure_child(styles, q("office:automatic-styles"), order), q("style:page-layout"),
                              {q("style:name"): "AlignerPage"})
    etree.SubElement(layout, q("style:page-layout-properties"), {q("style:writing-mode"): "rl-tb" if rtl else "lr-tb"})
    etree.SubElement(ensure_child(styles, q("office:master-styles"), order), q("style:master-page"),
                     {q("style:name"): "Standard", q("style:page-layout-name"): "AlignerPage"})


def _open(data: bytes, name: str) -> OdtTree:
    return OdtTree(data, name)


def build_odt(blocks: Sequence[Tuple[str, int]], lang: str) -> bytes:
    """A new ODT (odfpy) of paragraphs and headings, marked for ``lang``."""
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    document = OpenDocumentText()
    for text, level in blocks:
        document.text.addElement(H(outlinelevel=level, text=text) if level else P(text=text))
    buffer = io.BytesIO()
    document.write(buffer)
    tree = OdtTree(buffer.getvalue(), "new document")
    tree.mark(lang)
    return tree.to_bytes()


ODT = DocumentFormat((".odt",), _open, build_odt)
