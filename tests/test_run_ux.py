"""Batch commands as a user meets them: progress on stderr (a bar on a terminal, status lines in
a log, nothing with --quiet), interrupts (Ctrl-C and SIGTERM: exit 130, one line, nothing half
written), and `aligner run`'s output folder (never read as input, never silently replaced)."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import shlex
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.cli import main
from aligner.pipeline.driver import run
from aligner.pipeline.job import JobOptions

from conftest import CORPORA, REPO_ROOT
from model_fixtures import test_models  # noqa: F401 (fixture)

FA_ARTICLE = CORPORA / "fa" / "police-telegram-cooperation.txt"
EN_ARTICLE = CORPORA / "parallel" / "fa-en" / "en" / "police-telegram-cooperation.txt"
CLI = [sys.executable, "-c", "from aligner.cli import main; main()"]


def environment(**extra: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), **extra)
    env.pop("COLUMNS", None)
    return env


@pytest.fixture
def articles(tmp_path):
    """Folders of Persian sources (one without a translation, first) and their English targets."""
    sources, targets = tmp_path / "fa", tmp_path / "en"
    sources.mkdir()
    targets.mkdir()
    shutil.copy(CORPORA / "fa" / "ministry-telegram-no-talks.txt", sources / "a-untranslated.txt")
    for k in range(1, 5):
        shutil.copy(FA_ARTICLE, sources / f"b{k}.txt")
        shutil.copy(EN_ARTICLE, targets / f"b{k}.txt")
    return sources, targets


def run_on_terminal(args, cwd) -> tuple:
    """Run the CLI with stderr on a pseudo-terminal and stdout on a pipe: (exit code, stdout, terminal)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    process = subprocess.Popen(CLI + args, stdout=subprocess.PIPE, stderr=slave, cwd=cwd, env=environment())
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the terminal's other end closed: the command has ended
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    os.close(master)
    stdout = process.stdout.read().decode()
    return process.wait(), stdout, seen.decode(errors="replace")


def test_run_draws_a_bar_on_a_terminal_and_keeps_stdout_for_results(tmp_path, articles):
    sources, _ = articles
    code, stdout, terminal = run_on_terminal(["run", str(sources), "--from", "fa", "--to", "en", "--method", "length",
                                              "-o", str(tmp_path / "out")], tmp_path)
    assert code == 0, terminal
    assert re.search(r"documents: +\d+%\|", terminal) and "/5" in terminal and "\r" in terminal
    assert stdout.startswith("document ") and "%|" not in stdout and "doc/s" not in stdout


def test_align_over_folders_draws_a_bar_on_a_terminal(tmp_path, articles):
    sources, targets = articles
    (sources / "a-untranslated.txt").unlink()
    code, stdout, terminal = run_on_terminal(["align", str(sources), str(targets), "--src-lang", "fa",
                                              "--tgt-lang", "en", "--method", "length", "-o", "bitext.jsonl"],
                                             tmp_path)
    assert code == 0, terminal
    assert re.search(r"aligning: +\d+%\|", terminal) and "/4" in terminal
    assert stdout == "" and (tmp_path / "bitext.jsonl").read_text(encoding="utf-8").startswith("{")


def cli_in_a_log(args, interval="0"):
    """Run the CLI with stderr captured (not a terminal), status lines at every step."""
    return subprocess.run(CLI + args, capture_output=True, text=True, env=environment(ALIGNER_PROGRESS_INTERVAL=interval))


def test_in_a_log_every_long_command_writes_status_lines_and_quiet_silences_them(tmp_path, articles):
    sources, targets = articles
    out = tmp_path / "out"
    bitext = tmp_path / "bitext.jsonl"
    commands = {
        "documents": ["run", str(sources), "--targets", str(targets), "--from", "fa", "--to", "en",
                      "--method", "length", "-o", str(out)],
        "aligning": ["align", str(sources / "b1.txt"), str(targets / "b1.txt"), "--src-lang", "fa",
                     "--tgt-lang", "en", "--method", "length", "-o", str(bitext)],
        "filtering": ["filter", str(bitext), "-o", str(tmp_path / "filtered.jsonl"), "--min-score", "0"],
    }
    logs = {}
    for name, args in commands.items():
        result = logs[name] = cli_in_a_log(args)
        assert result.returncode == 0, result.stderr
        assert re.search(rf"^aligner: {name}: \d+", result.stderr, flags=re.MULTILINE), result.stderr
        assert "\r" not in result.stderr and name + ":" not in result.stdout
        quiet = cli_in_a_log(args + ["--quiet"] + (["--force"] if name == "documents" else []))
        assert quiet.returncode == 0, quiet.stderr
        assert f"{name}:" not in quiet.stderr
    status = re.search(r"^aligner: documents: 5/5 doc, (\d+) pairs, .*doc/s", logs["documents"].stderr,
                       flags=re.MULTILINE)
    assert status and int(status.group(1)) > 0


def test_translate_writes_status_lines_in_a_log(tmp_path, test_models):  # noqa: F811
    result = cli_in_a_log(["translate", str(FA_ARTICLE), "--from", "fa", "--to", "en", "--model",
                           str(test_models["argos_fa_en"]), "-o", str(tmp_path / "en.txt")])
    assert result.returncode == 0, result.stderr
    assert re.search(r"^aligner: translating: \d+ sent", result.stderr, flags=re.MULTILINE), result.stderr
    assert "translating" not in cli_in_a_log(["translate", str(FA_ARTICLE), "--from", "fa", "--to", "en", "--model",
                                              str(test_models["argos_fa_en"]), "-q"]).stderr


