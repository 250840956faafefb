"""Which format a file is in, from its bytes: magic numbers first, the name only as a tie-breaker.

Users hold files whose names say nothing (``article``, ``page.php``, ``download(3)``), so a
PDF named .txt is read as a PDF and a news page saved without an extension as HTML.
"""

from __future__ import annotations

import io
import re
import zipfile

from ...errors import InputError
from .base import READERS, Extracted, unreadable
from .warc import is_warc

# The default --include: every format read (plain text and what the readers here take).
INPUT_GLOBS = ("*.txt", "*.text", "*.html", "*.htm", "*.xhtml", "*.docx", "*.odt", "*.pdf",
               "*.warc", "*.warc.gz", "*.arc.warc.gz")

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted DOCX, or a legacy .doc/.xls
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# What HTML starts with once a BOM, whitespace and comments are passed (the WHATWG sniffing
# table's tags, and an XML declaration of XHTML).
_HTML_START = re.compile(rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta|script|style|div|p|h1|"
                         rb"article|table|link|base|iframe|font|br|b|a)[\s>/]", re.I | re.S)
_XHTML = re.compile(rb"<\?xml[^>]*>\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html)", re.I | re.S)


def detect_format(data: bytes, name: str = "") -> str:
    """"text", "html", "docx", "odt", "pdf" or "warc"; InputError for a container we do not read
    (another zip, an OLE file: an encrypted DOCX or a legacy .doc)."""
    head = data[:4096]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(data, name)
    if head.startswith(_OLE):
        raise InputError(f"{name}: an encrypted (password-protected) Office file or a legacy .doc/.xls "
                         "(OLE); save it unprotected as DOCX or ODT")
    if is_warc(head):
        return "warc"
    body = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(body) or _XHTML.match(body):
        return "html"
    return "text"


def _zip_format(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return "docx"
            if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
                mimetype = archive.read("mimetype").strip()
                if mimetype == _ODT_MIMETYPE:
                    return "odt"
                raise InputError(f"{name}: an OpenDocument file of type {mimetype.decode('ascii', 'replace')!r}; "
                                 "aligner reads text documents (ODT)")
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise unreadable(name, "zip (DOCX/ODT)", exc) from None
    raise InputError(f"{name}: a zip archive that is neither DOCX nor ODT")


def extract(data: bytes, name: str, fmt: str) -> Extracted:
    """The text of ``data`` read as ``fmt`` (a READERS name); InputError, one line, when it cannot be."""
    reader = READERS.get(fmt)()
    try:
        return reader.read(data, name)
    except InputError:
        raise
    except RecursionError:
        raise unreadable(name, fmt, "nested too deeply") from None
    except MemoryError:
        raise unreadable(name, fmt, "too large to read in memory") from None
    except Exception as exc:  # noqa: BLE001 - a malformed file breaks third-party parsers in many ways
        raise unreadable(name, fmt, f"{type(exc).__name__}: {exc}") from None
