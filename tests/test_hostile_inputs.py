"""Hostile inputs get one line on stderr and exit code 2 (or a documented success), never a
traceback, a hang or a partial output file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from aligner.bitext import read_bitext
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
    links = list(read_bitext(tmp_path / "out.jsonl"))
    assert links and all(link.src_doc == "good.txt" for link in links)


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


def zalgo_lines(count, seed):
    """Lines of a few letters, each under 100-400 combining marks ("zalgo" text)."""
    import random

    rng = random.Random(seed)
    marks = [chr(code) for code in range(0x300, 0x370)]
    return ["".join(letter + "".join(rng.choice(marks) for _ in range(rng.randint(100, 400)))
                    for letter in "zalgo text"[:rng.randint(3, 10)]) for _ in range(count)]


def test_zalgo_text_reaches_the_encoder_as_its_letters():
    """The encoder's work follows the letters, not the marks stacked on them: every text it gets
    keeps at most MAX_STACKED_MARKS marks on a letter (it got all of them, each a token, before)."""
    import unicodedata
    import zlib

    import numpy as np

    from aligner.align.core import align_sentences
    from aligner.embed import Embedder
    from aligner.text.normalise import MAX_STACKED_MARKS

    encoded = []

    class RecordingEmbedder(Embedder):
        model_id, dim = "recording", 8

        def _encode(self, texts):
            encoded.extend(texts)
            return np.stack([np.random.default_rng(zlib.crc32(t.encode())).standard_normal(8) for t in texts])

    src, tgt = zalgo_lines(40, seed=1), zalgo_lines(40, seed=2)
    links = align_sentences(src, tgt, "en", "en", embedder=RecordingEmbedder())
    assert sorted(i for link in links for i in link.src_ids) == list(range(len(src)))

    def is_mark(char):
        return unicodedata.category(char) in ("Mn", "Me")

    letters = sum(not is_mark(char) for line in src + tgt for char in line)
    longest_stack = max(len(run) for text in encoded for run in "".join(
        "m" if is_mark(char) else " " for char in text).split())
    assert longest_stack == MAX_STACKED_MARKS
    # each sentence once, plus the blocks of up to --max-link sentences that pass 3 encodes again
    assert sum(map(len, encoded)) <= 4 * (MAX_STACKED_MARKS + 1) * letters


def test_a_word_under_50000_marks_is_aligned_in_bounded_time(tmp_path):
    """Punctuation was stripped from token edges by a search for \\W+$, restarted at every mark
    of the run: an hour for this line; seconds now."""
    stack = "".join(chr(0x300 + k % 0x70) for k in range(50_000))
    (tmp_path / "src.txt").write_text(f"Hello a{stack}b world. A second sentence.\nThird line.\n", encoding="utf-8")
    (tmp_path / "tgt.txt").write_text(f"Bonjour a{stack}b monde. Une autre phrase.\nTroisieme.\n", encoding="utf-8")
    result = aligner("align", "src.txt", "tgt.txt", "--src-lang", "en", "--tgt-lang", "en", "-o", "out.jsonl",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert len(list(read_bitext(tmp_path / "out.jsonl"))) == 3


def test_output_to_a_device_writes_through_it_instead_of_replacing_it(tmp_path):
    from aligner.formats.atomic import atomic_write

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    with atomic_write(fifo) as handle:
        handle.write("through the pipe\n")
    assert reader.communicate(timeout=30)[0] == "through the pipe\n"
    assert not fifo.is_file() and fifo.exists()  # still a named pipe, not a file renamed over it


# --- Bitext records of the wrong shape: validated on read, one line naming file:line ---

GOOD_RECORD = {"src_doc": "a.txt", "tgt_doc": "b.txt", "src_lang": "en", "tgt_lang": "fa", "src_ids": [0],
               "tgt_ids": [0], "src": "Hello world.", "tgt": "سلام دنیا.", "cost": 0.1, "similarity": 0.9,
               "scores": {"length": 0.5}, "score": 0.95, "provenance": {}}
WRONG_FIELDS = [
    ({"src": 123}, "'src' must be a string"), ({"src": None}, "'src' must be a string"),
    ({"src": ["a"]}, "'src' must be a string"), ({"score": "high"}, "'score' must be a finite number"),
    ({"scores": [1, 2]}, "'scores' must be an object"), ({"cost": "cheap"}, "'cost' must be a finite number"),
    ({"src": "\ud800"}, "lone surrogate U+D800"), ({"src_ids": "0 1"}, "'src_ids' must be an array"),
    ({"tgt_ids": [True]}, "'tgt_ids' must be an array"), ({"scores": {"length": "x"}}, "'scores.length'"),
    ({"provenance": [1]}, "'provenance' must be an object"), ({"src_lang": 5}, "'src_lang' must be a string"),
]


def write_records(path, *records):
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.mark.parametrize("change, message", WRONG_FIELDS)
@pytest.mark.parametrize("command", [["package", "--format", "tsv"], ["filter", "--dedup", "none", "--keep-unaligned"]])
def test_bitext_fields_of_the_wrong_type_are_format_errors_with_file_and_line(tmp_path, change, message, command):
    write_records(tmp_path / "in.jsonl", GOOD_RECORD, dict(GOOD_RECORD, **change))
    result = aligner(*command, "in.jsonl", "-o", "out.tsv", cwd=tmp_path)
    assert_one_line_error(result, "in.jsonl:2: not a bitext record", message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]  # no output, no .part file


# Short ids: pytest puts the test id in the environment of the subprocesses, and 200 KB is too much.
@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"src": ' * 5000 + "1" + "}" * 5000],
                         ids=["arrays", "objects"])
def test_deeply_nested_json_is_a_format_error(tmp_path, text):
    (tmp_path / "in.jsonl").write_text(text + "\n", encoding="utf-8")
    assert_one_line_error(aligner("package", "in.jsonl", "--format", "tsv", cwd=tmp_path),
                          "in.jsonl:1: not a bitext record (JSON nested too deeply)")


def test_bitext_records_are_checked_by_from_dict():
    from aligner.bitext import BitextLink

    link = BitextLink.from_dict(dict(GOOD_RECORD, link="1-1"))
    assert link.src_ids == (0,) and link.scores == {"length": 0.5}
    assert BitextLink.from_dict(link.to_json() and __import__("json").loads(link.to_json())) == link
    for change, message in WRONG_FIELDS + [({"score": float("nan")}, "not nan"), ({"extra": 1}, "unknown field"),
                                           ({"src_ids": [-1]}, "'src_ids'")]:
        with pytest.raises(ValueError, match=__import__("re").escape(message)):
            BitextLink.from_dict(dict(GOOD_RECORD, **change))
    with pytest.raises(ValueError, match="missing field 'tgt'"):
        BitextLink.from_dict({k: v for k, v in GOOD_RECORD.items() if k != "tgt"})


@pytest.mark.parametrize("row, message", [
    ("a\tb\thigh\t", "'score' must be a finite number"), ("a\tb\tnan\t", "'score' must be a finite number"),
    ("a\tb\t0.5\t[1]", "'other_scores' must be a JSON object"),
    ("a\tb\t0.5\t" + "[" * 100_000, "nested too deeply"),
    ("a\tb\t0.5\t{\"x\": \"y\"}", "'scores.x' must be a finite number"),
], ids=["word", "nan", "array", "deep", "string-score"])
def test_tsv_cells_of_the_wrong_type_are_format_errors(tmp_path, row, message):
    (tmp_path / "in.tsv").write_text("src\ttgt\tscore\tother_scores\n" + row + "\n", encoding="utf-8")
    result = aligner("package", "in.tsv", "--src-lang", "en", "--tgt-lang", "fa", "--format", "tsv", cwd=tmp_path)
    assert_one_line_error(result, "in.tsv:2:", message)


# --- TMX: deep markup, huge segments ---

TMX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" datatype="plaintext" '
            'segtype="sentence" adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/><body>\n')


def tmx_with(src_seg, tgt_seg="سلام"):
    return (TMX_HEAD + f'<tu><tuv xml:lang="en"><seg>{src_seg}</seg></tuv>'
            f'<tuv xml:lang="fa"><seg>{tgt_seg}</seg></tuv></tu>\n</body></tmx>\n')


def test_a_segment_with_hi_nested_1500_deep_is_read_without_recursion(tmp_path):
    (tmp_path / "deep.tmx").write_text(tmx_with("a <hi>" * 1500 + "deep" + "</hi> b" * 1500), encoding="utf-8")
    result = aligner("package", "deep.tmx", "--format", "tsv", "-o", "out.tsv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    row = (tmp_path / "out.tsv").read_text(encoding="utf-8").splitlines()[1].split("\t")
    assert row[0] == "a " * 1500 + "deep" + " b" * 1500 and row[1] == "سلام"


def test_seg_text_keeps_hi_text_and_tails_but_not_native_codes():
    from lxml import etree

    from aligner.formats.tmx import seg_text

    seg = etree.fromstring('<seg>A <hi>b <hi>c</hi> d</hi> e<bpt i="1">&lt;b&gt;</bpt>f<ept i="1">&lt;/b&gt;</ept>.</seg>')
    assert seg_text(seg) == "A b c d ef."


def test_a_tmx_with_a_10_mb_segment_is_packaged_in_bounded_time(tmp_path):
    (tmp_path / "big.tmx").write_text(tmx_with("Hello world, a long sentence. " * 340_000), encoding="utf-8")
    result = aligner("package", "big.tmx", "--format", "tsv", "-o", "out.tsv", cwd=tmp_path, timeout=240)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.tsv").stat().st_size > 10_000_000


# --- Full disk and failing reads ---

def limited_file_size(limit_bytes):
    """preexec_fn: writes past ``limit_bytes`` fail with EFBIG, as on a full disk (no root needed)."""
    import resource
    import signal

    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))
    return apply


# RLIMIT_FSIZE stands in for a full disk without root; segment is tested on a real full disk below
# (py3langid unpacks its model into a temporary file, which the limit would stop first).
@pytest.mark.parametrize("command", [["package", "big.jsonl", "--format", "tmx", "-o", "out/big.tmx"],
                                     ["package", "big.jsonl", "--format", "tsv", "-o", "out/big.tsv"],
                                     ["filter", "big.jsonl", "-o", "out/big.jsonl"]])
def test_a_full_disk_is_a_one_line_error_and_leaves_no_file(tmp_path, command):
    (tmp_path / "big.txt").write_text("Hello world. This is a test.\n" * 3000, encoding="utf-8")
    write_records(tmp_path / "big.jsonl", *[dict(GOOD_RECORD, src_ids=[i], tgt_ids=[i], src=f"Hello {i}.")
                                            for i in range(2000)])
    (tmp_path / "out").mkdir()
    result = subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", *command], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                            preexec_fn=limited_file_size(20_000))
    assert_one_line_error(result, "out/big", "cannot write (File too large)")
    assert list((tmp_path / "out").iterdir()) == []


def test_atomic_write_turns_a_full_disk_into_a_user_error_and_removes_its_temp_file(tmp_path, monkeypatch):
    import errno

    from aligner.errors import AlignerError
    from aligner.formats import atomic

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", no_space)
    with pytest.raises(AlignerError, match="out.txt: cannot write \\(No space left on device\\)"):
        with atomic.atomic_write(tmp_path / "out.txt") as handle:
            handle.write("text\n")
    assert list(tmp_path.iterdir()) == []


def test_a_read_error_mid_file_names_the_file_and_line(tmp_path, monkeypatch):
    import builtins
    import errno

    from aligner import bitext
    from aligner.errors import FormatError

    write_records(tmp_path / "in.jsonl", GOOD_RECORD, GOOD_RECORD, GOOD_RECORD)

    class FailingOnLineTwo:
        def __init__(self, handle):
            self.handle, self.lines = handle, 0

        def readline(self):
            self.lines += 1
            if self.lines == 2:
                raise OSError(errno.EIO, "Input/output error")
            return self.handle.readline()

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    monkeypatch.setattr(bitext, "open", lambda *a, **k: FailingOnLineTwo(builtins.open(*a, **k)), raising=False)
    with pytest.raises(FormatError, match="in.jsonl: cannot read line 2 \\(Input/output error\\)"):
        list(bitext.read_bitext(tmp_path / "in.jsonl"))


def test_segment_onto_a_full_tmpfs_is_a_one_line_error_and_leaves_no_file(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    try:
        (tmp_path / "big.txt").write_text("Hello world. This is a test.\n" * 3000, encoding="utf-8")
        result = aligner("segment", "big.txt", "-o", "full/big.txt", cwd=tmp_path)
        assert_one_line_error(result, "full/big.txt: cannot write (No space left on device)")
        assert list(full.iterdir()) == []
    finally:
        subprocess.run(["umount", str(full)], check=True)


@pytest.fixture
def small_tmpfs(tmp_path):
    """A 48 KiB tmpfs (root: CI runs as root; elsewhere the test is skipped)."""
    from conftest import missing

    mounted = tmp_path / "small"
    mounted.mkdir()
    if os.geteuid() != 0:
        missing("mounting a small tmpfs needs root")
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(mounted)], capture_output=True,
                           text=True)
    if mount.returncode != 0:
        missing(f"cannot mount a tmpfs: {mount.stderr.strip()}")
    try:
        yield mounted
    finally:
        subprocess.run(["umount", str(mounted)], check=True)


def run_into(outdir, articles):
    return aligner("run", "src", "--targets", "tgt", "--from", "fa", "--to", "en", "--method", "length", "-q",
                   "-o", str(outdir), cwd=articles)


def errors_of(result):
    """stderr's lines less the notice that no translation model is installed."""
    return [line for line in result.stderr.splitlines() if "translation model installed" not in line]


