"""Hostile inputs get one line on stderr and exit code 2 (or a documented success), never a
traceback, a hang or a partial output file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from aligner.text.reading import display_id, iter_sources

ENGLISH = "Hello world. This is a test of the reader.\n"


def aligner(*args, cwd, timeout=120):
    return subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("encoding, message", [
    ("rot13", "not a text encoding"), ("zlib", "not a text encoding"), ("hex", "not a text encoding"),
    ("undefined", "cannot decode with 'undefined'"), ("no-such-codec", "unknown encoding"),
])
def test_encodings_that_do_not_decode_text_are_refused(tmp_path, encoding, message):
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    assert_one_line_error(aligner("segment", "a.txt", "--encoding", encoding, cwd=tmp_path), message)


@pytest.mark.parametrize("where", ["argument", "inside a folder"])
def test_a_named_pipe_is_refused_not_read(tmp_path, where):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ENGLISH, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    target = "in/pipe.txt" if where == "argument" else "in"
    # Reading the pipe would block forever (nobody writes to it): the timeout turns a hang into a failure.
    result = aligner("segment", target, cwd=tmp_path, timeout=60)
    assert_one_line_error(result, "pipe.txt", "not a regular file")
    assert result.stdout == ""


def test_a_file_name_too_long_for_the_file_system_is_an_input_error(tmp_path):
    assert_one_line_error(aligner("segment", "n" * 300, cwd=tmp_path), "File name too long")


def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "w", encoding="utf-8") as handle:
        handle.write(ENGLISH)
    result = aligner("segment", "in", "--format", "jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '"doc": "bad\\\\xff.txt"' in result.stdout
    assert [source.doc_id for source in iter_sources([str(folder)])] == ["bad\\xff.txt"]


def test_display_id_keeps_valid_names():
    assert display_id("خبر.fa.txt") == "خبر.fa.txt"


@pytest.mark.parametrize("line", ["[0,,1]:[0]", "[01]:[0]", "[0 1]:[0]", "[0]", "[a]:[0]"])
def test_malformed_alignment_lines_are_format_errors(tmp_path, line):
    (tmp_path / "gold").write_text("[0]:[0]\n", encoding="utf-8")
    (tmp_path / "pred").write_text(line + "\n", encoding="utf-8")
    assert_one_line_error(aligner("bench", "align", "--gold", "gold", "--pred", "pred", cwd=tmp_path),
                          "pred:1: not a Vecalign alignment line")


def test_gold_and_prediction_of_different_documents_are_refused(tmp_path):
    (tmp_path / "gold").write_text("[0]:[0]\n[1]:[1]\n[2]:[2]\n", encoding="utf-8")
    (tmp_path / "pred").write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    assert_one_line_error(aligner("bench", "align", "--gold", "gold", "--pred", "pred", cwd=tmp_path),
                          "covers source sentences 0-1 but the gold gold covers 0-2")


@pytest.mark.parametrize("command", [["bench", "align", "--gold", "pipe", "--pred", "pipe"],
                                     ["package", "pipe", "--format", "tsv"]])
def test_named_pipes_are_refused_by_file_readers(tmp_path, command):
    os.mkfifo(tmp_path / "pipe")
    assert_one_line_error(aligner(*command, cwd=tmp_path, timeout=60), "not a regular file")


@pytest.mark.parametrize("lang, presegmented, message", [
    ("xx", False, "segments and identifies fa, ar and en only"),
    ("", False, "segments and identifies fa, ar and en only"),
    ("../../etc", False, "segments and identifies fa, ar and en only"),
    ("xx", True, "not an ISO 639-1 language code"),
])
def test_unknown_language_codes_are_refused_by_align(tmp_path, lang, presegmented, message):
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    flags = ["--presegmented"] if presegmented else []
    result = aligner("align", "a.txt", "a.txt", "--src-lang", lang, "--tgt-lang", "en", "--method", "length", *flags,
                     cwd=tmp_path)
    assert_one_line_error(result, "--src-lang", message)


def test_align_over_folders_keeps_going_past_a_bad_pair(tmp_path):
    for side, text in (("src", ENGLISH), ("tgt", "Hello world. This is a test of the reader, again.\n")):
        (tmp_path / side).mkdir()
        (tmp_path / side / "good.txt").write_text(text, encoding="utf-8")
        (tmp_path / side / "bad.txt").write_bytes(b"\x00\x01binary" if side == "src" else text.encode())
    result = aligner("align", "src", "tgt", "--src-lang", "en", "--tgt-lang", "en", "--method", "length",
                     "-o", "out.jsonl", cwd=tmp_path)
    assert result.returncode == 3, result.stderr
    assert "left out: src/bad.txt: binary file" in result.stderr
    records = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert records and all('"src_doc": "good.txt"' in record for record in records)


def test_long_texts_are_embedded_from_bounded_pieces():
    from aligner.embed import COUNTED_CHARS, MAX_PIECES, WINDOW_TOKENS, window_pieces

    counted = []

    def count_tokens(text):  # about one token per four characters, like English for e5's tokenizer
        counted.append(len(text))
        return len(text) // 4 + 3

    assert window_pieces("short sentence.", count_tokens) == ["short sentence."]
    sentence = "word " * 300  # 1500 characters, 378 tokens: fits the window whole
    assert window_pieces(sentence, count_tokens) == [sentence]
    long_text = "word " * 700  # 878 tokens: two pieces cover all of it
    pieces = window_pieces(long_text, count_tokens)
    assert len(pieces) == 2 and "".join(pieces) == long_text
    counted.clear()
    huge = "word " * 2_000_000  # a 10 MB line: a few pieces, and no counting of the whole text
    pieces = window_pieces(huge, count_tokens)
    assert len(pieces) == MAX_PIECES and all(count_tokens(piece) <= WINDOW_TOKENS for piece in pieces)
    assert max(counted) <= COUNTED_CHARS
    unbroken = "a" * 1_000_000  # one 1 MB word: cut anyway
    assert all(count_tokens(piece) <= WINDOW_TOKENS for piece in window_pieces(unbroken, count_tokens))


def test_output_to_a_device_writes_through_it_instead_of_replacing_it(tmp_path):
    from aligner.formats.atomic import atomic_write

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    with atomic_write(fifo) as handle:
        handle.write("through the pipe\n")
    assert reader.communicate(timeout=30)[0] == "through the pipe\n"
    assert not fifo.is_file() and fifo.exists()  # still a named pipe, not a file renamed over it
