"""DOCX (WordprocessingML) translated in place.

Text blocks are the ``w:p`` of the main document, headers, footers, footnotes and endnotes
(table cells, text boxes and list items are ``w:p`` too); a slot is one ``w:t``, keyed by its
run's formatting (``w:rPr`` less proofing and language marks) and its hyperlink; a tab or a line
break inside a run is white space between the words around it, removed when the translation no
longer needs its place (page breaks stay). ``mark`` sets
for a right-to-left target ``w:bidi`` on every paragraph and section, ``w:bidiVisual`` on every
table, ``w:rtl`` on every run and the complex-script twins of bold, italic and size (``w:bCs``,
``w:iCs``, ``w:szCs``: Word shows Arabic script with those, not with ``w:b``); for a left-to-right
one it turns them off. ``w:lang`` gets the target's tag (``w:bidi=`` for fa/ar, ``w:val=`` for en),
in the runs and in the document defaults of styles.xml.
"""

from __future__ import annotations

import io
import re
from typing import Dict, List, Sequence, Tuple

from lxml import etree

from ..errors import InputError
from .documents import LANGUAGE_TAGS, Block, DocumentFormat, DocumentTree, Slot, is_rtl
from .office_zip import XML_SPACE, OfficeZip, ensure_child

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def w(name: str) -> str:
    return f"{{{W_NS}}}{name}"


# The parts whose paragraphs are text of the document, by content type.
TEXT_PARTS = ("document.main+xml", "template.main+xml", "document.macroEnabled.main+xml",
              "header+xml", "footer+xml", "footnotes+xml", "endnotes+xml")
# Run properties that say nothing about how the text looks (proofing, language, direction).
NOT_FORMATTING = {w(name) for name in ("lang", "noProof", "rtl", "cs", "bCs", "iCs", "szCs", "rFonts", "kern",
                                       "snapToGrid", "webHidden", "specVanish")}
# The schema's child order of w:pPr, w:rPr, w:tblPr and w:sectPr (the elements this module adds).
PPR_ORDER = [w(n) for n in ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
                            "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
                            "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
                            "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
                            "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
                            "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
                            "sectPr", "pPrChange")]
RPR_ORDER = [w(n) for n in ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
                            "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish",
                            "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
                            "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
                            "lang", "eastAsianLayout", "specVanish", "oMath")]
TBLPR_ORDER = [w(n) for n in ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
                              "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
                              "shd", "tblLayout", "tblCellMar", "tblLook")]
SECTPR_ORDER = [w(n) for n in ("headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz",
                               "pgMar", "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt",
                               "vAlign", "noEndnote", "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid",
                               "printerSettings", "sectPrChange")]
DEFAULTS_ORDER = [w("rPrDefault"), w("pPrDefault")]
# Latin-script properties and their complex-script twins, which Word applies to Arabic script.
COMPLEX_TWINS = {w("b"): w("bCs"), w("i"): w("iCs"), w("sz"): w("szCs")}
_HEADING_STYLE = re.compile(r"(?i)^(?:heading|titre|berschrift)\s*(\d)$")


