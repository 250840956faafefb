"""News pages: the article's main text, without the site around it.

Extraction is trafilatura's (maintained, and in the published comparisons of main-text
extractors the best or among the best on news; it keeps headings, paragraphs and tables and drops
navigation, related links, comments and cookie banners). ``benchmarks/formats.py`` measures it
against lxml's ``text_content`` of the whole page on pages in several news templates.

``<html lang>`` and ``dir`` are kept as hints only: pages copied from another language version
of a site often keep the wrong ones, so the language is always identified from the text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import List, Optional, Tuple

from ...errors import InputError
from .base import MAX_HTML_BYTES, Block, Extracted, Reader

# Scripts and styles can be most of a page's bytes (50 MB of inlined bundles); they never hold
# text, so they are cut before the byte cap and the parser see them.
_SCRIPT_OR_STYLE = re.compile(rb"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>", re.I | re.S)
_UNCLOSED_SCRIPT = re.compile(rb"<(script|style)\b.*", re.I | re.S)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)""", re.I)
_HTML_TAG = re.compile(rb"<html\b([^>]*)>", re.I)
_ATTRIBUTE = re.compile(rb"""\b(lang|xml:lang|dir)\s*=\s*["']?([-\w]+)""", re.I)
# trafilatura drops every character that is not printable, and so ZWNJ (U+200C), ZWJ and the
# bidi marks, which Persian and Arabic text needs. They go through it as letters of a script no
# news page uses (Linear B ideograms) and are put back after.
_FORMAT_CHARACTERS = "\u200b\u2060\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u00ad"
_STAND_INS = "".join(chr(0x10080 + k) for k in range(len(_FORMAT_CHARACTERS)))
_PROTECT = str.maketrans(_FORMAT_CHARACTERS, _STAND_INS)
_RESTORE = str.maketrans(_STAND_INS, _FORMAT_CHARACTERS)
_WORD = re.compile(r"[^\s<>&\"'=]+")
_KIND = {"head": "heading", "p": "paragraph", "item": "paragraph", "quote": "paragraph", "cell": "cell"}


class HtmlReader(Reader):
    name = "html"
    description = "HTML news page: the main text (trafilatura), the title as headline"
    globs = ("*.html", "*.htm", "*.xhtml")

    def read(self, data: bytes, name: str) -> Extracted:
        import trafilatura

        notes: List[str] = []
        data = _SCRIPT_OR_STYLE.sub(b"", data)
        data = _UNCLOSED_SCRIPT.sub(b"", data)
        if len(data) > MAX_HTML_BYTES:
            notes.append(f"read the first {MAX_HTML_BYTES // (1024 * 1024)} MB of markup "
                         f"({len(data) // (1024 * 1024)} MB without scripts)")
            data = data[:MAX_HTML_BYTES]
        lang, direction = _declared(data)
        page = decode_html(data, name)
        if not any(stand_in in page for stand_in in _STAND_INS):
            page = page.translate(_PROTECT)
        # favor_precision: on a page with little text (a news flash that is all headline)
        # trafilatura's recall fallbacks give the story twice, with the breadcrumb and byline;
        # links are kept to tell a list of links from text (``_link_list``).
        xml = trafilatura.extract(page, output_format="xml", include_comments=False,
                                  include_tables=True, include_images=False, include_links=True,
                                  with_metadata=True, deduplicate=False, favor_precision=True)
        if not xml:
            raise InputError(f"{name}: no article text found in the page")
        title, blocks = _blocks(xml.translate(_RESTORE))
        originals = _words_changed_by_nfc(page.translate(_RESTORE))
        if originals:  # trafilatura returns NFC, which reorders stacked Arabic vowel marks
            title = _as_written(title, originals) if title else title
            blocks = [Block(_as_written(block.text, originals), block.kind) for block in blocks]
        if title and (not blocks or blocks[0].text != title):
            blocks.insert(0, Block(title, "title"))
        return Extracted("html", blocks, title=title, lang_hint=lang, dir_hint=direction, notes=notes)


def decode_html(data: bytes, name: str) -> str:
    """The page as text: a BOM, else UTF-8, else the charset its <meta> declares."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:8192])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    raise InputError(f"{name}: page is not UTF-8 and declares no charset that decodes it")


def _words_changed_by_nfc(page: str) -> dict:
    """{NFC form: the page's own spelling} of the page's words that NFC changes."""
    return {normal: word for word in set(_WORD.findall(page))
            if (normal := unicodedata.normalize("NFC", word)) != word}


def _as_written(text: str, originals: dict) -> str:
    return _WORD.sub(lambda m: originals.get(m.group(), m.group()), text)


def _declared(data: bytes) -> Tuple[Optional[str], Optional[str]]:
    """The <html> element's language (primary subtag) and direction, as the page declares them."""
    tag = _HTML_TAG.search(data[:65536])
    found = {}
    for key, value in _ATTRIBUTE.findall(tag.group(1) if tag else b""):
        found[key.lower().split(b":")[-1]] = value.decode("ascii").lower()
    lang = found.get(b"lang", "").split("-")[0] or None
    direction = found.get(b"dir") if found.get(b"dir") in ("rtl", "ltr") else None
    return lang, direction


def _blocks(xml: str) -> Tuple[Optional[str], List[Block]]:
    """The title and the main text's blocks from trafilatura's XML."""
    from lxml import etree

    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True, huge_tree=False))
    title = " ".join((root.get("title") or "").split()) or None
    main = root.find("main")
    blocks: List[Block] = []
    for element in (main.iter() if main is not None else ()):
        kind = _KIND.get(element.tag)
        if kind is None or (element.tag == "p" and element.getparent().tag in ("cell", "item")):
            continue
        text = _text(element)
        if text and not _link_list(element, text):
            blocks.append(Block(text, kind))
    return title, blocks


def _link_list(element, text: str) -> bool:
    """Whether the block is mostly link text: a site's list of links (latest news, navigation)
    that trafilatura took for text, as it does with a table cell beside a short article."""
    linked = sum(len("".join(ref.xpath("string()").split())) for ref in element.iter("ref"))
    return linked >= 0.8 * len("".join(text.split()))


def _text(element) -> str:
    """The element's text, a line break for <lb/>, runs of spaces collapsed within each line."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in ("list", "table"):  # those are blocks of their own
            parts.append(child.xpath("string()"))
        parts.append(child.tail or "")
    lines = ("".join(parts)).split("\n")
    return "\n".join(line for line in (" ".join(x.split()) for x in lines) if line)
