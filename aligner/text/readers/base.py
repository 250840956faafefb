"""What every reader of a structured format returns, the bounds it works within, and the registry.

A reader turns the bytes of one file (a news page, a DOCX, an ODT, a PDF) into :class:`Extracted`:
the text as blocks in reading order, each a heading, paragraph, table cell or footnote, and what
the format says beside the text (its title, a language and a direction). The text of a block is
exactly what the file holds, never normalised; only repairs that undo the file format itself
(PDF's visual order and presentation forms, see pdf.py) change characters.

Work per input byte is bounded: each reader stops at the limits below and says so in a note
(the caller shows notes as warnings), or refuses the file with one line (InputError).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from ...errors import InputError
from ...registry import Registry

# Bounds on the work one file may cause (module constants so that tests and users can see them).
MAX_HTML_BYTES = 8 * 1024 * 1024  # markup parsed after scripts and styles are cut out
MAX_ZIP_MEMBERS = 5000
MAX_ZIP_TOTAL = 256 * 1024 * 1024  # bytes all members of a DOCX/ODT may decompress to
MAX_ZIP_RATIO = 200  # a member larger than 1 MB may be at most this many times its compressed size
MAX_PDF_PAGES = 300
MAX_PDF_SECONDS = 120.0
MAX_WARC_RECORD = 16 * 1024 * 1024  # payload bytes of one WARC record

BLOCK_KINDS = ("title", "heading", "paragraph", "cell", "footnote")


@dataclass(frozen=True)
class Block:
    """One unit of the document's text in reading order; a line break inside ``text`` is kept
    (the segmenter never crosses one)."""

    text: str
    kind: str = "paragraph"  # one of BLOCK_KINDS


@dataclass
class Extracted:
    """A file's text as its reader found it."""

    format: str
    blocks: List[Block] = field(default_factory=list)
    title: Optional[str] = None
    lang_hint: Optional[str] = None  # what the file declares (<html lang>, document language): a hint only
    dir_hint: Optional[str] = None  # "rtl" or "ltr" as declared by the file
    notes: List[str] = field(default_factory=list)  # what was capped or repaired, for the user


class Reader:
    """A format: ``sniff`` says from the first bytes (and the whole data, for zips) whether a
    file is in it; ``read`` extracts it or raises InputError naming the file."""

    name = ""
    description = ""
    globs: Tuple[str, ...] = ()

    def sniff(self, data: bytes) -> bool:
        raise NotImplementedError

    def read(self, data: bytes, name: str) -> Extracted:
        raise NotImplementedError


READERS: Registry[Reader] = Registry("input format")


def unreadable(name: str, fmt: str, reason: str) -> InputError:
    """The one line for a file that claims a format but cannot be read as it."""
    reason = " ".join(str(reason).split())[:200] or "malformed"
    return InputError(f"{name}: not a readable {fmt} file ({reason})")
