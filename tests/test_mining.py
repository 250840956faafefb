"""Mining comparable pairs: translated sentences in any order, mined units in aligned.tmx marked
x-origin=mined, --no-mine, nothing from unrelated pairs."""

from __future__ import annotations

import random

import numpy as np
import pytest
from click.testing import CliRunner
from lxml import etree

from aligner.align import mining
from aligner.align.mining import MINERS, MarginMiner, MinedPair, mined_links
from aligner.bitext import MINED, BitextLink
from aligner.cli import main
from aligner.formats.tmx import read_tmx, write_tmx
from aligner.pipeline.job import JobOptions, PairAligner, PairInput
from aligner.score import DEFAULT_MIN_PROBABILITY
from aligner.score.calibration import feature_set
from aligner.score.verdict import COMPARABLE, document_verdict
from aligner.text.reading import document_from_lines

from conftest import CORPORA

FA_SENTENCES = CORPORA / "parallel" / "fa-en" / "police-telegram-cooperation.fa.sents"
EN_SENTENCES = CORPORA / "parallel" / "fa-en" / "police-telegram-cooperation.en.sents"
OTHER_STORY = CORPORA / "en" / "telegram-outage-special-services.txt"  # another Telegram story, not a translation
# Persian sentence -> its English sentence, 1-1 in the hand-made gold (police-telegram-cooperation.gold)
TRANSLATED = {3: 4, 5: 6, 7: 8, 11: 11}


def lines(path):
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def other_story():
    """The other article's sentences, one per line, paragraphs run together."""
    from aligner.segment.base import get_segmenter

    cutter = get_segmenter("rules", "en")
    return [line[a:b].strip() for line in lines(OTHER_STORY) for a, b in cutter.split(line) if line[a:b].strip()]


def comparable_target(seed: int = 3):
    """The other story with the English of four Persian sentences put in at random places, in
    random order; returns (target sentences, gold pairs)."""
    rng = random.Random(seed)
    english = lines(EN_SENTENCES)
    target = list(other_story())
    for i in rng.sample(sorted(TRANSLATED), len(TRANSLATED)):
        target.insert(rng.randrange(len(target) + 1), i)
    gold = {(item, j) for j, item in enumerate(target) if isinstance(item, int)}
    return [english[TRANSLATED[item]] if isinstance(item, int) else item for item in target], gold


@pytest.fixture(scope="module")
def aligner():
    return PairAligner(JobOptions("fa", "en", presegmented=True))


def align(aligner, target):
    source = document_from_lines("police.fa", lines(FA_SENTENCES), "fa")
    return aligner.align_pair(PairInput(source, document_from_lines("story.en", target, "en")))


def units(links, threshold=DEFAULT_MIN_PROBABILITY):
    return {(link.src_ids[0], link.tgt_ids[0]) for link in links
            if link.is_mined and not link.is_unaligned and link.score >= threshold}


def every_sentence_once(links, n, m):
    src = sorted(i for link in links for i in link.src_ids)
    tgt = sorted(j for link in links for j in link.tgt_ids)
    return src == list(range(n)) and tgt == list(range(m))


# ---------------------------------------------------------------------------- the miner alone


