"""Readers of the formats users hold beside plain text: news pages (HTML), crawls (WARC), DOCX,
ODT and PDF. A file's format is found from its content (magic bytes), not its name.

Stable API (other stages and commands use only these):

- :func:`detect_format` (``data``, ``name``) -> "text", "html", "docx", "odt", "pdf" or "warc";
- :func:`extract` (``data``, ``name``, ``fmt``) -> :class:`Extracted` (blocks, title, hints, notes);
- ``READERS``: the registry of readers (name -> :class:`Reader`), ``INPUT_GLOBS`` the default
  ``--include`` patterns of every format read;
- :mod:`aligner.text.readers.warc`: ``is_warc``, ``list_records``, ``record_payload``.
"""

from __future__ import annotations

from .base import READERS, Block, Extracted, Reader, unreadable
from .detect import INPUT_GLOBS, detect_format, extract

READERS.add("html", "aligner.text.readers.html:HtmlReader")
READERS.add("docx", "aligner.text.readers.office:DocxReader")
READERS.add("odt", "aligner.text.readers.office:OdtReader")
READERS.add("pdf", "aligner.text.readers.pdf:PdfReader")

__all__ = ["READERS", "Block", "Extracted", "INPUT_GLOBS", "Reader", "detect_format", "extract", "unreadable"]
