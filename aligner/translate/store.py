"""Installed translation models: install from a file, a folder, a URL or a package index; remove.

The package index is Argos Translate's index.json format: a JSON list of packages with
``from_code``, ``to_code``, ``package_version``, ``links`` (download URLs) and optionally
``code``, ``type`` and ``sha256`` (verified when present; Argos's public index has none).

Installing is atomic: an archive is unpacked into a hidden temporary folder inside the models
folder, checked by loading it (layout, tokenizers and the CTranslate2 weights), and only then
renamed into place. Archives with absolute paths, ``..`` components or links are rejected
before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import List, Optional, Sequence

from tqdm import tqdm

from ..errors import ModelError
from .layouts import (
    PAIR_NAME,
    TranslationModel,
    open_model_folder,
    package_root,
)
from ..paths import cache_dir
from ..paths import models_dir as default_models_dir

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
INDEX_ENV_VAR = "ALIGNER_MODEL_INDEX"
TIMEOUT_S = 30
CHUNK = 1 << 20


def index_url(override: Optional[str] = None) -> str:
    return override or os.environ.get(INDEX_ENV_VAR) or DEFAULT_INDEX_URL


@dataclass(frozen=True)
class IndexEntry:
    """One downloadable package of the index."""

    code: str
    from_code: str
    to_code: str
    version: str
    links: Sequence[str]
    sha256: Optional[str] = None
    raw: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"


def _version_key(version: str):
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def fetch_index(url: Optional[str] = None) -> List[IndexEntry]:
    """The translate packages listed by the index at ``url`` (default: the public Argos index)."""
    url = index_url(url)
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            data = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise ModelError(f"{url}: package index unavailable (HTTP {exc.code})") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ModelError(f"{url}: cannot reach the package index ({getattr(exc, 'reason', exc)})") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{url}: not a package index (invalid JSON)") from None
    if not isinstance(data, list):
        raise ModelError(f"{url}: not a package index (expected a JSON list of packages)")
    entries = []
    for item in data:
        if not isinstance(item, dict) or item.get("type", "translate") != "translate":
            continue
        if not (item.get("from_code") and item.get("to_code") and item.get("links")):
            continue
        entries.append(IndexEntry(
            code=item.get("code") or f"translate-{item['from_code']}_{item['to_code']}",
            from_code=item["from_code"], to_code=item["to_code"],
            version=str(item.get("package_version", "")), links=list(item["links"]),
            sha256=item.get("sha256"), raw=item))
    return entries


def find_in_index(name: str, entries: Sequence[IndexEntry], url: str) -> IndexEntry:
    """The newest entry for a pair ('fa-en') or a package code ('translate-fa_en')."""
    pair = PAIR_NAME.match(name)
    matches = [e for e in entries if (pair and (e.from_code, e.to_code) == pair.groups()) or e.code == name]
    if not matches:
        raise ModelError(f"{name}: no such package in the index {url} (see `aligner models available`)")
    return max(matches, key=lambda e: _version_key(e.version))


def download(url: str, dest: Path, sha256: Optional[str] = None, progress: bool = True) -> Path:
    """Stream ``url`` to ``dest``; verifies ``sha256`` when given. ModelError on any failure."""
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, open(dest, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc="downloading", leave=False,
                      disable=None if progress else True) as bar:
                while True:
                    chunk = response.read(CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as exc:
        raise ModelError(f"{url}: download failed (HTTP {exc.code})") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ModelError(f"{url}: download failed ({getattr(exc, 'reason', exc)})") from None
    if sha256 and digest.hexdigest().lower() != sha256.lower():
        raise ModelError(f"{url}: checksum mismatch (sha256 {digest.hexdigest()}, index says {sha256})")
    return dest


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
            zipped.extractall(dest)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelError(f"{archive}: corrupt archive ({exc})") from None
    except OSError as exc:
        raise ModelError(f"{archive}: cannot unpack ({exc.strerror or exc})") from None


def _validate(folder: Path) -> TranslationModel:
    """Load the model fully (tokenizers and weights) so a broken one is never installed."""
    model = open_model_folder(folder)
    model.load_ctranslate2(device="cpu", compute_type="default", threads=1)
    return model


def unpack_cached(archive: Path) -> Path:
    """An .argosmodel used in place (not installed): unpacked once into the cache, keyed by content."""
    digest = hashlib.sha1()
    with open(archive, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    target = cache_dir() / "unpacked" / digest.hexdigest()[:16]
    if not target.is_dir():
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
        try:
            safe_extract(archive, work)
            os.replace(work, target)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    return package_root(target)


def install(source: str, models_dir: Optional[str] = None, index: Optional[str] = None,
            force: bool = False, progress: bool = True) -> TranslationModel:
    """Install from a local archive or folder, an http(s) URL, or a name in the package index."""
    root = default_models_dir(models_dir)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".install-", dir=root))
    try:
        path = Path(source)
        if path.is_dir():
            unpacked = work / "unpacked" / path.resolve().name
            shutil.copytree(path, unpacked)
        elif path.is_file():
            unpacked = _unpack(path, work)
        elif source.startswith(("http://", "https://", "file://")):
            unpacked = _unpack(download(source, work / _file_name(source), progress=progress), work)
        elif os.sep in source or source.endswith((".argosmodel", ".zip")):
            raise ModelError(f"{source}: no such file or folder")
        else:
            url = index_url(index)
            entry = find_in_index(source, fetch_index(url), url)
            unpacked = _unpack(_download_entry(entry, work, progress), work)
        try:
            _validate(unpacked)
        except ModelError as exc:
            # The message names the temporary copy, which is gone by now: name what was given.
            raise ModelError(str(exc).replace(str(unpacked), source)) from None
        target = root / unpacked.name
        if target.exists():
            if not force:
                raise ModelError(f"{target.name}: already installed in {root} (use --force to replace it)")
            old = work / "replaced"
            os.replace(target, old)
        os.replace(unpacked, target)
        return open_model_folder(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _file_name(url: str) -> str:
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    return name or "package.argosmodel"


def _download_entry(entry: IndexEntry, work: Path, progress: bool) -> Path:
    errors = []
    for link in entry.links:
        try:
            return download(link, work / _file_name(link), entry.sha256, progress)
        except ModelError as exc:
            errors.append(str(exc))
    raise ModelError(f"{entry.code}: every download link failed: {'; '.join(errors)}")


def _unpack(archive: Path, work: Path) -> Path:
    if not zipfile.is_zipfile(archive):
        raise ModelError(f"{archive.name}: corrupt or truncated archive (an .argosmodel must be a zip file)")
    unpacked = work / "unpacked"
    unpacked.mkdir()
    safe_extract(archive, unpacked)
    root = package_root(unpacked)
    if root == unpacked:  # files at the archive's top level: name the model after the archive
        named = work / archive.stem
        os.replace(unpacked, named)
        return named
    return root


def remove(name: str, models_dir: Optional[str] = None) -> Path:
    root = default_models_dir(models_dir)
    target = root / name
    if not name or name.startswith(".") or "/" in name or not target.is_dir():
        raise ModelError(f"{name}: not installed in {root} (see `aligner models list`)")
    trash = Path(tempfile.mkdtemp(prefix=".remove-", dir=root))
    os.replace(target, trash / name)  # atomic disappearance, then the slow delete
    shutil.rmtree(trash, ignore_errors=True)
    return target