def wait_for_a_finished_document(process, documents: Path) -> None:
    """Until the run has stored its first document (or has ended, which the caller's asserts show)."""
    while process.poll() is None and not any(documents.glob("*.done.json")):
        time.sleep(0.02)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_run_keeps_its_documents_and_prints_how_to_resume(tmp_path, articles, signum):
    sources, targets = articles
    out = tmp_path / "out"
    process = subprocess.Popen(CLI + ["run", str(sources), "--targets", str(targets), "--from", "fa", "--to", "en",
                                      "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=environment(), cwd=tmp_path)
    wait_for_a_finished_document(process, out / "documents")
    process.send_signal(signum)
    stdout, stderr = process.communicate()
    assert process.returncode == 130, stderr
    assert stdout == ""  # no success summary
    last = stderr.strip().splitlines()[-1]
    match = re.fullmatch(r"aligner: error: interrupted: (\d) of 5 document\(s\) finished and kept in (.+); "
                         r"resume with: (aligner run .*)", last)
    assert match, stderr
    assert "Traceback" not in stderr
    kept = int(match.group(1))
    assert kept == len(list((out / "documents").glob("*.done.json"))) >= 1
    assert not list(out.rglob("*.part"))
    if signum == signal.SIGTERM:
        resumed = subprocess.run(CLI + shlex.split(match.group(3))[1:], capture_output=True, text=True,
                                 env=environment(), cwd=tmp_path)
        assert resumed.returncode == 0, resumed.stderr
        assert len(re.findall(r"\sreused$", resumed.stdout, flags=re.MULTILINE)) == kept


def test_sigterm_while_writing_an_output_file_leaves_no_temporary_file(tmp_path, articles):
    sources, targets = articles
    (sources / "a-untranslated.txt").unlink()
    output = tmp_path / "bitext.jsonl"
    process = subprocess.Popen(CLI + ["align", str(sources), str(targets), "--src-lang", "fa", "--tgt-lang", "en",
                                      "-o", str(output)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=environment(ALIGNER_PROGRESS_INTERVAL="0"))
    # The output's temporary file is open once the first pair has been aligned (a status line).
    for line in process.stderr:
        if line.startswith("aligner: aligning: 1/"):
            break
    assert list(tmp_path.glob(".bitext.jsonl.*.part")), "the temporary output should exist mid-run"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate()
    assert process.returncode == 130
    assert stderr.strip().splitlines()[-1] == "aligner: error: interrupted"
    assert not list(tmp_path.glob("*.part")) and not output.exists()


def test_an_output_folder_inside_the_input_folder_is_not_read_as_input(tmp_path, articles):
    sources, _ = articles
    options = JobOptions("fa", "en", method="length")
    first = run([str(sources)], sources / "out", options, include=["*"], progress=False)
    again = run([str(sources)], sources / "out", options, include=["*"], progress=False)
    names = ["a-untranslated.txt", "b1.txt", "b2.txt", "b3.txt", "b4.txt"]
    assert [outcome.job.source.doc_id for outcome in first.results] == names
    assert [outcome.job.source.doc_id for outcome in again.results] == names
    assert all(outcome.reused for outcome in again.results)


def test_an_output_folder_of_another_configuration_is_refused_without_force(tmp_path):
    out = tmp_path / "out"
    args = ["run", str(FA_ARTICLE), "--from", "fa", "--to", "en", "--method", "length", "-o", str(out), "-q"]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert CliRunner().invoke(main, args).exit_code == 0  # the same configuration resumes
    # read after the resume: it rewrites the TMX, whose header dates it to the second
    tmx = (out / "aligned.tmx").read_bytes()
    refused = CliRunner().invoke(main, args + ["--max-link", "3"])
    assert refused.exit_code == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "--force" in refused.stderr
    assert (out / "aligned.tmx").read_bytes() == tmx
    assert CliRunner().invoke(main, args + ["--max-link", "3", "--force"]).exit_code == 0
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["options"] != ""


def test_an_output_folder_from_an_unknown_run_is_refused_without_force(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "aligned.tmx").write_text("<tmx/>", encoding="utf-8")
    args = ["run", str(FA_ARTICLE), "--from", "fa", "--to", "en", "--method", "length", "-o", str(out), "-q"]
    refused = CliRunner().invoke(main, args)
    assert refused.exit_code == 2 and "aligned.tmx" in refused.stderr and "--force" in refused.stderr
    assert (out / "aligned.tmx").read_text(encoding="utf-8") == "<tmx/>"
    assert CliRunner().invoke(main, args + ["--force"]).exit_code == 0


def test_run_finds_the_translation_model_in_models_dir(tmp_path, test_models):  # noqa: F811
    models = tmp_path / "models"
    installed = CliRunner().invoke(main, ["models", "install", str(test_models["argos_fa_en"]),
                                          "--models-dir", str(models)])
    assert installed.exit_code == 0, installed.output
    args = ["run", str(FA_ARTICLE), "--from", "fa", "--to", "en", "--method", "length", "-q"]
    without = CliRunner().invoke(main, args + ["-o", str(tmp_path / "a")])
    assert "no fa->en translation model installed" in without.stderr
    found = CliRunner().invoke(main, args + ["-o", str(tmp_path / "b"), "--models-dir", str(models)])
    assert found.exit_code == 0, found.output
    assert "translation model installed" not in found.stderr
    assert "(machine translation)" in found.stdout


def test_help_lists_the_exit_codes():
    text = " ".join(CliRunner().invoke(main, ["--help"]).output.split())
    assert "Exit codes: 0 done; 2 bad input or usage" in text and "3 a batch" in text and "130 interrupted" in text
