"""Translation engine: every layout, options, batching, dedup, cache/resume, splitting, pivoting, CLI.

Outputs are compared with one direct ctranslate2.Translator call in float32: the test models
(scripts/make_test_models.py, lookup kind) decide every token by a clear margin, and float32
leaves no int8 rounding that could differ with the batch's composition or the CPU's kernels.
Texts must be equal; scores, which CTranslate2 computes in a different order per batch, equal
within 1e-4.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil

import ctranslate2
import numpy as np
import pytest
from click.testing import CliRunner
from model_fixtures import make_test_models, test_models  # noqa: F401 (fixture)

from aligner.cli import main
from aligner.document import Document
from aligner.errors import ModelError
from aligner.segment.base import segment_document
from aligner.text.reading import split_paragraphs
from aligner.translate.store import ModelFolders, install, load_model
from aligner.translate.translator import PivotTranslator, Translator, make_translator, translate_documents

FA = make_test_models.CORPUS["fa"]
EN = make_test_models.CORPUS["en"]
LAYOUTS = [("argos_fa_en", "argos", "fa", "en"), ("marian_fa_en", "marian", "fa", "en"),
           ("nllb", "nllb", "fa", "en"), ("m2m", "m2m", "fa", "en"), ("nllb", "nllb", "en", "ar")]


def load(spec):
    return load_model(spec, ModelFolders.default())


def translator(spec, *langs, **options):
    """A Translator on the CPU in float32, without cache unless ``options`` give one."""
    return Translator(load(spec), *langs, **{"device": "cpu", "compute_type": "float32", **options})


def direct(model, texts, src, tgt, compute_type="float32", **options):
    """The reference: one plain ctranslate2.Translator call with the same tokens and options."""
    ct2 = ctranslate2.Translator(str(model.ct2_dir), device="cpu", compute_type=compute_type)
    sources = [model.encode(t, src, tgt) for t in texts]
    prefix = model.target_prefix(tgt)
    results = ct2.translate_batch(sources, target_prefix=[prefix] * len(sources) if prefix else None,
                                  replace_unknowns=True, return_scores=True, **options)
    return [(model.decode(r.hypotheses[0], tgt), r.scores[0]) for r in results]


@pytest.mark.parametrize("compute_type", ["float32", "int8"])
@pytest.mark.parametrize("name, layout, src, tgt", LAYOUTS)
def test_the_test_models_decide_every_token_by_a_clear_margin(test_models, name, layout, src, tgt, compute_type):
    """Why outputs may be compared exactly: at every greedy step the best token leads the next by
    nats (3 by construction), far beyond what int8 rounding or a CPU's kernels can move."""
    model = load(test_models[name])
    ct2 = ctranslate2.Translator(str(model.ct2_dir), device="cpu", compute_type=compute_type)
    prefix = model.target_prefix(tgt)
    texts = make_test_models.CORPUS[src]
    results = ct2.translate_batch([model.encode(t, src, tgt) for t in texts], beam_size=1, return_logits_vocab=True,
                                  target_prefix=[prefix] * len(texts) if prefix else None)
    steps = np.array([np.sort(np.asarray(logits))[-2:] for r in results for logits in r.logits[0]])
    assert len(steps) > 10 * len(texts)
    assert (steps[:, 1] - steps[:, 0]).min() > 2.5


@pytest.mark.parametrize("name, layout, src, tgt", LAYOUTS)
def test_each_layout_loads_and_matches_a_direct_ctranslate2_call(test_models, name, layout, src, tgt):
    model = load(test_models[name])
    assert model.layout == layout
    assert model.supports(src, tgt)
    texts = make_test_models.CORPUS[src]
    got = list(translator(model, src, tgt).translate(texts))
    expected = direct(model, texts, src, tgt, beam_size=4, length_penalty=1.0, max_decoding_length=256)
    assert [t.text for t in got] == [text for text, _ in expected]
    assert [t.score for t in got] == pytest.approx([score for _, score in expected], abs=1e-4)
    assert any(t.text for t in got)


@pytest.mark.parametrize("options, batching", [
    (dict(beam_size=1), dict(max_batch_tokens=1)),
    (dict(beam_size=2, length_penalty=0.2), dict(max_batch_tokens=64)),
    (dict(beam_size=4, max_decoding_length=5), dict(window=3)),
    (dict(beam_size=3, length_penalty=2.0), dict(max_batch_tokens=100000, window=1)),
])
def test_options_and_batching_give_the_direct_call_output(test_models, options, batching):
    model = load(test_models["argos_fa_en"])
    expected = direct(model, FA, "fa", "en", **{"length_penalty": 1.0, "max_decoding_length": 256, **options})
    assert translator(model, **options, **batching).translate_list(FA) == [text for text, _ in expected]


