"""Document verdicts: parallel, comparable or empty, from one pair's scored links."""

from __future__ import annotations

import pytest

from aligner.bitext import BitextLink
from aligner.score import DEFAULT_MIN_PROBABILITY
from aligner.score.verdict import COMPARABLE, EMPTY, MIN_PARALLEL_SHARE, PARALLEL, DocumentVerdict, document_verdict


def link(src_ids, tgt_ids, score):
    return BitextLink("a.fa", "a.en", "fa", "en", tuple(src_ids), tuple(tgt_ids), "x" if src_ids else "",
                      "y" if tgt_ids else "", score=score)


def pair(probable: int, improbable: int, unaligned: int = 0):
    return ([link([i], [i], 0.9) for i in range(probable)]
            + [link([probable + i], [probable + i], 0.1) for i in range(improbable)]
            + [link([100 + i], [], 0.0) for i in range(unaligned)])


@pytest.mark.parametrize("links, verdict, share", [
    (pair(9, 1), PARALLEL, 0.9),
    (pair(1, 9), COMPARABLE, 0.1),
    (pair(5, 3, unaligned=4), PARALLEL if 10 / 20 >= MIN_PARALLEL_SHARE else COMPARABLE, 0.5),
    (pair(0, 0, unaligned=3), EMPTY, 0.0),
    ([], EMPTY, 0.0),
])
def test_verdicts(links, verdict, share):
    judged = document_verdict(links)
    assert judged.verdict == verdict
    assert judged.share == pytest.approx(share)


def test_threshold_is_the_default_probability_and_can_be_given():
    links = [link([0], [0], DEFAULT_MIN_PROBABILITY), link([1], [1], DEFAULT_MIN_PROBABILITY)]
    assert document_verdict(links).verdict == PARALLEL
    assert document_verdict(links, threshold=DEFAULT_MIN_PROBABILITY + 0.01).verdict == COMPARABLE


def test_a_two_to_one_link_counts_its_three_sentences():
    judged = document_verdict([link([0, 1], [0], 0.9), link([2], [1], 0.1)])
    assert (judged.sentences, judged.probable) == (5, 3)


def test_a_verdict_knows_the_rule_it_was_judged_by():
    assert document_verdict(pair(9, 1)).follows_the_current_rule
    assert not document_verdict(pair(9, 1), min_share=MIN_PARALLEL_SHARE + 0.1).follows_the_current_rule


def test_round_trips_through_a_dict_and_says_what_it_rests_on():
    judged = document_verdict(pair(1, 9))
    assert DocumentVerdict.from_dict(judged.to_dict()) == judged
    assert judged.describe() == "10% of the 20 sentences in probable links"
    with pytest.raises(ValueError, match="unknown verdict"):
        DocumentVerdict.from_dict({**judged.to_dict(), "verdict": "maybe"})