@pytest.fixture
def four_articles(tmp_path):
    from conftest import CORPORA

    for side, path in (("src", CORPORA / "fa" / "police-telegram-cooperation.txt"),
                       ("tgt", CORPORA / "parallel" / "fa-en" / "en" / "police-telegram-cooperation.txt")):
        (tmp_path / side).mkdir()
        for number in range(1, 5):
            (tmp_path / side / f"d{number}.txt").write_bytes(path.read_bytes())
    return tmp_path


def test_run_into_a_full_disk_stops_at_once_and_resumes_when_there_is_room(four_articles, small_tmpfs):
    outdir = small_tmpfs / "out"
    full = run_into(outdir, four_articles)
    assert full.returncode == 2, full.stderr
    [error] = errors_of(full)
    assert "cannot write (No space left on device)" in error and "the same command resumes" in error, error
    markers = sorted((outdir / "documents").glob("*.done.json"))
    # 48 KiB hold two of these documents (14 KB of links each): the third meets the full disk
    assert 0 < len(markers) < 4 and not list(small_tmpfs.rglob("*.part"))
    kept = {marker.name: marker.stat().st_mtime_ns for marker in markers}
    subprocess.run(["mount", "-o", "remount,size=4m", str(small_tmpfs)], check=True)
    resumed = run_into(outdir, four_articles)
    assert resumed.returncode == 0 and not errors_of(resumed), resumed.stderr
    assert all(f"d{number}.txt" in resumed.stdout for number in range(1, 5))
    assert resumed.stdout.count("reused") == len(kept)
    assert {name: (outdir / "documents" / name).stat().st_mtime_ns for name in kept} == kept
    assert (outdir / "aligned.tmx").stat().st_size > 0


