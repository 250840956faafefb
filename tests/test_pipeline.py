"""aligner run: the whole pipeline on the sample corpus, resumability, MT fallback, bad input."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aligner.bitext import read_bitext
from aligner.cli import main
from aligner.errors import AlignerError, InputError, OutputInUse
from aligner.pipeline.job import JobOptions
from aligner.pipeline.documents import document_paths
from aligner.pipeline.driver import run
from aligner.score import DEFAULT_MIN_PROBABILITY
from aligner.segment.base import segment_document
from aligner.text.reading import read_documents

from conftest import CORPORA
from model_fixtures import test_models  # noqa: F401 (fixture)

FA_SOURCE = CORPORA / "fa" / "police-telegram-cooperation.txt"
FA_TARGETS = CORPORA / "parallel" / "fa-en" / "en"
AR_SOURCE = CORPORA / "ar" / "durov-case-paris-prosecutor.txt"
AR_TARGETS = CORPORA / "parallel" / "ar-en" / "en"


def sentence_count(path: Path, lang: str) -> int:
    return len(segment_document(next(read_documents([str(path)], lang=lang))).sentences)


@pytest.fixture
def fa_inputs(tmp_path):
    """A source folder holding the parallel Persian article and one without a translation."""
    folder = tmp_path / "fa"
    folder.mkdir()
    shutil.copy(FA_SOURCE, folder)
    shutil.copy(CORPORA / "fa" / "ministry-telegram-no-talks.txt", folder)
    return folder


@pytest.mark.parametrize("source, targets, lang", [(FA_SOURCE, FA_TARGETS, "fa"), (AR_SOURCE, AR_TARGETS, "ar")])
def test_every_sentence_once_and_all_outputs(tmp_path, source, targets, lang, shared_dir):
    summary = run([str(source)], tmp_path / "out", JobOptions(lang, "en"), targets=str(targets), progress=False)
    links = list(read_bitext(summary.outputs["jsonl"]))
    src_ids = sorted(i for link in links for i in link.src_ids)
    tgt_ids = sorted(j for link in links for j in link.tgt_ids)
    assert src_ids == list(range(sentence_count(source, lang)))
    assert tgt_ids == list(range(sentence_count(targets / source.name, "en")))
    assert all(0.0 <= link.score <= 1.0 for link in links)
    dtd = etree.DTD(str(shared_dir / "standards" / "tmx14.dtd"))
    tmx = etree.parse(str(summary.outputs["tmx"]))
    assert dtd.validate(tmx), dtd.error_log
    units = tmx.findall(".//tu")
    # One unit per distinct pair (the Persian article repeats its headline).
    assert len(units) == len({(link.src, link.tgt) for link in links
                              if not link.is_unaligned and link.score >= DEFAULT_MIN_PROBABILITY})
    tsv_rows = summary.outputs["tsv"].read_text(encoding="utf-8").splitlines()
    assert len(tsv_rows) == len(links) + 1
    page = summary.outputs["report"].read_text(encoding="utf-8")
    assert source.name in page
    # The pair's own page shows every link, the source side right to left.
    pair_page = next((summary.outputs["report"].parent / "report").glob("0*.html")).read_text(encoding="utf-8")
    assert 'dir="rtl"' in pair_page and source.name in pair_page


def test_a_repeated_headline_is_one_unit_of_the_memory_unless_keep_duplicates(tmp_path):
    """The Persian article and its translation both repeat their headline: two identical links."""
    options = JobOptions("fa", "en")
    merged = run([str(FA_SOURCE)], tmp_path / "merged", options, targets=str(FA_TARGETS), progress=False)
    links = [link for link in read_bitext(merged.outputs["jsonl"])
             if not link.is_unaligned and link.score >= DEFAULT_MIN_PROBABILITY]
    pairs = [(link.src, link.tgt) for link in links]
    assert len(set(pairs)) < len(pairs)  # the fixture still repeats a pair
    units = etree.parse(str(merged.outputs["tmx"])).findall(".//tu")
    texts = [tuple(seg.text for seg in unit.iter("seg")) for unit in units]
    assert sorted(texts) == sorted(set(pairs))
    occurrences = {text: int(unit.findtext("prop[@type='x-occurrences']") or 1) for text, unit in zip(texts, units)}
    assert occurrences == {pair: pairs.count(pair) for pair in set(pairs)}
    assert any("x-occurrences" in note for note in merged.notes)
    kept = run([str(FA_SOURCE)], tmp_path / "kept", options, targets=str(FA_TARGETS), progress=False,
               keep_duplicates=True)
    assert len(etree.parse(str(kept.outputs["tmx"])).findall(".//tu")) == len(pairs)
    assert kept.outputs["jsonl"].read_bytes() == merged.outputs["jsonl"].read_bytes()


def test_source_text_kept_byte_for_byte(tmp_path):
    summary = run([str(FA_SOURCE)], tmp_path / "out", JobOptions("fa", "en"), targets=str(FA_TARGETS),
                  progress=False)
    document = segment_document(next(read_documents([str(FA_SOURCE)], lang="fa")))
    for link in read_bitext(summary.outputs["jsonl"]):
        assert link.src == " ".join(document.sentences[i].text for i in link.src_ids)


def test_missing_target_without_model_is_reported_not_dropped(tmp_path, fa_inputs):
    summary = run([str(fa_inputs)], tmp_path / "out", JobOptions("fa", "en"), targets=str(FA_TARGETS),
                  progress=False)
    by_doc = {result.job.source.doc_id: result for result in summary.results}
    lonely = by_doc["ministry-telegram-no-talks.txt"]
    assert lonely.job.target is None
    lonely_links = list(read_bitext(document_paths(summary.outdir, lonely.job)[0]))
    assert all(link.is_unaligned for link in lonely_links)
    expected = sentence_count(fa_inputs / "ministry-telegram-no-talks.txt", "fa")
    assert sum(len(link.src_ids) for link in lonely_links) == expected == lonely.counts.src_unaligned
    assert lonely.counts.aligned == 0
    assert any("ministry-telegram-no-talks.txt" in note for note in summary.notes)
    assert "ministry-telegram-no-talks.txt" in summary.outputs["report"].read_text(encoding="utf-8")


def test_resume_skips_finished_documents_and_redoes_changed_ones(tmp_path, fa_inputs):
    out = tmp_path / "out"
    options = JobOptions("fa", "en")
    first = run([str(fa_inputs)], out, options, targets=str(FA_TARGETS), progress=False)
    combined = first.outputs["jsonl"].read_bytes()
    second = run([str(fa_inputs)], out, options, targets=str(FA_TARGETS), progress=False)
    assert all(result.reused for result in second.results)
    assert second.outputs["jsonl"].read_bytes() == combined
    # A run killed before finishing a document leaves no manifest for it: only that one is redone.
    next((out / "documents").glob("police*.done.json")).unlink()
    third = run([str(fa_inputs)], out, options, targets=str(FA_TARGETS), progress=False)
    assert [r.reused for r in third.results] == [True, False]
    assert third.outputs["jsonl"].read_bytes() == combined
    # Other options: the folder is refused unless forced, and then every document is redone.
    with pytest.raises(OutputInUse, match="--force"):
        run([str(fa_inputs)], out, JobOptions("fa", "en", max_link=3), targets=str(FA_TARGETS), progress=False)
    changed = run([str(fa_inputs)], out, JobOptions("fa", "en", max_link=3), targets=str(FA_TARGETS),
                  progress=False, force=True)
    assert not any(result.reused for result in changed.results)


def test_parallel_jobs_give_the_same_output(tmp_path, fa_inputs):
    one = run([str(fa_inputs)], tmp_path / "one", JobOptions("fa", "en"), targets=str(FA_TARGETS), progress=False)
    two = run([str(fa_inputs)], tmp_path / "two", JobOptions("fa", "en"), targets=str(FA_TARGETS), jobs=2,
              progress=False)
    assert one.outputs["jsonl"].read_bytes() == two.outputs["jsonl"].read_bytes()


def test_with_a_model_and_no_targets_aligns_with_own_translation(tmp_path, test_models, shared_dir):
    """Sentence k with its translation k, scored without comparing the model with itself; the units
    go to machine-translated.tmx, marked as MT with their quality estimate, never to aligned.tmx."""
    summary = run([str(FA_SOURCE)], tmp_path / "out", JobOptions("fa", "en", model=str(test_models["argos_fa_en"])),
                  progress=False)
    links = list(read_bitext(summary.outputs["jsonl"]))
    assert summary.translation_model is not None
    assert sum(len(link.src_ids) for link in links) == sentence_count(FA_SOURCE, "fa")
    assert all(link.tgt_doc.endswith("(MT)") and link.is_machine_translation for link in links)
    aligned = [link for link in links if not link.is_unaligned]
    assert aligned and all(link.link_type == "1-1" and link.src_ids == link.tgt_ids for link in aligned)
    assert all("mt" not in link.scores and "semantic" in link.scores for link in aligned)
    assert etree.parse(str(summary.outputs["tmx"])).findall(".//tu") == []
    machine = etree.parse(str(summary.outputs["mt"]))
    assert etree.DTD(str(shared_dir / "standards" / "tmx14.dtd")).validate(machine)
    units = machine.findall(".//tu")
    assert len(units) == len({(link.src, link.tgt) for link in aligned})  # the repeated headline is one unit
    assert all(tu.get("creationid") == "MT" and tu.find("prop[@type='x-machine-translation']") is not None
               and tu.find("prop[@type='x-score']") is not None for tu in units)


@pytest.fixture
def mispaired(tmp_path):
    """The parallel Persian article, and one paired by name with an English article that is not its
    translation (the Arabic sample's English side)."""
    for lang in ("fa", "en"):
        (tmp_path / lang).mkdir()
    shutil.copy(FA_SOURCE, tmp_path / "fa")
    shutil.copy(FA_TARGETS / FA_SOURCE.name, tmp_path / "en")
    shutil.copy(CORPORA / "fa" / "ministry-telegram-no-talks.txt", tmp_path / "fa")
    shutil.copy(AR_TARGETS / AR_SOURCE.name, tmp_path / "en" / "ministry-telegram-no-talks.txt")
    return tmp_path


def test_a_pair_that_is_not_a_translation_gives_no_unit_and_one_warning(mispaired):
    out = mispaired / "out"
    args = ["run", str(mispaired / "fa"), "--targets", str(mispaired / "en"), "--from", "fa", "--to", "en",
            "-o", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.stderr.splitlines() if "not a translation" in line]
    assert warning.startswith("aligner: warning: ministry-telegram-no-talks.txt / ministry-telegram-no-talks.txt: "
                              "not a translation of each other (") and warning.endswith(
        "only its mined sentence pairs (x-origin=mined) in aligned.tmx")
    units = etree.parse(str(out / "aligned.tmx")).findall(".//tu")
    sources = {tu.find("prop[@type='x-src-doc']").text for tu in units}
    assert sources == {FA_SOURCE.name}
    # Its links stay in the bitext and the TSV; the report gives the pair its verdict.
    links = list(read_bitext(out / "bitext.jsonl"))
    assert any(link.src_doc == "ministry-telegram-no-talks.txt" and not link.is_unaligned for link in links)
    page = (out / "report.html").read_text(encoding="utf-8")
    row = next(r for r in page.split('id="documents"')[1].split("<tr>") if "ministry-telegram-no-talks.txt" in r)
    assert "verdict-comparable" in row
    marker = json.loads(next((out / "documents").glob("ministry*.done.json")).read_text(encoding="utf-8"))
    assert marker["verdict"]["verdict"] == "comparable"
    # Resumed, the stored verdict still keeps the pair out and still says so.
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0 and "reused" in again.stdout
    assert [line for line in again.stderr.splitlines() if "not a translation" in line] == [warning]
    assert len(etree.parse(str(out / "aligned.tmx")).findall(".//tu")) == len(units)
    # A verdict stored under another rule is judged again from the stored links, not taken as it is.
    marker_path = next((out / "documents").glob("ministry*.done.json"))
    marker["verdict"].update(verdict="parallel", min_share=0.0)
    marker_path.write_text(json.dumps(marker), encoding="utf-8")
    summary = run([str(mispaired / "fa")], out, JobOptions("fa", "en"), targets=str(mispaired / "en"), progress=False)
    assert all(outcome.reused for outcome in summary.results)
    assert [outcome.verdict.verdict for outcome in summary.results] == ["comparable", "parallel"]


def test_min_score_keeps_low_pairs_out_of_the_tmx_only(tmp_path):
    summary = run([str(FA_SOURCE)], tmp_path / "out", JobOptions("fa", "en"), targets=str(FA_TARGETS),
                  min_score=0.99, progress=False)
    links = list(read_bitext(summary.outputs["jsonl"]))
    kept = [link for link in links if not link.is_unaligned and link.score >= 0.99]
    assert len(etree.parse(str(summary.outputs["tmx"])).findall(".//tu")) == len(kept)
    assert any("--min-score" in note for note in summary.notes)


def test_cli_main_job_prints_summary(tmp_path, fa_inputs):
    result = CliRunner().invoke(main, ["run", str(fa_inputs), "--targets", str(FA_TARGETS), "--from", "fa",
                                       "--to", "en", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "police-telegram-cooperation.txt" in result.stdout
    assert "aligner models install fa-en" in result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "aligned.tmx", "aligned.tsv", "bitext.jsonl", "documents", "pairing.json", "pairs.tsv", "report",
        "report.html", "run.json"]


@pytest.mark.parametrize("args, message", [
    (["--from", "fa", "--to", "en", "--model", "/nonexistent/model"], "/nonexistent/model"),
    (["--from", "en", "--to", "fa"], "text is 'fa'"),
])
def test_cli_bad_input_is_one_line_exit_2(tmp_path, args, message):
    result = CliRunner().invoke(main, ["run", str(FA_SOURCE), "-o", str(tmp_path / "out"), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_library_raises_aligner_error_for_unknown_model(tmp_path):
    with pytest.raises(AlignerError):
        run([str(FA_SOURCE)], tmp_path / "out", JobOptions("fa", "en", model=str(tmp_path / "missing")),
            progress=False)


def test_a_failing_pair_is_tried_again_then_reported_and_the_others_finish(tmp_path, fa_inputs, monkeypatch):
    from aligner.pipeline.job import PairAligner

    real_align_pair = PairAligner.align_pair
    tries = []

    def align_pair(self, pair):
        if pair.source.doc_id.startswith("police"):
            tries.append(pair.source.doc_id)
            raise RuntimeError("simulated crash\nin two lines")
        return real_align_pair(self, pair)

    monkeypatch.setattr(PairAligner, "align_pair", align_pair)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(fa_inputs), "--targets", str(FA_TARGETS), "--from", "fa",
                                       "--to", "en", "-o", str(out)])
    assert result.exit_code == 3, result.output
    assert tries == ["police-telegram-cooperation.txt"] * 2
    assert (out / "failed.tsv").read_text(encoding="utf-8").splitlines() == [
        "source\ttarget\tattempts\treason",
        "police-telegram-cooperation.txt\tpolice-telegram-cooperation.txt\t2\tRuntimeError: simulated crash in two lines"]
    assert {link.src_doc for link in read_bitext(out / "bitext.jsonl")} == {"ministry-telegram-no-talks.txt"}
    assert "failed after 2 attempts" in (out / "report.html").read_text(encoding="utf-8")
    assert re.search(r"^police-telegram-cooperation.txt\s.*\sfailed$", result.stdout, flags=re.MULTILINE)
    assert "police-telegram-cooperation.txt: failed (will try again)" in result.stderr
    assert "1 document pair(s) failed" in result.stderr
    # Started again once the cause is gone, the run redoes the failed pair only and clears the list.
    monkeypatch.setattr(PairAligner, "align_pair", real_align_pair)
    summary = run([str(fa_inputs)], out, JobOptions("fa", "en"), targets=str(FA_TARGETS), progress=False)
    assert [outcome.reused for outcome in summary.results] == [True, False] and not summary.failed
    assert not (out / "failed.tsv").exists()


def test_ray_backend_without_ray_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    result = CliRunner().invoke(main, ["run", str(FA_SOURCE), "--targets", str(FA_TARGETS), "--from", "fa", "--to",
                                       "en", "-o", str(tmp_path / "out"), "--backend", "ray"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        'aligner: error: the ray backend needs Ray: pip install -e ".[ray]" (or pip install "ray[default]>=2.9")']


def test_ray_address_needs_the_ray_backend(tmp_path):
    result = CliRunner().invoke(main, ["run", str(FA_SOURCE), "--from", "fa", "--to", "en", "-o",
                                       str(tmp_path / "out"), "--ray-address", "127.0.0.1:6379"])
    assert result.exit_code == 2
    assert "--ray-address" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_translate_output_feeds_align_translation(tmp_path):
    """`aligner translate` separates paragraphs with blank lines; `align --translation` takes them."""
    from aligner.pipeline.job import GivenLines, _given
    from aligner.text.reading import document_from_lines

    document = document_from_lines("d", ["One.", "Two.", "", "Three."], "en")
    given = GivenLines("mt.txt", ("Un.", "Deux.", "", "Trois."))
    assert _given(given, document) == ["Un.", "Deux.", "Trois."]
    assert _given(GivenLines("mt.txt", ("Un.", "", "Trois.")), document) == ["Un.", "", "Trois."]
    with pytest.raises(InputError, match="mt.txt: 2 lines, but the document has 3 sentences"):
        _given(GivenLines("mt.txt", ("Un.", "Deux.")), document)


def test_alignment_provenance_names_the_segmenter_and_the_translations(tmp_path):
    fa = tmp_path / "news.fa.txt"
    fa.write_text("این یک خبر است. دومین جمله هم هست.\n", encoding="utf-8")
    en = tmp_path / "news.en.txt"
    en.write_text("This is a news item. There is a second sentence too.\n", encoding="utf-8")
    mt = tmp_path / "news.mt"
    mt.write_text("This is news.\nThe second sentence is there.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["align", str(fa), str(en), "--src-lang", "fa", "--tgt-lang", "en",
                                       "--translation", str(mt), "--method", "mt", "-o", str(out)])
    assert result.exit_code == 0, result.output
    provenance = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["provenance"]["aligner"]
    assert "segmenter:[segmenter|name:rules|language:fa|" in provenance
    assert f"translator:[given|file:{mt}|" in provenance


def test_combined_bitext_is_what_the_general_writer_writes_byte_for_byte(tmp_path):
    """Documents whose header holds the combined file's provenance are copied unparsed; the others
    (another model's provenance, a link of their own) are written again: the bytes are the same."""
    import io

    from aligner.bitext import BitextLink, write_bitext
    from aligner.pipeline.documents import DocumentJob, DocumentOutcome
    from aligner.pipeline.outputs import finished_links, write_combined_bitext
    from aligner.text.reading import Source

    def link(doc, k, provenance):
        return BitextLink(f"{doc}.fa", f"{doc}.en", "fa", "en", (k,), (k,), f"جملهٔ {k}\u200cام", f"Line {k}\r",
                          score=0.5, provenance=provenance)

    first, other = {"align": "vecalign", "score": "v7"}, {"align": "vecalign", "score": "v6"}
    documents = {"a": [link("a", 0, first), link("a", 1, first)], "b": [link("b", 0, other), link("b", 1, first)],
                 "c": [link("c", 0, first), link("c", 1, other)], "d": [link("d", 0, first)]}
    outcomes = []
    for index, (name, links) in enumerate(documents.items()):
        job = DocumentJob(index, Source(name, None), Source(name + ".en", None))
        path = document_paths(tmp_path, job)[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            write_bitext(links, handle)
        outcomes.append(DocumentOutcome(job, failure="failed" if name == "d" else None))
    expected, combined = io.StringIO(), io.StringIO()
    write_bitext(finished_links(tmp_path, outcomes), expected)
    write_combined_bitext(tmp_path, outcomes, combined)
    assert combined.getvalue() == expected.getvalue() and expected.getvalue().count("\n") == 7
