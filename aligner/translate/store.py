"""The model store: installed models (list, find, install, remove) and loading a model from a
folder, an archive, an installed name or a language pair.

The package index is Argos Translate's index.json format: a JSON list of packages with
``from_code``, ``to_code``, ``package_version``, ``links`` (download URLs) and optionally
``code``, ``type`` and ``sha256`` (verified when present; Argos's public index has none).

Installing is atomic: an archive is unpacked (translate.archives) into a hidden temporary folder
inside the models folder, checked by loading it (layout, tokenizers and the CTranslate2 weights),
and only then renamed into place. A model whose language pair nothing in it records (a converted
OPUS-MT folder named after nothing) needs the pair stated; the pair is then written into its
metadata.json, so the installed folder keeps it. Installing a newer package version of a pair
removes the older ones (unless asked to keep them); `fa-en` always means the newest.

Downloads send ``User-Agent: aligner/<version>`` (package hosts refuse urllib's default) and
end on any of: no bytes for TIMEOUT_S, a transfer slower than a floor for a while (curl's
--speed-limit/--speed-time), or an overall deadline.

Only ``ModelFolders.default`` consults the environment (through paths.py); the command line
calls it once with its --models-dir, and every other function here takes its folders and the
index URL as arguments.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

from tqdm import tqdm

from .. import __version__
from ..errors import ModelError
from ..paths import cache_dir, models_dir
from .archives import CHUNK, unpack_cached, unpack_package
from .layouts import TranslationModel, open_model_folder

DEFAULT_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
TIMEOUT_S = 30  # longest wait for a connection or for the next bytes of a response
# Longest a whole download may take (`aligner models install --download-timeout`): a server that
# trickles a byte at a time never trips the per-read timeout, so this deadline ends it.
DOWNLOAD_DEADLINE_S = 3600
INDEX_DEADLINE_S = 120  # the same for the package index, a small JSON file
# A download averaging under MIN_RATE bytes/s over MIN_RATE_TIME_S seconds is abandoned
# (`--min-rate`, `--min-rate-time`): a server trickling a byte every 2 s ends in half a minute.
MIN_RATE = 1024
MIN_RATE_TIME_S = 30.0
USER_AGENT = f"aligner/{__version__}"
URL_SCHEMES = ("http://", "https://", "file://")
PAIR_NAME = re.compile(r"^([a-z]{2,3})[-_]([a-z]{2,3})$")


@dataclass(frozen=True)
class ModelFolders:
    """Where installed models live, and where archives used in place are unpacked."""

    installed: Path
    unpacked: Path

    @classmethod
    def default(cls, installed: Optional[Union[str, Path]] = None) -> "ModelFolders":
        """``installed`` (--models-dir) or the per-user models folder; the unpack cache of paths.py."""
        return cls(models_dir(installed), cache_dir() / "unpacked")


@dataclass(frozen=True)
class Limits:
    """When a download is given up: past ``deadline_s`` in all, or slower than ``min_rate``
    bytes/s on average over any ``min_rate_time_s`` seconds."""

    deadline_s: float = DOWNLOAD_DEADLINE_S
    min_rate: float = MIN_RATE
    min_rate_time_s: float = MIN_RATE_TIME_S


@dataclass(frozen=True)
class IndexEntry:
    """One downloadable package of the index."""

    code: str
    from_code: str
    to_code: str
    version: str
    links: Sequence[str]
    sha256: Optional[str] = None

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"


def version_key(version: str):
    """A package version ('1.9', '1.10') as a sortable tuple: 1.10 is newer than 1.9."""
    return tuple(int(part) if part.isdigit() else 0 for part in version.split("."))


def _open_url(url: str, limits: Limits):
    """The response for ``url`` (http, https or file); ValueError for anything that is not a URL."""
    if not url.lower().startswith(URL_SCHEMES):
        raise ValueError(f"not a URL ({', '.join(URL_SCHEMES)})")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    return urllib.request.urlopen(request, timeout=min(TIMEOUT_S, limits.deadline_s, limits.min_rate_time_s))


def _http_error(url: str, exc: urllib.error.HTTPError, failure: str, what: str) -> ModelError:
    """``failure`` ('download failed') and the HTTP status; for 403 what the refusal means."""
    if exc.code == 403:
        return ModelError(f"{url}: the server refused the {what} (HTTP 403 Forbidden: it blocks this client or "
                          "the link has expired); download it in a browser and install the file")
    return ModelError(f"{url}: {failure} (HTTP {exc.code})")


def _read_response(url: str, response, limits: Limits, consume: Callable[[bytes], None]) -> None:
    """Pass the body of ``response`` to ``consume`` piece by piece; ModelError past the deadline
    or below the rate floor. read1 returns whatever has arrived, and the socket timeout is at
    most min_rate_time_s, so both are checked at least that often."""
    started = window = time.monotonic()
    window_bytes = 0
    while True:
        chunk = response.read1(CHUNK)
        if not chunk:
            return
        consume(chunk)
        now = time.monotonic()
        window_bytes += len(chunk)
        if now - started > limits.deadline_s:
            raise ModelError(f"{url}: download took longer than {limits.deadline_s:g} s, abandoned "
                             "(a stalled or very slow server; see --download-timeout)")
        if now - window >= limits.min_rate_time_s:
            if window_bytes < limits.min_rate * (now - window):
                raise ModelError(f"{url}: download slower than {limits.min_rate:g} bytes/s for "
                                 f"{now - window:.0f} s, abandoned (a stalled server; see --min-rate)")
            window, window_bytes = now, 0


def fetch_index(url: str = DEFAULT_INDEX_URL, limits: Limits = Limits(INDEX_DEADLINE_S)) -> List[IndexEntry]:
    """The translate packages listed by the index at ``url``."""
    body = bytearray()
    try:
        with _open_url(url, limits) as response:
            _read_response(url, response, limits, body.extend)
        data = json.loads(body.decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise _http_error(url, exc, "package index unavailable", "package index") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ModelError(f"{url}: cannot reach the package index ({getattr(exc, 'reason', exc)})") from None
    except RecursionError:
        raise ModelError(f"{url}: not a package index (JSON nested too deeply)") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{url}: not a package index (invalid JSON)") from None
    except ValueError as exc:
        raise ModelError(f"{url}: cannot fetch the package index ({exc})") from None
    if not isinstance(data, list):
        raise ModelError(f"{url}: not a package index (expected a JSON list of packages)")
    entries = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or item.get("type", "translate") != "translate":
            continue
        if not (item.get("from_code") and item.get("to_code") and item.get("links")):
            continue
        try:
            entries.append(_index_entry(item))
        except ValueError as exc:
            raise ModelError(f"{url}: not a package index (package {number}: {exc})") from None
    return entries


def _index_entry(item: dict) -> IndexEntry:
    """One package of the index, its fields checked (ValueError names the wrong one)."""
    def text(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{name!r} must be a string")
        return value

    links = item["links"]
    if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
        raise ValueError("'links' must be a list of URLs")
    from_code, to_code = text("from_code", item["from_code"]), text("to_code", item["to_code"])
    sha256 = item.get("sha256")
    return IndexEntry(code=text("code", item.get("code") or f"translate-{from_code}_{to_code}"),
                      from_code=from_code, to_code=to_code, version=str(item.get("package_version", "")),
                      links=links, sha256=None if sha256 is None else text("sha256", sha256))


def find_in_index(name: str, entries: Sequence[IndexEntry], url: str) -> IndexEntry:
    """The newest entry for a pair ('fa-en') or a package code ('translate-fa_en')."""
    pair = PAIR_NAME.match(name)
    matches = [e for e in entries if (pair and (e.from_code, e.to_code) == pair.groups()) or e.code == name]
    if not matches:
        raise ModelError(f"{name}: no such package in the index {url} (see `aligner models available`)")
    return max(matches, key=lambda e: version_key(e.version))


def download(url: str, dest: Path, sha256: Optional[str] = None, progress: bool = True,
             limits: Limits = Limits()) -> Path:
    """Stream ``url`` to ``dest`` within ``limits``; verifies ``sha256`` when given.
    ModelError on any failure."""
    digest = hashlib.sha256()
    try:
        with _open_url(url, limits) as response, open(dest, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc="downloading", leave=False,
                      disable=None if progress else True) as bar:
                def consume(chunk: bytes) -> None:
                    out.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))

                _read_response(url, response, limits, consume)
    except urllib.error.HTTPError as exc:
        raise _http_error(url, exc, "download failed", "download") from None
    except (urllib.error.URLError, OSError) as exc:
        raise ModelError(f"{url}: download failed ({getattr(exc, 'reason', exc)})") from None
    except ValueError as exc:  # not a URL, a bad Content-Length
        raise ModelError(f"{url}: download failed ({exc})") from None
    if sha256 and digest.hexdigest().lower() != sha256.lower():
        raise ModelError(f"{url}: checksum mismatch (sha256 {digest.hexdigest()}, index says {sha256})")
    return dest


@dataclass(frozen=True)
class Installed:
    """What `install` did: the model now in place, and the older versions of its pair it removed."""

    model: TranslationModel
    replaced: List[str]


def install(source: str, models_dir: Union[str, Path], index_url: str = DEFAULT_INDEX_URL,
            force: bool = False, progress: bool = True, limits: Limits = Limits(),
            pair: Optional[Tuple[str, str]] = None, keep_old: bool = False) -> Installed:
    """Install into ``models_dir`` from a local archive or folder, an http(s) URL, or a name in
    the package index at ``index_url``. ``pair`` (from, to) states the languages of a model that
    does not record them; older package versions of the pair are removed unless ``keep_old``."""
    root = Path(models_dir)
    work = _work_folder(root, ".install-")
    try:
        unpacked = _fetch_package(source, work, index_url, progress, limits)
        try:
            _validate(unpacked, pair)
        except ModelError as exc:
            # The message names the temporary copy, which is gone by now: name what was given.
            raise ModelError(str(exc).replace(str(unpacked), source)) from None
        target = root / unpacked.name
        if target.exists():
            if not force:
                raise ModelError(f"{target.name}: already installed in {root} (use --force to replace it)")
            os.replace(target, work / "replaced")
        os.replace(unpacked, target)
        model = open_model_folder(target)
        return Installed(model, [] if keep_old else _remove_older(model, root, work))
    except OSError as exc:  # a full disk while unpacking or a models folder that changed under us
        raise ModelError(f"{root}: cannot install into the models folder ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _remove_older(model: TranslationModel, root: Path, work: Path) -> List[str]:
    """Move the installed models of ``model``'s pair with an older package version out of ``root``."""
    if not model.version or model.multilingual:
        return []
    older = [name for name, other in scan_models_dir(root) if isinstance(other, TranslationModel)
             and name != model.name and not other.multilingual and other.layout == model.layout
             and (other.src_lang, other.tgt_lang) == (model.src_lang, model.tgt_lang)
             and version_key(other.version) < version_key(model.version)]
    for name in older:
        os.replace(root / name, work / f"older-{name}")
    return older


