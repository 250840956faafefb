"""Reading input: encodings (and the errors for bad ones), paragraphs, folders, stdin, long lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from aligner.errors import InputError
from aligner.text.reading import (Source, decode, iter_lines, iter_sources, pair_sources, read_document, read_documents,
                             split_paragraphs)
from aligner.segment.base import segment_document
from work_counts import lines_executed

PERSIAN = "سلام، این یک متن فارسی است. گزارش پلیس"
ARABIC = "مرحبا، هذا نص عربي. تقرير الشرطة"
# Windows-1256 has no Persian yeh (U+06CC): old Persian files type the Arabic one.
PERSIAN_CP1256 = "گزارش پليس: اين چند ژانويه متن فارسي است."


@pytest.mark.parametrize("data, expected", [
    (PERSIAN.encode("utf-8"), PERSIAN),
    (b"\xef\xbb\xbf" + PERSIAN.encode("utf-8"), PERSIAN),  # UTF-8 BOM is dropped
    (PERSIAN.encode("utf-16"), PERSIAN),  # UTF-16 with BOM (native order)
    (b"\xff\xfe" + ARABIC.encode("utf-16-le"), ARABIC),
    (b"\xfe\xff" + ARABIC.encode("utf-16-be"), ARABIC),
    ("Hello\r\nworld".encode("utf-8"), "Hello\r\nworld"),  # CRLF kept in the text; offsets stay exact
], ids=["utf8", "utf8-bom", "utf16", "utf16-le-bom", "utf16-be-bom", "crlf"])
def test_accepted_encodings(data, expected):
    assert decode(data, "f.txt") == expected


@pytest.mark.parametrize("data, message", [
    (b"\x00\x01\x02binary\x00data" * 10, r"f\.txt: binary file \(NUL bytes\)"),
    (bytes(range(1, 9)) * 40 + b"text", r"f\.txt: binary file \(\d+ control characters\)"),
    ("Café au lait, déjà vu".encode("latin-1"), r"f\.txt: not UTF-8 .*Latin-1"),
    (PERSIAN_CP1256.encode("cp1256"),
     r"f\.txt: not UTF-8 \(invalid byte 0x[0-9a-f]{2} at line 1\).*Windows-1256.*--encoding cp1256"),
    (ARABIC.encode("cp1256"), r"--encoding cp1256"),
    (b"", r"f\.txt: empty file"),
    (b"  \n\r\n\t ", r"f\.txt: empty file"),
    (b"\xef\xbb\xbf", r"f\.txt: empty file"),
], ids=["nul", "controls", "latin1", "cp1256-fa", "cp1256-ar", "empty", "blank", "bom-only"])
def test_rejected_input_names_file_and_problem(data, message):
    with pytest.raises(InputError, match=message) as error:
        decode(data, "f.txt")
    assert "\n" not in str(error.value)


def test_forced_encoding():
    assert decode(PERSIAN_CP1256.encode("cp1256"), "f.txt", encoding="cp1256") == PERSIAN_CP1256
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        decode(b"abc", "f.txt", encoding="klingon")
    with pytest.raises(InputError, match=r"f\.txt: not valid utf-8 \(byte offset 3, line 2\)"):
        decode(b"a\nb\xff", "f.txt", encoding="utf-8")


@pytest.mark.parametrize("text, expected", [
    # Blank lines separate paragraphs; lines inside a block stay one paragraph.
    ("Title\nline one\n\nsecond para\n", ["Title\nline one", "second para"]),
    ("a\r\n\r\nb\r\nc", ["a", "b\r\nc"]),
    # No blank line at all: one paragraph per line (scraped news).
    ("headline\nfirst para.\nsecond para.", ["headline", "first para.", "second para."]),
    ("\n\n  only  \n\n", ["only"]),
    ("x\u2029y", ["x", "y"]),
])
def test_paragraphs(text, expected):
    assert [text[p.start:p.end] for p in split_paragraphs(text)] == expected
    assert [p.index for p in split_paragraphs(text)] == list(range(len(expected)))


def test_folder_recursion_include_and_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z", encoding="utf-8")
    (tmp_path / "b" / "a.md").write_text("a", encoding="utf-8")
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("h", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x", encoding="utf-8")
    assert [s.doc_id for s in iter_sources([str(tmp_path)])] == ["a.txt", "b/z.txt"]
    assert [s.doc_id for s in iter_sources([str(tmp_path)], include=["*.md", "*.txt"])] == [
        "a.txt", "b/a.md", "b/z.txt"]
    with pytest.raises(InputError, match=r"folder holds no file matching \*\.xml"):
        list(iter_sources([str(tmp_path)], include=["*.xml"]))


@pytest.mark.parametrize("inputs, message", [
    ([], "no input given"),
    (["/nonexistent/file.txt"], r"/nonexistent/file\.txt: no such file or folder"),
    (["/dev/null"], r"/dev/null: not a regular file"),
])
def test_bad_inputs(inputs, message):
    with pytest.raises(InputError, match=message):
        list(iter_sources(inputs))


def test_stdin_and_files_read_as_documents(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes("\ufeffسلام.\r\n\r\nخداحافظ.".encode("utf-8"))
    docs = list(read_documents([str(path), "-"], lang="fa", stdin=io.BytesIO("Hello.".encode("utf-16"))))
    assert [d.doc_id for d in docs] == ["doc.txt", "stdin"]
    assert docs[0].text == "سلام.\r\n\r\nخداحافظ." and len(docs[0].paragraphs) == 2
    assert docs[1].text == "Hello." and docs[1].path is None


def test_iter_lines(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes(b"one\r\ntwo\nthree\r\n")
    (source,) = iter_sources([str(path)])
    assert list(iter_lines(source)) == ["one", "two", "three"]


LONG_SENTENCE = ("Telegram refused to cooperate with the police in that case " * 16).strip() + ". "


def read_and_segment(path: Path):
    (source,) = iter_sources([str(path)])
    return segment_document(read_document(source))


def test_ten_megabyte_line_is_read_identified_and_segmented(tmp_path):
    """One 10 MB line (no line break at all) becomes one paragraph of all its sentences. Its speed
    is measured by ``benchmarks/segmentation.py --long-lines``."""
    path = tmp_path / "long.txt"
    path.write_text(LONG_SENTENCE * (10_000_000 // len(LONG_SENTENCE)), encoding="utf-8")
    document = read_and_segment(path)
    assert document.lang == "en" and len(document.paragraphs) == 1
    assert len(document.sentences) == 10_000_000 // len(LONG_SENTENCE)


def test_reading_a_long_line_is_linear(tmp_path):
    """Reading, identifying and segmenting one line: work (lines executed) grows linearly."""
    counts = []
    for sentences in (100, 400):
        path = tmp_path / f"{sentences}.txt"
        path.write_text(LONG_SENTENCE * sentences, encoding="utf-8")
        counts.append(lines_executed(read_and_segment, path))
    assert counts[1] <= 4.2 * counts[0]  # quadratic work would be about 16 times as much


@pytest.mark.parametrize("src_names, tgt_names, expected", [
    (["a.txt", "b.txt"], ["b.txt", "a.txt"], [("a.txt", "a.txt"), ("b.txt", "b.txt")]),
    (["news.fa.txt"], ["news.en.txt"], [("news.fa.txt", "news.en.txt")]),
    (["sub/x.ar.txt"], ["sub/x.en.txt", "x.en.txt"], [("sub/x.ar.txt", "sub/x.en.txt")]),
    (["Report.txt"], ["report.txt"], []),
])
def test_pair_sources_by_name_ignoring_language_codes(src_names, tgt_names, expected):
    def sources(names):
        return [Source(name, Path(name)) for name in names]

    pairs = pair_sources(sources(src_names), sources(tgt_names), strict=False)
    assert [(s.doc_id, t.doc_id) for s, t in pairs] == expected
    if len(expected) < len(src_names):
        with pytest.raises(InputError, match="no target file pairs with"):
            pair_sources(sources(src_names), sources(tgt_names))
