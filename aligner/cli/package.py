"""aligner package: bitext in, a TMX 1.4b or TSV file that CAT tools and spreadsheets open, out.

Also holds the reading/writing helpers that ``filter`` and ``score`` share: every one of the
three commands reads bitext JSONL, TMX and TSV (by file extension) and writes any of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence

import click

from ..bitext import BitextLink, read_bitext, write_bitext
from ..score.components import FilterReport, MinScore, Scorer, apply_filters
from ..formats.tmx import read_tmx, write_tmx
from ..formats.tsv import read_tsv, write_tsv
from ..formats.atomic import open_output

FORMATS = ["jsonl", "tmx", "tsv"]


def input_format(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return {".tmx": "tmx", ".tsv": "tsv", ".tab": "tsv"}.get(suffix, "jsonl")


def read_links(paths: Sequence[str], src_lang: Optional[str] = None,
               tgt_lang: Optional[str] = None) -> Iterator[BitextLink]:
    """Links of every input in order; .tmx and .tsv by extension, anything else bitext JSONL."""
    for path in paths:
        kind = input_format(path)
        if kind == "tmx":
            yield from read_tmx(Path(path), src_lang, tgt_lang)
        elif kind == "tsv":
            yield from read_tsv(Path(path), src_lang, tgt_lang)
        else:
            yield from read_bitext(Path(path))


def output_format(output: Optional[str], explicit: Optional[str]) -> str:
    if explicit:
        return explicit
    if output and output != "-":
        return input_format(output)
    return "jsonl"


def write_links(links: Iterable[BitextLink], output: Optional[str], kind: str,
                lang_tags: Optional[Dict[str, str]] = None) -> str:
    """Write ``links`` atomically (stdout for None/'-'); returns a one-line summary."""
    from . import warn

    with open_output(output) as handle:
        if kind == "tmx":
            stats = write_tmx(links, handle, lang_tags=lang_tags, warn=warn)
            summary = f"{stats.units} translation units"
            if stats.skipped_unaligned:
                summary += f"; {stats.skipped_unaligned} unaligned (1-0/0-1) links are not TM units, left out"
            return summary
        if kind == "tsv":
            return f"{write_tsv(links, handle)} rows"
        return f"{write_bitext(links, handle)} links"


def scored(links: Iterable[BitextLink], make_scorer: Callable[[], Scorer] = Scorer,
           batch_size: int = 256) -> Iterator[BitextLink]:
    """Pass links through in order, scoring (in batches) those that have no score yet; the
    scorer (and its embedding model) is loaded only if some link needs it."""
    scorer = None
    batch: List[BitextLink] = []

    def flush():
        nonlocal scorer
        missing = [link for link in batch if link.score is None]
        if missing:
            scorer = scorer or make_scorer()
            scorer.score_batch(missing)

    for link in links:
        batch.append(link)
        if len(batch) >= batch_size:
            flush()
            yield from batch
            batch = []
    flush()
    yield from batch


def language_options(func):
    """--src-lang/--tgt-lang, for inputs that do not name their languages."""
    from .common import LANGS

    func = click.option("--tgt-lang", type=click.Choice(LANGS), default=None,
                        help="Target language where the input does not say; with a multilingual TMX, "
                             "the one target language to read.")(func)
    func = click.option("--src-lang", type=click.Choice(LANGS), default=None,
                        help="Source language where the input does not say (a TSV without src_lang, "
                             "a TMX whose srclang is *all*).")(func)
    return func


def output_options(func):
    """-o and --format for the commands that write any of bitext JSONL, TMX and TSV."""
    func = click.option("--format", "kind", type=click.Choice(FORMATS), default=None,
                        help="Output format. Default: from the -o extension (.tmx, .tsv), else bitext JSONL.")(func)
    func = click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
                        help="Output file (written atomically). Default: stdout.")(func)
    return func


def parse_lang_tags(values: Sequence[str]) -> Dict[str, str]:
    tags = {}
    for value in values:
        code, sep, tag = value.partition("=")
        if not sep or not code or not tag:
            raise click.BadParameter(f"{value!r} is not CODE=TAG (e.g. en=en-US)", param_hint="--lang-tag")
        tags[code] = tag
    return tags


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="BITEXT...")
@click.option("--format", "output_kind", type=click.Choice(["tmx", "tsv"]), default=None,
              help="tmx: TMX 1.4b for CAT tools (OmegaT, Trados, memoQ); scores as <prop type=\"x-...\">. "
                   "tsv: header row, one pair per line, one column per score component (docs/formats.md). "
                   "Default: from the -o extension (.tsv), else tmx.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (written atomically). Default: stdout.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Keep only pairs whose combined score is at least this (docs/scoring.md).")
@click.option("--lang-tag", "lang_tags", multiple=True, metavar="CODE=TAG",
              help="Language tag to write for a language (repeatable), e.g. --lang-tag en=en-US. "
                   "Default: fa, ar, en without region.")
@language_options
def package(inputs, output_kind, output, min_score, lang_tags, src_lang, tgt_lang):
    """Package aligned bitext as a translation memory (TMX) or a table (TSV).

    BITEXT is a bitext JSONL file from `aligner align` (or a TMX/TSV file). Pairs that have no
    score yet are scored first. Unaligned 1-0/0-1 links are TSV rows but never TMX units (the
    count is reported). Text is written exactly as aligned: ZWNJ and bidi marks are kept.

    \b
    Examples:
      aligner package news.bitext.jsonl --format tmx -o news.fa-en.tmx
      aligner package *.bitext.jsonl --format tsv --min-score 0.5 -o pairs.tsv
      aligner package news.bitext.jsonl --lang-tag en=en-US --lang-tag fa=fa-IR -o news.tmx
    """
    tags = parse_lang_tags(lang_tags)
    links = scored(read_links(inputs, src_lang, tgt_lang))
    report = FilterReport()
    if min_score is not None:
        links = apply_filters(links, [MinScore(min_score)], report)
    if output_kind is None:
        output_kind = "tsv" if output and input_format(output) == "tsv" else "tmx"
    summary = write_links(links, output, output_kind, tags)
    click.echo(f"aligner: {summary}" + (f" ({report.summary()})" if min_score is not None else ""), err=True)
