"""`aligner segment`: outputs, inputs, and one-line errors with exit code 2 for bad input."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import main

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO / "corpora"


def run(*args, input=None):
    return CliRunner().invoke(main, ["segment", *args], input=input)


def assert_one_line_error(result, pattern):
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error: "), result.stderr
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_txt_output_one_sentence_per_line_blank_line_between_paragraphs(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Telegram is down\nUsers complained. It came back.\n\nDr. Smith agreed.", encoding="utf-8")
    result = run(str(path), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Telegram is down\nUsers complained.\nIt came back.\n\nDr. Smith agreed.\n"


def test_jsonl_offsets_index_the_input(tmp_path):
    text = "\ufeffمی‌خواهم بروم. او گفت: «چرا؟» سپس رفت.\r\n\r\nكتاب ۳٫۵ تومان است."
    path = tmp_path / "fa.txt"
    path.write_bytes(text.encode("utf-8"))
    result = run(str(path), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    decoded = text.lstrip("\ufeff")
    assert [r["text"] for r in records] == ["می‌خواهم بروم.", "او گفت: «چرا؟»", "سپس رفت.", "كتاب ۳٫۵ تومان است."]
    assert all(decoded[r["start"]:r["end"]] == r["text"] for r in records)
    assert [r["paragraph"] for r in records] == [0, 0, 0, 1]
    assert {r["lang"] for r in records} == {"fa"} and {r["doc"] for r in records} == {"fa.txt"}


def test_readme_command_segments_the_seed_articles_as_the_gold(tmp_path):
    """README: `aligner segment corpora/ --format jsonl -o sentences.jsonl` (languages identified)."""
    out = tmp_path / "sentences.jsonl"
    result = run(str(CORPORA), "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_doc = {}
    for record in records:
        by_doc.setdefault(record["doc"], []).append(record)
    for gold in sorted((CORPORA / "gold").glob("*/*.txt")):
        doc_id = f"{gold.parent.name}/{gold.name}"
        assert {r["lang"] for r in by_doc[doc_id]} == {gold.parent.name}
        want = [line for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        got = [r["text"] for r in by_doc[doc_id]]
        if gold.name == "ministry-telegram-no-talks.txt":
            # The one boundary with no punctuation at all (web boilerplate) stays joined.
            i = want.index("نشانی ایمیل شما منتشر نخواهد شد")
            want[i:i + 2] = [" ".join(want[i:i + 2])]
        assert got == want, doc_id


def test_folder_include_and_output_file(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "b.md").write_text("Second file. Two sentences.", encoding="utf-8")
    (tmp_path / "in" / "a.txt").write_text("First file.", encoding="utf-8")
    out = tmp_path / "out.txt"
    result = run(str(tmp_path / "in"), "--include", "*.md", "--include", "*.txt", "--lang", "en", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "First file.\n\nSecond file.\nTwo sentences.\n"


def test_stdin():
    result = run("-", "--lang", "ar", input="مرحبا. كيف حالك؟ بخير".encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "مرحبا.\nكيف حالك؟\nبخير\n"


def test_forced_cp1256(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("گزارش پليس. اين متن فارسي است.".encode("cp1256"))
    result = run(str(path), "--encoding", "cp1256", "--lang", "fa")
    assert result.exit_code == 0, result.output
    assert result.stdout == "گزارش پليس.\nاين متن فارسي است.\n"


@pytest.mark.parametrize("content, args, pattern", [
    (b"\x00\x01binary\x00" * 50, [], r"bad\.txt: binary file"),
    ("Café déjà vu. Très bien.".encode("latin-1"), [], r"bad\.txt: not UTF-8 .*Latin-1"),
    ("گزارش پليس. اين متن فارسي است.".encode("cp1256"), [], r"bad\.txt: not UTF-8 .*--encoding cp1256"),
    (b"", [], r"bad\.txt: empty file"),
    (b"\xff\xfe\x00", [], r"bad\.txt: starts with a UTF-16 byte order mark but is not valid UTF-16"),
    ("Telegram refused to cooperate with the police.".encode(), ["--lang", "fa"],
     r"bad\.txt: text is 'en' but --lang says 'fa'"),
    ("Der Bundestag hat heute ein neues Gesetz über die Energiepolitik beschlossen.".encode(), [],
     r"bad\.txt: looks like 'de'"),
    ("Hello.".encode(), ["--encoding", "klingon"], r"unknown encoding 'klingon'"),
    ("Hello.".encode(), ["--segmenter", "stanza", "--lang", "en"], r"the stanza segmenter needs --stanza-dir"),
], ids=["binary", "latin1", "cp1256", "empty", "bad-utf16", "wrong-lang", "german", "bad-encoding", "no-stanza-dir"])
def test_bad_input_one_line_exit_2(tmp_path, monkeypatch, content, args, pattern):
    monkeypatch.delenv("ALIGNER_STANZA_DIR", raising=False)
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert_one_line_error(run(str(path), *args), pattern)


def test_missing_file_one_line_exit_2():
    assert_one_line_error(run("/nonexistent/x.txt"), r"/nonexistent/x\.txt: no such file or folder")


def test_real_process_prints_no_traceback(tmp_path):
    """A real process, not just click's test runner, exits 2 with one line (this checkout's code)."""
    path = tmp_path / "bin.txt"
    path.write_bytes(b"\x00" * 100)
    command = [sys.executable, "-c", "from aligner.cli import main; main()", "segment", str(path)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "binary file" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
