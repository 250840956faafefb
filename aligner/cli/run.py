"""aligner run: the main job, folders of articles in, TMX/TSV/JSONL and report.html out."""

from __future__ import annotations

from pathlib import Path

import click

from .common import LANGS, alignment_options, input_options


@click.command("run")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--from", "src_lang", type=click.Choice(LANGS), required=True, help="Language of the INPUT documents.")
@click.option("--to", "tgt_lang", type=click.Choice(LANGS), required=True, help="Language of the translations.")
@click.option("--targets", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder of human translations, paired with the inputs by file name (a language code in "
                   "the name, as in news.fa.txt / news.en.txt, is ignored). Inputs without a partner, or all "
                   "inputs when this is absent, are aligned with their own machine translation.")
@click.option("-o", "--outdir", type=click.Path(file_okay=False), required=True,
              help="Output folder: aligned.tmx, aligned.tsv, bitext.jsonl, report.html, documents/.")
@click.option("--model", default=None, metavar="NAME|PATH",
              help="Translation model (installed name, pair such as fa-en, folder or .argosmodel). "
                   "Default: the installed model of the pair; without one, alignment uses embeddings only.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Pairs scoring below this are left out of aligned.tmx (they stay in the TSV and JSONL, so "
                   "`aligner filter` can apply another threshold later).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Documents processed in parallel (each process loads its own models).")
@click.option("--segmenter", type=click.Choice(["rules", "stanza"]), default="rules", show_default=True,
              help="Sentence segmenter (see `aligner segment --help`); stanza loads its models from "
                   "$ALIGNER_STANZA_DIR.")
@click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True, help="Translation beam size.")
@alignment_options
@input_options
def run_command(inputs, src_lang, tgt_lang, targets, outdir, model, method, max_link, concat_margin, min_similarity,
                min_score, jobs, segmenter, embedder, beam_size, include, encoding):
    """Segment, translate, align, score and package a batch of articles.

    INPUT is a file or a folder of source-language articles. Started again with the same
    options after an interruption, it skips the documents already finished and reuses cached
    translations and embeddings. Every sentence ends up in the bitext: those without a
    counterpart are listed as unaligned in report.html, never dropped.

    \b
    Examples:
      aligner run corpora/fa --targets corpora/parallel/fa-en/en --from fa --to en -o out/fa-en
      aligner run corpora/ar --targets corpora/parallel/ar-en/en --from ar --to en --min-score 0.5 -o out/ar-en
      aligner run corpora/fa/police-telegram-cooperation.txt --from fa --to en -o out/police-mt   # no --targets: aligned with its MT
    """
    from ..pipeline.job import JobOptions
    from ..pipeline.local import run
    from . import warn

    if src_lang == tgt_lang:
        raise click.BadParameter("--from and --to must differ", param_hint="--to")
    options = JobOptions(src_lang=src_lang, tgt_lang=tgt_lang, model=model, method=method, max_link=max_link,
                         concat_margin=concat_margin, min_similarity=min_similarity, segmenter=segmenter,
                         embedder=embedder, encoding=encoding, beam_size=beam_size)
    summary = run(inputs, Path(outdir), options, targets=targets, include=include, jobs=jobs, min_score=min_score,
                  notice=warn)
    _print_summary(summary)


def _print_summary(summary) -> None:
    rows = []
    for result in summary.results:
        links = result.links
        aligned = [link for link in links if not link.is_unaligned]
        scores = [link.score for link in aligned if link.score is not None]
        target = result.job.target.doc_id if result.job.target else "(machine translation)" \
            if summary.translation_model else "(none)"
        rows.append((result.job.source.doc_id, target, str(len(aligned)),
                     str(sum(len(link.src_ids) for link in links if not link.tgt_ids)),
                     str(sum(len(link.tgt_ids) for link in links if not link.src_ids)),
                     f"{sum(scores) / len(scores):.2f}" if scores else "-",
                     "reused" if result.reused else "done"))
    header = ("document", "target", "pairs", "src unaligned", "tgt unaligned", "mean score", "status")
    widths = [max(len(row[k]) for row in rows + [header]) for k in range(len(header))]
    for row in [header] + rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    for name, path in summary.outputs.items():
        click.echo(f"{name:>7}: {path}")
