"""Reading a zip container (DOCX, ODT) with bounded work: no zip bomb gets decompressed.

A DOCX or ODT file is a zip of XML parts. A hostile one claims small sizes in its directory and
inflates to gigabytes, or holds a hundred thousand entries; this reader checks the directory's
claims against limits first and then decompresses in chunks, counting the bytes really produced,
so neither a lying directory nor a bomb costs more than the limits allow.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from typing import Dict, List

from ..errors import InputError

ZIP_MAGIC = b"PK\x03\x04"
# The OLE compound-file header: an encrypted (password-protected) DOCX, or a legacy .doc.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class ZipLimits:
    """What one container may hold; news articles stay orders of magnitude below."""

    max_entries: int = 10_000
    max_total_bytes: int = 256 * 1024 * 1024  # all entries, decompressed
    max_ratio: int = 200  # decompressed / compressed, per entry above 1 MB


LIMITS = ZipLimits()
_CHUNK = 1 << 16


def read_zip(data: bytes, name: str, limits: ZipLimits = LIMITS) -> Dict[str, bytes]:
    """Every entry of the zip ``data`` (entry name -> bytes, in the archive's order); InputError
    (one line naming ``name``) for an encrypted, corrupt or oversized container."""
    if data.startswith(OLE_MAGIC):
        raise InputError(f"{name}: an encrypted (password-protected) office file or a legacy .doc; "
                         "save it unprotected as .docx or .odt")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise InputError(f"{name}: not a readable zip container (corrupt or truncated: {exc})") from None
    _check_directory(entries, name, limits)
    parts: Dict[str, bytes] = {}
    budget = limits.max_total_bytes
    for entry in entries:
        if entry.is_dir():
            continue
        parts[entry.filename] = _read_entry(archive, entry, name, limits, budget)
        budget -= len(parts[entry.filename])
    return parts


def _check_directory(entries: List[zipfile.ZipInfo], name: str, limits: ZipLimits) -> None:
    if len(entries) > limits.max_entries:
        raise InputError(f"{name}: {len(entries)} zip entries (more than {limits.max_entries}); refused")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise InputError(f"{name}: encrypted zip entries; save the document unprotected")
    claimed = sum(entry.file_size for entry in entries)
    if claimed > limits.max_total_bytes:
        raise InputError(f"{name}: would decompress to {claimed / 2**20:.0f} MB (more than "
                         f"{limits.max_total_bytes // 2**20} MB); refused as a possible zip bomb")


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str, limits: ZipLimits,
                budget: int) -> bytes:
    """One entry, decompressed chunk by chunk; stops as soon as a limit is passed, whatever the
    directory claimed."""
    ratio_cap = max(1 << 20, limits.max_ratio * max(entry.compress_size, 1))
    cap = min(budget, ratio_cap)
    out = bytearray()
    try:
        with archive.open(entry) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                out += chunk
                if len(out) > cap:
                    raise InputError(f"{name}: entry {entry.filename} inflates beyond "
                                     f"{cap / 2**20:.0f} MB; refused as a possible zip bomb")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(f"{name}: entry {entry.filename} cannot be read (corrupt or truncated: {exc})") from None
    return bytes(out)
