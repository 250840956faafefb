"""`aligner models`: install from files, folders, URLs and a package index served over real HTTP."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import socket
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from model_fixtures import test_models  # noqa: F401 (fixture)

from aligner.cli import main
from aligner.errors import ModelError
from aligner.translate.archives import safe_extract
from aligner.translate.layouts import detect_layout
from aligner.translate.store import ModelFolders, fetch_index, install, load_model


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _zip(path: Path, members: dict, links=()) -> Path:
    with zipfile.ZipFile(path, "w") as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)  # a symbolic link
            zipped.writestr(info, "/etc/passwd")
    return path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the server's access log out of the CLI's stderr
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory, test_models):
    """A real HTTP server on 127.0.0.1 with an Argos-format index and packages, good and bad."""
    root = tmp_path_factory.mktemp("served")
    good = test_models["argos_fa_en"]
    (root / good.name).write_bytes(good.read_bytes())
    data = good.read_bytes()
    (root / "truncated.argosmodel").write_bytes(data[: len(data) // 2])
    middle = len(data) // 2  # damage a member's compressed bytes; the zip directory stays intact
    (root / "corrupt.argosmodel").write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle:middle + 64])
                                              + data[middle + 64:])
    _zip(root / "no-metadata.argosmodel", {"pkg/readme.txt": "hello"})
    _zip(root / "escape.argosmodel", {"../evil.txt": "x"})
    _zip(root / "absolute.argosmodel", {"/tmp/evil.txt": "x"})
    _zip(root / "link.argosmodel", {"pkg/metadata.json": "{}"}, links=["pkg/model"])
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"

    def entry(from_code, to_code, file, version="1.0", **extra):
        return {"package_version": version, "argos_version": "1.0", "from_code": from_code, "to_code": to_code,
                "from_name": from_code, "to_name": to_code, "links": [f"{base}/{file}"], **extra}

    index = [
        entry("fa", "en", good.name, "1.0", sha256=sha256(good)),
        entry("fa", "en", "missing.argosmodel", "0.9"),          # older version: never chosen
        entry("ar", "en", "corrupt.argosmodel"),
        entry("ar", "fa", "truncated.argosmodel"),
        entry("en", "fa", "missing.argosmodel"),                 # 404
        entry("en", "ar", good.name, sha256="0" * 64),           # checksum mismatch
        entry("fa", "ar", "no-metadata.argosmodel"),
        {"type": "sbd", "from_code": "fa", "links": ["x"]},      # not a translate package
    ]
    (root / "index.json").write_text(json.dumps(index), encoding="utf-8")
    (root / "not-json.json").write_text("<html>", encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base": base, "index": f"{base}/index.json", "root": root, "good": good}
    server.shutdown()


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def models_cli(*args):
    return CliRunner().invoke(main, ["models", *args])


def assert_one_line_error(result, pattern):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error: "), result.stderr
    assert re.search(pattern, lines[0]), lines[0]


def leftovers(models_dir: Path):
    return sorted(p.name for p in models_dir.iterdir()) if models_dir.exists() else []


@pytest.mark.parametrize("how", ["file", "folder", "url", "pair", "code"])
def test_install_list_info_remove(served, tmp_path, test_models, how):
    models_dir = tmp_path / "models"
    good = served["good"]
    source = {"file": str(good), "folder": str(good.with_suffix("")), "url": f"{served['base']}/{good.name}",
              "pair": "fa-en", "code": "translate-fa_en"}[how]
    result = models_cli("install", source, "--models-dir", str(models_dir), "--index-url", served["index"])
    assert result.exit_code == 0, result.output
    assert leftovers(models_dir) == ["translate-fa_en-1_0"]
    listed = models_cli("list", "--models-dir", str(models_dir))
    assert listed.stdout == "translate-fa_en-1_0\targos\tfa->en\t1.0\n"
    info = models_cli("info", "fa-en", "--models-dir", str(models_dir))
    assert "layout\targos" in info.stdout
    assert "signature\tmodel|layout:argos|folder:translate-fa_en-1_0|pair:fa-en|fingerprint:" in info.stdout
    again = models_cli("install", source, "--models-dir", str(models_dir), "--index-url", served["index"])
    assert_one_line_error(again, "already installed.*--force")
    forced = models_cli("install", source, "--force", "--models-dir", str(models_dir), "--index-url", served["index"])
    assert forced.exit_code == 0, forced.output
    assert leftovers(models_dir) == ["translate-fa_en-1_0"]
    (models_dir / "half-copied").mkdir()
    assert models_cli("list", "--models-dir", str(models_dir)).stdout.splitlines()[0].startswith(
        "half-copied\tbroken\t")
    (models_dir / "half-copied").rmdir()
    removed = models_cli("remove", "translate-fa_en-1_0", "--models-dir", str(models_dir))
    assert removed.exit_code == 0 and leftovers(models_dir) == []


@pytest.mark.parametrize("name", ["marian_fa_en", "nllb", "m2m"])
def test_install_converted_model_folders(test_models, tmp_path, name):
    model = install(str(test_models[name]), str(tmp_path / "models"), progress=False).model
    assert model.layout == detect_layout(test_models[name])
    assert load_model(model.name, ModelFolders.default(tmp_path / "models")).signature() == model.signature()


@pytest.mark.parametrize("source, pattern", [
    ("ar-en", r"corrupt archive"),
    ("ar-fa", r"truncated\.argosmodel: corrupt or truncated archive"),
    ("en-fa", r"missing\.argosmodel.*HTTP 404"),
    ("en-ar", r"checksum mismatch"),
    ("fa-ar", r"unknown model layout"),
    ("de-en", r"de-en: no such package in the index"),
    ("{base}/escape.argosmodel", r"unsafe path '\.\./evil\.txt'"),
    ("{base}/absolute.argosmodel", r"unsafe path '/tmp/evil\.txt'"),
    ("{base}/link.argosmodel", r"link 'pkg/model' in archive"),
    ("{base}/nothing-here.argosmodel", r"HTTP 404"),
    ("{base}/not-json.json", r"not-json\.json: corrupt or truncated archive"),
    ("./missing.argosmodel", r"no such file or folder"),
])
def test_broken_sources_are_one_line_errors_and_leave_nothing(served, tmp_path, source, pattern):
    models_dir = tmp_path / "models"
    result = models_cli("install", source.format(base=served["base"]), "--models-dir", str(models_dir),
                        "--index-url", served["index"])
    assert_one_line_error(result, pattern)
    assert leftovers(models_dir) == []


@pytest.mark.parametrize("url, pattern", [
    ("http://127.0.0.1:{port}/index.json", r"cannot reach the package index"),
    ("{base}/no-index.json", r"package index unavailable \(HTTP 404\)"),
    ("{base}/not-json.json", r"not a package index"),
])
def test_bad_index_urls(served, url, pattern):
    url = url.format(port=unused_port(), base=served["base"])
    assert_one_line_error(models_cli("available", "--index-url", url), pattern)
    assert_one_line_error(models_cli("install", "fa-en", "--index-url", url), pattern)


def test_available_lists_translate_packages(served):
    result = models_cli("available", "--index-url", served["index"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "fa-en\t1.0\ttranslate-fa_en" in lines and len(lines) == 7
    assert [e.pair for e in fetch_index(served["index"])].count("fa-en") == 2


def test_unpacked_archive_used_in_place_and_safe_extract(served, tmp_path):
    model = load_model(served["good"], ModelFolders.default())
    assert model.layout == "argos" and model.src_lang == "fa"
    with pytest.raises(ModelError, match="unsafe path"):
        safe_extract(served["root"] / "escape.argosmodel", tmp_path)
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize("spec, pattern", [("remove", r"nope: not installed"), ("info", r"nope: no such model")])
def test_remove_and_info_of_unknown_models(tmp_path, spec, pattern):
    assert_one_line_error(models_cli(spec, "nope", "--models-dir", str(tmp_path)), pattern)


def test_corrupt_weights_are_rejected_at_install(test_models, tmp_path):
    broken = tmp_path / "opus-mt-fa-en"
    broken.mkdir()
    for file in test_models["marian_fa_en"].iterdir():
        (broken / file.name).write_bytes(file.read_bytes())
    (broken / "model.bin").write_bytes(b"garbage" * 10)
    with pytest.raises(ModelError, match="cannot load the CTranslate2 model"):
        install(str(broken), str(tmp_path / "models"), progress=False)
    assert leftovers(tmp_path / "models") == []