@pytest.mark.parametrize("compute_type, threads", [("float32", 1), ("int8_float32", 2), ("auto", 1)])
def test_compute_types_and_threads(test_models, compute_type, threads):
    model = load(test_models["marian_fa_en"])
    marian = translator(model, compute_type=compute_type, threads=threads)
    assert marian.translate_list(FA) == [
        t for t, _ in direct(model, FA, "fa", "en", compute_type, beam_size=4, max_decoding_length=256)]
    assert marian.signature().get("compute_type") == compute_type


def test_models_specs_languages_and_signature(test_models):
    argos = load(test_models["argos_fa_en"])
    assert (argos.src_lang, argos.tgt_lang) == ("fa", "en")
    assert argos.signature().long.startswith("model|layout:argos|folder:translate-fa_en-1_0|pair:fa-en|fingerprint:")
    nllb = load(test_models["nllb"])
    assert nllb.multilingual and set(nllb.languages) == {"fa", "ar", "en"}
    assert nllb.encode("سلام", "fa")[0] == "pes_Arab" and nllb.target_prefix("ar") == ["arb_Arab"]
    m2m = load(test_models["m2m"])
    assert m2m.encode("hi", "en")[0] == "__en__" and m2m.encode("hi", "en")[-1] == "</s>"
    signatures = {Translator(argos, beam_size=b).signature() for b in (1, 2)}
    assert len(signatures) == 2
    assert all(s.get("model") == argos.signature() and s.get("pair") == "fa>en" for s in signatures)


@pytest.mark.parametrize("src, tgt, pattern", [("en", "fa", "translates fa->en, not en->fa"),
                                               ("fa", "ar", "not fa->ar")])
def test_wrong_pair_is_a_model_error(test_models, src, tgt, pattern):
    with pytest.raises(ModelError, match=pattern):
        Translator(load(test_models["argos_fa_en"]), src, tgt)


def test_identical_sentences_are_translated_once(test_models):
    argos = translator(test_models["argos_fa_en"])
    texts = [FA[0], FA[1], FA[0], "", FA[0], FA[1]]
    out = list(argos.translate(texts))
    assert argos.stats["translated"] == 2
    assert out[0] == out[2] == out[4] and out[1] == out[5]
    assert out[3].text == ""


def test_cache_resumes_a_killed_run_without_retranslating(test_models, tmp_path):
    cache = tmp_path / "cache.sqlite"
    first = translator(test_models["argos_fa_en"], cache=cache, window=4)
    stream = first.translate(FA)
    partial = [next(stream) for _ in range(4)]  # the run dies after its first window
    del stream
    second = translator(test_models["argos_fa_en"], cache=cache, window=4)
    full = list(second.translate(FA))
    assert full[:4] == partial
    assert second.stats["cached"] == 4 and second.stats["translated"] == len(FA) - 4
    third = translator(test_models["argos_fa_en"], cache=cache)
    assert list(third.translate(FA)) == full and third.stats["translated"] == 0
    # Other decoding options are other cache entries.
    other = translator(test_models["argos_fa_en"], cache=cache, beam_size=1)
    other.translate_list(FA)
    assert other.stats["cached"] == 0


def test_translation_streams_from_an_endless_input_window_by_window(test_models):
    argos = translator(test_models["argos_fa_en"], window=4)
    consumed = []

    def endless():
        for text in itertools.cycle(FA):
            consumed.append(text)
            yield text

    stream = argos.translate(endless())
    first = [next(stream) for _ in range(5)]
    assert len(consumed) <= 9  # two windows read, never the whole (endless) input
    assert [t.text for t in first] == argos.translate_list(FA[:5])


def test_translate_documents_keeps_sentences_and_documents_in_order(test_models):
    documents = []
    for doc_id, text in (("a", f"{FA[0]}\n{FA[1]}"), ("b", FA[2])):
        document = Document(doc_id=doc_id, text=text, lang="fa", paragraphs=split_paragraphs(text))
        documents.append(segment_document(document))
    argos = translator(test_models["argos_fa_en"])
    pairs = list(translate_documents(iter(documents), argos))
    assert [(s.doc_id, s.text) for s, _ in pairs] == [("a", FA[0]), ("a", FA[1]), ("b", FA[2])]
    assert [t.text for _, t in pairs] == argos.translate_list(FA[:3])


@pytest.mark.parametrize("limit", [4, 8, 16])
def test_long_sentences_are_split_never_truncated(test_models, limit):
    model = load(test_models["argos_fa_en"])
    argos = translator(model, max_input_tokens=limit)
    long_text = "، ".join(FA[:3])
    pieces = argos._split_text(long_text)
    assert all(len(model.encode(p, "fa")) <= limit for p in pieces)
    assert re.sub(r"\s+", "", "".join(pieces)) == re.sub(r"\s+", "", long_text)
    [translation] = list(argos.translate([long_text]))
    assert translation.parts == len(pieces) > 1
    expected = [text for text, _ in direct(model, pieces, "fa", "en", beam_size=4, max_decoding_length=256)]
    assert translation.text == " ".join(t for t in expected if t)


