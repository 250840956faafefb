"""aligner filter: keep the scored pairs that pass thresholds, without duplicates."""

from __future__ import annotations

from typing import List, Sequence

import click

from ..score.components import (COMPONENT_NAMES, ExactDuplicates, Filter, FilterReport, KeepAligned, MinComponent,
                     MinScore, NearDuplicates, apply_filters)
from .package import language_options, output_format, output_options, read_links, scored, write_links


def component_thresholds(values: Sequence[str]) -> List[Filter]:
    filters: List[Filter] = []
    for value in values:
        name, sep, number = value.partition("=")
        try:
            threshold = float(number)
        except ValueError:
            threshold = None
        if not sep or name not in COMPONENT_NAMES or threshold is None:
            raise click.BadParameter(f"{value!r} is not COMPONENT=NUMBER with COMPONENT one of "
                                     f"{', '.join(COMPONENT_NAMES)}", param_hint="--min")
        filters.append(MinComponent(name, threshold))
    return filters


@click.command(name="filter")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@output_options
@click.option("--min-score", type=click.FloatRange(0, 1), default=None,
              help="Drop pairs whose combined score is below this.")
@click.option("--min", "component_mins", multiple=True, metavar="COMPONENT=X",
              help="Drop pairs whose component COMPONENT is below X (repeatable), e.g. --min numbers=0.9. "
                   f"Components: {', '.join(COMPONENT_NAMES)}.")
@click.option("--dedup", type=click.Choice(["none", "exact", "near"]), default="near", show_default=True,
              help="exact: drop a pair whose source and target equal an earlier pair's. near: also when "
                   "they differ only in case, punctuation, spacing, digit script, letter variants "
                   "(ي/ی, ك/ک), diacritics or ZWNJ. The first occurrence is kept.")
@click.option("--drop-unaligned/--keep-unaligned", default=True, show_default=True,
              help="Drop 1-0/0-1 links (sentences without a counterpart).")
@language_options
def filter_command(inputs, output, kind, min_score, component_mins, dedup, drop_unaligned, src_lang, tgt_lang):
    """Filter scored pairs by score and remove duplicates.

    INPUT is bitext JSONL, TMX or TSV (by extension); pairs without a score are scored first.
    Thresholds apply to the stored scores (docs/scoring.md), so choosing a threshold never
    recomputes anything. A summary of what was removed, and why, goes to stderr.

    \b
    Examples:
      aligner filter news.bitext.jsonl --min-score 0.5 -o news.filtered.jsonl
      aligner filter memory.tmx --min-score 0.6 --min numbers=1 -o clean.tmx
      aligner filter a.tsv b.tsv --dedup exact --format tsv > merged.tsv
    """
    filters: List[Filter] = [KeepAligned()] if drop_unaligned else []
    if min_score is not None:
        filters.append(MinScore(min_score))
    filters.extend(component_thresholds(component_mins))
    # Duplicates last: a pair rejected by a threshold must not hide a later copy that passes.
    if dedup == "exact":
        filters.append(ExactDuplicates())
    elif dedup == "near":
        filters.append(NearDuplicates())
    report = FilterReport()
    links = apply_filters(scored(read_links(inputs, src_lang, tgt_lang)), filters, report)
    summary = write_links(links, output, output_format(output, kind))
    click.echo(f"aligner: {report.summary()}; wrote {summary}", err=True)
