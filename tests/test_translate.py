"""Translation engine: every layout, options, batching, dedup, cache/resume, splitting, pivoting, CLI."""

from __future__ import annotations

import itertools
import json
import re
import shutil

import ctranslate2
import pytest
from click.testing import CliRunner
from model_fixtures import build_test_models, make_test_models

from aligner.cli import main
from aligner.document import Document
from aligner.errors import ModelError
from aligner.translate.store import install
from aligner.translate.layouts import load_model
from aligner.text.reading import split_paragraphs
from aligner.segment.base import segment_document
from aligner.translate.translator import (
    PivotTranslator,
    Translator,
    make_translator,
    translate_documents,
    translate_sentences,
)


@pytest.fixture(scope="session")
def test_models(tmp_path_factory):
    return build_test_models(tmp_path_factory)


FA = make_test_models.CORPUS["fa"]
EN = make_test_models.CORPUS["en"]
LAYOUTS = [("argos_fa_en", "argos", "fa", "en"), ("marian_fa_en", "marian", "fa", "en"),
           ("nllb", "nllb", "fa", "en"), ("m2m", "m2m", "fa", "en"), ("nllb", "nllb", "en", "ar")]


def direct(model, texts, src, tgt, compute_type="int8", **options):
    """The reference: one plain ctranslate2.Translator call with the same tokens and options."""
    translator = ctranslate2.Translator(str(model.ct2_dir), device="cpu", compute_type=compute_type)
    sources = [model.encode(t, src) for t in texts]
    prefix = model.target_prefix(tgt)
    results = translator.translate_batch(sources, target_prefix=[prefix] * len(sources) if prefix else None,
                                         replace_unknowns=True, return_scores=True, **options)
    return [(model.decode(r.hypotheses[0], tgt), r.scores[0]) for r in results]


@pytest.mark.parametrize("name, layout, src, tgt", LAYOUTS)
def test_each_layout_loads_and_matches_a_direct_ctranslate2_call(test_models, name, layout, src, tgt):
    model = load_model(test_models[name])
    assert model.layout == layout
    assert model.supports(src, tgt)
    texts = make_test_models.CORPUS[src]
    got = list(Translator(model, src, tgt, cache=False, device="cpu").translate(texts))
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
    model = load_model(test_models["argos_fa_en"])
    translator = Translator(model, cache=False, device="cpu", **options, **batching)
    expected = direct(model, FA, "fa", "en", **{"length_penalty": 1.0, "max_decoding_length": 256, **options})
    assert translator.translate_list(FA) == [text for text, _ in expected]


@pytest.mark.parametrize("compute_type, threads", [("float32", 1), ("int8_float32", 2), ("auto", 1)])
def test_compute_types_and_threads(test_models, compute_type, threads):
    model = load_model(test_models["marian_fa_en"])
    translator = Translator(model, cache=False, device="cpu", compute_type=compute_type, threads=threads)
    assert translator.translate_list(FA) == [
        t for t, _ in direct(model, FA, "fa", "en", compute_type, beam_size=4, max_decoding_length=256)]
    assert f"compute={compute_type}" in translator.signature()


def test_models_specs_languages_and_signature(test_models):
    argos = load_model(test_models["argos_fa_en"])
    assert (argos.src_lang, argos.tgt_lang) == ("fa", "en")
    assert argos.model_id.startswith("argos:translate-fa_en-1_0:")
    nllb = load_model(test_models["nllb"])
    assert nllb.multilingual and set(nllb.languages) == {"fa", "ar", "en"}
    assert nllb.encode("سلام", "fa")[0] == "pes_Arab" and nllb.target_prefix("ar") == ["arb_Arab"]
    m2m = load_model(test_models["m2m"])
    assert m2m.encode("hi", "en")[0] == "__en__" and m2m.encode("hi", "en")[-1] == "</s>"
    signatures = {Translator(argos, cache=False, beam_size=b).signature() for b in (1, 2)}
    assert len(signatures) == 2


@pytest.mark.parametrize("src, tgt, pattern", [("en", "fa", "translates fa->en, not en->fa"),
                                               ("fa", "ar", "not fa->ar")])
def test_wrong_pair_is_a_model_error(test_models, src, tgt, pattern):
    with pytest.raises(ModelError, match=pattern):
        Translator(test_models["argos_fa_en"], src, tgt, cache=False)


def test_identical_sentences_are_translated_once(test_models):
    translator = Translator(test_models["argos_fa_en"], cache=False, device="cpu")
    texts = [FA[0], FA[1], FA[0], "", FA[0], FA[1]]
    out = list(translator.translate(texts))
    assert translator.stats["translated"] == 2
    assert out[0] == out[2] == out[4] and out[1] == out[5]
    assert out[3].text == ""