def test_run_into_a_read_only_folder_is_one_line(four_articles, small_tmpfs):
    subprocess.run(["mount", "-o", "remount,ro", str(small_tmpfs)], check=True)
    refused = run_into(small_tmpfs / "out", four_articles)
    assert refused.returncode == 2, refused.stderr
    # The pairing step is the first to write (pairing.json, into OUTDIR, which cannot be made).
    assert errors_of(refused) == [f"aligner: error: {small_tmpfs / 'out'}: cannot write (Read-only file system)"]


# --- Models: hostile archives, folders, indexes and servers ---

def zip_with_header_fields(path, flag_bits=0, method=None):
    """A one-member zip whose local and central headers claim ``flag_bits`` / compression ``method``."""
    import struct
    import zipfile

    with zipfile.ZipFile(path, "w") as zipped:
        zipped.writestr("model/metadata.json", '{"from_code": "en", "to_code": "fa"}')
    data = bytearray(path.read_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 6] |= flag_bits
    data[central + 8] |= flag_bits
    if method is not None:
        data[local + 8:local + 10] = data[central + 10:central + 12] = struct.pack("<H", method)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("header, message", [({"flag_bits": 1}, "is encrypted"),
                                             ({"method": 99}, "uses compression method 99")])
@pytest.mark.parametrize("command", [["models", "install", "m.argosmodel", "--models-dir", "models"],
                                     ["models", "info", "m.argosmodel"]])
