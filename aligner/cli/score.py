"""aligner score: (re-)score every pair of a bitext, TMX or TSV file."""

from __future__ import annotations

import click

from ..formats.bitext_files import output_format, read_links, write_links
from ..progress import Progress
from ..score import Scorer, default_components
from . import warn
from .bitext_options import language_options, output_options
from .common import quiet_option


@click.command(name="score")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@output_options
@language_options
@click.option("--embedder", default="e5-small", show_default=True, metavar="NAME|PATH",
              help="Sentence embedding model for semantic similarity: e5-small (bundled) or a local "
                   "sentence-transformers folder. Its calibration is fitted for e5-small.")
@click.option("--model", default=None, metavar="NAME|PATH",
              help="Translation model (installed name, folder or pair such as fa-en; see `aligner models`) "
                   "for the MT agreement component: chrF between its translation of the source and the "
                   "target, for pairs in --src-lang -> --tgt-lang. Without it, mt is the aligner's stored "
                   "MT score where there is one.")
@quiet_option
def score_command(inputs, output, kind, embedder, model, src_lang, tgt_lang, quiet):
    """Compute every quality score of every pair, replacing stored scores.

    Each pair gets its components (semantic, length, numbers, punctuation, lang_src, lang_tgt,
    mt when a translation exists, link) and the combined score in [0, 1]; nothing is dropped —
    thresholds are `aligner filter`'s job. The scorer's signature goes into each pair's
    provenance. Use it to re-score a translation memory made by another tool.

    \b
    Examples:
      aligner score police.bitext.jsonl -o police.scored.jsonl
      aligner score police.bitext.jsonl --model fa-en --src-lang fa --tgt-lang en -o police.mt-scored.jsonl
      aligner score out/fa-en/aligned.tmx -o fa-en.rescored.tmx       # any TMX, e.g. from another tool
      aligner score ar-en.tsv --format tsv -o ar-en.scored.tsv
    """
    translate, translator_signature = None, "none"
    if model is not None:
        if not (src_lang and tgt_lang):
            raise click.UsageError("--model needs --src-lang and --tgt-lang (the pair it translates)")
        from ..translate.translator import make_translator

        translator = make_translator(model, src_lang, tgt_lang)
        translate, translator_signature = translator.translate_list, translator.signature()
    scorer = Scorer(default_components(embedder, translate, translator_signature, mt_pair=(src_lang, tgt_lang)))
    with Progress("scoring", "pair", quiet=quiet) as progress:
        links = progress.track(scorer.score_links(read_links(inputs, src_lang, tgt_lang)))
        summary = write_links(links, output, output_format(output, kind), warn=warn)
    click.echo(f"aligner: scored and wrote {summary}", err=True)