class DocxTree(DocumentTree):
    def __init__(self, data: bytes, name: str):
        self.package = OfficeZip(data, name, "DOCX")
        self.text_parts = self._text_parts(name)
        self.heading_styles = self._heading_styles()
        self.blocks: List[Block] = []
        self.emptied: List[etree._Element] = []
        for part in self.text_parts:
            self.blocks.extend(self._blocks(self.package.xml(part)))

    def _text_parts(self, name: str) -> List[str]:
        types = self.package.xml("[Content_Types].xml")
        if types is None:
            raise _not_docx(name, "no [Content_Types].xml")
        typed = [(override.get("PartName", "").lstrip("/"), override.get("ContentType", ""))
                 for override in types.iter(f"{{{CT_NS}}}Override")]
        parts = [part for part, kind in typed if kind.endswith(TEXT_PARTS) and part in self.package.parts]
        if not any(kind.endswith("main+xml") and part in parts for part, kind in typed):
            raise _not_docx(name, "no main document part")
        main_first = {part: not kind.endswith("main+xml") for part, kind in typed}
        return sorted(parts, key=main_first.get)

    def _heading_styles(self) -> Dict[str, int]:
        """Paragraph style id -> heading level, from styles.xml (ids and names vary by language)."""
        levels: Dict[str, int] = {}
        styles = self.package.xml("word/styles.xml")
        for style in (styles.iter(w("style")) if styles is not None else ()):
            name = style.find(w("name"))
            for label in (style.get(w("styleId"), ""), name.get(w("val"), "") if name is not None else ""):
                match = _HEADING_STYLE.match(label.replace(" ", ""))
                if match:
                    levels[style.get(w("styleId"), "")] = int(match.group(1))
                elif label.lower() == "title":
                    levels[style.get(w("styleId"), "")] = 1
        return levels

    def _blocks(self, root: etree._Element) -> List[Block]:
        blocks: Dict[etree._Element, Block] = {}
        for paragraph in root.iter(w("p")):
            blocks[paragraph] = Block([], self._heading_level(paragraph))
        for element in root.iter(w("t"), w("tab"), w("br"), w("cr")):
            paragraph = next(element.iterancestors(w("p")), None)
            if paragraph is None or element.getparent().tag != w("r"):
                continue  # a tab stop (w:tabs/w:tab), not a character
            key = _run_key(element, paragraph)
            if element.tag == w("t"):
                if element.text:
                    blocks[paragraph].slots.append(Slot(element.text, key, _writer(element)))
            elif element.get(w("type"), "textWrapping") == "textWrapping":  # page breaks stay
                spacing = "\t" if element.tag == w("tab") else "\n"
                blocks[paragraph].slots.append(Slot(spacing, key, self._spacing_writer(element), placeholder=True))
        return [block for block in blocks.values() if any(not slot.placeholder for slot in block.slots)]

    def _spacing_writer(self, element: etree._Element):
        """A tab or line break whose place the translation does not need (emptied) is removed."""
        def write(new: str) -> None:
            if not new:
                self.emptied.append(element)
        return write

    def _heading_level(self, paragraph: etree._Element) -> int:
        style = paragraph.find(f"{w('pPr')}/{w('pStyle')}")
        if style is not None and style.get(w("val")) in self.heading_styles:
            return self.heading_styles[style.get(w("val"))]
        outline = paragraph.find(f"{w('pPr')}/{w('outlineLvl')}")
        return int(outline.get(w("val"), "0")) + 1 if outline is not None and outline.get(w("val"), "").isdigit() else 0

    def mark(self, lang: str) -> None:
        for element in self.emptied:
            element.getparent().remove(element)
        self.emptied = []
        rtl, tag = is_rtl(lang), LANGUAGE_TAGS[lang]
        for part in self.text_parts:
            root = self.package.xml(part)
            for paragraph in root.iter(w("p")):
                _set_switch(ensure_child(paragraph, w("pPr"), [w("pPr")]), w("bidi"), rtl, PPR_ORDER)
            for run in root.iter(w("r")):
                if run.find(w("t")) is not None:
                    _mark_run(ensure_child(run, w("rPr"), [w("rPr")]), rtl, tag)
            for table in root.iter(w("tbl")):
                properties = table.find(w("tblPr"))
                if properties is not None:
                    _set_switch(properties, w("bidiVisual"), rtl, TBLPR_ORDER, off_removes=True)
            for section in root.iter(w("sectPr")):
                _set_switch(section, w("bidi"), rtl, SECTPR_ORDER, off_removes=True)
        self._mark_styles(rtl, tag)

    def _mark_styles(self, rtl: bool, tag: str) -> None:
        styles = self.package.xml("word/styles.xml")
        if styles is None:
            return
        defaults = ensure_child(styles, w("docDefaults"), [w("docDefaults")])
        run_defaults = ensure_child(ensure_child(defaults, w("rPrDefault"), DEFAULTS_ORDER), w("rPr"), ())
        _set_lang(ensure_child(run_defaults, w("lang"), RPR_ORDER), rtl, tag)
        paragraph_defaults = ensure_child(ensure_child(defaults, w("pPrDefault"), DEFAULTS_ORDER), w("pPr"), ())
        _set_switch(paragraph_defaults, w("bidi"), rtl, PPR_ORDER)
        if rtl:
            for properties in styles.iter(w("rPr")):
                _add_complex_twins(properties)

    def to_bytes(self) -> bytes:
        return self.package.to_bytes()


def _not_docx(name: str, why: str) -> InputError:
    return InputError(f"{name}: not a DOCX document ({why})")


def _run_key(text: etree._Element, paragraph: etree._Element) -> Tuple:
    run = text.getparent()
    properties = run.find(w("rPr")) if run is not None else None
    looks = tuple(sorted((child.tag, tuple(sorted(child.attrib.items())))
                         for child in (properties if properties is not None else ())
                         if child.tag not in NOT_FORMATTING))
    link = next((ancestor.get(R_ID) or ancestor.get(w("anchor")) for ancestor in text.iterancestors(w("hyperlink"))
                 if paragraph in ancestor.iterancestors(w("p"))), None)
    return looks, link


def _writer(text: etree._Element):
    def write(new: str) -> None:
        text.text = new
        if new != new.strip():
            text.set(XML_SPACE, "preserve")
    return write


def _set_switch(parent: etree._Element, tag: str, on: bool, order: Sequence[str], off_removes: bool = False) -> None:
    """An on/off property: present (on) or, off, w:val="0" (overriding a style) or removed."""
    if not on and off_removes:
        for found in parent.findall(tag):
            parent.remove(found)
        return
    switch = ensure_child(parent, tag, order)
    if on:
        switch.attrib.pop(w("val"), None)
    else:
        switch.set(w("val"), "0")


def _set_lang(element: etree._Element, rtl: bool, tag: str) -> None:
    element.set(w("bidi") if rtl else w("val"), tag)


def _mark_run(properties: etree._Element, rtl: bool, tag: str) -> None:
    if rtl:
        ensure_child(properties, w("rtl"), RPR_ORDER).attrib.pop(w("val"), None)
        _add_complex_twins(properties)
    else:
        for found in properties.findall(w("rtl")):
            properties.remove(found)
    _set_lang(ensure_child(properties, w("lang"), RPR_ORDER), rtl, tag)


def _add_complex_twins(properties: etree._Element) -> None:
    for latin, twin in COMPLEX_TWINS.items():
        source = properties.find(latin)
        if source is not None and properties.find(twin) is None:
            copy = ensure_child(properties, twin, RPR_ORDER)
            copy.attrib.update(source.attrib)


def build_docx(blocks: Sequence[Tuple[str, int]], lang: str) -> bytes:
    """A new DOCX (python-docx's default template) of paragraphs and headings, marked for ``lang``."""
    import docx

    document = docx.Document()
    document.core_properties.language = LANGUAGE_TAGS[lang]
    for text, level in blocks:
        if level:
            document.add_heading(text, level=min(level, 9))
        else:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    tree = DocxTree(buffer.getvalue(), "new document")
    tree.mark(lang)
    return tree.to_bytes()


def _open(data: bytes, name: str) -> DocxTree:
    return DocxTree(data, name)


DOCX = DocumentFormat((".docx", ".docm", ".dotx"), _open, build_docx)
