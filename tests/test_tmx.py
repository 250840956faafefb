"""TMX 1.4b writer (DTD-valid, streaming, byte-exact text) and tolerant reader."""

from __future__ import annotations

import io
import tracemalloc

import pytest
from lxml import etree

from aligner.bitext import MACHINE_TRANSLATION, BitextLink
from aligner.errors import FormatError
from aligner.formats.tmx import TMX_COMPONENTS, read_tmx, spooled, write_distinct_tmx, write_tmx

ZWNJ, RLM, LRM, RLE, PDF = "\u200c", "\u200f", "\u200e", "\u202b", "\u202c"
REQUIRED_HEADER = ("creationtool", "creationtoolversion", "segtype", "o-tmf", "adminlang", "srclang", "datatype")


def make_link(i: int, src: str, tgt: str, src_lang="fa", **extra) -> BitextLink:
    fields = dict(src_doc=f"news.{src_lang}.txt", tgt_doc="news.en.txt", src_lang=src_lang, tgt_lang="en",
                  src_ids=(i,), tgt_ids=(i,), src=src, tgt=tgt)
    fields.update(extra)
    return BitextLink(**fields)


LINKS = [
    make_link(0, f"می{ZWNJ}خواهم ۱۲ کتاب بخرم؟", "I want to buy 12 books?", score=0.91,
              scores={"semantic": 0.95, "numbers": 1.0}, cost=0.2, similarity=0.9,
              provenance={"score": "score:1|semantic:e5-small", "align": "vecalign"}),
    make_link(1, f"قیمت {RLM}۳٫۵{RLM} دلار & <بیشتر> است.", 'The price is 3.5 dollars & "more".',
              score=0.5, scores={"semantic": 0.5}),
    make_link(2, f"{RLE}نقل قول «مهم»{PDF} اینجا.", "An \u201cimportant\u201d quote here.",
              src_ids=(2, 3), tgt_ids=(2,)),
    make_link(4, "سطر اول\r\nسطر دوم", "line one\r\nline two"),
]


def write(links, **options) -> str:
    buffer = io.StringIO()
    write_tmx(links, buffer, **options)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def dtd(shared_dir):
    with open(shared_dir / "standards" / "tmx14.dtd", "rb") as handle:
        return etree.DTD(handle)


def test_output_is_valid_against_the_tmx14_dtd(dtd):
    text = write(LINKS)
    tree = etree.fromstring(text.encode("utf-8"))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    assert tree.get("version") == "1.4"
    header = tree.find("header")
    assert all(header.get(name) for name in REQUIRED_HEADER)
    assert header.get("srclang") == "fa" and header.get("creationdate")
    units = tree.findall("body/tu")
    assert [tu.get("tuid") for tu in units] == ["1", "2", "3", "4"]
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert all([tuv.get(lang) for tuv in tu.findall("tuv")] == ["fa", "en"] for tu in units)
    first = units[0]
    props = {prop.get("type"): prop.text for prop in first.findall("prop")}
    assert props["x-score"] == "0.91" and props["x-score-semantic"] == "0.95"
    assert props["x-link"] == "1-1"
    # props come before the variants, as the DTD requires
    assert [child.tag for child in first][-2:] == ["tuv", "tuv"]


def test_text_is_preserved_byte_for_byte():
    raw = write(LINKS).encode("utf-8")
    for link in LINKS:
        for text in (link.src, link.tgt):
            if "&" in text or "<" in text or "\r" in text:
                continue
            assert text.encode("utf-8") in raw
    assert ZWNJ.encode("utf-8") in raw and RLM.encode("utf-8") in raw and RLE.encode("utf-8") in raw


def test_round_trip_keeps_what_a_unit_carries(tmp_path):
    """Texts, documents, ids, the score and the TMX components come back; the aligner's cost and
    similarity and the provenance stay in the JSONL."""
    path = tmp_path / "memory.tmx"
    path.write_text(write(LINKS), encoding="utf-8")
    expected = [BitextLink(**{**link.__dict__, "cost": None, "similarity": None, "provenance": {}}) for link in LINKS]
    assert list(read_tmx(path)) == expected