def planted(n=30, m=40, pairs=((3, 17), (7, 2), (20, 33), (25, 5)), seed=0, noise=0.25, base=0.6):
    """Vectors as an embedding model makes them (every pair somewhat alike: a shared component),
    with translations planted as near copies."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=16)
    src = rng.normal(size=(n, 16)) + base * common * 3
    tgt = rng.normal(size=(m, 16)) + base * common * 3
    for i, j in pairs:
        tgt[j] = src[i] + noise * rng.normal(size=16)
    norm = lambda v: v / np.linalg.norm(v, axis=1, keepdims=True)  # noqa: E731
    return norm(src), norm(tgt), set(pairs)


def test_the_margin_miner_finds_planted_pairs_in_any_order_each_sentence_once():
    src, tgt, gold = planted()
    found = MarginMiner(min_margin=1.1).mine(src, tgt)
    assert {(p.src, p.tgt) for p in found} == gold
    assert all(p.margin > 1.1 and p.gap > 0 and 0 < p.cosine <= 1 for p in found)
    everything = MarginMiner(min_margin=0.0).mine(src, tgt)
    assert len({p.src for p in everything}) == len(everything) == len({p.tgt for p in everything})
    assert [p.src for p in everything] == sorted(p.src for p in everything)


def test_the_margin_does_not_depend_on_how_the_cosines_are_blocked(monkeypatch):
    src, tgt, _ = planted(n=50, m=45)
    whole = MarginMiner(min_margin=0.0).mine(src, tgt)
    monkeypatch.setattr(mining, "_BLOCK_ROWS", 7)
    blocked = MarginMiner(min_margin=0.0).mine(src, tgt)
    assert [(p.src, p.tgt) for p in blocked] == [(p.src, p.tgt) for p in whole]
    assert [p.margin for p in blocked] == pytest.approx([p.margin for p in whole], rel=1e-5)


@pytest.mark.parametrize("n, m", [(0, 5), (5, 0), (1, 1), (2, 9)])
def test_tiny_or_empty_sides(n, m):
    src, tgt, _ = planted(n=max(n, 1), m=max(m, 1), pairs=())
    found = MarginMiner().mine(src[:n], tgt[:m])
    assert len(found) <= min(n, m)


def test_mined_links_hold_every_sentence_once_and_say_they_were_mined():
    src = document_from_lines("a.fa", ["یک.", "دو.", "سه."], "fa")
    tgt = document_from_lines("a.en", ["x.", "Two.", "y.", "One."], "en")
    pairs = [MinedPair(0, 3, 0.9, 1.2, 0.1), MinedPair(1, 1, 0.8, 1.1, 0.02)]
    links = mined_links(src, tgt, pairs, {MINED: "mine|test"})
    assert every_sentence_once(links, 3, 4)
    pairs = [link for link in links if not link.is_unaligned]
    assert [(link.src, link.tgt) for link in pairs] == [("یک.", "One."), ("دو.", "Two.")]
    assert all(link.is_mined for link in links)
    assert pairs[0].scores == {"align_mine_margin": 1.2, "align_mine_gap": 0.1} and pairs[0].similarity == 0.9
    assert feature_set(pairs[0]) == "mined"
    assert "margin" in MINERS and "k:4" in str(MarginMiner().signature())


def test_a_pair_with_mined_links_stays_comparable_whatever_their_share():
    links = [BitextLink("a", "b", "fa", "en", (i,), (i,), "x", "y", score=0.99, provenance={MINED: "m"})
             for i in range(5)]
    assert document_verdict(links).verdict == COMPARABLE
    assert document_verdict([BitextLink("a", "b", "fa", "en", (0,), (), "x", "", score=0.0,
                                        provenance={MINED: "m"})]).verdict == COMPARABLE


def test_tmx_marks_a_mined_unit_and_reads_the_mark_back(tmp_path):
    link = BitextLink("a.fa", "a.en", "fa", "en", (2,), (5,), "سلام.", "Hello.", score=0.9, provenance={MINED: "m"})
    plain = BitextLink("a.fa", "a.en", "fa", "en", (3,), (6,), "خوب.", "Good.", score=0.9)
    path = tmp_path / "m.tmx"
    with open(path, "w", encoding="utf-8") as handle:
        write_tmx([link, plain], handle, srclang="fa")
    tus = etree.parse(str(path)).findall(".//tu")
    assert [tu.findtext("prop[@type='x-origin']") for tu in tus] == ["mined", None]
    assert [read.is_mined for read in read_tmx(path)] == [True, False]


# ---------------------------------------------------------------------------- a real comparable pair


def test_a_comparable_pair_gives_its_translated_sentences_and_nothing_else(aligner):
    target, gold = comparable_target()
    result = align(aligner, target)
    assert result.verdict.verdict == COMPARABLE
    assert every_sentence_once(result.links, len(lines(FA_SENTENCES)), len(target))
    found = units(result.links)
    assert found <= gold and len(found) >= len(gold) - 1, (found, gold)
    assert any("mined from comparable documents" in note for note in result.notes)


def test_an_unrelated_pair_gives_no_unit(aligner):
    result = align(aligner, other_story())
    assert result.verdict.verdict == COMPARABLE
    assert units(result.links) == set()


def test_align_mines_only_when_asked():
    target, _ = comparable_target()
    result = align(PairAligner(JobOptions("fa", "en", presegmented=True, mine=False)), target)
    assert result.verdict.verdict == COMPARABLE and not any(link.is_mined for link in result.links)


# ---------------------------------------------------------------------------- aligner run


@pytest.fixture(scope="module")
def comparable_folders(tmp_path_factory):
    """Persian article and, under its name, another story holding four of its sentences translated."""
    root = tmp_path_factory.mktemp("comparable")
    for side in ("fa", "en"):
        (root / side).mkdir()
    (root / "fa" / "police.txt").write_text("\n".join(lines(FA_SENTENCES)) + "\n", encoding="utf-8")
    (root / "en" / "police.txt").write_text("\n".join(comparable_target()[0]) + "\n", encoding="utf-8")
    return root


def run_cli(folders, out, *extra):
    result = CliRunner().invoke(main, ["run", str(folders / "fa"), "--targets", str(folders / "en"), "--from", "fa",
                                       "--to", "en", "-o", str(out), "-q", *extra])
    assert result.exit_code == 0, result.output
    return result, etree.parse(str(out / "aligned.tmx")).findall(".//tu")


def test_run_puts_mined_units_in_the_memory_marked_and_no_mine_turns_it_off(comparable_folders, tmp_path):
    english = lines(EN_SENTENCES)
    result, tus = run_cli(comparable_folders, tmp_path / "mined")
    assert tus and all(tu.findtext("prop[@type='x-origin']") == "mined" for tu in tus)
    assert {tu.findall("tuv")[1].findtext("seg") for tu in tus} <= {english[j] for j in TRANSLATED.values()}
    assert "only its mined sentence pairs (x-origin=mined) in aligned.tmx" in result.stderr
    _, none = run_cli(comparable_folders, tmp_path / "not-mined", "--no-mine")
    assert none == []


def test_align_mine_flag_gives_mined_links(tmp_path):
    from aligner.bitext import read_bitext

    (tmp_path / "police.fa").write_text("\n".join(lines(FA_SENTENCES)) + "\n", encoding="utf-8")
    (tmp_path / "police.en").write_text("\n".join(comparable_target()[0]) + "\n", encoding="utf-8")
    args = ["align", str(tmp_path / "police.fa"), str(tmp_path / "police.en"), "--presegmented", "--src-lang", "fa",
            "--tgt-lang", "en", "-q"]
    for flag, mined in (([], False), (["--mine"], True)):
        result = CliRunner().invoke(main, args + flag + ["-o", str(tmp_path / "out.jsonl")])
        assert result.exit_code == 0, result.output
        links = list(read_bitext(tmp_path / "out.jsonl"))
        assert any(link.is_mined for link in links) == mined
        assert len(units(links)) >= 3 if mined else not units(links)
