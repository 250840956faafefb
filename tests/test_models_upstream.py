"""Translation models exactly as users get them from upstream, and the downloads that fetch them.

Each layout is a tiny lookup model (scripts/make_test_models.py) laid out the way the upstream tool
writes it: both Argos packaging eras (2020-21 `zip -r ar_en/` with a CTranslate2 2.x model, and
argos-train's current translate-xx_yy-N_N/ with config.json), ct2-transformers-converter output
with and without --copy_files, ct2-opus-mt-converter output, an OPUS-MT conversion made by
CTranslate2 2.x (with_source_eos inside model.bin, no config.json), a multi-target
Tatoeba-Challenge vocabulary (>>ara<<), and fairseq's M2M-100 with spm.128k.model. Models that
need CTranslate2 2.x to build are read from tests/data/models (scripts/make_legacy_models.py).
"""

from __future__ import annotations

import http.server
import json
import re
import shutil
import threading
import time
from pathlib import Path

import ctranslate2
import pytest
from click.testing import CliRunner
from model_fixtures import LEGACY_MODELS, make_test_models, test_models, unpack_legacy  # noqa: F401 (fixture)

from aligner import __version__
from aligner.cli import main
from aligner.errors import ModelError
from aligner.translate.store import ModelFolders, install, load_model
from aligner.translate.translator import Translator

FA = make_test_models.CORPUS["fa"]
EN = make_test_models.CORPUS["en"]
AR = make_test_models.CORPUS["ar"]
# The card of Hugging Face's Helsinki-NLP/opus-mt-fa-en (first-generation OPUS-MT).
OPUS_MT_CARD = "---\ntags:\n- translation\n---\n\n### opus-mt-fa-en\n\n* source languages: fa\n* target languages: en\n"
# The card of a Tatoeba-Challenge multi-target model (Helsinki-NLP/opus-mt-en-ar).
TATOEBA_CARD = ("---\nlanguage:\n- en\n- ar\n---\n\n### eng-ara\n\n* source group: English\n* target group: Arabic\n"
                "* source language(s): eng\n* target language(s): acm afb apc apc_Latn ara ara_Latn arq arz\n"
                "* a sentence initial language token is required in the form of `>>id<<` (id = valid target "
                "language ID)\n\n### System Info:\n- src_alpha2: en\n- tgt_alpha2: ar\n")


def models_cli(*args, input=None):
    return CliRunner().invoke(main, ["models", *args], input=input)


def translate_cli(*args):
    return CliRunner().invoke(main, ["translate", *args])


def assert_one_line_error(result, pattern):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error: "), result.stderr
    assert re.search(pattern, lines[0]), lines[0]


def direct(model, texts, src, tgt, **options):
    """One plain ctranslate2 call in float32 with the tokens an upstream user sends."""
    ct2 = ctranslate2.Translator(str(model.ct2_dir), device="cpu", compute_type="float32")
    prefix = model.target_prefix(tgt)
    results = ct2.translate_batch([model.encode(t, src, tgt) for t in texts], beam_size=4,
                                  target_prefix=[prefix] * len(texts) if prefix else None, **options)
    return results


def ours(model, texts, src, tgt):
    return Translator(model, src, tgt, device="cpu", compute_type="float32").translate_list(texts)


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """Converted folders as CTranslate2 4.x's converters leave them (built once per module)."""
    root = tmp_path_factory.mktemp("upstream")
    build = make_test_models
    return {
        "transformers": build.make_converted_opus_mt(root, "fa", "en", copy_files=False),
        "transformers_copied": build.make_converted_opus_mt(root, "fa", "en", "opus-mt-fa-en-copied",
                                                            copy_files=True, seed=8),
        "opus_mt_converter": build.make_converted_opus_mt(root, "fa", "en", "converted", converter="opus-mt", seed=9),
        "multi_target": build.make_converted_opus_mt(root, "en", "ar", "opus-mt-en-ar", card=TATOEBA_CARD,
                                                     target_tokens=[">>acm<<", ">>apc<<", ">>ara<<", ">>arz<<"],
                                                     seed=10),
        "fairseq_m2m": build.make_fairseq_m2m(root),
    }


