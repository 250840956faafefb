"""aligner run: the main job, folders of articles in, TMX/TSV/JSONL and report.html out."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from ..errors import Interrupted, SomeInputsFailed
from ..pairing import PAIRERS
from ..pipeline import BACKENDS
from ..score.combination import DEFAULT_MIN_PROBABILITY
from ..segment.stanza import ENV_VAR as STANZA_ENV_VAR
from .common import LANGS, alignment_options, input_options, quiet_option
from .models import models_dir_option


@click.command("run")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--from", "src_lang", type=click.Choice(LANGS), required=True, help="Language of the INPUT documents.")
@click.option("--to", "tgt_lang", type=click.Choice(LANGS), required=True, help="Language of the translations.")
@click.option("--targets", type=click.Path(exists=True, file_okay=False), default=None,
              help="Folder of human translations, paired with the inputs by file name or by content (see "
                   "--pair-by). Inputs without a partner, or all inputs when this is absent, are aligned with "
                   "their own machine translation.")
@click.option("--pair-by", type=click.Choice(PAIRERS.names()), default="auto", show_default=True,
              help="How inputs find their translation in --targets: name (file names correspond; a language code "
                   "in the name, as in news.fa.txt / news.en.txt, is ignored), content (what the documents say: "
                   "each input gets at most one target, only when the calibrated probability that it is the "
                   "translation is high enough; docs/pairing.md), auto (names where they correspond, content for "
                   "the documents left over). The decisions are in OUTDIR/pairs.tsv and report.html.")
@click.option("-o", "--outdir", type=click.Path(file_okay=False), required=True,
              help="Output folder: aligned.tmx, aligned.tsv, bitext.jsonl, report.html, documents/, and "
                   "machine-translated.tmx when some input has no human translation.")
@click.option("--model", default=None, metavar="NAME|PATH",
              help="Translation model (installed name, pair such as fa-en, folder or .argosmodel). "
                   "Default: the installed model of the pair; without one, alignment uses embeddings only.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=DEFAULT_MIN_PROBABILITY, show_default=True,
              help="Probability that the unit is right, at or above which it goes into aligned.tmx; units below "
                   "stay in aligned.tsv and bitext.jsonl and are listed in report.html (`aligner filter` can "
                   "apply another threshold later).")
@click.option("-j", "--jobs", type=click.IntRange(1, 4096), default=None,
              help="Documents aligned in parallel, each worker loading its own models: processes with "
                   "--backend local (default 1), Ray actors with --backend ray (default: one per CPU of the "
                   "cluster).")
@click.option("--backend", type=click.Choice(BACKENDS.names()), default="local", show_default=True,
              help="Where the documents are aligned: local processes, or a Ray cluster (pip install -e "
                   "\".[ray]\"), whose nodes must all see the inputs and OUTDIR under the same paths "
                   "(docs/scaling.md).")
@click.option("--ray-address", default=None, metavar="ADDRESS",
              help="Ray cluster to run on (--backend ray). Default: $RAY_ADDRESS, else a local Ray started "
                   "for the run.")
@click.option("--segmenter", type=click.Choice(["rules", "stanza"]), default="rules", show_default=True,
              help="Sentence segmenter (see `aligner segment --help`); stanza loads its models from "
                   "--stanza-dir.")
@click.option("--stanza-dir", type=click.Path(exists=True, file_okay=False), default=None, envvar=STANZA_ENV_VAR,
              help="Stanza resources folder for --segmenter stanza (or $ALIGNER_STANZA_DIR; never downloaded).")
@click.option("--beam-size", type=click.IntRange(1, 16), default=4, show_default=True, help="Translation beam size.")
@click.option("--force", is_flag=True,
              help="Replace the outputs in OUTDIR of a run with other options or another model (without it, "
                   "such a folder is refused; a folder of the same configuration is resumed).")
@click.option("--keep-duplicates", is_flag=True,
              help="One unit per link in aligned.tmx and machine-translated.tmx, even where links repeat the same "
                   "source and target text (a headline in the article and again in its translation). Default: "
                   "each distinct pair once, its highest-scoring occurrence, with how often it occurred as "
                   "<prop type=\"x-occurrences\">; aligned.tsv and bitext.jsonl always have every link.")
@click.option("--no-mine", "no_mine", is_flag=True,
              help="Do not mine comparable pairs: without it, a pair that is not a translation but tells the "
                   "same story has its translated sentences found in any order, and those at or above "
                   "--min-score enter aligned.tmx marked x-origin=mined.")
@alignment_options
@models_dir_option
@input_options
@quiet_option
def run_command(inputs, src_lang, tgt_lang, targets, pair_by, outdir, model, method, max_link, concat_margin,
                min_similarity, min_score, jobs, backend, ray_address, segmenter, stanza_dir, embedder, beam_size, force,
                keep_duplicates, no_mine, folders, include, encoding, quiet):
    """Segment, translate, align, score and package a batch of articles.

    INPUT is a file or a folder of source-language articles. Started again with the same
    options after an interruption, it skips the documents already finished and reuses cached
    translations and embeddings. Every sentence ends up in the bitext: those without a
    counterpart are listed as unaligned in report.html, never dropped.

    aligned.tmx holds only what a translator can trust: human translations whose probability
    is at least --min-score, from document pairs that are translations of each other. A pair
    that is not (most of its links improbable: two different articles with one file name) is
    said in one line on stderr and has its row in report.html; its sentences that are
    translations all the same (a quote, a translated paragraph, in any order) are mined, and
    those at or above --min-score enter aligned.tmx marked x-origin=mined (--no-mine: none). Units whose
    target is the machine translation (inputs without a human one) go to machine-translated.tmx,
    each marked as MT (creationid="MT") with its quality-estimation score as x-score.

    With --targets, each input is paired with at most one target (--pair-by; decisions and
    why in OUTDIR/pairs.tsv and report.html); an input without a translation there goes the
    machine-translation route. A target that cannot be read (wrong language, not text) is left
    out of the pairing and reported (exit code 3). A document pair that
    fails is tried again once, then left out and listed in OUTDIR/failed.tsv; the run goes on
    and exits with code 3 (2: bad input or options, nothing done). Interrupted (Ctrl-C or
    SIGTERM), it keeps the finished documents, prints the command that resumes and exits 130.
    An OUTDIR inside an input folder is never read as input; an OUTDIR written with other
    options or another model is refused unless --force.

    \b
    Examples:
      aligner run corpora/fa --targets corpora/parallel/fa-en/en --from fa --to en -o out/fa-en
      aligner run corpora/ar --targets corpora/parallel/ar-en/en --from ar --to en --min-score 0.95 -o out/ar-en   # a stricter memory
      aligner run corpora/fa/police-telegram-cooperation.txt --from fa --to en -o out/police-mt   # no --targets: aligned with its MT
      aligner run corpora/fa --targets corpora/parallel/fa-en/en --from fa --to en -o out/ray --backend ray
      aligner run corpora/fa --targets corpora/en --pair-by content --from fa --to en -o out/by-content   # names say nothing
    """
    from ..pipeline.driver import run
    from ..pipeline.job import JobOptions
    from ..pipeline.outputs import FAILED_FILE
    from . import ignore_interrupts, warn

    if src_lang == tgt_lang:
        raise click.BadParameter("--from and --to must differ", param_hint="--to")
    if pair_by != "auto" and targets is None:
        raise click.BadParameter("needs --targets", param_hint="--pair-by")
    if ray_address is not None and backend != "ray":
        raise click.BadParameter("needs --backend ray", param_hint="--ray-address")
    options = JobOptions(src_lang=src_lang, tgt_lang=tgt_lang, model=model, method=method, max_link=max_link,
                         concat_margin=concat_margin, min_similarity=min_similarity, segmenter=segmenter,
                         stanza_dir=stanza_dir, embedder=embedder, encoding=encoding, beam_size=beam_size,
                         models_dir=str(folders.installed), mine=not no_mine)
    try:
        summary = run(inputs, Path(outdir), options, targets=targets, include=include, jobs=jobs,
                      min_score=min_score, progress=not quiet, notice=warn, backend=backend, address=ray_address,
                      force=force, keep_duplicates=keep_duplicates, pair_by=pair_by)
    except Interrupted as exc:
        raise Interrupted(f"{exc}; resume with: {resume_command()}") from None
    ignore_interrupts()  # the outputs are complete: an interrupt now must not turn success into 130
    _print_summary(summary)
    if summary.failed:
        raise SomeInputsFailed(f"{len(summary.failed)} document pair(s) failed and are left out of the outputs; "
                               f"see {summary.outdir / FAILED_FILE}")
    unread = [decision for decision in summary.pairs or () if decision.left_out]
    if unread:
        raise SomeInputsFailed(f"{len(unread)} target document(s) could not be read and were left out of the "
                               f"pairing ({unread[0].target}: {unread[0].reason}); see {summary.outdir / 'pairs.tsv'}")


def resume_command() -> str:
    """The command line that started this run: given again, it skips the finished documents."""
    return shlex.join(["aligner", *sys.argv[1:]])


def _print_summary(summary) -> None:
    rows = []
    for outcome in summary.results:
        counts = outcome.counts
        target = outcome.job.target.doc_id if outcome.job.target else "(machine translation)" \
            if summary.translation_model else "(none)"
        status = "failed" if outcome.failure is not None else "reused" if outcome.reused else "done"
        mean = counts.mean_score
        rows.append((outcome.job.source.doc_id, target, str(counts.aligned), str(counts.src_unaligned),
                     str(counts.tgt_unaligned), f"{mean:.2f}" if mean is not None else "-", status))
    header = ("document", "target", "pairs", "src unaligned", "tgt unaligned", "mean score", "status")
    widths = [max(len(row[k]) for row in rows + [header]) for k in range(len(header))]
    for row in [header] + rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    for name, path in summary.outputs.items():
        click.echo(f"{name:>7}: {path}")
