"""Bad input on the real command line: exactly one `aligner: error:` line on stderr, exit code 2,
no traceback, and no partial output file; plus the pipe and stdin behaviour a shell user relies on.

Every case runs the installed `aligner` entry point in a subprocess from a scratch folder, as a
user would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from model_fixtures import test_models  # noqa: F401  (session fixture)

FA = "می‌خواهم به خانه بروم. او گفت: «نه!»\nامروز هوا خوب است. ما به پارک رفتیم.\n"
EN = "I want to go home. He said: 'No!'\nThe weather is good today. We went to the park.\n"


def _write_inputs(root: Path) -> None:
    (root / "folder").mkdir()
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (root / "latin1.txt").write_bytes("Café déjà vu. Straße über alles.\n".encode("latin-1"))
    (root / "cp1256.txt").write_bytes("السلام عليكم. كيف حالك؟\n".encode("cp1256"))
    (root / "empty.txt").write_bytes(b"")
    (root / "blank.txt").write_text("  \n\n\t \n", encoding="utf-8")
    (root / "fa.txt").write_text(FA, encoding="utf-8")
    (root / "en.txt").write_text(EN, encoding="utf-8")
    (root / "random.argosmodel").write_bytes(os.urandom(4096))
    with zipfile.ZipFile(root / "evil.argosmodel", "w") as archive:
        archive.writestr("../evil", "x")
        archive.writestr("pkg/metadata.json", "{}")
    with zipfile.ZipFile(root / "junk.argosmodel", "w") as archive:
        archive.writestr("pkg/readme.txt", "not a model")
    (root / "bad.jsonl").write_text('{"src": "a", "tgt": "b"}\n{not json\n', encoding="utf-8")
    (root / "bad.tmx").write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="fa"/>'
                                  '<body><tu><tuv xml:lang="fa"><seg>سلام', encoding="utf-8")
    (root / "bad.tsv").write_text("foo\tbar\nسلام\thello\n", encoding="utf-8")
    (root / "bad.gold").write_text("[0]:[0]\nnonsense line\n", encoding="utf-8")
    (root / "good.gold").write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    (root / "three.txt").write_text("a\nb\nc\n", encoding="utf-8")
    (root / "two.txt").write_text("a\nb\n", encoding="utf-8")


@pytest.fixture
def workdir(tmp_path, test_models):  # noqa: F811
    _write_inputs(tmp_path)
    (tmp_path / "fa-en.argosmodel").write_bytes(test_models["argos_fa_en"].read_bytes())
    return tmp_path


# The console script a user runs, or the same entry point when the scripts folder is not on PATH.
ALIGNER = ([shutil.which("aligner")] if shutil.which("aligner") else
           [sys.executable, "-c", "from aligner.cli import main; main(prog_name='aligner')"])


def aligner(args, cwd, **kwargs):
    return subprocess.run([*ALIGNER, *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, **kwargs)


# (arguments, regular expression the one error line must match after "aligner: error: ")
BAD_INPUT = [
    # Input files that are not text, or not text in the stated language.
    ("segment binary.txt", r"binary\.txt: binary file"),
    ("segment latin1.txt", r"latin1\.txt: not UTF-8 .*--encoding latin-1"),
    ("segment cp1256.txt", r"cp1256\.txt: not UTF-8 .*--encoding cp1256"),
    ("segment empty.txt", r"empty\.txt: empty file"),
    ("segment blank.txt", r"blank\.txt: empty file"),
    ("segment folder", r"folder: folder holds no file"),
    ("segment missing.txt", r"missing\.txt: no such file"),
    ("segment fa.txt --lang en", r"fa\.txt: text is 'fa' but --lang says 'en'"),
    ("translate en.txt --from fa --to en --model fa-en.argosmodel", r"en\.txt: text is 'en' but --from says 'fa'"),
    ("translate binary.txt --from fa --to en --model fa-en.argosmodel", r"binary\.txt: binary file"),
    ("translate fa.txt --from fa --to en --model random.argosmodel", r"random\.argosmodel: .*corrupt"),
    ("translate fa.txt --from fa --to en --model evil.argosmodel", r"evil\.argosmodel: unsafe path '\.\./evil'"),
    ("translate fa.txt --from fa --to en --model junk.argosmodel", r"junk\.argosmodel: unknown model layout"),
    ("models install random.argosmodel", r"random\.argosmodel: corrupt or truncated archive"),
    ("models install evil.argosmodel", r"evil\.argosmodel: unsafe path"),
    ("models install folder", r"folder: unknown model layout"),
    ("run fa.txt --from ar --to en -o out", r"fa\.txt: text is 'fa' but --from says 'ar'"),
    ("run fa.txt --targets en.txt --from fa --to en -o out", r"Invalid value for '--targets'.*aligner run --help"),
    ("run fa.txt --from fa --to en -o fa.txt", r"Directory 'fa\.txt' is a file.*aligner run --help"),
    ("run latin1.txt --from fa --to en -o out", r"latin1\.txt: not UTF-8"),
    ("align fa.txt en.txt --src-lang en --tgt-lang en", r"fa\.txt: text is 'fa' but --src-lang says 'en'"),
    ("align fa.txt en.txt --src-lang fa --tgt-lang fa", r"en\.txt: text is 'en' but --tgt-lang says 'fa'"),
    ("align missing folder --src-lang fa --tgt-lang en", r"missing: no such file or folder"),
    ("align fa.txt empty.txt --src-lang fa --tgt-lang en", r"empty\.txt: empty file"),
    ("align fa.txt en.txt --src-lang fa --tgt-lang en --translation three.txt", r"three\.txt: 3 lines"),
    # Bitext, TMX and TSV inputs.
    ("score bad.jsonl", r"bad\.jsonl:1: not a bitext record"),
    ("score bad.tmx", r"bad\.tmx:2: not well-formed TMX"),
    ("score bad.tsv", r"bad\.tsv:1: no header row"),
    ("score binary.txt", r"binary\.txt: not UTF-8"),
    ("score latin1.txt", r"latin1\.txt: not UTF-8"),
    ("score empty.txt", r"empty\.txt: empty file"),
    ("filter blank.txt --min-score 0.5", r"blank\.txt: empty file"),
    ("filter bad.tsv", r"bad\.tsv:1: no header row"),
    ("package empty.txt", r"empty\.txt: empty file"),
    ("package binary.txt --format tsv", r"binary\.txt: not UTF-8"),
    ("package folder", r"folder: cannot read"),
    # Benchmarks.
    ("bench align --gold bad.gold --pred good.gold", r"bad\.gold:2: not a Vecalign alignment line"),
    ("bench align --gold good.gold --pred empty.txt", r"empty\.txt: empty file"),
    ("bench align --gold good.gold --pred binary.txt", r"binary\.txt: binary file"),
    ("bench align --gold folder --pred good.gold", r"'--gold': File 'folder' is a directory"),
    ("bench translate --hyp three.txt --ref two.txt", r"three\.txt has 3 lines but two\.txt has 2"),
    ("bench translate --hyp folder --ref two.txt", r"'--hyp': File 'folder' is a directory"),
    ("bench translate --hyp two.txt --testset nosuch -l en-fa", r"unknown test set 'nosuch'"),
    ("bench translate --hyp two.txt", r"give exactly one of --ref"),
    # Usage errors are one line too.
    ("segment fa.txt --lang xx", r"Invalid value for '--lang'.*aligner segment --help"),
    ("run", r"Missing argument 'INPUT\.\.\.'"),
    ("nosuch", r"No such command 'nosuch'"),
]


@pytest.mark.parametrize("args,message", BAD_INPUT, ids=[case[0] for case in BAD_INPUT])
def test_bad_input_gives_one_error_line_and_exit_2(workdir, args, message):
    result = aligner(args.split(), workdir)
    lines = result.stderr.splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("aligner: error: ")
    assert re.search(message, lines[0]), lines[0]
    assert "Traceback" not in result.stderr


# A failing command must leave nothing at its -o path.
FAILING_WITH_OUTPUT = [
    "package bad.jsonl -o result.tmx",
    "score bad.tmx -o result.jsonl",
    "filter bad.tsv -o result.jsonl",
    "align fa.txt empty.txt --src-lang fa --tgt-lang en -o result.jsonl",
    "segment fa.txt binary.txt --fail-fast -o result.txt",
    "segment binary.txt empty.txt -o result.txt",
    "bench translate --hyp three.txt --ref two.txt -o result.txt",
]


@pytest.mark.parametrize("args", FAILING_WITH_OUTPUT)
def test_failed_command_leaves_no_output_file(workdir, args):
    result = aligner(args.split(), workdir)
    assert result.returncode == 2
    assert sorted(p.name for p in workdir.iterdir() if p.name.startswith(("result", ".result"))) == []


def test_a_batch_keeps_going_past_bad_inputs_and_lists_them(workdir):
    """Every input is checked first: the good ones are processed, all problems listed, exit 3."""
    result = aligner(["segment", "binary.txt", "fa.txt", "empty.txt", "-o", "result.txt"], workdir)
    assert result.returncode == 3
    lines = result.stderr.splitlines()
    assert [line.split(":")[3].strip() for line in lines[:2]] == ["binary.txt", "empty.txt"]
    assert all(line.startswith("aligner: warning: left out: ") for line in lines[:2])
    assert lines[2] == "aligner: error: 2 of 3 input(s) could not be processed (listed above); the others were"
    assert (workdir / "result.txt").read_text(encoding="utf-8").startswith("می‌خواهم")


def test_output_into_missing_folder_is_created(workdir):
    result = aligner(["segment", "fa.txt", "-o", "new/sub/out.txt"], workdir)
    assert result.returncode == 0, result.stderr
    assert (workdir / "new" / "sub" / "out.txt").read_text(encoding="utf-8").startswith("می‌خواهم")


def test_output_under_a_file_fails_in_one_line(workdir):
    result = aligner(["segment", "fa.txt", "-o", "fa.txt/out.txt"], workdir)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("aligner: error: fa.txt/out.txt")


def test_stdin_keeps_zwnj_bytes(workdir):
    text = "می‌خواهم به خانه بروم. او گفت: «نه!»\n"
    result = subprocess.run([*ALIGNER, "segment", "-", "--lang", "fa"], cwd=workdir,
                            input=text.encode("utf-8"), capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8").splitlines() == ["می‌خواهم به خانه بروم.", "او گفت: «نه!»"]
    assert result.stdout.count("\u200c".encode("utf-8")) == 1


def test_closed_pipe_is_not_an_error(workdir):
    # Far more output than a pipe buffer holds, so the writer really meets a closed pipe.
    (workdir / "long.txt").write_text(FA * 3000, encoding="utf-8")
    process = subprocess.Popen([*ALIGNER, "segment", "long.txt"], cwd=workdir,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=60) == 0, stderr
    assert first.decode("utf-8") == "می‌خواهم به خانه بروم.\n"
    assert stderr == ""


def test_lang_forces_an_unsupported_language_as_the_error_advises(workdir):
    (workdir / "de.txt").write_text("Der Bundestag hat heute ein neues Gesetz beschlossen. Das ist gut.\n",
                                    encoding="utf-8")
    refused = aligner(["segment", "de.txt"], workdir)
    assert refused.returncode == 2 and "pass --lang to force" in refused.stderr
    forced = aligner(["segment", "de.txt", "--lang", "en"], workdir)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.splitlines() == ["Der Bundestag hat heute ein neues Gesetz beschlossen.", "Das ist gut."]


def test_group_without_subcommand_still_shows_help(workdir):
    result = aligner(["bench"], workdir)
    assert "Commands:" in result.stdout + result.stderr
    assert "aligner: error" not in result.stderr