def copy_tokenizers(folder: Path) -> None:
    """What the fix tells the user: copy source.spm and target.spm from the OPUS-MT download."""
    for spm in Path(f"{folder}.download").glob("*.spm"):
        shutil.copyfile(spm, folder / spm.name)


# -- 1. converted folders without their tokenizer ----------------------------------------------

@pytest.mark.parametrize("name", ["transformers", "opus_mt_converter"])
def test_a_converted_folder_without_its_tokenizer_says_what_to_copy(upstream, tmp_path, name):
    folder = tmp_path / upstream[name].name
    shutil.copytree(upstream[name], folder)
    assert not list(folder.glob("*.spm"))
    result = models_cli("install", str(folder), "--models-dir", str(tmp_path / "models"))
    assert_one_line_error(result, r"without its SentencePiece models: copy source\.spm and target\.spm from the "
                                  r"OPUS-MT download.*--copy_files source\.spm target\.spm")
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())
    shutil.copytree(Path(f"{upstream[name]}.download"), Path(f"{folder}.download"))
    copy_tokenizers(folder)
    installed = models_cli("install", str(folder), "--from", "fa", "--to", "en", "--models-dir", str(tmp_path / "models"))
    assert installed.exit_code == 0, installed.output


def test_half_a_tokenizer_and_a_multilingual_model_without_one_name_the_missing_file(upstream, test_models, tmp_path):
    marian = tmp_path / "opus-mt-fa-en"
    shutil.copytree(upstream["transformers_copied"], marian)
    (marian / "target.spm").unlink()
    with pytest.raises(ModelError, match=r"no target\.spm: copy source\.spm and target\.spm"):
        load_model(marian, ModelFolders.default())
    nllb = tmp_path / "nllb-200-distilled-600M-ct2"
    shutil.copytree(test_models["nllb"], nllb)
    (nllb / "sentencepiece.bpe.model").unlink()
    with pytest.raises(ModelError, match=r"--copy_files sentencepiece\.bpe\.model"):
        load_model(nllb, ModelFolders.default())


def test_transformers_converter_output_with_copy_files_translates_as_upstream(upstream):
    model = load_model(upstream["transformers_copied"], ModelFolders.default())
    assert model.layout == "marian" and model.config["add_source_eos"] is False
    tokens = model.encode(FA[0], "fa", "en")
    assert tokens == model.source_sp.encode(FA[0]) + ["</s>"]  # what Marian's tokenizer gives
    expected = [model.decode(r.hypotheses[0], "en") for r in direct(model, FA, "fa", "en")]
    assert ours(model, FA, "fa", "en") == expected and all(expected)


# -- 2. the language pair of a converted OPUS-MT folder -----------------------------------------

def test_the_docs_folder_name_gives_the_pair_and_install_records_it(upstream, tmp_path):
    folder = tmp_path / "opus-mt-fa-en-ct2"  # the docs' example name: the pair is not at its end
    shutil.copytree(upstream["transformers_copied"], folder)
    models_dir = tmp_path / "models"
    result = models_cli("install", str(folder), "--models-dir", str(models_dir))
    assert result.exit_code == 0, result.output
    assert "(marian, fa->en)" in result.stdout
    metadata = json.loads((models_dir / "opus-mt-fa-en-ct2" / "metadata.json").read_text(encoding="utf-8"))
    assert (metadata["from_code"], metadata["to_code"]) == ("fa", "en")
    (tmp_path / "a.fa").write_text(FA[0] + "\n", encoding="utf-8")
    translated = translate_cli(str(tmp_path / "a.fa"), "--presegmented", "--from", "fa", "--to", "en",
                               "--models-dir", str(models_dir), "--no-cache", "--device", "cpu")
    assert translated.exit_code == 0, translated.output
    assert translated.stdout.strip()