def test_units_carry_probabilities_only_and_no_provenance(dtd):
    link = make_link(0, "قیمت ۱۵ دلار است.", "The price is 15 dollars.", score=0.93, cost=4.0, similarity=1.46,
                     scores={"semantic": 0.97, "numbers": 1.0, "length": 0.8, "punctuation": 1.0, "link": 1.0,
                             "lang_src": 1.0, "lang_tgt": 1.0, "align_anchors": -1.0, "align_cosine": 1.46},
                     provenance={"aligner": "aligner|method:embed|" + "x" * 500, "score": "score|" + "y" * 500})
    tree = etree.fromstring(write([link]).encode("utf-8"))
    assert dtd.validate(tree)
    props = {prop.get("type"): prop.text for prop in tree.iter("prop")}
    scores = {kind: float(value) for kind, value in props.items() if kind.startswith("x-score")}
    assert scores == {"x-score": 0.93, "x-score-semantic": 0.97, "x-score-numbers": 1.0, "x-score-length": 0.8}
    assert set(TMX_COMPONENTS) >= {kind[len("x-score-"):] for kind in scores if kind != "x-score"}
    assert all(0.0 <= value <= 1.0 for value in scores.values())
    assert not any("x" * 50 in (value or "") or "y" * 50 in (value or "") for value in props.values())
    assert tree.find("body/tu").get("creationid") is None  # a human translation has no MT mark


def test_machine_translated_units_are_marked_and_read_back(tmp_path, dtd):
    mt = make_link(0, "وزیر صحبت کرد.", "The minister spoke.", score=0.7, scores={"semantic": 0.8},
                   provenance={MACHINE_TRANSLATION: "ctranslate2|model:fa-en|1", "aligner": "sentence-by-sentence"})
    text = write([mt, LINKS[1]])
    tree = etree.fromstring(text.encode("utf-8"))
    assert dtd.validate(tree)
    first, second = tree.findall("body/tu")
    assert first.get("creationid") == "MT" and second.get("creationid") is None
    assert {p.get("type"): p.text for p in first.iter("prop")}["x-machine-translation"] == "ctranslate2|model:fa-en|1"
    path = tmp_path / "mt.tmx"
    path.write_text(text, encoding="utf-8")
    read = list(read_tmx(path))
    assert read[0].is_machine_translation and not read[1].is_machine_translation
    assert read[0].provenance == {MACHINE_TRANSLATION: "ctranslate2|model:fa-en|1"}


@pytest.mark.parametrize("region, expected", [({}, ("fa", "en")), ({"en": "en-US", "fa": "fa-IR"}, ("fa-IR", "en-US"))])
def test_region_subtags_only_when_asked(region, expected, tmp_path, dtd):
    text = write(LINKS[:1], lang_tags=region)
    tree = etree.fromstring(text.encode("utf-8"))
    assert dtd.validate(tree)
    assert tuple(tuv.get("{http://www.w3.org/XML/1998/namespace}lang") for tuv in tree.iter("tuv")) == expected
    path = tmp_path / "m.tmx"
    path.write_text(text, encoding="utf-8")
    assert [(link.src_lang, link.tgt_lang) for link in read_tmx(path)] == [("fa", "en")]


def test_illegal_control_characters_are_removed_with_a_warning(dtd):
    warnings = []
    link = make_link(0, "bell\x07 and nul\x00 here", "form\x0cfeed", provenance={MACHINE_TRANSLATION: "esc\x1b"})
    buffer = io.StringIO()
    stats = write_tmx([link], buffer, warn=warnings.append)
    tree = etree.fromstring(buffer.getvalue().encode("utf-8"))
    assert dtd.validate(tree)
    assert [seg.text for seg in tree.iter("seg")] == ["bell and nul here", "formfeed"]
    assert stats.removed_characters == 4
    assert len(warnings) == 3 and all(w.startswith("news.fa.txt 1-1") for w in warnings)


