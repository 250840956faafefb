"""Web crawls (WARC, WARC.gz with one gzip member per record, as crawlers write them): each HTML
response record is one document, named by its URL.

Listing a crawl reads every record once, so that a record cut in the middle or a gzip member
that does not decompress is found before any work and reported with its byte offset, while the
crawl's other records go on (one failure is one left-out input). Requests, metadata, redirects,
error pages and non-HTML responses (images, scripts, styles) are not documents and are passed
over. A record's payload is read again, alone, from its offset when its document is read.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, List, Optional, Tuple
from urllib.parse import quote, urlsplit

from ...errors import InputError
from .base import MAX_WARC_RECORD

_GZIP = b"\x1f\x8b\x08"
_WARC = b"WARC/1."
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_READ_ERRORS = (OSError, EOFError, zlib.error, ValueError, AssertionError, IndexError, KeyError, TypeError)
_LANGUAGE_SEGMENT = re.compile(r"^[a-z]{2}(?:[-_][a-z]{2})?$", re.I)


@dataclass(frozen=True)
class RecordEntry:
    """One document of a crawl: an HTML response (``problem`` None), or a record that failed."""

    offset: int  # byte offset of the record (its gzip member) in the file
    url: Optional[str]
    problem: Optional[str] = None


def is_warc(head: bytes) -> bool:
    """Whether the first bytes of a file are a WARC record, plain or in a gzip member."""
    if head.startswith(_WARC):
        return True
    if head.startswith(_GZIP):
        try:
            return zlib.decompressobj(31).decompress(head, 16).startswith(_WARC)
        except zlib.error:
            return False
    return False


def list_records(path: Path, name: str) -> List[RecordEntry]:
    """The crawl's HTML documents and its broken records, in file order."""
    entries: List[RecordEntry] = []
    size = path.stat().st_size
    with open(path, "rb") as handle, open(path, "rb") as check:
        marker = _GZIP if handle.read(3) == _GZIP else _WARC
        start: Optional[int] = 0
        members = check if marker == _GZIP else None  # read apart from warcio's position in ``handle``
        while start is not None and start < size:
            handle.seek(start)
            stop = _scan(handle, start, entries, members)
            if stop is None:
                break
            failed, reason, listed = stop
            if not listed:  # the record at ``start`` itself is broken: report it, go on after it
                entries.append(RecordEntry(failed, None, f"{name}: {reason} at byte {failed}; the record is left out"))
            start = _next_member(handle, failed + 1, marker)
    return entries


