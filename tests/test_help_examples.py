"""Every example of every `--help` page runs, as shown, on the sample corpus.

The examples are read from the help pages themselves (every command and group of the click
tree), so a help page cannot show a command that does not work. They run through `bash` in one
working folder laid out like the repository: `corpora/` (the repository's), `../shared` (the
shared data) and the files the examples name that no earlier example writes, which a user
would have downloaded or converted: an Argos package file, converted OPUS-MT and NLLB-200
folders (the project's tiny lookup models, scripts/make_test_models.py) and a system's output
for FLORES-200. `aligner models available` and `aligner models install fa-en` read an Argos-format
package index served on 127.0.0.1 (ALIGNER_MODEL_INDEX).

RUN_ORDER lists every example once, in an order where each one finds what earlier ones made;
a help page that gains an example RUN_ORDER does not know fails
test_run_order_lists_every_help_example.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import click
import pytest
from click.testing import CliRunner

from aligner.cli import main
from model_fixtures import make_test_models, test_models  # noqa: F401  (session fixture)

REPO_ROOT = Path(__file__).resolve().parent.parent

# Every help example, in the order they run. The first `aligner run` comes before any model is
# installed (a fresh machine: the article without a translation is reported unaligned); then
# the models go in, and the other stages run on what the earlier examples wrote; the en->ar
# model is removed last. (Long lines are split here; the help shows each on one line.)
RUN_ORDER = [
    "aligner segment corpora/fa/police-telegram-cooperation.txt",
    "aligner segment corpora/fa corpora/en --format jsonl -o sentences.jsonl",
    "cat corpora/ar/durov-case-paris-prosecutor.txt | aligner segment - --lang ar",
    "aligner segment corpora/fa --format jsonl --keep-text extracted/ -o fa.jsonl",
    "aligner align corpora/fa/police-telegram-cooperation.txt corpora/parallel/fa-en/en/police-telegram-cooperation.txt"
    " --src-lang fa --tgt-lang en -o police.bitext.jsonl",
    "aligner align corpora/ar corpora/parallel/ar-en/en --src-lang ar --tgt-lang en --min-similarity 0.5"
    " --format tsv -o ar-en.tsv",
    "aligner align corpora/parallel/fa-en/police-telegram-cooperation.fa.sents"
    " corpora/parallel/fa-en/police-telegram-cooperation.en.sents --presegmented --src-lang fa --tgt-lang en"
    " --format vecalign -o police.pred",
    "aligner align corpora/parallel/ar-en/durov-case-paris-prosecutor.ar.sents"
    " corpora/parallel/ar-en/durov-case-paris-prosecutor.en.sents --presegmented --src-lang ar --tgt-lang en"
    " --method length --format vecalign -o durov.length.pred",
    "aligner bench align --gold corpora/parallel/fa-en/police-telegram-cooperation.gold --pred police.pred",
    "aligner bench align --gold corpora/parallel/fa-en/police-telegram-cooperation.gold"
    " --gold corpora/parallel/ar-en/durov-case-paris-prosecutor.gold --pred police.pred --pred durov.length.pred"
    " --json -o align-scores.json",
    "aligner run corpora/fa --targets corpora/parallel/fa-en/en --from fa --to en -o out/fa-en",
    "aligner run corpora/fa --targets corpora/parallel/fa-en/en --from fa --to en -o out/ray --backend ray",
    "aligner review out/fa-en --summary",
    "aligner review out/fa-en --accept-above 0.99",
    "aligner bench align --gold-from-review out/fa-en",
    "aligner run corpora/fa --targets corpora/en --pair-by content --from fa --to en -o out/by-content",
    "aligner models available",
    "aligner models available | grep -w fa-en",
    "aligner models install fa-en",
    "aligner models install ./translate-en_ar-1_0.argosmodel",
    "aligner models install ./opus-mt-ar-en",
    "aligner models list",
    "aligner models info fa-en",
    "aligner models info ./nllb-200-distilled-600M-ct2",
    "aligner translate corpora/fa --from fa --to en -o fa.en.txt --source-out fa.txt",
    "aligner translate corpora/ar --from ar --to en --format jsonl -o ar.en.jsonl",
    "aligner translate corpora/parallel/fa-en/police-telegram-cooperation.fa.sents --presegmented --from fa --to en"
    " -o police.fa-en.mt",
    "aligner translate corpora/parallel/fa-en/police-telegram-cooperation.fa.sents --presegmented --from fa --to ar"
    " --pivot en -o police.fa-ar.mt",
    "aligner translate corpora/fa/police-telegram-cooperation.txt --presegmented --from fa --to en"
    " --model ./nllb-200-distilled-600M-ct2 --beam-size 2 -o police.nllb.en",
    "aligner translate article.docx --from en --to ar -o article.ar.docx",
    "aligner translate article.html --from en --to ar -o article.ar.html",
    "aligner translate corpora/fa/police-telegram-cooperation.txt --from fa --to en -o police.en.docx",
    "aligner align corpora/parallel/fa-en/police-telegram-cooperation.fa.sents"
    " corpora/parallel/fa-en/police-telegram-cooperation.en.sents --presegmented --src-lang fa --tgt-lang en"
    " --translation police.fa-en.mt --method mt --format vecalign -o police.mt.pred",
    "aligner bench align --gold corpora/parallel/fa-en/police-telegram-cooperation.gold --pred police.mt.pred",
    "aligner bench translate --model fa-en -l fa-en --src corpora/fa/police-telegram-cooperation.txt"
    " --ref corpora/parallel/fa-en/en/police-telegram-cooperation.txt --hyp-out police.argos.en",
    "aligner bench translate --hyp police.nllb.en --ref corpora/parallel/fa-en/en/police-telegram-cooperation.txt"
    " --tgt-lang en --json -o police.nllb.json",
    "aligner bench translate --hyp police.nllb.en --baseline police.argos.en"
    " --ref corpora/parallel/fa-en/en/police-telegram-cooperation.txt --tgt-lang en",
    "aligner bench translate --hyp flores-devtest.fa-en.hyp --testset flores200:devtest -l fa-en",
    "aligner run corpora/ar --targets corpora/parallel/ar-en/en --from ar --to en --min-score 0.95 -o out/ar-en",
    "aligner run corpora/fa/police-telegram-cooperation.txt --from fa --to en -o out/police-mt",
    "aligner score police.bitext.jsonl -o police.scored.jsonl",
    "aligner score police.bitext.jsonl --model fa-en --src-lang fa --tgt-lang en -o police.mt-scored.jsonl",
    "aligner score out/fa-en/aligned.tmx -o fa-en.rescored.tmx",
    "aligner score ar-en.tsv --format tsv -o ar-en.scored.tsv",
    "aligner filter police.scored.jsonl --min-score 0.5 -o police.filtered.jsonl",
    "aligner filter out/fa-en/aligned.tmx --min-score 0.6 --min numbers=1 -o fa-en.clean.tmx",
    "aligner filter out/fa-en/bitext.jsonl police.bitext.jsonl --format tsv > fa-en.merged.tsv",
    "aligner package police.bitext.jsonl -o police.tmx",
    "aligner package out/fa-en/bitext.jsonl --format tsv --min-score 0.5 -o fa-en.tsv",
    "aligner package police.filtered.jsonl --lang-tag fa=fa-IR --lang-tag en=en-GB -o police.fa-IR.tmx",
    "aligner package out/police-mt/bitext.jsonl --machine-translated -o police.mt.tmx",
    "aligner package out/fa-en/bitext.jsonl -o fa-en.tmx",
    "aligner models remove en-ar",
]

# Options and redirections after which an example names a file or folder it writes.
OUTPUT_MARKERS = {"-o", "--output", "--outdir", "--hyp-out", "--source-out", ">"}


# --- reading the examples off the help pages ------------------------------------------------

def iter_command_paths(group: click.Group = main, path: Tuple[str, ...] = ()) -> Iterator[Tuple[str, ...]]:
    """The argument path of every command and group under ``group``, itself first: (), ('models',) ..."""
    yield path
    context = click.Context(group, info_name="aligner")
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        if isinstance(command, click.Group):
            yield from iter_command_paths(command, (*path, name))
        else:
            yield (*path, name)


def help_page(path: Tuple[str, ...]) -> str:
    result = CliRunner().invoke(main, [*path, "--help"], prog_name="aligner")
    assert result.exit_code == 0, result.output
    return result.output


def examples_of(help_text: str) -> List[str]:
    """The lines after "Examples:" up to the first blank line, without comments (# to the end of the
    line) and without lines that were only a comment."""
    examples, inside = [], False
    for line in help_text.splitlines():
        if line.strip() == "Examples:":
            inside = True
            continue
        if inside and not line.strip():
            break
        command = re.sub(r"(^|\s)#.*$", "", line).strip()
        if inside and command:
            examples.append(command)
    return examples


@functools.lru_cache(maxsize=None)
def examples_by_page() -> Dict[str, List[str]]:
    """'aligner models install' -> its examples, for every help page."""
    return {" ".join(("aligner", *path)): examples_of(help_page(path)) for path in iter_command_paths()}


def all_examples() -> Dict[str, List[str]]:
    """Every distinct example -> the help pages that show it."""
    pages: Dict[str, List[str]] = {}
    for page, examples in examples_by_page().items():
        for example in examples:
            pages.setdefault(example, []).append(page)
    return pages


def test_examples_of_reads_only_the_examples_block():
    text = ("Usage: aligner thing\n\n  Some prose, # not a comment block.\n\n  Examples:\n"
            "    # a comment line\n    aligner thing a.txt   # with a comment\n    aligner thing - < a.txt\n\n"
            "Options:\n  -o FILE\n")
    assert examples_of(text) == ["aligner thing a.txt", "aligner thing - < a.txt"]
    assert examples_of("Usage: aligner thing\n\nOptions:\n  -h\n") == []


def test_every_command_and_group_shows_examples():
    pages = examples_by_page()
    assert {"aligner", "aligner models install", "aligner bench align", "aligner run"} <= set(pages)
    without = [page for page, examples in pages.items() if not examples]
    assert not without, f"help pages without examples: {without}"


def test_run_order_lists_every_help_example():
    shown = all_examples()
    unknown = [f"{example}  (in `{pages[0]} --help`)" for example, pages in shown.items() if example not in RUN_ORDER]
    assert not unknown, "help examples that RUN_ORDER does not list (add each where it can run):\n" + "\n".join(unknown)
    stale = [example for example in RUN_ORDER if example not in shown]
    assert not stale, "RUN_ORDER examples that no help page shows any more:\n" + "\n".join(stale)
    assert len(set(RUN_ORDER)) == len(RUN_ORDER), "RUN_ORDER lists an example twice"


# --- the working folder the examples run in ------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def package_index(tmp_path_factory, test_models):  # noqa: F811
    """An Argos-format index on 127.0.0.1 offering the tiny fa->en and en->ar packages; its URL."""
    root = tmp_path_factory.mktemp("index")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}"
    entries = []
    for name in ("argos_fa_en", "argos_en_ar"):
        package = test_models[name]
        shutil.copyfile(package, root / package.name)
        metadata = json.loads((package.with_suffix("") / "metadata.json").read_text(encoding="utf-8"))
        entries.append({key: metadata[key] for key in ("package_version", "argos_version", "from_code", "to_code",
                                                       "from_name", "to_name")}
                       | {"links": [f"{base}/{package.name}"],
                          "sha256": hashlib.sha256(package.read_bytes()).hexdigest()})
    (root / "index.json").write_text(json.dumps(entries), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"{base}/index.json"
    server.shutdown()


def write_user_files(work: Path, models: Dict[str, Path], shared: Path) -> None:
    """The files examples name that a user brings: a downloaded Argos package, converted OPUS-MT and
    NLLB-200 folders, a system's output for FLORES-200 devtest.fa (here the English reference
    with every third word left out, so it scores like a system rather than 100), and an English
    article as DOCX (python-docx) and as a saved page."""
    from test_document_translation import write_docx, write_html

    write_docx(work / "article.docx", make_test_models.CORPUS["en"])
    write_html(work / "article.html", make_test_models.CORPUS["en"])
    shutil.copyfile(models["argos_en_ar"], work / models["argos_en_ar"].name)
    make_test_models.make_marian(work, "ar", "en")
    shutil.copytree(models["nllb"], work / "nllb-200-distilled-600M-ct2")
    reference = (shared / "data" / "flores200" / "devtest.en").read_text(encoding="utf-8").splitlines()
    system = [" ".join(word for k, word in enumerate(line.split()) if k % 3 != 2) for line in reference]
    (work / "flores-devtest.fa-en.hyp").write_text("\n".join(system) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def example_folder(tmp_path_factory, test_models, shared_dir, package_index):  # noqa: F811
    """(working folder, environment): the folder like the repository root (corpora/ inside,
    ../shared beside it), and an environment whose `aligner` is this checkout's, with its own
    user folders and the local package index."""
    root = tmp_path_factory.mktemp("examples")
    work = root / "work"
    work.mkdir()
    (work / "corpora").symlink_to(REPO_ROOT / "corpora", target_is_directory=True)
    (root / "shared").symlink_to(shared_dir.resolve(), target_is_directory=True)
    write_user_files(work, test_models, shared_dir)
    bin_dir = root / "bin"
    bin_dir.mkdir()
    launcher = bin_dir / "aligner"
    launcher.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -c "
                        "'from aligner.cli import main; main(prog_name=\"aligner\")' \"$@\"\n", encoding="utf-8")
    launcher.chmod(0o755)
    environment = {key: value for key, value in os.environ.items() if key != "ALIGNER_MODELS_DIR"}
    environment.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        ALIGNER_HOME=str(root / "home"), ALIGNER_SHARED=str(root / "shared"), ALIGNER_MODEL_INDEX=package_index)
    return work, environment


# --- running them ----------------------------------------------------------------------------

def named_outputs(example: str) -> List[str]:
    """The files and folders an example names after -o, --outdir, --hyp-out, --source-out or >."""
    words = shlex.split(example, comments=True)
    return [following for word, following in zip(words, words[1:]) if word in OUTPUT_MARKERS]


def is_nonempty(path: Path) -> bool:
    if path.is_dir():
        return any(path.iterdir())
    return path.is_file() and path.stat().st_size > 0


def run_example(example: str, work: Path, environment: Dict[str, str]) -> float:
    """Run one example; assert it succeeds and writes what it names. Returns its seconds."""
    started = time.perf_counter()
    result = subprocess.run(["bash", "-o", "pipefail", "-c", example], cwd=work, env=environment,
                            capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - started
    assert result.returncode == 0, (f"`{example}` exited with {result.returncode}:\n"
                                    f"{result.stderr[-3000:]}\n(stdout: {result.stdout[-1000:]!r})")
    outputs = named_outputs(example)
    missing = [name for name in outputs if not is_nonempty(work / name)]
    assert not missing, f"`{example}` did not write {missing} (or left it empty); stderr:\n{result.stderr[-3000:]}"
    assert outputs or result.stdout.strip(), f"`{example}` printed nothing and names no output file"
    return seconds


def test_every_help_example_runs(example_folder):
    work, environment = example_folder
    shown = all_examples()
    unknown = sorted(set(shown) - set(RUN_ORDER))
    assert not unknown, f"help examples missing from RUN_ORDER: {unknown}"
    timings = [(run_example(example, work, environment), example) for example in RUN_ORDER if example in shown]
    assert len(timings) == len(shown)
    slowest = sorted(timings, reverse=True)[:5]
    print("slowest examples:\n" + "\n".join(f"{seconds:6.1f}s  {example}" for seconds, example in slowest))
