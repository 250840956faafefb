"""`aligner package`, `aligner filter`, `aligner score`: formats in and out, thresholds, errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aligner.bitext import MACHINE_TRANSLATION, BitextLink, read_bitext
from aligner.cli import main
from aligner.formats.tmx import read_tmx
from aligner.score import DEFAULT_MIN_PROBABILITY
from aligner.formats.tsv import read_tsv
from model_fixtures import test_models  # noqa: F401  (fixture)

ZWNJ = "\u200c"


def scored_link(i, src, tgt, score, numbers=1.0, src_ids=None, tgt_ids=None):
    return BitextLink("news.fa", "news.en", "fa", "en", (i,) if src_ids is None else src_ids,
                      (i,) if tgt_ids is None else tgt_ids, src, tgt,
                      scores={"semantic": score, "numbers": numbers}, score=score,
                      provenance={"score": "score:1|test"})


LINKS = [
    scored_link(0, f"می{ZWNJ}خواهم ۱۲ کتاب بخرم؟", "I want to buy 12 books?", 0.9),
    scored_link(1, "امروز هوا خوب است.", "The weather is nice today.", 0.8),
    scored_link(2, "امروز هوا خوب است", "the weather is nice today", 0.7),  # near duplicate of 1
    scored_link(3, "جمله‌ای بی‌ربط.", "A wrong pair.", 0.2),
    scored_link(4, "قیمت ۱۲ دلار است.", "The price is 13 dollars.", 0.6, numbers=0.05),
    scored_link(5, "", "An English sentence without a counterpart.", 0.0, src_ids=()),
]


@pytest.fixture()
def bitext(tmp_path) -> Path:
    path = tmp_path / "news.bitext.jsonl"
    path.write_text("".join(link.to_json() + "\n" for link in LINKS), encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def assert_one_line_error(result, pattern):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error: "), result.stderr
    assert re.search(pattern, lines[0]), lines[0]


def test_package_tmx_is_dtd_valid_and_keeps_scores(tmp_path, bitext, shared_dir):
    out = tmp_path / "news.tmx"
    result = run("package", bitext, "--format", "tmx", "-o", out)
    assert result.exit_code == 0, result.output
    # By default a memory holds the units at or above DEFAULT_MIN_PROBABILITY only.
    kept = sum(link.score >= DEFAULT_MIN_PROBABILITY for link in LINKS[:5])
    assert 0 < kept < 5
    assert (f"{kept} translation units (kept {kept}, removed {5 - kept} score < {DEFAULT_MIN_PROBABILITY:g}, "
            "1 unaligned (1-0/0-1))") in result.stderr
    dtd = etree.DTD(open(shared_dir / "standards" / "tmx14.dtd", "rb"))
    assert dtd.validate(etree.parse(str(out))), dtd.error_log
    links = list(read_tmx(out))
    assert [link.src for link in links] == [link.src for link in LINKS[:5] if link.score >= DEFAULT_MIN_PROBABILITY]
    assert links[0].scores == {"semantic": 0.9, "numbers": 1.0} and links[0].provenance == {}


def test_machine_translated_units_never_share_a_file_with_human_ones(tmp_path):
    machine = [scored_link(10 + i, f"جمله {i}", f"Sentence {i}", score) for i, score in enumerate((0.9, 0.3))]
    for link in machine:
        link.provenance[MACHINE_TRANSLATION] = "ctranslate2|model:fa-en|1"
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(link.to_json() + "\n" for link in LINKS + machine), encoding="utf-8")
    human = run("package", path, "-o", tmp_path / "human.tmx")
    assert human.exit_code == 0, human.output
    assert "2 machine translation" in human.stderr
    assert not any(link.is_machine_translation for link in read_tmx(tmp_path / "human.tmx"))
    # --machine-translated: those units only, every one whatever its score (its quality estimate), marked as MT.
    result = run("package", path, "--machine-translated", "-o", tmp_path / "mt.tmx")
    assert result.exit_code == 0, result.output
    assert "2 translation units (kept 2, removed 6 human translation)" in result.stderr
    assert [(link.src, link.is_machine_translation) for link in read_tmx(tmp_path / "mt.tmx")] == \
        [(link.src, True) for link in machine]
    assert (tmp_path / "mt.tmx").read_text(encoding="utf-8").count('creationid="MT"') == 2


def test_package_tmx_with_min_score_zero_keeps_every_aligned_pair(tmp_path, bitext):
    out = tmp_path / "news.tmx"
    result = run("package", bitext, "--min-score", "0", "-o", out)
    assert result.exit_code == 0, result.output
    assert [link.src for link in read_tmx(out)] == [link.src for link in LINKS[:5]]


@pytest.mark.parametrize("min_score, kept", [(None, 6), (0.65, 3), (0.85, 1)])
def test_package_tsv_with_min_score(tmp_path, bitext, min_score, kept):
    out = tmp_path / "news.tsv"
    args = ["package", bitext, "--format", "tsv", "-o", out]
    if min_score is not None:
        args += ["--min-score", min_score]
    result = run(*args)
    assert result.exit_code == 0, result.output
    rows = list(read_tsv(out))
    assert len(rows) == kept
    assert rows[0].src == LINKS[0].src and rows[0].scores["semantic"] == 0.9


def test_package_to_stdout_with_region_tags(bitext):
    result = run("package", bitext, "--lang-tag", "en=en-US")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'xml:lang="en-US"' in result.stdout and 'xml:lang="fa"' in result.stdout


@pytest.mark.parametrize("args, kept_ids, summary", [
    ([], [0, 1, 3, 4], "near duplicate"),
    (["--dedup", "exact"], [0, 1, 2, 3, 4], "kept 5"),
    (["--min-score", "0.5"], [0, 1, 4], "score < 0.5"),
    (["--min-score", "0.5", "--min", "numbers=0.9"], [0, 1], "numbers < 0.9"),
    (["--dedup", "none", "--keep-unaligned"], [0, 1, 2, 3, 4, 5], "kept 6"),
])
def test_filter(tmp_path, bitext, args, kept_ids, summary):
    out = tmp_path / "kept.jsonl"
    result = run("filter", bitext, "-o", out, *args)
    assert result.exit_code == 0, result.output
    assert summary in result.stderr
    index = {(link.src, link.tgt): number for number, link in enumerate(LINKS)}
    assert [index[(link.src, link.tgt)] for link in read_bitext(out)] == kept_ids


def test_filter_merges_formats_and_writes_by_extension(tmp_path, bitext):
    tmx = tmp_path / "a.tmx"
    assert run("package", bitext, "-o", tmx).exit_code == 0
    out = tmp_path / "merged.tsv"
    result = run("filter", tmx, bitext, "--dedup", "exact", "-o", out)
    assert result.exit_code == 0, result.output
    assert len(list(read_tsv(out))) == 5  # the TMX's 5 units; the bitext's copies are duplicates


def test_score_rescores_a_tmx_from_another_tool(tmp_path):
    foreign = tmp_path / "old.tmx"
    foreign.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="fa-IR" creationtool="x" '
        'creationtoolversion="1" segtype="sentence" o-tmf="x" adminlang="en" datatype="plaintext"/><body>'
        '<tu><tuv xml:lang="fa-IR"><seg>دانشمندان دستگاه جدیدی برای تشخیص سرطان ساختند.</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>Scientists built a new device to detect cancer.</seg></tuv></tu>'
        '<tu><tuv xml:lang="fa-IR"><seg>دانشمندان دستگاه جدیدی برای تشخیص سرطان ساختند.</seg></tuv>'
        '<tuv xml:lang="en-US"><seg>دانشمندان دستگاه جدیدی برای تشخیص سرطان ساختند.</seg></tuv></tu>'
        '</body></tmx>', encoding="utf-8")
    out = tmp_path / "rescored.jsonl"
    result = run("score", foreign, "-o", out)
    assert result.exit_code == 0, result.output
    good, copy = read_bitext(out)
    assert good.score > 0.5 and copy.score == 0.0  # the copy is not in English
    assert good.provenance["score"].startswith("score|semantic:[semantic|embedder:e5-small|")
    assert {"semantic", "length", "numbers", "punctuation", "lang_src", "lang_tgt", "link"} <= set(good.scores)


@pytest.mark.parametrize("name, content, pattern", [
    ("bad.jsonl", '{"src": 1}\n', r"bad\.jsonl:1: not a bitext record"),
    ("bad.tmx", '<tmx version="1.4"><header/>\n<body><tu>\n</body></tmx>', r"bad\.tmx:3: not well-formed"),
    ("bad.tsv", "src\ttgt\tsrc_lang\ttgt_lang\nx\ty\tfa\n", r"bad\.tsv:2: 3 columns"),
])
@pytest.mark.parametrize("command", ["package", "filter"])
def test_malformed_input_is_one_line_naming_file_and_line(tmp_path, name, content, pattern, command):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert_one_line_error(run(command, path, "-o", tmp_path / "out.tsv"), pattern)


def test_bad_option_values(bitext):
    assert run("package", bitext, "--lang-tag", "en").exit_code == 2
    assert run("filter", bitext, "--min", "semantics=0.5").exit_code == 2
    assert run("filter", bitext, "--min-score", "1.5").exit_code == 2


def test_package_format_follows_the_output_extension(tmp_path, bitext):
    out = tmp_path / "pairs.tsv"
    assert run("package", bitext, "-o", out).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("src\ttgt\tscore\t")


def test_score_with_a_translation_model_fills_mt(tmp_path, bitext, test_models):
    """A tiny random-weight model: its translations are noise, but they are made and compared."""
    out = tmp_path / "scored.jsonl"
    result = run("score", bitext, "--model", test_models["marian_fa_en"], "--src-lang", "fa", "--tgt-lang", "en",
                 "-o", out)
    assert result.exit_code == 0, result.output
    links = list(read_bitext(out))
    aligned = [link for link in links if not link.is_unaligned]
    assert all(0.0 <= link.scores["mt"] <= 1.0 for link in aligned)
    translator = re.search(r"\|mt:\[mt\|metric:chrF\|translator:([^|\]]*)", aligned[0].provenance["score"])
    assert translator and translator.group(1) not in ("", "none")


def test_the_bitext_file_library_reads_and_writes_every_format_from_python(tmp_path, bitext):
    from aligner.formats.bitext_files import format_of, output_format, read_links, write_links

    assert [format_of(name) for name in ("a.TMX", "b.tsv", "c.tab", "d.jsonl", "e.txt")] == \
        ["tmx", "tsv", "tsv", "jsonl", "jsonl"]
    assert output_format("x.tmx") == "tmx" and output_format(None) == "jsonl" and output_format("-", "tsv") == "tsv"
    assert output_format("x.jsonl", allowed=["tmx", "tsv"], default="tmx") == "tmx"
    summaries = {kind: write_links(read_links([bitext]), tmp_path / f"out.{kind}", kind)
                 for kind in ("jsonl", "tmx", "tsv")}
    assert summaries == {"jsonl": "6 links", "tsv": "6 rows",
                         "tmx": "5 translation units; 1 unaligned (1-0/0-1) links are not TM units, left out"}
    assert list(read_links([tmp_path / "out.jsonl", tmp_path / "out.tsv"])) == LINKS * 2
    assert [link.src for link in read_links([tmp_path / "out.tmx"])] == [link.src for link in LINKS[:5]]


def test_model_needs_the_pair(bitext):
    result = run("score", bitext, "--model", "fa-en")
    assert result.exit_code == 2 and "--model needs --src-lang and --tgt-lang" in result.stderr


def test_package_a_two_column_tsv_from_another_tool(tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("src\ttgt\nمی‌خواهم ۱۲ کتاب بخرم.\tI want to buy 12 books.\n", encoding="utf-8")
    assert_one_line_error(run("package", pairs, "-o", tmp_path / "x.tmx"), r"pairs\.tsv:2: .*src_lang")
    out = tmp_path / "pairs.tmx"
    result = run("package", pairs, "--src-lang", "fa", "--tgt-lang", "en", "-o", out)
    assert result.exit_code == 0, result.output
    (link,) = read_tmx(out)
    assert (link.src_lang, link.tgt_lang, link.src) == ("fa", "en", "می‌خواهم ۱۲ کتاب بخرم.")
    assert link.score > 0.5 and link.scores["numbers"] == 1.0


def test_package_tmx_merges_repeated_pairs_unless_keep_duplicates(tmp_path):
    repeated = [scored_link(0, "سرخط خبر", "The headline", 0.8), scored_link(1, "جملهٔ دیگر", "Another one", 0.9),
                scored_link(7, "سرخط خبر", "The headline", 0.95)]
    bitext = tmp_path / "repeated.bitext.jsonl"
    bitext.write_text("".join(link.to_json() + "\n" for link in repeated), encoding="utf-8")
    merged = run("package", bitext, "--min-score", "0", "-o", tmp_path / "merged.tmx")
    assert merged.exit_code == 0, merged.output
    assert "2 translation units; 1 repeated pair(s) merged into their unit (x-occurrences)" in merged.stderr
    units = list(read_tmx(tmp_path / "merged.tmx"))
    assert [(unit.src, unit.score, unit.src_ids) for unit in units] == [("جملهٔ دیگر", 0.9, (1,)),
                                                                        ("سرخط خبر", 0.95, (7,))]
    assert '<prop type="x-occurrences">2</prop>' in (tmp_path / "merged.tmx").read_text(encoding="utf-8")
    kept = run("package", bitext, "--min-score", "0", "--keep-duplicates", "-o", tmp_path / "kept.tmx")
    assert kept.exit_code == 0 and "3 translation units" in kept.stderr
    assert [unit.src_ids for unit in read_tmx(tmp_path / "kept.tmx")] == [(0,), (1,), (7,)]
    table = run("package", bitext, "--min-score", "0", "-o", tmp_path / "all.tsv")
    assert table.exit_code == 0 and len(list(read_tsv(tmp_path / "all.tsv"))) == 3