def test_pivot_chains_two_models(test_models, tmp_path):
    folders = ModelFolders.default(tmp_path / "models")
    for name in ("argos_fa_en", "argos_en_ar"):
        install(str(test_models[name]), folders.installed, progress=False)
    with pytest.raises(ModelError, match="--pivot en"):
        make_translator(None, "fa", "ar", folders=folders, cache=False)
    options = dict(folders=folders, cache=False, device="cpu", compute_type="float32")
    pivot = make_translator(None, "fa", "ar", pivot="en", **options)
    assert isinstance(pivot, PivotTranslator)
    assert pivot.signature().get("first").get("pair") == "fa>en"
    english = make_translator("fa-en", "fa", "en", **options).translate_list(FA)
    arabic = make_translator("en-ar", "en", "ar", **options).translate_list(english)
    assert pivot.translate_list(FA) == arabic
    with pytest.raises(ModelError, match="pivot step ar->en and en->fa"):
        make_translator(None, "ar", "fa", pivot="en", folders=folders, cache=False)


def test_make_translator_picks_the_installed_pair(test_models, tmp_path):
    folders = ModelFolders.default(tmp_path / "models")
    install(str(test_models["nllb"]), folders.installed, progress=False)
    picked = make_translator(None, "en", "fa", folders=folders, cache=False, device="cpu", compute_type="float32")
    assert picked.model.layout == "nllb"
    model = load(test_models["nllb"])
    assert picked.translate_list(EN[:3]) == [
        t for t, _ in direct(model, EN[:3], "en", "fa", beam_size=4, max_decoding_length=256)]


# -- command line -----------------------------------------------------------------------------------

def run(*args, input=None):
    return CliRunner().invoke(main, ["translate", *args], input=input)


def assert_one_line_error(result, pattern):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error: "), result.stderr
    assert re.search(pattern, lines[0]), lines[0]


def test_cli_txt_output_is_line_aligned_with_the_source(test_models, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_text(f"{FA[0]} {FA[1]}\n\n{FA[2]}\n", encoding="utf-8")
    out, src = tmp_path / "out.txt", tmp_path / "src.txt"
    result = run(str(doc), "--from", "fa", "--to", "en", "--model", str(test_models["argos_fa_en"]),
                 "-o", str(out), "--source-out", str(src), "--no-cache", "--device", "cpu", "--compute-type", "float32")
    assert result.exit_code == 0, result.output
    source_lines = src.read_text(encoding="utf-8").split("\n")
    target_lines = out.read_text(encoding="utf-8").split("\n")
    assert source_lines == [FA[0], FA[1], "", FA[2], ""]
    assert len(target_lines) == len(source_lines) and target_lines[2] == ""
    model = load(test_models["argos_fa_en"])
    expected = [t for t, _ in direct(model, FA[:3], "fa", "en", beam_size=4, max_decoding_length=256)]
    assert [target_lines[i] for i in (0, 1, 3)] == expected


def test_cli_jsonl_and_presegmented_keep_blank_lines(test_models, tmp_path):
    lines = tmp_path / "lines.fa"
    lines.write_text(f"{FA[0]}\n\n{FA[1]}\n", encoding="utf-8")
    common = ["--from", "fa", "--to", "en", "--model", str(test_models["argos_fa_en"]), "--presegmented",
              "--device", "cpu", "--compute-type", "float32", "--beam-size", "2"]
    txt = run(str(lines), *common)
    assert txt.exit_code == 0, txt.output
    assert txt.stdout.count("\n") == 3 and txt.stdout.split("\n")[1] == ""
    jsonl = run(str(lines), *common, "--format", "jsonl")
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [r["source"] for r in records] == [FA[0], FA[1]]
    assert [r["sentence"] for r in records] == [0, 2]
    assert {"doc", "paragraph", "translation", "score"} <= set(records[0])
    assert [r["translation"] for r in records] == [txt.stdout.split("\n")[i] for i in (0, 2)]


@pytest.mark.parametrize("args, pattern", [
    (["--from", "fa", "--to", "en"], r"no installed model for fa->en"),
    (["--from", "en", "--to", "ar", "--model", "MODEL"], r"translates fa->en, not en->ar"),
    (["--from", "fa", "--to", "en", "--model", "/nonexistent/model"], r"no such model"),
    (["--from", "fa", "--to", "en", "--model", "README"], r"not a model folder or an \.argosmodel"),
])
def test_cli_model_problems_are_one_line_errors(test_models, tmp_path, args, pattern):
    doc = tmp_path / "a.txt"
    doc.write_text(FA[0] + "\n", encoding="utf-8")
    (tmp_path / "README").write_text("not a model", encoding="utf-8")
    args = [str(test_models["argos_fa_en"]) if a == "MODEL" else str(tmp_path / a) if a == "README" else a
            for a in args]
    result = run(str(doc), *args, "--presegmented", "--models-dir", str(tmp_path / "empty"))
    assert_one_line_error(result, pattern)


def test_cli_stanza_segmenter_uses_the_packages_stanza_folder(test_models, tmp_path, shared_dir):
    make_test_models.make_argos(tmp_path, "en", "ar", zip_package=False)
    package = next(tmp_path.glob("translate-en_ar-*"))
    shutil.copytree(shared_dir / "models" / "stanza_resources", package / "stanza")
    doc = tmp_path / "en.txt"
    doc.write_text("Dr. Smith came home. He slept.\n", encoding="utf-8")
    common = [str(doc), "--from", "en", "--to", "ar", "--model", str(package), "--device", "cpu", "--no-cache",
              "--source-out", str(tmp_path / "src.txt"), "-o", str(tmp_path / "out.txt")]
    result = run(*common, "--segmenter", "stanza")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "src.txt").read_text(encoding="utf-8") == "Dr. Smith came home.\nHe slept.\n"


