"""aligner filter: keep the scored pairs that pass thresholds, without duplicates."""

from __future__ import annotations

from typing import List, Sequence, Tuple

import click

from ..formats.bitext_files import output_format, read_links, write_links
from ..progress import Progress
from ..score import COMPONENTS, DUPLICATE_FILTERS, FilterReport, acceptance_filters, apply_filters, score_missing
from . import warn
from .bitext_options import language_options, output_options
from .common import quiet_option

NO_DEDUP = "none"


def component_minimums(values: Sequence[str]) -> List[Tuple[str, float]]:
    """(component, threshold) of each --min COMPONENT=NUMBER."""
    minimums = []
    for value in values:
        name, sep, number = value.partition("=")
        try:
            threshold = float(number)
        except ValueError:
            threshold = None
        if not sep or name not in COMPONENTS or threshold is None:
            raise click.BadParameter(f"{value!r} is not COMPONENT=NUMBER with COMPONENT one of "
                                     f"{', '.join(COMPONENTS.names())}", param_hint="--min")
        minimums.append((name, threshold))
    return minimums


@click.command(name="filter")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@output_options
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Drop pairs whose combined score is below this.")
@click.option("--min", "component_mins", multiple=True, metavar="COMPONENT=X",
              help="Drop pairs whose component COMPONENT is below X (repeatable), e.g. --min numbers=0.9. "
                   f"Components: {', '.join(COMPONENTS.names())}.")
@click.option("--dedup", type=click.Choice([NO_DEDUP] + DUPLICATE_FILTERS.names()), default="near",
              show_default=True,
              help="exact: drop a pair whose source and target equal an earlier pair's. near: also when "
                   "they differ only in case, punctuation, spacing, digit script, letter variants "
                   "(ي/ی, ك/ک), diacritics or ZWNJ. The first occurrence is kept.")
@click.option("--drop-unaligned/--keep-unaligned", default=True, show_default=True,
              help="Drop 1-0/0-1 links (sentences without a counterpart).")
@language_options
@quiet_option
def filter_command(inputs, output, kind, min_score, component_mins, dedup, drop_unaligned, src_lang, tgt_lang,
                   quiet):
    """Filter scored pairs by score and remove duplicates.

    INPUT is bitext JSONL, TMX or TSV (by extension); pairs without a score are scored first.
    Thresholds apply to the stored scores (docs/scoring.md), so choosing a threshold never
    recomputes anything. A summary of what was removed, and why, goes to stderr.

    \b
    Examples:
      aligner filter police.scored.jsonl --min-score 0.5 -o police.filtered.jsonl
      aligner filter out/fa-en/aligned.tmx --min-score 0.6 --min numbers=1 -o fa-en.clean.tmx
      aligner filter out/fa-en/bitext.jsonl police.bitext.jsonl --format tsv > fa-en.merged.tsv   # duplicates once
    """
    filters = acceptance_filters(min_score, component_minimums(component_mins),
                                 None if dedup == NO_DEDUP else dedup, drop_unaligned)
    report = FilterReport()
    with Progress("filtering", "pair", quiet=quiet) as progress:
        pairs = progress.track(score_missing(read_links(inputs, src_lang, tgt_lang)))
        summary = write_links(apply_filters(pairs, filters, report), output, output_format(output, kind), warn=warn)
    click.echo(f"aligner: {report.summary()}; wrote {summary}", err=True)
