"""TSV: escaping rule, lossless round trip (hypothesis), tolerant reading, errors naming file:line."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.bitext import BitextLink
from aligner.errors import FormatError
from aligner.formats.tsv import escape, read_tsv, unescape, write_tsv

ZWNJ, RLM, LRM = "\u200c", "\u200f", "\u200e"


@pytest.mark.parametrize("text, escaped", [
    ("plain", "plain"),
    ("a\tb", "a\\tb"),
    ("line1\nline2", "line1\\nline2"),
    ("cr\rhere", "cr\\rhere"),
    ("back\\slash", "back\\\\slash"),
    ("\\n literally", "\\\\n literally"),
    (f"می{ZWNJ}خواهم {RLM}۱۲{LRM}", f"می{ZWNJ}خواهم {RLM}۱۲{LRM}"),
    ("emoji 👍🏽", "emoji 👍🏽"),
])
def test_escape_rule(text, escaped):
    assert escape(text) == escaped
    assert unescape(escaped) == text
    assert "\t" not in escaped and "\n" not in escaped and "\r" not in escaped


@pytest.mark.parametrize("cell", ["bad \\x escape", "ends with \\"])
def test_unescape_rejects_sequences_escape_never_writes(cell):
    with pytest.raises(ValueError):
        unescape(cell)


# Any text UTF-8 can carry, biased toward the characters the rule and Persian/Arabic care about.
texts = st.lists(st.one_of(
    st.sampled_from(["\t", "\n", "\r", "\\", "\\t", ZWNJ, RLM, LRM, "\u202b", "\u202c", "؟", "«", "»",
                     "۱۲", "٣٫٥", "👍🏽", "🇮🇷", " ", "\u2028", "\x85"]),
    st.characters(blacklist_categories=("Cs",)),
), max_size=30).map("".join)


def make_link(src: str, tgt: str, **extra) -> BitextLink:
    fields = dict(src_doc="a.fa.txt", tgt_doc="a.en.txt", src_lang="fa", tgt_lang="en",
                  src_ids=(0,), tgt_ids=(0,), src=src, tgt=tgt)
    fields.update(extra)
    return BitextLink(**fields)


def round_trip(tmp_path, links, score_names=None):
    path = tmp_path / "pairs.tsv"
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        write_tsv(links, handle, score_names)
    return list(read_tsv(path))


@settings(max_examples=150, deadline=None)
@given(src=texts, tgt=texts, score=st.none() | st.floats(0, 1), doc=texts)
def test_round_trip_is_lossless(tmp_path_factory, src, tgt, score, doc):
    link = make_link(src, tgt, src_doc=doc or "d", score=score,
                     scores={"semantic": 0.25} if score is not None else {},
                     provenance={"note": tgt} if tgt else {})
    back = round_trip(tmp_path_factory.mktemp("tsv"), [link], ["semantic"])
    assert back == [link]


def test_full_record_round_trip_with_multi_and_unaligned_links(tmp_path):
    links = [
        make_link("یک. دو.", "One. Two.", src_ids=(3, 4), tgt_ids=(2,), cost=0.125, similarity=0.875,
                  score=0.7, scores={"semantic": 0.9, "numbers": 1.0}, provenance={"score": "score:1|x"}),
        make_link("", "Orphan line.", src_ids=(), tgt_ids=(3,), score=0.0, scores={"link": 0.0}),
    ]
    back = round_trip(tmp_path, links, ["semantic", "numbers", "link"])
    assert back == links
    header = (tmp_path / "pairs.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert header[:4] == ["src", "tgt", "score", "score_semantic"]
    assert "link" in header and "provenance" in header


def test_provenance_is_written_where_it_changes(tmp_path):
    """Signatures run to a thousand characters: a row repeats none, an empty cell is the row
    above's, and the round trip still gives every link its own."""
    run = {"aligner": "aligner|method:embed|" + "x" * 500, "score": "score|" + "y" * 500}
    machine = {**run, "machine_translation": "fa-en|model:test"}
    links = [make_link("a", "b", src_ids=(k,), tgt_ids=(k,), provenance=provenance)
             for k, provenance in enumerate([run, run, run, machine, machine, {}, run])]
    assert round_trip(tmp_path, links, []) == links
    rows = (tmp_path / "pairs.tsv").read_text(encoding="utf-8").splitlines()
    cells = [row.split("\t")[-1] for row in rows[1:]]
    assert [json.loads(cell) if cell else None for cell in cells] == [run, None, None, machine, None, {}, run]


def test_every_record_is_one_line(tmp_path):
    back = round_trip(tmp_path, [make_link("a\nb", "c\td\r\n")], [])
    lines = (tmp_path / "pairs.tsv").read_text(encoding="utf-8").split("\n")
    assert len(lines) == 3 and lines[2] == ""  # header, one row, final newline
    assert back[0].tgt == "c\td\r\n"


def test_two_column_file_from_another_tool(tmp_path):
    path = tmp_path / "other.tsv"
    path.write_text("src\ttgt\r\nسلام\tHello\r\nخداحافظ\tGoodbye\r\n", encoding="utf-8")
    links = list(read_tsv(path, "fa", "en"))
    assert [(link.src, link.tgt, link.src_ids) for link in links] == [("سلام", "Hello", (0,)),
                                                                       ("خداحافظ", "Goodbye", (1,))]
    assert links[0].score is None


@pytest.mark.parametrize("content, message", [
    ("a\tb\n", "other.tsv:1: no header row"),
    ("src\ttgt\nonly one column\n", "other.tsv:2: 1 columns"),
    ("src\ttgt\nok\tfine\nbad \\q\tx\n", "other.tsv:3: unknown escape"),
    ("src\ttgt\tscore\tsrc_lang\ttgt_lang\nx\ty\tnot-a-number\tfa\ten\n", "other.tsv:2:"),
])
def test_malformed_input_names_file_and_line(tmp_path, content, message):
    path = tmp_path / "other.tsv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        list(read_tsv(path, "fa", "en"))


def test_missing_languages_is_an_error(tmp_path):
    path = tmp_path / "other.tsv"
    path.write_text("src\ttgt\nx\ty\n", encoding="utf-8")
    with pytest.raises(FormatError, match="other.tsv:2: .*src_lang"):
        list(read_tsv(path))


def test_scores_without_a_column_travel_in_other_scores(tmp_path):
    links = [make_link("a", "b", scores={"semantic": 1.0, "align_cosine": 0.875}),
             make_link("c", "d", src_ids=(1,), tgt_ids=(1,), scores={"align_rejected_similarity": 0.25})]
    assert round_trip(tmp_path, links, ["semantic"]) == links
    row = (tmp_path / "pairs.tsv").read_text(encoding="utf-8").splitlines()[1]
    assert '{"align_cosine": 0.875}' in row.split("\t")


def test_default_columns_are_the_scorers_components(tmp_path):
    from aligner.score import COMPONENTS

    round_trip(tmp_path, [make_link("", "orphan", src_ids=(), scores={"link": 0.0})])
    header = (tmp_path / "pairs.tsv").read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert [name[len("score_"):] for name in header if name.startswith("score_")] == COMPONENTS.names()