def _scan(handle: BinaryIO, base: int, entries: List[RecordEntry],
          members: Optional[BinaryIO]) -> Optional[Tuple[int, str, bool]]:
    """Add the records from ``handle``'s position (``base``) on. None at the end of the file;
    else where reading stopped, why, and whether records were listed before (then the broken
    one is found again by resuming after the last good record). In a crawl of gzip members
    (``members``: the file, opened apart) each record's member is checked to its end: a damaged
    member can inflate to a record whose headers read well and whose rest is garbage, which
    warcio only stumbles on at the next record."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    offset, listed = base, False
    try:
        iterator = ArchiveIterator(handle, check_digests=False)
        # warcio writes a warning of its own on stderr when a record does not end where its
        # Content-Length says (a damaged gzip member can inflate to such a record); it is
        # counted instead, and the record reported as left out.
        iterator.INC_RECORD = ""
        for record in iterator:
            if iterator.err_count:
                return _misread(entries, offset)
            offset = iterator.get_record_offset()  # from the file's start: warcio reads tell()
            url = _html_response_url(record)
            if not _drain(record):
                return offset, "record cut in the middle", False
            if members is not None and not _member_inflates(members, offset):
                return offset, "gzip member that does not inflate", False
            if url:
                entries.append(RecordEntry(offset, url))
            listed = True
        if iterator.err_count:
            return _misread(entries, offset)
        end = iterator.offset
    except ArchiveLoadFailed:
        return offset, "not a WARC record", listed
    except _READ_ERRORS as exc:
        return offset, f"unreadable record ({type(exc).__name__})", listed
    handle.seek(end)
    if handle.read(64).strip():  # bytes after the last whole record: a record cut in its headers
        return end, "record cut in the middle", False
    return None


def _member_inflates(members: BinaryIO, offset: int) -> bool:
    """Whether the gzip member at ``offset`` inflates to its end, its CRC checked (read in
    bounded chunks)."""
    inflater = zlib.decompressobj(31)
    members.seek(offset)
    try:
        while not inflater.eof:
            data = members.read(1 << 16)
            if not data:
                return False
            while data and not inflater.eof:
                inflater.decompress(data, 1 << 20)
                data = inflater.unconsumed_tail
    except zlib.error:
        return False
    return True


def _misread(entries: List[RecordEntry], offset: int) -> Tuple[int, str, bool]:
    """The record at ``offset`` did not end where its length said: it is not listed, but
    reported (what it holds cannot be trusted, whatever it looked like)."""
    if entries and entries[-1].offset == offset:
        entries.pop()
    return offset, "record whose length does not match its content", False


def _html_response_url(record) -> Optional[str]:
    """The target URI of a successful HTML response record, else None."""
    if record.rec_type not in ("response", "resource"):
        return None
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode() or ""
        content_type = record.http_headers.get_header("Content-Type") or ""
        if not status.startswith("2"):
            return None
    else:
        content_type = record.rec_headers.get_header("Content-Type") or ""
    if not content_type.split(";")[0].strip().lower() in _HTML_TYPES:
        return None
    return record.rec_headers.get_header("WARC-Target-URI")


def _drain(record) -> bool:
    """Read the record's block to its end; False when the file ends before it does."""
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    return getattr(stream, "limit", 0) <= 0


def _next_member(handle: BinaryIO, position: int, marker: bytes) -> Optional[int]:
    """The offset of the next gzip member (or plain record) at or after ``position``."""
    handle.seek(position)
    carry = b""
    while True:
        chunk = handle.read(1 << 20)
        if not chunk:
            return None
        found = (carry + chunk).find(marker)
        if found >= 0:
            return position - len(carry) + found
        carry = chunk[-(len(marker) - 1):]
        position += len(chunk)


def record_payload(path: Path, offset: int, name: str) -> bytes:
    """The HTTP payload (content encodings undone) of the record at ``offset``, at most
    MAX_WARC_RECORD bytes."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        with open(path, "rb") as handle:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle, check_digests=False)))
            return record.content_stream().read(MAX_WARC_RECORD)
    except (StopIteration, ArchiveLoadFailed, *_READ_ERRORS) as exc:
        raise InputError(f"{name}: unreadable WARC record ({type(exc).__name__})") from None


def url_id(url: str) -> str:
    """A document id made from a URL that is safe as a relative path: host, then the path's
    segments, each percent-encoded (no '..', no empty segment), the query kept in the last."""
    parts = urlsplit(url)
    segments = [parts.netloc or "host"] + [s for s in parts.path.split("/") if s not in ("", ".", "..")]
    if parts.query:
        segments[-1] += "?" + parts.query
    return "/".join(quote(segment, safe="=&?+,;@-_.~")[:120] for segment in segments)


def url_pair_key(url: str) -> str:
    """What two language versions of a page share in their URLs: the path without its language
    segments (/fa/, /en/, /ar-ae/) or language query (?lang=fa), without the host (www.bbc.com/persian
    pairs with www.bbc.com/english only through the rest of the path)."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s and not _LANGUAGE_SEGMENT.match(s)]
    query = "&".join(q for q in parts.query.split("&") if q and not q.lower().startswith(("lang=", "hl=")))
    return "/".join(segments) + ("?" + query if query else "")