def test_cli_device_cuda_without_a_gpu_is_a_one_line_error(test_models, tmp_path):
    if ctranslate2.get_cuda_device_count():
        pytest.skip("a CUDA GPU is present")
    doc = tmp_path / "a.txt"
    doc.write_text(FA[0] + "\n", encoding="utf-8")
    result = run(str(doc), "--from", "fa", "--to", "en", "--model", str(test_models["argos_fa_en"]),
                 "--device", "cuda")
    assert_one_line_error(result, r"--device cuda: CTranslate2 sees no CUDA GPU")


def test_cli_presegmented_rejects_non_utf8(test_models, tmp_path):
    doc = tmp_path / "a.txt"
    doc.write_bytes("سلام\n".encode("cp1256"))
    result = run(str(doc), "--from", "fa", "--to", "en", "--model", str(test_models["argos_fa_en"]),
                 "--presegmented")
    assert_one_line_error(result, r"line 1: not UTF-8")


@pytest.mark.parametrize("encoding", ["rot13", "hex", "zlib"])
def test_cli_presegmented_refuses_a_codec_that_does_not_decode_bytes(test_models, tmp_path, encoding):
    doc = tmp_path / "a.txt"
    doc.write_text(FA[0] + "\n", encoding="utf-8")
    result = run(str(doc), "--from", "fa", "--to", "en", "--model", str(test_models["argos_fa_en"]),
                 "--presegmented", "--encoding", encoding)
    assert_one_line_error(result, rf"'{encoding}' is not a text encoding")


def test_a_huge_word_is_translated_from_a_bounded_prefix_with_a_warning(test_models, tmp_path):
    word = "پ" * 1_000_000  # one 1 MB "sentence": no punctuation, no space
    doc = tmp_path / "word.fa"
    doc.write_text(f"{FA[0]}\n{word}\n", encoding="utf-8")
    result = run(str(doc), "--from", "fa", "--to", "en", "--model", str(test_models["argos_fa_en"]), "--presegmented",
                 "--max-sentence-chars", "200", "--max-input-tokens", "32", "--no-cache", "--device", "cpu",
                 "--compute-type", "float32")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if line.startswith("aligner: warning:")]
    assert len(warnings) == 1 and "1,000,000 characters" in warnings[0] and "first 200 characters" in warnings[0]
    first, second = result.stdout.splitlines()
    reference = translator(test_models["argos_fa_en"], max_input_tokens=32, max_sentence_chars=100_000)
    assert [first, second] == reference.translate_list([FA[0], word[:200]])


def test_work_per_input_byte_is_bounded(test_models, monkeypatch):
    """Every character reaches SentencePiece a bounded number of times, however long the word
    (cutting it used to re-encode the whole rest of the word at every cut)."""
    model = load(test_models["argos_fa_en"])
    argos = translator(model, max_input_tokens=16, max_sentence_chars=50_000)
    encoded = []
    original = model.encode
    monkeypatch.setattr(model, "encode", lambda text, *langs: encoded.append(len(text)) or original(text, *langs))
    for length in (5_000, 50_000):
        encoded.clear()
        parts = argos._encode_parts("پ" * length)
        assert sum(len(p) for p in parts) >= length // 16 and all(len(p) <= 16 for p in parts)
        assert sum(encoded) < 40 * length, (length, sum(encoded))
