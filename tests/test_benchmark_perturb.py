"""The perturbations behind the alignment benchmarks keep an exact gold alignment: every
sentence of both perturbed sides in exactly one gold link, the kept text unchanged, and a
perturbation that a segmenter would undo (two sentences on one line) written as one sentence
when the documents are raw text."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from perturb import NEWS_OPERATIONS, group_articles, join_as_written, perturb, split_as_written  # noqa: E402

from aligner.segment.base import get_segmenter  # noqa: E402

SOURCE = [f"جمله شماره {i} درباره موضوعی طولانی است، که ادامه دارد و به پایان می‌رسد." for i in range(120)]
TARGET = [f"Sentence number {i} is about a long topic, which goes on and comes to an end." for i in range(120)]
FILLER_SOURCE = ["این جمله از مقاله‌ای دیگر آمده است."]
FILLER_TARGET = ["This sentence comes from another article."]


def _covers_every_sentence(src, tgt, gold):
    assert sorted(i for s, _ in gold for i in s) == list(range(len(src)))
    assert sorted(j for _, t in gold for j in t) == list(range(len(tgt)))


@pytest.mark.parametrize("written", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_news_perturbation_keeps_an_exact_gold_alignment(seed, written):
    src, tgt, gold = perturb(SOURCE, TARGET, "news", 0.3, seed, filler=FILLER_TARGET, src_filler=FILLER_SOURCE,
                             written=written)
    _covers_every_sentence(src, tgt, gold)
    types = {(len(s), len(t)) for s, t in gold}
    # At rate 0.3 over 120 sentences every kind of link shows up.
    assert {(1, 1), (2, 1), (1, 2), (1, 0), (0, 1)} <= types
    for s, t in gold:
        if len(s) == 1 and len(t) == 1:
            assert SOURCE.index(src[s[0]]) == TARGET.index(tgt[t[0]])  # 1-1 links are the original pairs
    # Inserted sentences (from another article) are linked to nothing.
    inserted = [(s, t) for s, t in gold if (s and src[s[0]] in FILLER_SOURCE) or (t and tgt[t[0]] in FILLER_TARGET)]
    assert inserted and all(not s or not t for s, t in inserted)


def test_news_inserts_on_the_two_sides_are_never_translations_of_each_other():
    # Fillers are the two sides of one other article, sentence-parallel: index k on both is a pair.
    filler_src = [f"جمله {k} از مقاله‌ای دیگر." for k in range(6)]
    filler_tgt = [f"Sentence {k} from another article." for k in range(6)]
    both_sides = 0
    for seed in range(40):
        src, tgt, gold = perturb(SOURCE[:40], TARGET[:40], "news", 0.3, seed, filler=filler_tgt, src_filler=filler_src)
        src_inserts = {filler_src.index(src[s[0]]) for s, t in gold if s and not t and src[s[0]] in filler_src}
        tgt_inserts = {filler_tgt.index(tgt[t[0]]) for s, t in gold if t and not s and tgt[t[0]] in filler_tgt}
        assert not src_inserts & tgt_inserts
        both_sides += bool(src_inserts and tgt_inserts)
    assert both_sides >= 3


def test_news_perturbation_is_reproducible_and_old_kinds_are_unchanged():
    first = perturb(SOURCE, TARGET, "news", 0.3, 7, filler=FILLER_TARGET, src_filler=FILLER_SOURCE)
    assert first == perturb(SOURCE, TARGET, "news", 0.3, 7, filler=FILLER_TARGET, src_filler=FILLER_SOURCE)
    assert set(NEWS_OPERATIONS) == {"merge_tgt", "split_tgt", "omit_src", "insert_tgt", "merge_src", "split_src",
                                    "omit_tgt", "insert_src"}
    src, tgt, gold = perturb(SOURCE, TARGET, "mixed", 0.15, 1, filler=FILLER_TARGET)
    _covers_every_sentence(src, tgt, gold)


@pytest.mark.parametrize("lang, first, second", [
    ("fa", "قیمت نفت امروز بالا رفت.", "بازار واکنش نشان داد."),
    ("ar", "ارتفع سعر النفط اليوم.", "تفاعلت السوق مع الخبر."),
    ("en", "Oil prices rose today.", "Markets reacted."),
])
def test_written_merge_and_split_are_what_a_segmenter_sees(lang, first, second):
    segmenter = get_segmenter("rules", lang)
    merged = join_as_written(first, second)
    assert len(segmenter.split(merged)) == 1
    assert len(segmenter.split(f"{first} {second}")) == 2  # the unwritten merge a segmenter undoes
    halves = split_as_written((first[:-1] + ",", second[:1].lower() + second[1:]))
    assert len(segmenter.split(" ".join(halves))) == 2
    assert halves[1] == second


def test_group_articles_joins_short_articles_and_cuts_long_ones():
    keys = ["a"] * 4 + ["b"] * 5 + ["c"] * 3 + ["d"] * 50 + ["e"] * 9
    documents = group_articles(keys, 8, 20)
    assert all(8 <= len(d) <= 20 for d in documents)
    assert documents[0] == range(0, 9)  # articles a and b together: 9 lines
    assert all(documents[k].stop <= documents[k + 1].start for k in range(len(documents) - 1))
