"""aligner package: bitext in, a TMX 1.4b or TSV file that CAT tools and spreadsheets open, out."""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Sequence

import click

from ..formats.bitext_files import output_format, read_links, write_links
from ..score import FilterReport, KeepAligned, MinScore, apply_filters, score_missing
from ..score.combination import DEFAULT_MIN_PROBABILITY
from ..score.filters import NotRejected, TargetKind
from . import warn
from .bitext_options import language_options

# package writes what people open: a translation memory or a table (not bitext JSONL).
PACKAGE_FORMATS = ["tmx", "tsv"]


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
@click.option("--format", "output_kind", type=click.Choice(PACKAGE_FORMATS), default=None,
              help="tmx: TMX 1.4b for CAT tools (OmegaT, Trados, memoQ); scores as <prop type=\"x-...\">. "
                   "tsv: header row, one pair per line, one column per score component (docs/formats.md). "
                   "Default: from the -o extension (.tsv), else tmx.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (written atomically). Default: stdout.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Keep only pairs whose score, the probability that the unit is right, is at least this "
                   f"(docs/scoring.md). Default: {DEFAULT_MIN_PROBABILITY:g} for tmx, so that a memory holds only "
                   "units a translator can trust; none for tsv (every pair, to review) and with "
                   "--machine-translated (each unit carries its quality estimate). 0 keeps every pair.")
@click.option("--machine-translated", is_flag=True,
              help="Package the units whose target is machine translation (inputs aligned with their own MT, "
                   "marked as MT in TMX) instead of the human translations; the two never share a file.")
@click.option("--lang-tag", "lang_tags", multiple=True, metavar="CODE=TAG",
              help="Language tag to write for a language (repeatable), e.g. --lang-tag en=en-US. "
                   "Default: fa, ar, en without region.")
@click.option("--keep-duplicates", is_flag=True,
              help="tmx: one unit per link, even where links repeat the same source and target text. Default: "
                   "each distinct pair once, its highest-scoring occurrence, with how often it occurred as "
                   "<prop type=\"x-occurrences\"> (docs/formats.md). tsv always has every link.")
@click.option("--review", "review_file", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Apply this review (review.jsonl from `aligner review`): accepted units are kept whatever their "
                   "score and rejected ones never, merged/split links as the reviewer left them. Default: the "
                   "review.jsonl beside the first BITEXT, when there is one.")
@language_options
def package(inputs, output_kind, output, min_score, machine_translated, lang_tags, keep_duplicates, review_file,
            src_lang, tgt_lang):
    """Package aligned bitext as a translation memory (TMX) or a table (TSV).

    BITEXT is a bitext JSONL file from `aligner align` (or a TMX/TSV file). Pairs that have no
    score yet are scored first. Unaligned 1-0/0-1 links are TSV rows but never TMX units (the
    count is reported). A TMX holds each distinct pair once, with how often it occurred
    (--keep-duplicates: every link). Units whose target is machine translation are left out (counted), or
    with --machine-translated are the only ones, each marked as MT in TMX (creationid="MT",
    docs/formats.md). Text is written exactly as aligned: ZWNJ and bidi marks are kept.

    \b
    Examples:
      aligner package police.bitext.jsonl -o police.tmx
      aligner package out/fa-en/bitext.jsonl --format tsv --min-score 0.5 -o fa-en.tsv
      aligner package police.filtered.jsonl --lang-tag fa=fa-IR --lang-tag en=en-GB -o police.fa-IR.tmx
      aligner package out/police-mt/bitext.jsonl --machine-translated -o police.mt.tmx
      aligner package out/fa-en/bitext.jsonl -o fa-en.tmx    # applies out/fa-en/review.jsonl
    """
    tags = parse_lang_tags(lang_tags)
    links = score_missing(_reviewed(read_links(inputs, src_lang, tgt_lang), inputs, review_file))
    report = FilterReport()
    kind = output_format(output, output_kind, allowed=PACKAGE_FORMATS, default="tmx")
    if min_score is None and kind == "tmx" and not machine_translated:
        min_score = DEFAULT_MIN_PROBABILITY
    filters = [TargetKind(machine_translated), NotRejected()]
    if min_score is not None:
        # A memory never holds unaligned links: counted as such, not as scores below the threshold.
        filters += [KeepAligned(), MinScore(min_score)] if kind == "tmx" else [MinScore(min_score)]
    links = apply_filters(links, filters, report)
    summary = write_links(links, output, kind, tags, warn, distinct_units=not keep_duplicates)
    shown = min_score is not None or report.rejected
    click.echo(f"aligner: {summary}" + (f" ({report.summary()})" if shown else ""), err=True)


def _reviewed(links, inputs, review_file):
    """``links`` with a review applied: ``review_file``, else the review.jsonl beside the first
    input when that is bitext JSONL (a run's bitext.jsonl)."""
    from ..review.apply import RunReview
    from ..review.log import REVIEW_FILE, read_events

    first = Path(inputs[0])
    path = Path(review_file) if review_file else first.parent / REVIEW_FILE if first.suffix == ".jsonl" else None
    if path is None or not path.is_file():
        yield from links
        return
    review = RunReview(read_events(path), str(path))
    yield from review.links(links)
    for conflict in review.conflicts:
        warn(conflict)
