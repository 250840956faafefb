"""The readers of HTML, WARC, DOCX, ODT and PDF, on files written by the real writers
(tests/format_fixtures.py), and the broken files a user meets."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aligner.document import Document
from aligner.errors import InputError
from aligner.pipeline.documents import provenance_notes
from aligner.pipeline.job import PairInput
from aligner.text.readers import READERS, detect_format, extract
from aligner.text.readers import pdf as pdf_reader
from aligner.text.reading import Source, iter_sources, pair_sources, read_bytes, read_document

from conftest import missing
import format_fixtures as F

PRESENTATION_FORMS = re.compile(r"[\ufb50-\ufdff\ufe70-\ufeff]")


@pytest.fixture(scope="session")
def format_files(tmp_path_factory):
    if shutil.which("soffice") is None:
        missing("LibreOffice (soffice) is not installed (apt-get install libreoffice-writer)")
    return F.build(tmp_path_factory.mktemp("formats"))


def read(files, name: str) -> Document:
    return read_document(Source(name, files[name]))


def flat(document: Document) -> str:
    return re.sub(r"\s+", " ", document.text)


@pytest.mark.parametrize("name, fmt", [
    ("article.docx", "docx"), ("footnotes.docx", "docx"), ("article.odt", "odt"), ("persian.pdf", "pdf"),
    ("page.html", "html"), ("crawl.warc.gz", "warc"), ("plain.warc", "warc"), ("scripts.html", "html"),
])
def test_format_is_found_from_the_content(format_files, tmp_path, name, fmt):
    # Under a name that says nothing, the content decides.
    anonymous = tmp_path / "download(3)"
    shutil.copy(format_files[name], anonymous)
    assert detect_format(anonymous.read_bytes()[:1 << 20] if fmt != "docx" and fmt != "odt"
                         else anonymous.read_bytes(), "x") == fmt


def test_plain_text_that_mentions_html_stays_text():
    assert detect_format("The <html> tag starts a page.\n".encode(), "x") == "text"
    assert detect_format("متن ساده\n".encode(), "x") == "text"


def test_every_reader_is_registered():
    assert set(READERS.names()) == {"html", "docx", "odt", "pdf"}


def test_docx_paragraphs_headings_cells_and_hints(format_files):
    document = read(format_files, "article.docx")
    extracted = extract(format_files["article.docx"].read_bytes(), "article.docx", "docx")
    kinds = [(block.kind, block.text) for block in extracted.blocks]
    assert kinds[0] == ("heading", F.FA_TITLE)
    assert ("cell", F.CELLS[0]) in kinds and ("cell", F.CELLS[1]) in kinds
    assert [text for kind, text in kinds].count(F.FA[3]) == 1  # a merged cell once
    assert [sentence for sentence in F.FA if sentence not in flat(document)] == []
    assert document.origin.format == "docx"
    assert (document.origin.lang_hint, document.origin.dir_hint) == ("fa", "rtl")
    assert document.text.count("\u200c") == sum(s.count("\u200c") for s in F.FA)


def test_docx_footnotes_come_after_the_body(format_files):
    extracted = extract(format_files["footnotes.docx"].read_bytes(), "footnotes.docx", "docx")
    assert extracted.blocks[-1] == type(extracted.blocks[-1])(F.FOOTNOTE, "footnote")
    body = " ".join(block.text for block in extracted.blocks[:-1])
    assert F.FOOTNOTE not in body and all(sentence in body for sentence in F.FA)


def test_odt_paragraphs_headings_cells_footnotes(format_files):
    extracted = extract(format_files["article.odt"].read_bytes(), "article.odt", "odt")
    kinds = [(block.kind, block.text) for block in extracted.blocks]
    assert kinds[0] == ("heading", F.FA_TITLE)
    assert kinds[-1] == ("footnote", F.FOOTNOTE)
    assert ("cell", F.CELLS[0]) in kinds
    text = " ".join(block.text for block in extracted.blocks)
    assert all(sentence in text for sentence in F.FA)
    assert (extracted.lang_hint, extracted.dir_hint) == ("fa", "rtl")


def test_html_main_text_only(format_files):
    document = read(format_files, "page.html")
    text = flat(document)
    assert all(sentence in text for sentence in F.FA)  # ZWNJ and digits kept
    for boilerplate in ("Markets close", "Weather", "Great article", "Copyright", "Home", "tracking"):
        assert boilerplate not in text
    assert document.text.startswith(F.FA_TITLE)
    assert (document.origin.title, document.origin.lang_hint, document.origin.dir_hint) == (F.FA_TITLE, "fa", "rtl")


@pytest.mark.parametrize("name", ["flash.html", "wire.html"])
def test_html_short_article_read_once_without_the_site_around_it(format_files, name):
    """A page with little text is where trafilatura falls back to its recall extractors, which
    gave a news flash twice with its breadcrumb and byline, and a table cell of latest-news
    links beside a short story with it."""
    document = read(format_files, name)
    assert flat(document).count(" ".join(F.FA)) == 1
    for chrome in ("Markets close", "Weather", "Council", "Home", "Print", "Latest news", "2024-05-01"):
        assert chrome not in document.text


def test_html_of_50_mb_of_scripts_is_read_bounded(format_files):
    document = read(format_files, "scripts.html")
    assert all(sentence in flat(document) for sentence in F.EN)
    assert "var x" not in document.text


@pytest.mark.parametrize("name, sentences", [("persian.pdf", F.FA), ("arabic.pdf", F.AR)])
def test_pdf_right_to_left_in_logical_order(format_files, name, sentences):
    document = read(format_files, name)
    text = flat(document)
    assert [sentence for sentence in sentences if sentence not in text] == []
    assert not PRESENTATION_FORMS.search(document.text)
    assert document.origin.dir_hint == "rtl"


def test_pdf_running_heads_and_page_numbers_dropped(format_files):
    document = read(format_files, "persian.pdf")  # 12 copies of the text: several pages
    assert F.RUNNING_HEAD not in document.text
    assert not any(re.fullmatch(r"[\d۰-۹]+", document.paragraph_text(p)) for p in document.paragraphs)
    assert flat(document).count(F.FA[0]) == 12


def test_pdf_two_columns_read_in_order(format_files):
    document = read(format_files, "columns.pdf")
    numbers = [int(n) for n in re.findall(r"Sentence (\d+) tells", document.text)]
    assert numbers == list(range(1, len(F.TWO_COLUMN_SENTENCES) + 1))
    assert all(sentence in flat(document) for sentence in F.TWO_COLUMN_SENTENCES)  # words split at line ends joined


@pytest.mark.parametrize("name, sentences", [
    ("hard-fa.pdf", F.FA_HARD), ("hard-ar.pdf", F.AR_HARD), ("hard-fa-2col.pdf", F.FA_HARD), ("hard-ar-2col.pdf", F.AR_HARD)])
def test_pdf_justified_right_to_left_text_read_exactly(format_files, name, sentences):
    """Runs in the order LibreOffice drew them (numbers and Latin words in brackets, 14-1, 95%),
    its kashidas (glyphs without a character) dropped and a typed tatweel kept, shadda with
    tanween (one glyph, its text in /ActualText), a ZWNJ before or after a space, a
    presentation form the author typed (kept), a vowel mark on a letter a kashida follows."""
    document = read(format_files, name)
    assert [sentence for sentence in sentences if sentence not in flat(document)] == []
    assert ("\ufe81" in document.text) == (sentences is F.FA_HARD)


# hard-ar.pdf is left out: LibreOffice breaks one of its lines between بـ and 76, where the
# text has no space, and nothing in the PDF tells that from a break at a space.
@pytest.mark.parametrize("name, paragraphs", [
    ("hard-fa.pdf", F.hard_paragraphs(F.FA_HARD, 24)), ("hard-fa-2col.pdf", F.hard_paragraphs(F.FA_HARD, 24)),
    ("hard-ar-2col.pdf", F.hard_paragraphs(F.AR_HARD, 24)), ("long-columns.pdf", F.LONG_EN)])
def test_pdf_paragraphs_cut_by_column_and_page_breaks_are_joined(format_files, name, paragraphs):
    """Right-to-left pages read their columns from the right (the order they were drawn), a
    left-to-right page from the left; a paragraph broken at a column's or page's end is one."""
    document = read(format_files, name)
    assert [" ".join(document.paragraph_text(p).split()) for p in document.paragraphs] == paragraphs


@pytest.mark.parametrize("name, paragraphs", [
    ("printed-en.pdf", F.PRINTED_EN), ("printed-fa.pdf", F.hard_paragraphs(F.FA, 6))])
def test_pdf_printed_by_a_browser_in_two_columns_reads_its_columns_apart(format_files, name, paragraphs):
    """A browser's columns are an em apart, so a full line of one column ends about as close to
    the other as a justified line's word gaps are wide: the gutter is the band that many lines
    leave empty. Chromium draws a ZWNJ as a space glyph that advances nothing, and a mirrored
    guillemet as its mirror image."""
    document = read(format_files, name)
    assert [" ".join(document.paragraph_text(p).split()) for p in document.paragraphs] == paragraphs


def test_pdf_printed_right_to_left_brackets_read_as_written(format_files):
    """Chromium draws a right-to-left line in one piece, in visual order: a bracket pair around
    Latin text that follows Latin text is left to right and goes with it, a pair around Persian
    text stays right to left, and a URL broken after its hyphen keeps the hyphen."""
    document = read(format_files, "printed-brackets.pdf")
    assert [" ".join(document.paragraph_text(p).split()) for p in document.paragraphs] == \
        F.hard_paragraphs(F.FA_BRACKETS, 8)


@pytest.mark.parametrize("drawn, logical", [
    # glyphs as drawn, left to right (Arabic letters of a word right to left) -> as read
    ("زا ،PubMed (https://ncbi/pubmed/) ساسارب", "براساس PubMed (https://ncbi/pubmed/)، از"),
    ("هدنریگ ،(TLR)", "(TLR)، گیرنده"),  # a pair at the line's start, after Latin text above
    (")ب( ABC )فلا(", "(الف) ABC (ب)"),  # two right-to-left pairs either side of a Latin word
    (")ب( 3.77 )فلا(", "(الف) 3.77 (ب)"),  # ... and of a number
    ("https://mp.qq/s/UlBi-( دهد", "دهد (https://mp.qq/s/UlBi-"),  # a URL broken after its hyphen
    ("Reuters - نارهت", "تهران - Reuters"),  # a dash between spaces stays right to left
    (")CI: 1.10-1.86% %95( دوب", "بود (95% CI: 1.10-1.86%)"),  # 95% read right to left, 1.86% in the run
])
def test_pdf_line_drawn_in_one_piece_reads_in_logical_order(drawn, logical):
    runs = pdf_reader._ltr_runs(list(drawn))
    assert "".join(text for run in reversed(runs) for text in run) == logical


@pytest.mark.parametrize("name", ["printed-urls.pdf", "urls-fa-2col.pdf"])
def test_pdf_url_on_lines_of_its_own_stays_in_its_right_to_left_paragraph(format_files, name):
    """A URL too long for the line leaves the line before it short and goes on to lines of Latin
    letters only: the short line does not end the paragraph (the URL would not have fit after
    it), and the URL's lines read right to left with their paragraph (Chromium draws the
    closing bracket and full stop on the left of the last one)."""
    document = read(format_files, name)
    assert [" ".join(document.paragraph_text(p).split()) for p in document.paragraphs] == F.URL_PARAGRAPHS


@pytest.mark.parametrize("name", ["names-ar.pdf", "names-ar-2col.pdf"])
def test_pdf_right_to_left_line_beginning_with_latin_words_is_no_typed_break(format_files, name):
    """A line that begins with "HK Management Inc." shows the name at its right end, its first
    word leftmost: the room the line above had is measured against that word, not "Inc."."""
    document = read(format_files, name)
    assert [document.paragraph_text(p) for p in document.paragraphs] == F.hard_paragraphs(F.AR_NAMES, 24)


def test_pdf_line_break_typed_in_a_justified_paragraph_is_one(format_files):
    """LibreOffice stretches the line before a typed break to the column's width; the line had
    room for the next word, so the break was typed."""
    document = read(format_files, "typed-breaks.pdf")
    assert [document.paragraph_text(p) for p in document.paragraphs] == F.TYPED_BREAKS * 6


def test_pdf_of_5000_pages_is_capped_and_says_so(format_files, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 3)
    document = read(format_files, "pages5000.pdf")
    assert document.origin.notes == ("read the first 3 of 5000 pages (aligner reads at most 3 pages or 120 s of a "
                                     "PDF); split the file to read the rest",)
    assert flat(document).count(F.AR[0]) == 3


@pytest.mark.parametrize("name, message", [
    ("truncated.docx", "not a readable zip (DOCX/ODT) file"),
    ("corrupt.docx", "not a readable zip (DOCX/ODT) file"),
    ("encrypted.docx", "an encrypted (password-protected) Office file"),
    ("encrypted.odt", "not a readable ODT file (encrypted: password-protected"),
    ("bomb.docx", "refused as a zip bomb (word/document.xml inflates"),
    ("members.odt", "refused as a zip bomb (6001 members"),
    ("truncated.pdf", "not a readable pdf file"),
    ("encrypted.pdf", "an encrypted PDF (password needed)"),
    ("scanned.pdf", "PDF without a text layer (a scanned document?)"),
])
def test_bad_files_one_line_each(format_files, name, message):
    with pytest.raises(InputError) as caught:
        read(format_files, name)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert str(caught.value).startswith(str(format_files[name]))


def test_warc_each_html_response_is_a_document(format_files):
    sources = list(iter_sources([str(format_files["crawl.warc.gz"])]))
    assert [s.doc_id for s in sources] == ["crawl.warc.gz/news.example/fa/2024/story-1",
                                           "crawl.warc.gz/news.example/fa/2024/story-2"]
    assert [s.url for s in sources] == ["https://news.example/fa/2024/story-1", "https://news.example/fa/2024/story-2"]
    document = read_document(sources[0])
    assert document.origin.url == sources[0].url and document.path == str(format_files["crawl.warc.gz"])
    assert all(sentence in flat(document) for sentence in F.FA) and "Great article" not in document.text
    plain = list(iter_sources([str(format_files["plain.warc"])]))
    assert [read_bytes(s) for s in plain] == [read_bytes(s) for s in sources]


def test_warc_records_pair_by_url_without_language(format_files):
    fa = list(iter_sources([str(format_files["crawl.warc.gz"])]))
    en = list(iter_sources([str(format_files["crawl-en.warc.gz"])]))
    pairs = pair_sources(fa, en, strict=False)
    assert [(a.url, b.url) for a, b in pairs] == [("https://news.example/fa/2024/story-1",
                                                   "https://news.example/en/2024/story-1")]


def test_a_document_pairs_with_its_translation_in_another_format(tmp_path):
    sources = [Source(name, tmp_path / name) for name in ("article.fa.docx", "other.txt")]
    targets = [Source(name, tmp_path / name) for name in ("article.en.html", "other.txt", "article.en.pdf")]
    assert [(a.doc_id, b.doc_id) for a, b in pair_sources(sources, targets)] == [
        ("article.fa.docx", "article.en.html"), ("other.txt", "other.txt")]


@pytest.mark.parametrize("name, readable, problem", [
    ("bad-member.warc.gz", ["story-2"], "at byte"),
    ("cut.warc.gz", ["story-1", "story-2"], "record cut in the middle"),
    ("cut.warc", ["story-1", "story-2"], "record cut in the middle"),
])
def test_broken_warc_records_are_left_out_one_line_each(format_files, name, readable, problem):
    sources = list(iter_sources([str(format_files[name])]))
    good = [s for s in sources if s.problem is None]
    bad = [s for s in sources if s.problem is not None]
    assert [s.url.rsplit("/", 1)[1] for s in good] == readable
    assert len(bad) == 1 and problem in bad[0].problem and bad[0].problem.startswith(str(format_files[name]))
    with pytest.raises(InputError):
        read_bytes(bad[0])
    for source in good:
        assert F.FA[-1] in flat(read_document(source)) or F.FA[2] in flat(read_document(source))


def test_a_gzip_member_that_fails_its_check_is_left_out_not_passed_over(format_files, tmp_path, capfd):
    """A damaged member can inflate to a record whose headers read well (warcio yields it and
    stumbles only on what follows): each record's member is checked to its end, and a record
    whose member fails is reported, never passed over."""
    crawl = bytearray(format_files["crawl.warc.gz"].read_bytes())
    members = F.gzip_members(bytes(crawl))
    crawl[members[3] - 8] ^= 0xFF  # the CRC of story 1's response (the third member)
    damaged = tmp_path / "crc.warc.gz"
    damaged.write_bytes(bytes(crawl))
    sources = list(iter_sources([str(damaged)]))
    assert [s.url.rsplit("/", 1)[1] for s in sources if s.problem is None] == ["story-2"]
    problems = [s.problem for s in sources if s.problem]
    assert len(problems) == 1 and problems[0].startswith(f"{damaged}: ")
    assert problems[0].endswith(f" at byte {members[2]}; the record is left out")
    assert capfd.readouterr().err == ""


def test_a_record_longer_than_its_content_length_is_left_out_without_warcio_s_warning(format_files, tmp_path,
                                                                                        capfd):
    plain = format_files["plain.warc"].read_bytes()
    story = plain.index(b"WARC-Target-URI: https://news.example/fa/2024/story-1", plain.index(b"response"))
    length = re.compile(rb"Content-Length: (\d+)").search(plain, story)
    shorter = plain[:length.start(1)] + str(int(length.group(1)) - 40).encode() + plain[length.end(1):]
    damaged = tmp_path / "length.warc"
    damaged.write_bytes(shorter)
    sources = list(iter_sources([str(damaged)]))
    assert "story-1" not in [s.url.rsplit("/", 1)[1] for s in sources if s.problem is None]
    assert any("story-1" not in (s.url or "") and "left out" in s.problem for s in sources if s.problem)
    assert "WARNING" not in capfd.readouterr().err


def aligner(*args, cwd=None):
    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def test_segment_reads_every_format_and_leaves_bad_files_out(format_files, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name in ("article.docx", "article.odt", "arabic.pdf", "page.html", "bad-member.warc.gz",
                 "encrypted.pdf", "bomb.docx", "scanned.pdf"):
        shutil.copy(format_files[name], folder / name)
    done = aligner("segment", folder, "--format", "jsonl", "-o", tmp_path / "out.jsonl",
                   "--keep-text", tmp_path / "kept")
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    left_out = [line for line in done.stderr.splitlines() if line.startswith("aligner: left out:")
                or "left out:" in line]
    assert len(left_out) == 4, done.stderr
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    docs = {row["doc"] for row in rows}
    assert docs == {"article.docx", "article.odt", "arabic.pdf", "page.html",
                    "bad-member.warc.gz/news.example/fa/2024/story-2"}
    for row in rows:  # offsets point into the text written by --keep-text
        kept = (tmp_path / "kept" / (row["doc"] + ".txt")).read_text(encoding="utf-8")
        assert kept[row["start"]:row["end"]] == row["text"]


def test_provenance_notes_name_file_format_and_url(format_files):
    source = list(iter_sources([str(format_files["crawl.warc.gz"])]))[0]
    document = read_document(source)
    text = read(format_files, "article.docx")
    plain = Document("a.txt", "متن", path="a.txt")
    notes = provenance_notes(PairInput(document, text))
    assert notes == [f"{source.doc_id}: read from {format_files['crawl.warc.gz']} (https://news.example/fa/2024/story-1)"
                     " as html", f"article.docx: read from {format_files['article.docx']} as docx"]
    assert provenance_notes(PairInput(plain, None)) == []