def _work_folder(root: Path, prefix: str) -> Path:
    """A new hidden temporary folder inside the models folder ``root`` (created if need be)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    except OSError as exc:
        raise ModelError(f"{root}: cannot write to the models folder ({exc.strerror or exc})") from None


def _copy_model_folder(folder: Path, work: Path) -> Path:
    """A copy of the model folder under ``work``; links are followed, so a loop is an error."""
    copy = work / "unpacked" / folder.resolve().name
    try:
        shutil.copytree(folder, copy)
    except shutil.Error as exc:
        failures = exc.args[0] if exc.args and isinstance(exc.args[0], list) else []
        reason = failures[0][2] if failures and len(failures[0]) == 3 else str(exc)
        raise ModelError(f"{folder}: cannot copy the model folder ({reason})") from None
    except (OSError, RuntimeError) as exc:
        raise ModelError(f"{folder}: cannot copy the model folder ({getattr(exc, 'strerror', None) or exc})") from None
    return copy


def _fetch_package(source: str, work: Path, index_url: str, progress: bool, limits: Limits) -> Path:
    """The model folder of ``source``, copied or unpacked under ``work``."""
    path = Path(source)
    if path.is_dir():
        return _copy_model_folder(path, work)
    if path.is_file():
        return unpack_package(path, work)
    if source.lower().startswith(URL_SCHEMES):
        return unpack_package(download(source, work / _file_name(source), progress=progress, limits=limits), work)
    if os.sep in source or source.endswith((".argosmodel", ".zip")):
        raise ModelError(f"{source}: no such file or folder")
    entry = find_in_index(source, fetch_index(index_url), index_url)
    return unpack_package(_download_entry(entry, work, progress, limits), work)


def _validate(folder: Path, pair: Optional[Tuple[str, str]]) -> TranslationModel:
    """Load the model fully (tokenizers and weights) so a broken one is never installed; record
    its language pair in metadata.json, or refuse it when nothing says what the pair is."""
    model = open_model_folder(folder)
    if pair and not model.multilingual and (model.src_lang, model.tgt_lang) != tuple(pair):
        if model.layout == "argos":
            raise ModelError(f"{folder}: the package translates {model.pair_label}, not {pair[0]}->{pair[1]} "
                             "(leave out --from/--to)")
        model = _record_pair(model, pair)
    elif pair:
        model.check_pair(*pair)
    elif model.layout == "marian" and model.pair_known and "from_code" not in model.metadata:
        model = _record_pair(model, (model.src_lang, model.tgt_lang))
    if not model.pair_known:
        raise ModelError(f"{folder}: cannot tell which languages this model translates (no metadata.json, "
                         "model card or xx-yy folder name); state them: aligner models install "
                         f"{folder.name} --from LANG --to LANG")
    model.load_ctranslate2(device="cpu", compute_type="default", threads=1)
    return model


def _record_pair(model: TranslationModel, pair: Tuple[Optional[str], Optional[str]]) -> TranslationModel:
    """``model`` reopened after writing ``pair`` into its metadata.json (the docs' from_code/to_code)."""
    metadata = {**model.metadata, "from_code": pair[0], "to_code": pair[1]}
    (model.path / "metadata.json").write_text(json.dumps(metadata, indent=4), encoding="utf-8")
    return open_model_folder(model.path)


def _file_name(url: str) -> str:
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    return name or "package.argosmodel"


def _download_entry(entry: IndexEntry, work: Path, progress: bool, limits: Limits) -> Path:
    errors = []
    for link in entry.links:
        try:
            return download(link, work / _file_name(link), entry.sha256, progress, limits)
        except ModelError as exc:
            errors.append(str(exc))
    raise ModelError(f"{entry.code}: every download link failed: {'; '.join(errors)}")


def remove(name: str, models_dir: Union[str, Path]) -> List[Path]:
    """Delete the installed model ``name`` from ``models_dir``, or with a pair name ('fa-en') every
    installed model of that pair (not multilingual ones); returns the former paths."""
    root = Path(models_dir)
    if name and not name.startswith(".") and "/" not in name and (root / name).is_dir():
        names = [name]
    else:
        pair = PAIR_NAME.match(name)
        names = [folder for folder, model in scan_models_dir(root) if pair and isinstance(model, TranslationModel)
                 and not model.multilingual and (model.src_lang, model.tgt_lang) == pair.groups()]
    if not names:
        raise ModelError(f"{name}: not installed in {root} (see `aligner models list`)")
    return [_remove_folder(root / folder) for folder in names]


def _remove_folder(target: Path) -> Path:
    trash = _work_folder(target.parent, ".remove-")
    try:
        os.replace(target, trash / target.name)  # atomic disappearance, then the slow delete
    except OSError as exc:
        shutil.rmtree(trash, ignore_errors=True)
        raise ModelError(f"{target}: cannot remove ({exc.strerror or exc})") from None
    shutil.rmtree(trash, ignore_errors=True)
    return target


def scan_models_dir(models_dir: Path) -> List[Tuple[str, Union[TranslationModel, ModelError]]]:
    """(folder name, model) for every installed folder, or (name, error) for one that fails to load."""
    found: List[Tuple[str, Union[TranslationModel, ModelError]]] = []
    if models_dir.is_dir():
        for folder in sorted(p for p in models_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            try:
                found.append((folder.name, open_model_folder(folder)))
            except ModelError as exc:
                found.append((folder.name, exc))
    return found


def find_installed(src_lang: str, tgt_lang: str, models_dir: Path) -> Optional[TranslationModel]:
    """The installed model for a pair: the newest package version of a dedicated bilingual model
    first, else a multilingual one. Folders that fail to load are passed over (`aligner models
    list` shows them)."""
    candidates = [m for _, m in scan_models_dir(models_dir) if isinstance(m, TranslationModel)
                  and m.supports(src_lang, tgt_lang) and m.pair_known]
    bilingual = [m for m in candidates if not m.multilingual]
    if bilingual:
        return max(bilingual, key=lambda m: (version_key(m.version), m.name))
    return min(candidates, key=lambda m: m.name) if candidates else None


def load_model(spec: Union[TranslationModel, str, Path], folders: ModelFolders) -> TranslationModel:
    """A model from a folder, an .argosmodel/zip file, an installed name, or a pair name ('fa-en').

    A TranslationModel passes through unchanged, so library callers may hand either.
    """
    if isinstance(spec, TranslationModel):
        return spec
    path = Path(spec)
    if path.is_dir():
        return open_model_folder(path)
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise ModelError(f"{path}: not a model folder or an .argosmodel/zip archive (corrupt or truncated?)")
        folder = unpack_cached(path, folders.unpacked)
        try:
            return open_model_folder(folder)
        except ModelError as exc:
            # Name the archive the user gave, not its unpacked copy in the cache.
            raise ModelError(str(exc).replace(str(folder), str(path))) from None
    root = folders.installed
    if (root / str(spec)).is_dir():
        return open_model_folder(root / str(spec))
    pair = PAIR_NAME.match(str(spec))
    if pair:
        model = find_installed(pair.group(1), pair.group(2), root)
        if model is not None:
            return model
        raise ModelError(f"no installed model for {pair.group(1)}->{pair.group(2)} in {root} "
                         f"(see `aligner models available` and `aligner models install {spec}`)")
    raise ModelError(f"{spec}: no such model file, folder, or installed model in {root}")