def test_unaligned_links_are_counted_not_written():
    buffer = io.StringIO()
    stats = write_tmx([LINKS[0], make_link(9, "تنها", "", tgt_ids=())], buffer)
    assert (stats.units, stats.skipped_unaligned) == (1, 1)
    assert buffer.getvalue().count("<tu ") == 1


def test_translate_toolkit_reads_the_same_units(tmp_path):
    from translate.storage import tmx as tt_tmx

    path = tmp_path / "memory.tmx"
    path.write_text(write(LINKS), encoding="utf-8")
    store = tt_tmx.tmxfile.parsefile(str(path))
    units = [unit for unit in store.units if unit.source]
    assert len(units) == len(LINKS)
    assert [(unit.source, unit.target) for unit in units] == [(link.src, link.tgt) for link in LINKS]


# Memories written by other tools: versions 1.1-1.4, lang vs xml:lang, region codes, inline codes.
FOREIGN = {
    "tmx11-lang-attribute": (
        '<?xml version="1.0"?><tmx version="1.1"><header srclang="FA" creationtool="Trados"/>'
        '<body><tu><tuv lang="FA-IR"><seg>سلام</seg></tuv><tuv lang="EN-US"><seg>Hello</seg></tuv></tu></body></tmx>',
        [("fa", "en", "سلام", "Hello")]),
    "memoq-inline-tags": (
        '<?xml version="1.0" encoding="UTF-8"?><tmx version="1.4"><header srclang="ar-SA" segtype="sentence" '
        'creationtool="memoQ" creationtoolversion="9" o-tmf="memoQTM" adminlang="en-US" datatype="unknown"/>'
        '<body><tu creationid="x"><prop type="client">ACME</prop><tuv xml:lang="ar-SA"><seg>مرحبا '
        '<bpt i="1">&lt;b&gt;</bpt>بالعالم<ept i="1">&lt;/b&gt;</ept><ph x="2">{1}</ph></seg></tuv>'
        '<tuv xml:lang="en-US"><seg>Hello <hi type="b">world</hi></seg></tuv></tu></body></tmx>',
        [("ar", "en", "مرحبا بالعالم", "Hello world")]),
    "opustools-star-all-multilingual": (
        '<?xml version="1.0" encoding="utf-8"?><tmx version="1.4"><header srclang="*all*" adminlang="en" '
        'segtype="sentence" creationtool="OpusTools" creationtoolversion="1" o-tmf="x" datatype="PlainText"/>'
        '<body><tu><tuv xml:lang="fa"><seg>یک</seg></tuv><tuv xml:lang="ar"><seg>واحد</seg></tuv>'
        '<tuv xml:lang="en"><seg>One</seg></tuv></tu></body></tmx>',
        [("fa", "en", "یک", "One")]),
}


@pytest.mark.parametrize("name", sorted(FOREIGN))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_reader_accepts_other_tools(tmp_path, name, encoding):
    text, expected = FOREIGN[name]
    if encoding == "utf-16":
        text = text.replace('encoding="UTF-8"', 'encoding="UTF-16"').replace('encoding="utf-8"', 'encoding="UTF-16"')
    path = tmp_path / f"{name}.tmx"
    path.write_bytes(text.encode(encoding))  # Python's utf-16 writes a BOM, as Trados does
    links = list(read_tmx(path, src_lang="fa", tgt_lang="en"))
    assert [(l.src_lang, l.tgt_lang, l.src, l.tgt) for l in links] == expected
    assert all(link.score is None and link.src_doc == path.name for link in links)


