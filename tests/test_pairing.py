"""Pairing by content on synthetic sentence vectors (no model): 1-1, abstention, comparable
pairs, near-duplicate ties, boilerplate, and the blocked nearest-neighbour search."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from aligner.pairing import PAIRERS
from aligner.pairing.candidates import top_k
from aligner.pairing.content import ContentSettings, pair_by_content
from aligner.pairing.evidence import boilerplate_weights, increasing_run, pair_evidence
from aligner.pairing.model import BY_CONTENT, BY_NAME, COMPARABLE, NONE, PARALLEL, UNRELATED, PairingDocument
from aligner.text.reading import Source

DIM = 64
RNG = np.random.default_rng(7)
COMMON = RNG.normal(size=DIM)


def unit(rows):
    rows = np.atleast_2d(rows)
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def article(sentences=8):
    """Sentences with a shared direction (cosine ~0.7 between unrelated ones, as e5's)."""
    return unit(COMMON * 1.5 + RNG.normal(size=(sentences, DIM)))


def translation(vectors, noise=0.05):
    return unit(vectors + RNG.normal(size=vectors.shape) * noise)


def doc(name, vectors, keys=(), numbers=()):
    return PairingDocument(name, vectors, tuple(keys), Counter(numbers))


def by_source(decisions):
    return {d.source: d for d in decisions if d.source is not None}


def test_translations_are_paired_one_to_one_and_the_rest_left_alone():
    sources = [article() for _ in range(6)]
    src = [doc(f"s{k}", v) for k, v in enumerate(sources)]
    # s0-s3 have their translation (shuffled, other names); s4, s5 have none; t_extra has no source
    tgt = [doc("t2", translation(sources[2])), doc("t0", translation(sources[0])), doc("t_extra", article()),
           doc("t3", translation(sources[3])), doc("t1", translation(sources[1]))]
    decisions = pair_by_content(src, tgt)
    found = by_source(decisions)
    for k in range(4):
        assert (found[f"s{k}"].target, found[f"s{k}"].verdict, found[f"s{k}"].paired_by) == (f"t{k}", PARALLEL,
                                                                                          BY_CONTENT)
        assert found[f"s{k}"].probability >= 0.9 and found[f"s{k}"].share > 0.9
    for k in (4, 5):
        assert found[f"s{k}"].target is None and found[f"s{k}"].verdict == UNRELATED
        assert "no translation among the targets" in found[f"s{k}"].reason
    unpaired_targets = [d for d in decisions if d.source is None]
    assert [d.target for d in unpaired_targets] == ["t_extra"]
    assert [d.source for d in decisions[:6]] == [f"s{k}" for k in range(6)]  # sources first, in order


def test_a_comparable_article_is_called_comparable_not_paired():
    story = article(9)
    other = article(9)
    # a third of the translation among another article's sentences, in another order
    mixed = np.concatenate([other[:4], translation(story[[6, 1, 4]]), other[4:]])
    decisions = pair_by_content([doc("s", story)], [doc("t", unit(mixed))])
    [decision] = decisions
    assert (decision.target, decision.verdict) == ("t", COMPARABLE)
    assert decision.probability < 0.5 and "comparable" in decision.reason
    assert not decision.is_translation


def test_near_duplicate_targets_are_not_guessed():
    story = article()
    # two targets that say the same: nothing tells which one is the translation
    copies = [doc("t_a", translation(story, 0.01)), doc("t_b", translation(story, 0.01))]
    [decision, *rest] = pair_by_content([doc("s", story)], copies)
    assert decision.target is None and "near duplicates" in decision.reason
    assert {d.target for d in rest} == {"t_a", "t_b"}


def test_a_changed_figure_decides_between_near_duplicates():
    story = article()
    copies = [doc("t_a", translation(story, 0.01), numbers=["12", "2019"]),
              doc("t_b", translation(story, 0.01), numbers=["15", "2019"])]
    decisions = by_source(pair_by_content([doc("s", story, numbers=["15", "2019"])], copies))
    assert decisions["s"].target in ("t_b", None)  # never the article with the other figure


def test_boilerplate_repeated_across_the_collection_counts_for_nothing():
    shared_lines = [f"boiler {k}" for k in range(3)]
    documents = [doc(f"d{k}", article(5), keys=[*shared_lines, f"own {k}a", f"own {k}b"]) for k in range(4)]
    weights = boilerplate_weights(documents)
    assert all(list(w) == [0, 0, 0, 1, 1] for w in weights)
    # a target that shares only the boilerplate with the source is not its translation
    boiler = article(3)
    src = doc("s", np.concatenate([boiler, article(2)]), keys=[*shared_lines, "s a", "s b"])
    others = [doc(f"o{k}", np.concatenate([translation(boiler), article(2)]), keys=[*shared_lines, f"o{k} a", f"o{k} b"])
              for k in range(3)]
    decisions = by_source(pair_by_content([src], others))
    assert decisions["s"].target is None


def test_empty_sides_give_decisions_for_every_document():
    assert [(d.source, d.verdict) for d in pair_by_content([doc("s", article())], [])] == [("s", NONE)]
    assert [(d.target, d.verdict) for d in pair_by_content([], [doc("t", article())])] == [("t", NONE)]
    empty = doc("empty", np.zeros((0, DIM), np.float32))
    assert pair_evidence(empty, doc("t", article()), np.ones(0), np.ones(8)).links == 0


def test_unreadable_targets_are_left_out_and_reported():
    story = article()
    bad = PairingDocument("bad.txt", np.zeros((0, DIM), np.float32), problem="text is in fa, not en")
    decisions = pair_by_content([doc("s", story)], [bad, doc("t", translation(story))])
    assert by_source(decisions)["s"].target == "t"
    [left] = [d for d in decisions if d.left_out]
    assert left.target == "bad.txt" and "text is in fa" in left.reason


@pytest.mark.parametrize("block", [1, 3, 1024])
def test_blocked_top_k_is_the_exact_top_k(block):
    queries, keys = unit(RNG.normal(size=(17, DIM))), unit(RNG.normal(size=(23, DIM)))
    found = top_k(queries, keys, k=4, block=block)
    exact = np.argsort(-(queries @ keys.T), axis=1)[:, :4]
    assert [set(row) for row in found.tolist()] == [set(row) for row in exact.tolist()]


@pytest.mark.parametrize("values, length", [([], 0), ([3, 1, 2], 2), ([0, 1, 2, 3], 4), ([3, 2, 1], 1),
                                            ([1, 5, 2, 6, 3, 7], 4)])
def test_increasing_run(values, length):
    assert increasing_run(values) == length


def test_auto_pairs_by_name_first_and_by_content_for_the_rest(tmp_path):
    stories = {name: article() for name in ("a", "b", "c")}
    read_calls = []

    def read(side, inputs):
        read_calls.append((side, [s.doc_id for s in inputs]))
        vectors = {"a.txt": stories["a"], "xyz.txt": stories["b"], "b.txt": stories["b"], "q.txt": stories["c"],
                   "w.txt": translation(stories["c"])}
        return [doc(s.doc_id, vectors[s.doc_id] if side == "source" else translation(vectors[s.doc_id]))
                for s in inputs]

    sources = [Source("a.txt", None), Source("b.txt", None), Source("q.txt", None)]
    targets = [Source("a.txt", None), Source("xyz.txt", None), Source("w.txt", None)]
    decisions = PAIRERS.get("auto")(sources, targets, read, ContentSettings())
    found = by_source(decisions)
    assert (found["a.txt"].target, found["a.txt"].paired_by) == ("a.txt", BY_NAME)
    assert (found["b.txt"].target, found["b.txt"].paired_by) == ("xyz.txt", BY_CONTENT)
    assert (found["q.txt"].target, found["q.txt"].paired_by) == ("w.txt", BY_CONTENT)
    # only the documents left over by name were read
    assert read_calls == [("source", ["b.txt", "q.txt"]), ("target", ["xyz.txt", "w.txt"])]
    names = PAIRERS.get("name")(sources, targets, read, ContentSettings())
    assert [(d.source, d.target) for d in names] == [("a.txt", "a.txt"), ("b.txt", None), ("q.txt", None),
                                                     (None, "xyz.txt"), (None, "w.txt")]


def test_one_source_among_many_targets_gets_few_candidates():
    from aligner.pairing.candidates import NEIGHBOURS, candidate_pairs

    source = unit(RNG.normal(size=(1, DIM)))
    targets = unit(RNG.normal(size=(500, DIM)))
    [found] = candidate_pairs(source, targets)
    assert NEIGHBOURS <= len(found) <= 2 * NEIGHBOURS
    assert int(np.argmax(targets @ source[0])) in found


def test_a_single_source_finds_its_translation_among_many():
    stories = [article() for _ in range(40)]
    targets = [doc(f"t{k}", translation(v)) for k, v in enumerate(stories)]
    [decision, *rest] = pair_by_content([doc("s", stories[17])], targets)
    assert (decision.target, decision.verdict) == ("t17", PARALLEL)
    assert len(rest) == 39
