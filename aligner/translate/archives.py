"""Model archives (.argosmodel and other zip files): safe extraction, and unpacking.

Archives with absolute paths, ``..`` components or links are rejected before anything is
written. An archive used in place (not installed) is unpacked once into a cache folder keyed by
its content, so the next run opens the unpacked copy.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from ..errors import ModelError

CHUNK = 1 << 20  # bytes read at a time when hashing or downloading
# Compression methods Python's zipfile unpacks; any other (PPMd, Deflate64, ...) is refused by name.
SUPPORTED_COMPRESSION = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflate",
                         zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "lzma"}
ENCRYPTED_FLAG = 0x1


def safe_extract(archive: Path, dest: Path) -> None:
    """Unzip ``archive`` into ``dest`` after checking every member's name and type."""
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = zipped.infolist()
            for member in members:
                name = PurePosixPath(member.filename.replace("\\", "/"))
                if name.is_absolute() or ".." in name.parts or (name.parts and ":" in name.parts[0]):
                    raise ModelError(f"{archive}: unsafe path {member.filename!r} in archive")
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise ModelError(f"{archive}: link {member.filename!r} in archive")
                _check_unpackable(archive, member)
            zipped.extractall(dest)
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:
        raise ModelError(f"{archive}: corrupt archive ({exc})") from None
    except OSError as exc:
        raise ModelError(f"{archive}: cannot unpack ({exc.strerror or exc})") from None


def _check_unpackable(archive: Path, member: zipfile.ZipInfo) -> None:
    """Refuse an encrypted member or one compressed with a method zipfile cannot undo."""
    if member.flag_bits & ENCRYPTED_FLAG:
        raise ModelError(f"{archive}: {member.filename!r} is encrypted (model archives must not be)")
    if member.compress_type not in SUPPORTED_COMPRESSION:
        raise ModelError(f"{archive}: {member.filename!r} uses compression method {member.compress_type}, "
                         f"not one of {', '.join(SUPPORTED_COMPRESSION.values())}")


def package_root(folder: Path) -> Path:
    """The model folder inside an unpacked archive: the folder itself or its single subfolder."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return folder


def unpack_package(archive: Path, work: Path) -> Path:
    """Unpack ``archive`` under the empty folder ``work``; returns the model folder, named after
    the archive when its files sit at the top level."""
    if not zipfile.is_zipfile(archive):
        raise ModelError(f"{archive.name}: corrupt or truncated archive (an .argosmodel must be a zip file)")
    unpacked = work / "unpacked"
    unpacked.mkdir()
    safe_extract(archive, unpacked)
    root = package_root(unpacked)
    if root == unpacked:
        named = work / archive.stem
        os.replace(unpacked, named)
        return named
    return root


def unpack_cached(archive: Path, cache: Path) -> Path:
    """The model folder of ``archive`` unpacked under ``cache`` (once, keyed by content)."""
    digest = hashlib.sha1()
    with open(archive, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    target = cache / digest.hexdigest()[:16]
    if not target.is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=cache))
        try:
            safe_extract(archive, work)
            os.replace(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return package_root(target)