def test_model_archives_that_zipfile_cannot_unpack_are_model_errors(tmp_path, header, message, command):
    zip_with_header_fields(tmp_path / "m.argosmodel", **header)
    env_home = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", "from aligner.cli import main; main()", *command], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                            env={**os.environ, **env_home})
    assert_one_line_error(result, "m.argosmodel", message)
    assert not (tmp_path / "models").exists() or list((tmp_path / "models").iterdir()) == []


def test_a_model_folder_with_a_link_loop_is_refused(tmp_path):
    (tmp_path / "model").mkdir()
    os.symlink("b", tmp_path / "model" / "a")
    os.symlink("a", tmp_path / "model" / "b")
    result = aligner("models", "install", "model", "--models-dir", "models", cwd=tmp_path)
    assert_one_line_error(result, "model: cannot copy the model folder", "Too many levels of symbolic links")
    assert list((tmp_path / "models").iterdir()) == []


def test_an_unusable_models_folder_is_a_model_error(tmp_path):
    zip_with_header_fields(tmp_path / "m.argosmodel")
    (tmp_path / "file").write_text("not a folder\n", encoding="utf-8")
    result = aligner("models", "install", "m.argosmodel", "--models-dir", "file/models", cwd=tmp_path)
    assert_one_line_error(result, "file/models: cannot write to the models folder")


