"""Options and helpers that several commands share, so they behave the same everywhere."""

from __future__ import annotations

from typing import Callable, Iterator, List, Optional, Sequence, Tuple, TypeVar

import click
from tqdm import tqdm

from ..document import LANGUAGES, Document
from ..errors import AlignerError, SomeInputsFailed
from ..text.langid import check_language, identify_document
from ..text.reading import DEFAULT_INCLUDE, Source, iter_sources, read_document

LANGS = list(LANGUAGES)
LANG_CHOICES = ["auto", *LANGS]


def input_options(func):
    """--include and --encoding, for commands that read documents."""
    func = click.option(
        "--include", multiple=True, default=DEFAULT_INCLUDE, show_default=True, metavar="GLOB",
        help="File name pattern to read inside folders (repeatable), e.g. --include '*.md'. "
             "Default: every format read (text, HTML, WARC, DOCX, ODT, PDF; the format is found "
             "from the file's content, not its name).")(func)
    func = click.option(
        "--encoding", default=None, metavar="NAME",
        help="Force the input encoding (e.g. cp1256 for old Windows Arabic/Persian files). "
             "Default: UTF-8 or UTF-16 with BOM, anything else is rejected.")(func)
    return func


def load_documents(inputs: Sequence[str], lang: str, include: Sequence[str],
                   encoding: Optional[str], progress: str = "reading",
                   lang_option: str = "--lang", quiet: bool = False) -> Iterator[Document]:
    """Read documents lazily, set or check their language (``lang_option`` names the option that
    gave it, for the message), and warn about mixed ones. ``quiet``: no bar even on a terminal."""
    sources = list(iter_sources(inputs, include))
    for source in tqdm(sources, desc=progress, unit="doc", disable=None if len(sources) > 1 and not quiet else True,
                       leave=False):
        yield read_checked(source, lang, encoding, lang_option)


def read_checked(source: Source, lang: str, encoding: Optional[str], lang_option: str = "--lang") -> Document:
    """Read one document and set (``lang`` auto) or check its language; warn when it mixes languages."""
    from . import warn

    document = read_document(source, encoding, lang)
    for note in document.origin.notes:
        warn(f"{document.doc_id}: {note}")
    if lang == "auto":
        identify_document(document)
        if document.mixed_languages:
            shares = ", ".join(f"{code} {share:.0%}" for code, share in document.mixed_languages.items())
            warn(f"{document.doc_id}: mixed languages ({shares}); treated as {document.lang!r}")
    else:
        check_language(document, lang, lang_option)
    return document


T = TypeVar("T")
S = TypeVar("S")


def quiet_option(func):
    """--quiet, for every long command; its progress goes through aligner.progress.Progress."""
    return click.option(
        "-q", "--quiet", is_flag=True,
        help="No progress on stderr (by default: a bar on a terminal, else a status line every "
             "10 s, or $ALIGNER_PROGRESS_INTERVAL). Warnings and errors are still shown.")(func)


def fail_fast_option(func):
    return click.option(
        "--fail-fast", is_flag=True,
        help="Stop at the first input that cannot be processed (exit code 2). Default: check every "
             "input first, list all problems on stderr, process the others, and exit with code 3 "
             "when some inputs were left out.")(func)


def read_all(items: Sequence[S], read: Callable[[S], T], name: Callable[[S], str],
             fail_fast: bool) -> Tuple[List[Tuple[S, T]], List[str]]:
    """Read every input before any output is written, so problems come all together and nothing
    is half-written on stdout. Returns the readable ones and one line per problem; with
    ``fail_fast`` the first problem raises instead. When nothing is readable, the problems are
    printed and the first one is raised (exit code 2)."""
    from . import warn

    readable, problems = [], []
    for item in items:
        try:
            readable.append((item, read(item)))
        except AlignerError as exc:
            if fail_fast:
                raise
            problems.append(str(exc) if str(exc).startswith(name(item)) else f"{name(item)}: {exc}")
    if problems and not readable:
        for problem in problems[1:]:
            warn(problem)
        raise AlignerError(problems[0] + (f" (and {len(problems) - 1} more input(s) listed above)"
                                          if len(problems) > 1 else ""))
    return readable, problems


def finish_batch(problems: Sequence[str], total: int) -> None:
    """List the inputs that were left out, then exit 3 (after the outputs of the others are complete)."""
    from . import warn

    if not problems:
        return
    for problem in problems:
        warn(f"left out: {problem}")
    raise SomeInputsFailed(f"{len(problems)} of {total} input(s) could not be processed (listed above); "
                           "the others were")


def alignment_options(func):
    """--method, --embedder, --max-link, --concat-margin, --min-similarity: the aligner's knobs, for align and run."""
    # Imported here, not at the top: the commands that only read documents need not load the
    # aligner (and numpy) to build their options.
    from ..align import METHODS

    options = [
        click.option("--method", type=click.Choice(METHODS), default="auto",
                     show_default=True,
                     help="auto: embeddings, plus MT chrF when translations exist (--translation, --model, "
                          "or the installed model in `run`). embed: multilingual embeddings (+ length, "
                          "anchors). mt: chrF between the source's machine translation and the target "
                          "(Bleualign's bridge). length: Gale-Church lengths and anchors only."),
        click.option("--embedder", default="e5-small", show_default=True, metavar="NAME|PATH",
                     help="e5-small (bundled, offline) or the folder of a local sentence-transformers "
                          "model (LaBSE ...)."),
        click.option("--max-link", type=click.IntRange(2, 8), default=4, show_default=True,
                     help="Largest link: N source + M target sentences <= this (4 allows 1-3, 3-1, 2-2)."),
        click.option("--concat-margin", type=click.FloatRange(0, 10), default=0.05, show_default=True,
                     help="Pass 3: encode the real concatenated text of the multi-sentence blocks of every "
                          "n-m link whose best alignment scores within this margin of the best one, and "
                          "search again (more accurate 1-2, 2-1, 2-2 links; on Text+Berg about 0.15-0.3 "
                          "extra encoder calls per sentence). Larger encodes more; 0 turns pass 3 off."),
        click.option("--min-similarity", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                     help="Links below this similarity become unaligned 1-0/0-1 links, reported, never "
                          "dropped (0.5 keeps real translations and rejects comparable, non-parallel "
                          "sentences)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func
