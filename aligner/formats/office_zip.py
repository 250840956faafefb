"""The zip side of DOCX and ODT: parts read with bounded work (text/readers/safezip.py), XML
parsed safely, written back.

Parts that were not parsed are written back byte for byte; ``mimetype`` (ODF requires it first
and uncompressed) keeps its place and is stored.
"""

from __future__ import annotations

import io
import zipfile
from typing import Dict, Optional

from lxml import etree

from ..errors import InputError
from ..text.readers.safezip import open_checked, read_members

# No entities resolved, no network, no huge-tree mode: a hostile part stays a parse error.
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def parse_xml(data: bytes, name: str, part: str) -> etree._Element:
    try:
        return etree.fromstring(data, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{name}: {part} cannot be parsed as XML ({exc.msg})") from None


class OfficeZip:
    """The parts of one office container; ``xml(part)`` parses a part once and keeps it."""

    def __init__(self, data: bytes, name: str, fmt: str):
        self.name = name
        archive = open_checked(data, name, fmt)  # refuses zip bombs before anything is parsed
        members = [member.filename for member in archive.infolist() if not member.is_dir()]
        self.parts: Dict[str, bytes] = read_members(archive, members, name, fmt)
        self._trees: Dict[str, etree._Element] = {}

    def xml(self, part: str) -> Optional[etree._Element]:
        """The parsed part, or None when the container has no such part."""
        if part not in self._trees:
            if part not in self.parts:
                return None
            self._trees[part] = parse_xml(self.parts[part], self.name, part)
        return self._trees[part]

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for part, data in self.parts.items():
                if part in self._trees:
                    data = etree.tostring(self._trees[part], xml_declaration=True, encoding="UTF-8",
                                          standalone=True)
                compression = zipfile.ZIP_STORED if part == "mimetype" else zipfile.ZIP_DEFLATED
                out.writestr(zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0)), data, compress_type=compression)
        return buffer.getvalue()


def ensure_child(parent: etree._Element, tag: str, order) -> etree._Element:
    """``parent``'s child ``tag`` (Clark notation), created where ``order`` (the schema's sequence
    of child tags) puts it when missing: before the first sibling that comes later in ``order``
    or is not in it (``[w:rPr]`` puts a run's properties before its text). Word rejects children
    out of sequence."""
    found = parent.find(tag)
    if found is not None:
        return found
    child = etree.Element(tag)
    rank = {name: k for k, name in enumerate(order)}
    mine = rank.get(tag, len(order))
    for k, sibling in enumerate(parent):
        if rank.get(sibling.tag, len(order)) > mine:
            parent.insert(k, child)
            return child
    parent.append(child)
    return child