@pytest.mark.parametrize("text, message", [
    ('<tmx version="1.4"><header srclang="fa"/><body><tu><tuv xml:lang="fa"><seg>x</seg></tuv>\n</body></tmx>',
     r"bad\.tmx:2: not well-formed"),
    ('<tmx version="1.4"><header srclang="fa"/><body>\n<tu><tuv xml:lang="fa"><seg>x</seg></tuv></tu></body></tmx>',
     r"bad\.tmx:2: <tu> with fewer than two languages"),
    ('<tmx version="1.4"><header srclang="fa"/><body>\n\n<tu><tuv xml:lang="ar"><seg>x</seg></tuv>'
     '<tuv xml:lang="en"><seg>y</seg></tuv></tu></body></tmx>', r"bad\.tmx:3: .*source language 'fa'"),
    ('<tmx version="1.4"><header srclang="fa"/><body><tu><prop type="x-score">high</prop>'
     '<tuv xml:lang="fa"><seg>x</seg></tuv><tuv xml:lang="en"><seg>y</seg></tuv></tu></body></tmx>',
     r"bad\.tmx:1: bad aligner property"),
])
def test_malformed_tmx_names_file_and_line(tmp_path, text, message):
    path = tmp_path / "bad.tmx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        list(read_tmx(path))


def many_links(count):
    for i in range(count):
        yield make_link(i, f"جمله{ZWNJ}ی شماره {i}", f"Sentence number {i}", score=0.5, scores={"semantic": 0.5})


def test_writing_and_reading_stream_in_constant_memory(tmp_path):
    """Python memory for 3000 units stays far below what holding them all would take (~3 MB)."""
    path = tmp_path / "big.tmx"
    tracemalloc.start()
    with open(path, "w", encoding="utf-8") as handle:
        stats = write_tmx(many_links(3000), handle)
    _, write_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    count = sum(1 for _ in read_tmx(path))
    _, read_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert stats.units == count == 3000
    assert write_peak < 1_000_000 and read_peak < 1_000_000, (write_peak, read_peak)


def test_mixed_source_languages_mark_their_units(tmp_path, dtd):
    links = [LINKS[0], make_link(7, "هل تريد شراء ١٢ كتابا؟", "Do you want to buy 12 books?", src_lang="ar")]
    text = write(links)
    assert dtd.validate(etree.fromstring(text.encode("utf-8")))
    assert text.count('srclang="ar"') == 1
    path = tmp_path / "mixed.tmx"
    path.write_text(text, encoding="utf-8")
    assert [(link.src_lang, link.src) for link in read_tmx(path)] == [("fa", LINKS[0].src), ("ar", links[1].src)]


def test_each_distinct_pair_is_one_unit_at_its_best_occurrence_with_its_count(dtd):
    headline = ("سرخط خبر", "The headline")
    links = [make_link(0, *headline, score=0.7, src_doc="a.fa"), make_link(1, "جملهٔ دیگر", "Another sentence", score=0.9),
             make_link(2, *headline, score=0.95, src_doc="b.fa"), make_link(3, *headline, score=0.95, src_doc="c.fa"),
             make_link(4, "", "Left over", src_ids=(), tgt_ids=(4,)),
             make_link(5, headline[0], "A different translation", score=0.8)]
    buffer = io.StringIO()
    stats = write_distinct_tmx(lambda: iter(links), buffer)
    tree = etree.fromstring(buffer.getvalue().encode("utf-8"))
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    units = [({p.get("type"): p.text for p in tu.findall("prop")}, [seg.text for seg in tu.iter("seg")])
             for tu in tree.iter("tu")]
    # In the order of the chosen occurrences: the highest score, the first of equal ones (b.fa).
    assert [segs for _, segs in units] == [["جملهٔ دیگر", "Another sentence"], list(headline),
                                           [headline[0], "A different translation"]]
    assert units[1][0]["x-occurrences"] == "3" and units[1][0]["x-src-doc"] == "b.fa"
    assert units[1][0]["x-score"] == "0.95"
    assert "x-occurrences" not in units[0][0] and "x-occurrences" not in units[2][0]
    assert (stats.units, stats.duplicates, stats.skipped_unaligned) == (3, 2, 1)
    assert write(links).count("<tu ") == 5  # write_tmx keeps every aligned link


def test_spooled_links_read_back_each_time(tmp_path):
    with spooled(iter(LINKS)) as again:
        assert list(again()) == list(again()) == LINKS
    with spooled(iter(())) as again:
        assert list(again()) == []