def test_the_model_card_gives_the_pair(upstream, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(upstream["transformers_copied"], folder)
    (folder / "README.md").write_text(OPUS_MT_CARD, encoding="utf-8")
    model = install(str(folder), tmp_path / "models", progress=False).model
    assert (model.src_lang, model.tgt_lang) == ("fa", "en")


def test_a_model_whose_pair_nothing_records_is_refused_until_stated(upstream, tmp_path):
    folder = tmp_path / "converted"
    shutil.copytree(upstream["transformers_copied"], folder)
    models_dir = tmp_path / "models"
    refused = models_cli("install", str(folder), "--models-dir", str(models_dir))
    assert_one_line_error(refused, r"cannot tell which languages.*--from LANG --to LANG")
    assert not any(models_dir.iterdir())
    stated = models_cli("install", str(folder), "--from", "fa", "--to", "en", "--models-dir", str(models_dir))
    assert stated.exit_code == 0, stated.output
    assert load_model("fa-en", ModelFolders.default(models_dir)).name == "converted"
    assert not (folder / "metadata.json").exists()  # the user's folder is left as it was


def test_from_to_that_contradict_an_argos_package_are_refused(test_models, tmp_path):
    result = models_cli("install", str(test_models["argos_fa_en"]), "--from", "en", "--to", "ar",
                        "--models-dir", str(tmp_path / "models"))
    assert_one_line_error(result, r"the package translates fa->en, not en->ar")


# -- 3. multi-target OPUS-MT --------------------------------------------------------------------

def test_a_multi_target_model_gets_the_target_token_and_refuses_a_language_it_lacks(upstream, tmp_path):
    model = load_model(upstream["multi_target"], ModelFolders.default())
    assert model.target_tokens == {"ar": ">>ara<<"} and model.pair_label == "en->ar (>>ara<<)"
    assert len(model.source_sp.encode(">>ara<<")) > 1  # the raw source.spm would split the token
    assert model.encode(EN[0], "en", "ar")[0] == ">>ara<<"
    expected = [model.decode(r.hypotheses[0], "ar") for r in direct(model, EN, "en", "ar")]
    assert ours(model, EN, "en", "ar") == expected and all(expected)
    with pytest.raises(ModelError, match=r"translates en->ar \(>>ara<<\), not en->fa"):
        Translator(model, "en", "fa")
    (tmp_path / "a.en").write_text(EN[0] + "\n", encoding="utf-8")
    result = translate_cli(str(tmp_path / "a.en"), "--presegmented", "--from", "en", "--to", "fa",
                           "--model", str(upstream["multi_target"]))
    assert_one_line_error(result, r"not en->fa")


# -- 4. conversions made before CTranslate2 3.0 -------------------------------------------------

def test_an_opus_mt_conversion_of_ctranslate2_2_gets_one_source_eos(tmp_path):
    folder = unpack_legacy("opus-mt-fa-en-ct2v2.zip", tmp_path)
    assert not (folder / "config.json").exists()
    model = load_model(folder, ModelFolders.default())
    assert model.config == {"add_source_bos": False, "add_source_eos": True}  # read from model.bin
    tokens = model.encode(FA[0], "fa", "en")
    assert tokens == model.source_sp.encode(FA[0])  # CTranslate2 appends the </s> itself
    ct2 = ctranslate2.Translator(str(folder), device="cpu", compute_type="float32")
    [result] = ct2.translate_batch([tokens], beam_size=1)
    # The lookup model writes one piece per source piece and stops on the source's </s>: it
    # stopped, so CTranslate2 appended that </s>, and we sent none of our own.
    assert len(result.hypotheses[0]) == len(tokens) and "</s>" not in tokens
    expected = [model.decode(r.hypotheses[0], "en") for r in direct(model, FA[:4], "fa", "en")]
    assert ours(model, FA[:4], "fa", "en") == expected and all(expected)


def test_an_argos_package_of_2020_installs_translates_and_is_removed_by_pair(tmp_path):
    models_dir = tmp_path / "models"
    archive = tmp_path / "translate-ar_en-1_0.argosmodel"  # the index's file name; inside: ar_en/
    shutil.copyfile(LEGACY_MODELS / "ar_en.argosmodel", archive)
    result = models_cli("install", str(archive), "--models-dir", str(models_dir))
    assert result.exit_code == 0, result.output
    assert models_cli("list", "--models-dir", str(models_dir)).stdout == "ar_en\targos\tar->en\t1.0\n"
    model = load_model("ar-en", ModelFolders.default(models_dir))
    assert model.config["add_source_eos"] is True and not (model.ct2_dir / "config.json").exists()
    expected = [model.decode(r.hypotheses[0], "en") for r in direct(model, AR[:4], "ar", "en")]
    assert ours(model, AR[:4], "ar", "en") == expected and all(expected)
    removed = models_cli("remove", "ar-en", "--models-dir", str(models_dir))
    assert removed.exit_code == 0 and removed.stdout == "removed ar_en\n"
    assert not any(p for p in models_dir.iterdir())


# -- 5. package versions ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    root = tmp_path_factory.mktemp("versions")
    return {version: make_test_models.make_argos(root, "fa", "en", package_version=version, seed=k)
            for k, version in enumerate(("1.5", "1.9", "1.10"), 20)}


def test_the_newest_version_is_used_and_a_newer_install_replaces_the_older(versions, tmp_path):
    models_dir = tmp_path / "models"
    for version in ("1.9", "1.5"):  # by folder name translate-fa_en-1_5 would come first
        result = models_cli("install", str(versions[version]), "--keep-old", "--models-dir", str(models_dir))
        assert result.exit_code == 0, result.output
    assert "fa-en still means translate-fa_en-1_9 (version 1.9, newer)" in result.stderr
    assert load_model("fa-en", ModelFolders.default(models_dir)).version == "1.9"
    assert "version\t1.9" in models_cli("info", "fa-en", "--models-dir", str(models_dir)).stdout
    newer = models_cli("install", str(versions["1.10"]), "--models-dir", str(models_dir))
    assert newer.exit_code == 0, newer.output
    assert "removed translate-fa_en-1_5" in newer.stdout and "removed translate-fa_en-1_9" in newer.stdout
    assert sorted(p.name for p in models_dir.iterdir()) == ["translate-fa_en-1_10"]
    assert models_cli("list", "--models-dir", str(models_dir)).stdout == "translate-fa_en-1_10\targos\tfa->en\t1.10\n"


# -- 6. fairseq's M2M-100 ---------------------------------------------------------------------

def test_fairseq_m2m_with_spm_128k_translates_and_drops_special_tokens(upstream):
    model = load_model(upstream["fairseq_m2m"], ModelFolders.default())
    assert model.layout == "m2m" and set(model.languages) == {"fa", "ar", "en"}
    expected = [model.decode(r.hypotheses[0], "en") for r in direct(model, FA[:4], "fa", "en")]
    assert ours(model, FA[:4], "fa", "en") == expected and all(expected)
    hello = model.sp.encode("Police")
    assert model.decode(["__en__", *hello, "</s>", "__fa__", "madeupword0001", "<pad>"], "en") == "Police"


# -- 7. downloads: User-Agent, HTTP 403 (a trickling server: tests/test_hostile_inputs.py) ----------

class Server(http.server.BaseHTTPRequestHandler):
    """/index.json and /pkg.argosmodel for aligner's User-Agent only (403 for anyone else, as
    package hosts answer urllib's default)."""

    package: bytes = b""
    agents: list = []

    def do_GET(self):
        self.agents.append(self.headers.get("User-Agent"))
        if not (self.headers.get("User-Agent") or "").startswith("aligner/"):
            return self.send_error(403)
        body = self.package if self.path.endswith(".argosmodel") else json.dumps([]).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(test_models):
    Server.package = test_models["argos_fa_en"].read_bytes()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Server)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_downloads_send_aligners_user_agent(server, tmp_path):
    import urllib.request

    with pytest.raises(urllib.error.HTTPError):  # the server refuses urllib's own User-Agent
        urllib.request.urlopen(f"{server}/pkg.argosmodel", timeout=10)
    result = models_cli("install", f"{server}/pkg.argosmodel", "--models-dir", str(tmp_path / "models"))
    assert result.exit_code == 0, result.output
    assert Server.agents[-1] == f"aligner/{__version__}"
    assert models_cli("available", "--index-url", f"{server}/index.json").exit_code == 0
    Server.agents.clear()


def test_a_403_is_one_line_that_says_what_happened(server, tmp_path, monkeypatch):
    monkeypatch.setattr("aligner.translate.store.USER_AGENT", "Python-urllib/3.11")
    result = models_cli("install", f"{server}/pkg.argosmodel", "--models-dir", str(tmp_path / "models"))
    assert_one_line_error(result, r"pkg\.argosmodel: the server refused the download \(HTTP 403 Forbidden")
