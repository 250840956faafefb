"""Bounded decompression of the zips that DOCX and ODT are: a zip bomb is refused before a parser
sees it.

Checked before anything is inflated: the number of members, the sizes they declare in total,
and each large member's compression ratio. Then every member is inflated once, in chunks,
counting what it really gives: a member that inflates beyond what it declared (a lying header)
or beyond the total stops the read. CPython's zipfile also cuts a member at its declared size
and checks its CRC, so the parsers that read the archive afterwards see the same bounded bytes.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Dict

from .base import MAX_ZIP_MEMBERS, MAX_ZIP_RATIO, MAX_ZIP_TOTAL, unreadable
from ...errors import InputError

_CHUNK = 1 << 20


def open_checked(data: bytes, name: str, fmt: str) -> zipfile.ZipFile:
    """The archive, after its declared and actual sizes were checked; InputError otherwise."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise unreadable(name, fmt, exc) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise _bomb(name, f"{len(members)} members")
    if sum(m.file_size for m in members) > MAX_ZIP_TOTAL:
        raise _bomb(name, f"declares {sum(m.file_size for m in members) // 2**20} MB uncompressed")
    for member in members:
        if member.flag_bits & 0x1:
            raise InputError(f"{name}: an encrypted {fmt} (password-protected); save it unprotected")
        if member.file_size > 2**20 and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1):
            raise _bomb(name, f"{member.filename} inflates {member.file_size // max(member.compress_size, 1)} times")
    total = 0
    for member in members:
        total += _inflated_size(archive, member, name, fmt, MAX_ZIP_TOTAL - total)
    return archive


def read_members(archive: zipfile.ZipFile, names, name: str, fmt: str) -> Dict[str, bytes]:
    """The members of ``names`` the archive holds (already size-checked by open_checked)."""
    present = set(archive.namelist())
    try:
        return {member: archive.read(member) for member in names if member in present}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise unreadable(name, fmt, exc) from None


def _inflated_size(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str, fmt: str, budget: int) -> int:
    size = 0
    try:
        with archive.open(member) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > member.file_size or size > budget:
                    raise _bomb(name, f"{member.filename} inflates beyond its declared size")
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise unreadable(name, fmt, f"{member.filename}: {exc}") from None
    return size


def _bomb(name: str, why: str) -> InputError:
    limit = MAX_ZIP_TOTAL // 2**20
    return InputError(f"{name}: refused as a zip bomb ({why}; aligner inflates at most {MAX_ZIP_MEMBERS} "
                      f"members, {limit} MB, {MAX_ZIP_RATIO}:1 per large member)")
