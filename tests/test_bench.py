"""aligner bench translate: our numbers equal sacrebleu's own command line; test sets; tokenizers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import List

import pytest
from click.testing import CliRunner

from aligner.bench import translation as bench
from aligner.cli import main
from aligner.errors import InputError, ModelError

from model_fixtures import test_models  # noqa: F401 (fixture)

LINES = 50


def perturb(lines: List[str]) -> List[str]:
    """A deterministic 'system': drops, swaps and substitutes words so that every metric is < 100."""
    out = []
    for i, line in enumerate(lines):
        words = line.split()
        if i % 4 == 0:
            words = [w for j, w in enumerate(words) if j % 5 != 3]
        elif i % 4 == 1 and len(words) > 3:
            words[1], words[2] = words[2], words[1]
        elif i % 4 == 2 and words:
            words[-1] = lines[(i + 1) % len(lines)].split()[-1]
        out.append(" ".join(words))
    return out


def weaker(lines: List[str]) -> List[str]:
    """A worse deterministic 'system' to test against: every third word dropped."""
    return [" ".join(w for j, w in enumerate(line.split()) if j % 3 != 2) for line in lines]


@pytest.fixture(scope="module")
def files(shared_dir, tmp_path_factory):
    """ref/hyp/base files per target language from the first 50 FLORES devtest lines."""
    folder = tmp_path_factory.mktemp("bench")
    made = {}
    for lang in ("fa", "ar", "en"):
        ref = (shared_dir / "data" / "flores200" / f"devtest.{lang}").read_text(encoding="utf-8").split("\n")[:LINES]
        paths = {}
        for role, lines in (("ref", ref), ("hyp", perturb(ref)), ("base", weaker(ref))):
            paths[role] = folder / f"{role}.{lang}"
            paths[role].write_text("\n".join(lines) + "\n", encoding="utf-8")
        made[lang] = paths
    return made


def sacrebleu_cli(*args: str, env=None) -> str:
    run = subprocess.run([sys.executable, "-m", "sacrebleu", *args], capture_output=True, text=True, check=True,
                         env=env)
    return run.stdout


def ours(*args: str) -> dict:
    result = CliRunner().invoke(main, ["bench", "translate", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# Target language -> the tokenizer our default must pick (and that we name to sacrebleu's CLI).
@pytest.mark.parametrize("lang, tokenizer", [("fa", "intl"), ("ar", "intl"), ("en", "13a")])
def test_scores_equal_sacrebleu_cli(files, lang, tokenizer):
    paths = files[lang]
    report = ours("--hyp", str(paths["hyp"]), "--ref", str(paths["ref"]), "--tgt-lang", lang)
    expected = json.loads(sacrebleu_cli(str(paths["ref"]), "-i", str(paths["hyp"]), "-m", "bleu", "chrf", "ter",
                                        "--tokenize", tokenizer, "-w", "4", "-f", "json"))
    expected.append(json.loads(sacrebleu_cli(str(paths["ref"]), "-i", str(paths["hyp"]), "-m", "chrf",
                                             "--chrf-word-order", "2", "-w", "4", "-f", "json")))
    got = {score["name"]: score for score in report["scores"]}
    assert sorted(got) == sorted(e["name"] for e in expected) == ["BLEU", "TER", "chrF2", "chrF2++"]
    for want in expected:
        assert round(got[want["name"]]["score"], 4) == want["score"], want["name"]
        assert got[want["name"]]["signature"] == want["signature"]
        assert 0 < want["score"] < 100
    assert got["BLEU"]["verbose"] == expected[0]["verbose_score"]
    assert report["segments"] == LINES and report["tgt_lang"] == lang


def test_paired_bootstrap_equals_sacrebleu_cli(files):
    paths = files["fa"]
    report = ours("--hyp", str(paths["hyp"]), "--baseline", str(paths["base"]), "--ref", str(paths["ref"]),
                  "--tgt-lang", "fa", "--paired-bs-n", "200", "-m", "bleu", "-m", "chrf", "-m", "ter")
    text = sacrebleu_cli(str(paths["ref"]), "-i", str(paths["base"]), str(paths["hyp"]), "--paired-bs",
                         "--paired-bs-n", "200", "-m", "bleu", "chrf", "ter", "--tokenize", "intl", "-w", "4",
                         "-f", "text")
    number = r"(-?\d+\.\d+)"
    triples = re.findall(rf"{number} \({number} ± {number}\)", text)
    p_values = [float(p) for p in re.findall(rf"\(p = {number}\)", text)]
    signatures = dict(re.findall(r"^ - (\S+)\s+(nrefs:\S+)$", text, re.M))
    results = report["paired_bs"]["results"]
    assert [r["name"] for r in results] == ["BLEU", "chrF2", "TER"] and len(triples) == 6
    for k, result in enumerate(results):
        baseline, system = triples[k], triples[3 + k]  # CLI table: baseline row, then system row
        assert [f"{result[key]:.4f}" for key in ("baseline", "baseline_mean", "baseline_ci")] == list(baseline)
        assert [f"{result[key]:.4f}" for key in ("system", "system_mean", "system_ci")] == list(system)
        assert f"{result['p_value']:.4f}" == f"{p_values[k]:.4f}"
        assert result["signature"] == signatures[result["name"]]
    assert results[0]["system"] > results[0]["baseline"]


@pytest.fixture(scope="module")
def spm_home(shared_dir, tmp_path_factory):
    """A SACREBLEU folder holding a small SentencePiece model under flores200's file name.

    The real FLORES-200 model cannot be downloaded here; a model trained on FLORES dev stands in
    to check that spBLEU uses the file sacrebleu would use, exactly as its CLI does.
    """
    import sentencepiece

    home = tmp_path_factory.mktemp("sacrebleu")
    (home / "models").mkdir()
    corpus = home / "corpus.txt"
    corpus.write_text("".join(bench.read_segments(shared_dir / "data" / "flores200" / f"dev.{lang}")[k] + "\n"
                              for lang in ("en", "fa", "ar") for k in range(300)), encoding="utf-8")
    sentencepiece.SentencePieceTrainer.train(input=str(corpus), model_prefix=str(home / "spm"), vocab_size=500,
                                             character_coverage=1.0, minloglevel=2)
    (home / "spm.model").rename(home / "models" / "flores200sacrebleuspm")
    return home


def test_flores200_spbleu_equals_sacrebleu_cli_with_the_model_in_place(files, spm_home, monkeypatch):
    from sacrebleu.tokenizers import tokenizer_spm

    monkeypatch.setattr(tokenizer_spm, "SACREBLEU_DIR", str(spm_home))
    paths = files["fa"]
    report = ours("--hyp", str(paths["hyp"]), "--ref", str(paths["ref"]), "--tgt-lang", "fa",
                  "--tokenize", "flores200", "-m", "bleu")
    env = {**os.environ, "SACREBLEU": str(spm_home)}
    expected = json.loads(sacrebleu_cli(str(paths["ref"]), "-i", str(paths["hyp"]), "-m", "bleu", "--tokenize",
                                        "flores200", "-w", "4", "-f", "json", env=env))
    assert expected["tok"] == "flores200"
    assert round(report["scores"][0]["score"], 4) == expected["score"]
    assert report["scores"][0]["signature"] == expected["signature"]


def test_flores200_without_its_model_says_where_to_put_it(monkeypatch, tmp_path):
    from sacrebleu.tokenizers import tokenizer_spm

    monkeypatch.setattr(tokenizer_spm, "SACREBLEU_DIR", str(tmp_path))
    with pytest.raises(ModelError, match=re.escape(str(tmp_path / "models" / "flores200sacrebleuspm"))):
        bench.score_translations(["a"], ["a"], "fa", tokenize="flores200")
    assert not (tmp_path / "models").exists()  # nothing was downloaded or created


@pytest.mark.parametrize("lang, expected", [("fa", "intl"), ("ar", "intl"), ("ur", "intl"), ("en", "13a"),
                                            ("de", "13a"), ("zh", "zh"), (None, "13a")])
def test_default_tokenizer(lang, expected):
    assert bench.default_tokenizer(lang) == expected


@pytest.mark.parametrize("tokenize, lang, message", [
    ("13a", "fa", "does not split Arabic-script punctuation"),
    ("13a", "ar", "does not split Arabic-script punctuation"),
    ("moses", "en", "unknown BLEU tokenizer 'moses'"),
])
def test_bad_tokenizer_choices(tokenize, lang, message):
    with pytest.raises(InputError, match=message):
        bench.check_tokenizer(tokenize, lang)


def test_intl_splits_arabic_punctuation_that_13a_keeps():
    """Why 13a is refused: a correct Persian hypothesis loses BLEU over ، and ؟ under 13a."""
    from sacrebleu.metrics import BLEU

    reference = ["آیا او آمد، یا نه؟"]
    hypothesis = ["آیا او آمد ، یا نه ؟"]  # same words, punctuation spaced
    assert BLEU(tokenize="intl").corpus_score(hypothesis, [reference]).score == pytest.approx(100)
    assert BLEU(tokenize="13a").corpus_score(hypothesis, [reference]).score < 60


@pytest.mark.parametrize("spec, src, tgt, count, ref_file", [
    ("flores200:devtest", "en", "fa", 1012, "flores200/devtest.fa"),
    ("flores200:dev", "fa", "en", 997, "flores200/dev.en"),
    ("flores200", "ar", "fa", 1012, "flores200/devtest.fa"),
    ("tico19", "en", "ar", 2100, "tico19/test.ar"),
    ("tico19:dev", "ar", "en", 971, "tico19/dev.en"),
    ("tatoeba", "fa", "en", 3757, "tatoeba/test.en-fa.en"),
    ("tatoeba:test", "en", "ar", 10305, "tatoeba/test.en-ar.ar"),
])
def test_testsets_from_shared_data(shared_dir, spec, src, tgt, count, ref_file):
    data = bench.load_testset(*bench.parse_testset(spec, src, tgt), src, tgt, shared_dir)
    assert len(data.sources) == len(data.references) == count
    assert data.ref_path == shared_dir / "data" / ref_file
    assert data.references[0] == (shared_dir / "data" / ref_file).read_text(encoding="utf-8").split("\n")[0].rstrip()


@pytest.mark.parametrize("spec, src, tgt, message", [
    ("wmt14", "en", "fa", "unknown test set 'wmt14' (known: flores200, tatoeba, tico19)"),
    ("flores200:test", "en", "fa", "test set 'flores200' has no split 'test' (splits: dev, devtest)"),
    ("tatoeba", "fa", "ar", "test set 'tatoeba' has no fa-ar pair (pairs: en-fa, en-ar, fa-en, ar-en)"),
    ("tico19", "en", "de", "test set 'tico19' has no en-de pair"),
])
def test_testset_errors(spec, src, tgt, message):
    with pytest.raises(InputError, match=re.escape(message)):
        bench.parse_testset(spec, src, tgt)


def test_testset_reference_as_hypothesis_scores_perfectly(shared_dir):
    hyp = str(shared_dir / "data" / "flores200" / "devtest.ar")
    report = ours("--hyp", hyp, "--testset", "flores200:devtest", "-l", "fa-ar", "-m", "bleu", "-m", "chrf")
    assert [s["score"] for s in report["scores"]] == pytest.approx([100, 100])
    assert report["testset"] == "flores200:devtest" and report["tgt_lang"] == "ar"
    assert "tok:intl" in report["scores"][0]["signature"]


def test_model_translates_the_testset_source(shared_dir, test_models, tmp_path):
    """--model translates the test set's source with a real (tiny, random-weight) Argos package; the
    scores are those of the saved translations against the references, signed with the model."""
    saved = tmp_path / "devtest.ar"
    report = ours("--model", str(test_models["argos_en_ar"]), "--testset", "flores200:devtest", "-l", "en-ar",
                  "--hyp-out", str(saved), "-m", "chrf")
    reference = shared_dir / "data" / "flores200" / "devtest.ar"
    translations = saved.read_text(encoding="utf-8").splitlines()
    assert len(translations) == len(reference.read_text(encoding="utf-8").splitlines())
    assert "translate-en_ar" in report["model"]
    expected = json.loads(sacrebleu_cli(str(reference), "-i", str(saved), "-m", "chrf", "-w", "4", "-f", "json"))
    assert report["scores"][0]["score"] == pytest.approx(expected["score"], abs=1e-4)


def test_text_output_is_sacrebleu_lines(files):
    paths = files["ar"]
    result = CliRunner().invoke(main, ["bench", "translate", "--hyp", str(paths["hyp"]), "--ref", str(paths["ref"])])
    assert result.exit_code == 0, result.output
    expected = sacrebleu_cli(str(paths["ref"]), "-i", str(paths["hyp"]), "-m", "bleu", "chrf", "ter",
                             "--tokenize", "intl")
    # no --tgt-lang: Arabic is identified from the reference, so BLEU uses intl like the CLI call
    lines = result.output.splitlines()
    cli = {s["name"]: s for s in json.loads(expected)}
    assert lines[0].startswith(f"BLEU|{cli['BLEU']['signature']} = {cli['BLEU']['score']:.1f} ")
    assert lines[3] == f"TER|{cli['TER']['signature']} = {cli['TER']['score']:.1f}"


@pytest.mark.parametrize("args, message", [
    ([], "give exactly one of --hyp FILE"),
    (["--hyp", "{hyp}"], "give exactly one of --ref FILE or --testset"),
    (["--hyp", "{hyp}", "--testset", "flores200"], "--testset needs --langpair SRC-TGT"),
    (["--hyp", "{hyp}", "--ref", "{short}"], "has 50 lines but {short} has 3"),
    (["--hyp", "{hyp}", "--ref", "{ref}", "--tgt-lang", "fa", "--tokenize", "13a"], "does not split Arabic-script"),
    (["--hyp", "{hyp}", "--ref", "{missing}"], "{missing}: cannot read"),
    (["--hyp", "{hyp}", "--testset", "nope", "-l", "en-fa"], "unknown test set 'nope'"),
    (["--model", "no-such-model", "--src", "{hyp}", "--ref", "{ref}", "-l", "en-fa"], "no-such-model"),
    (["--model", "en-fa", "--ref", "{ref}", "-l", "en-fa"], "--model needs the source text"),
])
def test_cli_errors_are_one_line(files, tmp_path, args, message):
    short = tmp_path / "short.fa"
    short.write_text("a\nb\nc\n", encoding="utf-8")
    names = {"hyp": files["fa"]["hyp"], "ref": files["fa"]["ref"], "short": short, "missing": tmp_path / "none.fa"}
    result = CliRunner().invoke(main, ["bench", "translate", *[a.format(**names) for a in args]])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error: ")
    assert message.format(**names) in lines[0]


@pytest.fixture
def local_flores(tmp_path):
    """A user's own copy of a FLORES-200 split: devtest.en and devtest.fa, line-aligned."""
    from conftest import CORPORA

    folder = tmp_path / "flores200"
    folder.mkdir()
    for lang, path in (("fa", CORPORA / "fa" / "police-telegram-cooperation.txt"),
                       ("en", CORPORA / "parallel" / "fa-en" / "en" / "police-telegram-cooperation.txt")):
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()][:5]
        (folder / f"devtest.{lang}").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_testset_from_a_local_copy_needs_no_shared_folder(local_flores, monkeypatch):
    monkeypatch.setenv("ALIGNER_SHARED", str(local_flores / "missing"))
    result = CliRunner().invoke(main, ["bench", "translate", "--hyp", str(local_flores / "devtest.fa"), "--testset",
                                       "flores200", "-l", "en-fa", "--testset-dir", str(local_flores.parent),
                                       "-m", "chrf", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["scores"][0]["score"] == pytest.approx(100)
    assert report["ref"] == str(local_flores / "devtest.fa")


def test_testset_without_a_copy_says_in_one_line_how_to_get_one(local_flores, monkeypatch):
    monkeypatch.setenv("ALIGNER_SHARED", str(local_flores / "missing"))
    result = CliRunner().invoke(main, ["bench", "translate", "--hyp", str(local_flores / "devtest.fa"),
                                       "--testset", "flores200", "-l", "en-fa"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "aligner: error: test set 'flores200' is not bundled and sacrebleu cannot download it (its test sets are "
        "WMT, IWSLT and the like): get a copy and pass --testset-dir DIR holding devtest.en and devtest.fa"]
    wrong = CliRunner().invoke(main, ["bench", "translate", "--hyp", str(local_flores / "devtest.fa"), "--testset",
                                      "flores200:dev", "-l", "en-fa", "--testset-dir", str(local_flores)])
    assert wrong.exit_code == 2 and "dev.en and dev.fa" in wrong.stderr


def test_references_in_another_language_than_the_target_are_warned_about(local_flores):
    english = str(local_flores / "devtest.en")
    result = CliRunner().invoke(main, ["bench", "translate", "--hyp", english, "--ref", english, "--tgt-lang", "fa",
                                       "-m", "chrf"])
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines() == [
        "aligner: warning: the references look like 'en' text, not --tgt-lang 'fa': scores against them mean little"]
    same = CliRunner().invoke(main, ["bench", "translate", "--hyp", english, "--ref", english, "--tgt-lang", "en",
                                     "-m", "chrf"])
    assert "warning" not in same.stderr


def test_ter_is_left_out_for_segments_too_long_for_its_quadratic_search():
    from aligner.bench.translation import TER_MAX_WORDS, metrics_within_limits

    short, long = ["a short line"], ["word " * (TER_MAX_WORDS + 1)]
    assert metrics_within_limits(["bleu", "ter"], short, short) == (["bleu", "ter"], None)
    metrics, reason = metrics_within_limits(["bleu", "chrf", "ter"], short, long)
    assert metrics == ["bleu", "chrf"] and f"{TER_MAX_WORDS + 1} words" in reason
    assert metrics_within_limits(["bleu"], long) == (["bleu"], None)