@pytest.mark.parametrize("index, message", [
    ('[{"from_code": "en", "to_code": "fa", "links": "http://127.0.0.1:1/x.argosmodel"}]',
     "package 1: 'links' must be a list of URLs"),
    ('[{"from_code": "en", "to_code": 7, "links": ["http://127.0.0.1:1/x"]}]', "'to_code' must be a string"),
    ("[" * 100_000, "not a package index"),
], ids=["links-string", "code-number", "deep"])
def test_a_malformed_package_index_is_a_model_error(tmp_path, index, message):
    (tmp_path / "index.json").write_text(index, encoding="utf-8")
    result = aligner("models", "available", "--index-url", (tmp_path / "index.json").as_uri(), cwd=tmp_path)
    assert_one_line_error(result, "index.json", message)


@pytest.mark.parametrize("command", [["models", "available"], ["models", "install", "fa-en", "--models-dir", "m"]])
def test_an_index_url_that_is_not_a_url_is_a_model_error(tmp_path, command):
    result = aligner(*command, "--index-url", "notaurl", cwd=tmp_path)
    assert_one_line_error(result, "notaurl: cannot fetch the package index (not a URL")


@pytest.mark.parametrize("limits, pattern", [
    (["--download-timeout", "2"], "x.argosmodel: download took longer than 2 s"),
    (["--min-rate", "100", "--min-rate-time", "1"], "x.argosmodel: download slower than 100 bytes/s for"),
])
def test_a_download_that_trickles_forever_ends_at_its_deadline_or_rate_floor(tmp_path, limits, pattern):
    import http.server
    import threading
    import time

    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "1000000")
            self.end_headers()
            try:
                for _ in range(120):  # one byte every half second: never a per-read timeout
                    self.wfile.write(b"P")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass  # the client gave up

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/x.argosmodel"
        started = time.monotonic()
        result = aligner("models", "install", url, "--models-dir", "models", *limits, cwd=tmp_path, timeout=60)
        assert time.monotonic() - started < 30
        assert_one_line_error(result, pattern)
        assert list((tmp_path / "models").iterdir()) == []
    finally:
        server.shutdown()
        server.server_close()


# --- Fuzz: generated hostile inputs through every command ---

def hostile_inputs():
    """name -> bytes: generated inputs no command may crash on (bounded in size, seeded)."""
    import json
    import random

    record = dict(GOOD_RECORD)
    tmx_deep = tmx_with("<hi>" * 3000 + "x" + "</hi>" * 3000).encode()
    entity_bomb = ('<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "aaaaaaaaaa">'
                   + "".join(f'<!ENTITY {c} "{("&" + p + ";") * 10}">' for p, c in zip("abcdefgh", "bcdefghi"))
                   + ']>' + tmx_with("&i;")[tmx_with("").index("<tmx"):]).encode()
    return {
        "binary": bytes(range(256)) * 40,
        "empty": b"",
        "nul": b"Hello\x00world. Second sentence.\n" * 20,
        "cp1256": "مرحبا بالعالم. هذا اختبار.\n".encode("cp1256") * 20,
        "utf16": "Hello world. A test.\n".encode("utf-16"),
        "huge-line": b"word " * 200_000,  # 1 MB, no line break
        "random": random.Random(15).randbytes(20_000),
        "deep-json": b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "wrong-types": "".join(json.dumps(dict(record, **change)) + "\n" for change, _ in WRONG_FIELDS).encode(),
        "surrogate": b'{"src": "\\ud800"}\n',
        "lone-cr": b"Hello world.\rSecond line.\r" * 50,
        "deep-tmx": tmx_deep,
        "entity-bomb": entity_bomb,
        "tsv-odd": b"src\ttgt\tscore\n\\x\ty\t1e999\n",
    }


ODD_NAMES = ["plain", "sp ace", "new\nline", "-dash", "\u200cزwnj\u202e", "bad\udcff"]  # \udcff: byte 0xff


