"""Bitext JSONL: provenance once per file (a header record), and files written before the header."""

from __future__ import annotations

import io
import json

import pytest

from aligner.bitext import HEADER_KEY, MACHINE_TRANSLATION, BitextLink, read_bitext, write_bitext
from aligner.errors import FormatError

ALIGNER = "aligner|method:embed|segmenter:[segmenter|name:rules|language:fa|1]|" + "w" * 300
SCORE = "score|semantic:[semantic|embedder:e5-small|1]|" + "c" * 300


def link(i: int, **extra) -> BitextLink:
    fields = dict(src_doc="news.fa.txt", tgt_doc="news.en.txt", src_lang="fa", tgt_lang="en", src_ids=(i,),
                  tgt_ids=(i,), src=f"جمله {i}", tgt=f"Sentence {i}", score=0.9, scores={"semantic": 0.9},
                  provenance={"aligner": ALIGNER, "score": SCORE})
    fields.update(extra)
    return BitextLink(**fields)


def written(links) -> str:
    buffer = io.StringIO()
    assert write_bitext(links, buffer) == len(links)
    return buffer.getvalue()


def test_provenance_is_written_once_and_read_back_into_every_link(tmp_path):
    links = [link(i) for i in range(5)]
    text = written(links)
    lines = text.splitlines()
    assert json.loads(lines[0]) == {HEADER_KEY: 1, "provenance": {"aligner": ALIGNER, "score": SCORE}}
    assert text.count(ALIGNER) == 1 and len(lines) == 6
    assert all("provenance" not in json.loads(line) for line in lines[1:])
    path = tmp_path / "news.jsonl"
    path.write_text(text, encoding="utf-8")
    assert list(read_bitext(path)) == links


def test_a_link_with_other_provenance_keeps_its_own(tmp_path):
    links = [link(0), link(1, provenance={}), link(2, provenance={"aligner": ALIGNER, MACHINE_TRANSLATION: "m|1"}),
             link(3)]
    path = tmp_path / "mixed.jsonl"
    path.write_text(written(links), encoding="utf-8")
    read = list(read_bitext(path))
    assert read == links
    assert [l.is_machine_translation for l in read] == [False, False, True, False]


def test_files_without_a_header_read_as_before(tmp_path):
    links = [link(0), link(1, provenance={"other": "x"})]
    path = tmp_path / "old.jsonl"
    path.write_text("".join(l.to_json() + "\n" for l in links), encoding="utf-8")
    assert list(read_bitext(path)) == links


@pytest.mark.parametrize("lines, message", [
    ([{HEADER_KEY: 1, "provenance": {}}], r"empty file \(no bitext records\)"),
    (["LINK", {HEADER_KEY: 1, "provenance": {}}], r":2: not a bitext record \('aligner_bitext' header record after"),
    ([{HEADER_KEY: 2}, "LINK"], r":1: not a bitext record \(header version 2"),
    ([{HEADER_KEY: 1, "provenance": {"a": 1}}, "LINK"], r":1: .*'provenance.a' must be a string"),
    ([{HEADER_KEY: 1, "extra": True}, "LINK"], r":1: .*unknown header field 'extra'"),
])
def test_bad_headers_name_file_and_line(tmp_path, lines, message):
    path = tmp_path / "bad.jsonl"
    path.write_text("".join((link(0).to_json() if line == "LINK" else json.dumps(line)) + "\n" for line in lines),
                    encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        list(read_bitext(path))


def test_no_links_write_nothing():
    assert written([]) == ""


RECORD = {"src_doc": "a.txt", "tgt_doc": "b.txt", "src_lang": "fa", "tgt_lang": "en", "src_ids": [0, 1], "tgt_ids": [0],
          "src": "می‌خواهم. بروم.", "tgt": "I want to go.", "cost": 0.1, "similarity": None,
          "scores": {"semantic": 0.5}, "score": 0.95, "link": "2-1"}


@pytest.mark.parametrize("change, expected", [
    ({}, {"scores": {"semantic": 0.5}, "provenance": {"score": SCORE}}),
    ({"scores": {"a": 1e308, "b": 1e308}}, {"scores": {"a": 1e308, "b": 1e308}}),  # finite, though their sum is not
    ({"scores": {"a": 1}, "score": 1}, {"scores": {"a": 1}, "score": 1}),
    ({"scores": None, "cost": None}, {"scores": {}, "cost": None}),
    ({"provenance": None}, {"provenance": {}}),
    ({"provenance": {"aligner": "x"}}, {"provenance": {"aligner": "x"}}),
])
def test_a_good_record_reads_the_same_whichever_checks_decide(change, expected):
    """Records are checked once per record when plainly good and field by field otherwise; both
    read a good record the same way, ZWNJ and all."""
    link = BitextLink.from_dict({**RECORD, **change}, {"score": SCORE})
    assert (link.src, link.src_ids, link.tgt_ids, link.similarity) == (RECORD["src"], (0, 1), (0,), None)
    assert {name: getattr(link, name) for name in expected} == expected


@pytest.mark.parametrize("change", [
    {"scores": {"\ud800": 0.5}}, {"provenance": {"aligner": "\udfff"}}, {"score": float("inf")},
    {"scores": {"a": float("-inf"), "b": float("inf")}}, {"scores": {"a": True}}, {"tgt_ids": [0, -2]},
    {"scores": []}, {"provenance": ""}, {"src_ids": (0,)}, {"tgt": b"I"},
], ids=["surrogate key", "surrogate value", "inf", "inf-inf", "bool", "negative id", "list scores",
        "string provenance", "tuple ids", "bytes"])
def test_a_bad_record_is_refused_whichever_checks_decide(change):
    with pytest.raises(ValueError):
        BitextLink.from_dict({**RECORD, **change}, {"score": SCORE})


def test_links_read_from_one_file_do_not_share_their_provenance(tmp_path):
    path = tmp_path / "pair.jsonl"
    path.write_text(written([link(0), link(1)]), encoding="utf-8")
    first, second = read_bitext(path)
    first.provenance["review"] = "accepted"
    assert "review" not in second.provenance and first.scores is not second.scores
