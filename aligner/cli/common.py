"""Options and helpers that several commands share, so they behave the same everywhere."""

from __future__ import annotations

from typing import Iterator, Optional, Sequence

import click
from tqdm import tqdm

from ..document import Document
from ..langid import check_language, identify_document
from ..reading import DEFAULT_INCLUDE, iter_sources, read_document

LANG_CHOICES = ["auto", "fa", "ar", "en"]


def input_options(func):
    """--include and --encoding, for commands that read documents."""
    func = click.option(
        "--include", multiple=True, default=DEFAULT_INCLUDE, show_default=True, metavar="GLOB",
        help="File name pattern to read inside folders (repeatable), e.g. --include '*.md'.")(func)
    func = click.option(
        "--encoding", default=None, metavar="NAME",
        help="Force the input encoding (e.g. cp1256 for old Windows Arabic/Persian files). "
             "Default: UTF-8 or UTF-16 with BOM, anything else is rejected.")(func)
    return func


def load_documents(inputs: Sequence[str], lang: str, include: Sequence[str],
                   encoding: Optional[str], progress: str = "reading") -> Iterator[Document]:
    """Read documents lazily, set or check their language, and warn about mixed ones."""
    from . import warn

    sources = list(iter_sources(inputs, include))
    for source in tqdm(sources, desc=progress, unit="doc", disable=None if len(sources) > 1 else True,
                       leave=False):
        document = read_document(source, encoding, lang)
        if lang == "auto":
            identify_document(document)
            if document.mixed_languages:
                shares = ", ".join(f"{code} {share:.0%}" for code, share in document.mixed_languages.items())
                warn(f"{document.doc_id}: mixed languages ({shares}); treated as {document.lang!r}")
        else:
            check_language(document, lang)
        yield document