def test_cache_resumes_a_killed_run_without_retranslating(test_models, tmp_path):
    cache = tmp_path / "cache.sqlite"
    first = Translator(test_models["argos_fa_en"], cache=cache, window=4, device="cpu")
    stream = first.translate(FA)
    partial = [next(stream) for _ in range(4)]  # the run dies after its first window
    del stream
    second = Translator(test_models["argos_fa_en"], cache=cache, window=4, device="cpu")
    full = list(second.translate(FA))
    assert full[:4] == partial
    assert second.stats["cached"] == 4 and second.stats["translated"] == len(FA) - 4
    third = Translator(test_models["argos_fa_en"], cache=cache, device="cpu")
    assert list(third.translate(FA)) == full and third.stats["translated"] == 0
    # Other decoding options are other cache entries.
    other = Translator(test_models["argos_fa_en"], cache=cache, beam_size=1, device="cpu")
    other.translate_list(FA)
    assert other.stats["cached"] == 0


def test_translation_streams_from_an_endless_input_window_by_window(test_models):
    translator = Translator(test_models["argos_fa_en"], cache=False, window=4, device="cpu")
    consumed = []

    def endless():
        for text in itertools.cycle(FA):
            consumed.append(text)
            yield text

    stream = translator.translate(endless())
    first = [next(stream) for _ in range(5)]
    assert len(consumed) <= 9  # two windows read, never the whole (endless) input
    assert [t.text for t in first] == translator.translate_list(FA[:5])


def test_translate_documents_keeps_sentences_and_documents_in_order(test_models):
    documents = []
    for doc_id, text in (("a", f"{FA[0]}\n{FA[1]}"), ("b", FA[2])):
        document = Document(doc_id=doc_id, text=text, lang="fa", paragraphs=split_paragraphs(text))
        documents.append(segment_document(document))
    translator = Translator(test_models["argos_fa_en"], cache=False, device="cpu")
    pairs = list(translate_documents(iter(documents), translator))
    assert [(s.doc_id, s.text) for s, _ in pairs] == [("a", FA[0]), ("a", FA[1]), ("b", FA[2])]
    assert [t.text for _, t in pairs] == translator.translate_list(FA[:3])


@pytest.mark.parametrize("limit", [4, 8, 16])
def test_long_sentences_are_split_never_truncated(test_models, limit):
    model = load_model(test_models["argos_fa_en"])
    translator = Translator(model, cache=False, max_input_tokens=limit, device="cpu")
    long_text = "، ".join(FA[:3])
    pieces = translator._split_text(long_text)
    assert all(len(model.encode(p, "fa")) <= limit for p in pieces)
    assert re.sub(r"\s+", "", "".join(pieces)) == re.sub(r"\s+", "", long_text)
    [translation] = list(translator.translate([long_text]))
    assert translation.parts == len(pieces) > 1
    expected = [text for text, _ in direct(model, pieces, "fa", "en", beam_size=4, max_decoding_length=256)]
    assert translation.text == " ".join(t for t in expected if t)


def test_pivot_chains_two_models(test_models, tmp_path):
    models_dir = tmp_path / "models"
    for name in ("argos_fa_en", "argos_en_ar"):
        install(str(test_models[name]), str(models_dir), progress=False)
    with pytest.raises(ModelError, match="--pivot en"):
        make_translator(None, "fa", "ar", models_dir=models_dir, cache=False)
    pivot = make_translator(None, "fa", "ar", pivot="en", models_dir=models_dir, cache=False, device="cpu")
    assert isinstance(pivot, PivotTranslator)
    english = translate_sentences(FA, "fa-en", "fa", "en", models_dir=models_dir, cache=False, device="cpu")
    arabic = translate_sentences(english, "en-ar", "en", "ar", models_dir=models_dir, cache=False, device="cpu")
    assert pivot.translate_list(FA) == arabic
    with pytest.raises(ModelError, match="pivot step ar->en and en->fa"):
        make_translator(None, "ar", "fa", pivot="en", models_dir=models_dir, cache=False)


def test_translate_sentences_picks_the_installed_pair(test_models, tmp_path):
    models_dir = tmp_path / "models"
    install(str(test_models["nllb"]), str(models_dir), progress=False)
    out = translate_sentences(EN[:3], None, "en", "fa", models_dir=models_dir, cache=False, device="cpu")
    model = load_model(test_models["nllb"])
    assert out == [t for t, _ in direct(model, EN[:3], "en", "fa", beam_size=4, max_decoding_length=256)]


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
                 "-o", str(out), "--source-out", str(src), "--no-cache", "--device", "cpu")
    assert result.exit_code == 0, result.output
    source_lines = src.read_text(encoding="utf-8").split("\n")
    target_lines = out.read_text(encoding="utf-8").split("\n")
    assert source_lines == [FA[0], FA[1], "", FA[2], ""]
    assert len(target_lines) == len(source_lines) and target_lines[2] == ""
    model = load_model(test_models["argos_fa_en"])
    expected = [t for t, _ in direct(model, FA[:3], "fa", "en", beam_size=4, max_decoding_length=256)]
    assert [target_lines[i] for i in (0, 1, 3)] == expected


def test_cli_jsonl_and_presegmented_keep_blank_lines(test_models, tmp_path):
    lines = tmp_path / "lines.fa"
    lines.write_text(f"{FA[0]}\n\n{FA[1]}\n", encoding="utf-8")
    common = ["--from", "fa", "--to", "en", "--model", str(test_models["argos_fa_en"]), "--presegmented",
              "--device", "cpu", "--beam-size", "2"]
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
