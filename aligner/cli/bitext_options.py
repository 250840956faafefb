"""The options that ``package``, ``filter`` and ``score`` share: input languages, output file and format."""

from __future__ import annotations

import click

from ..formats.bitext_files import BITEXT_FORMATS
from .common import LANGS


def language_options(func):
    """--src-lang/--tgt-lang, for inputs that do not name their languages."""
    func = click.option("--tgt-lang", type=click.Choice(LANGS), default=None,
                        help="Target language where the input does not say; with a multilingual TMX, "
                             "the one target language to read.")(func)
    func = click.option("--src-lang", type=click.Choice(LANGS), default=None,
                        help="Source language where the input does not say (a TSV without src_lang, "
                             "a TMX whose srclang is *all*).")(func)
    return func


def output_options(func):
    """-o and --format for the commands that write any of bitext JSONL, TMX and TSV."""
    func = click.option("--format", "kind", type=click.Choice(BITEXT_FORMATS.names()), default=None,
                        help="Output format. Default: from the -o extension (.tmx, .tsv), else bitext JSONL.")(func)
    func = click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                        help="Output file (written atomically). Default: stdout.")(func)
    return func