def fuzz_commands(name):
    """(command, output file or None) for one input ``name`` (with .txt/.jsonl/.tsv/.tmx copies)."""
    return [
        (["segment", f"./{name}.txt", "-o", "out/seg.txt"], "out/seg.txt"),
        (["align", f"./{name}.txt", f"./{name}.txt", "--method", "length", "-o", "out/al.jsonl"], "out/al.jsonl"),
        (["package", f"./{name}.jsonl", f"./{name}.tsv", f"./{name}.tmx", "--src-lang", "en", "--tgt-lang", "fa",
          "--format", "tsv", "-o", "out/p.tsv"], "out/p.tsv"),
        (["package", f"./{name}.tmx", "-o", "out/p.tmx"], "out/p.tmx"),
        (["filter", f"./{name}.jsonl", "--dedup", "none", "--keep-unaligned", "-o", "out/f.jsonl"], "out/f.jsonl"),
        (["score", f"./{name}.jsonl", "-o", "out/s.jsonl"], "out/s.jsonl"),
        (["bench", "align", "--gold", f"./{name}.txt", "--pred", f"./{name}.txt"], None),
        (["bench", "translate", "--hyp", f"./{name}.txt", "--ref", f"./{name}.txt", "--tgt-lang", "en"], None),
    ]


def run_fuzz_case(folder, command, output):
    try:
        result = aligner(*command, cwd=folder, timeout=120)
    except subprocess.TimeoutExpired:
        return [f"{command} on {folder.name}: still running after 120 s"]
    problems = []
    stderr_lines = result.stderr.strip().splitlines()
    if result.returncode not in (0, 2, 3):
        problems.append(f"exit code {result.returncode}")
    if "Traceback" in result.stderr or "internal error" in result.stderr:
        problems.append("traceback or internal error")
    if len(stderr_lines) > 3:
        problems.append(f"{len(stderr_lines)} stderr lines")
    if result.returncode == 2 and output and (folder / output).exists():
        problems.append("an output file after an error")
    return [f"{command} on {folder.name}: {problem}: {result.stderr[-300:]!r}" for problem in problems]


def test_fuzz_hostile_inputs_through_every_command(tmp_path):
    """Every command on every generated input: exit 0, 2 or 3, no traceback, at most three lines
    on stderr, no output file after an error, no .part file, within the timeout (each command in
    turn, two at a time; about a minute)."""
    from concurrent.futures import ThreadPoolExecutor

    cases = []
    for number, (kind, data) in enumerate(hostile_inputs().items()):
        folder = tmp_path / kind
        (folder / "out").mkdir(parents=True)
        name = ODD_NAMES[number % len(ODD_NAMES)]
        for suffix in (".txt", ".jsonl", ".tsv", ".tmx"):
            with open(os.path.join(os.fsencode(folder), os.fsencode(name + suffix)), "wb") as handle:
                handle.write(data)
        cases += [(folder, command, output) for command, output in fuzz_commands(name)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        problems = [p for found in pool.map(lambda case: run_fuzz_case(*case), cases) for p in found]
    # Checked once all are done: a command still running has its .part file, rightly.
    problems += [f"{path.relative_to(tmp_path)}: a .part file left" for path in tmp_path.rglob("*.part")]
    assert not problems, "\n".join(problems)


def test_documents_of_very_unequal_length_are_not_aligned_and_nothing_is_encoded(tmp_path):
    from aligner.align.core import UNEQUAL_EXCESS, align_sentences, too_unequal

    class NoEncoding:
        model_id = "none"

        def encode(self, texts):
            raise AssertionError("nothing should be encoded")

    lines = [f"Line {k} here." for k in range(UNEQUAL_EXCESS + 5)]
    assert too_unequal(len(lines), 2) and not too_unequal(100, 90) and not too_unequal(30, 1)
    links = align_sentences(lines, ["One.", "Two."], "en", "en", embedder=NoEncoding())
    assert len(links) == len(lines) + 2 and all(not link.src_ids or not link.tgt_ids for link in links)
    (tmp_path / "long.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "short.txt").write_text("One sentence here. And a second one.\n", encoding="utf-8")
    result = aligner("align", "long.txt", "short.txt", "--src-lang", "en", "--tgt-lang", "en", "-o", "out.jsonl",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "too unequal for a document and its translation" in result.stderr
    assert len(list(read_bitext(tmp_path / "out.jsonl"))) == len(lines) + 2
