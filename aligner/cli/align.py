"""aligner align: a document and its translation in, scored sentence links (bitext JSONL, TSV or Vecalign) out."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Tuple

import click

from ..bitext import write_bitext
from ..document import check_language_code
from ..errors import InputError
from ..formats.atomic import open_output
from ..formats.tsv import write_tsv
from ..formats.vecalign import format_vecalign
from ..progress import Progress
from ..pipeline.job import GivenLines, JobOptions, PairAligner, PairInput, read_side
from ..text.reading import Source, iter_lines, iter_sources, pair_sources
from .common import alignment_options, fail_fast_option, finish_batch, input_options, quiet_option, read_all

FORMATS = ("jsonl", "tsv", "vecalign")


@click.command()
@click.argument("src", metavar="SRC")
@click.argument("tgt", metavar="TGT")
@click.option("--src-lang", default="auto", show_default=True, metavar="LANG",
              help="Source language (fa, ar, en; any code with --presegmented); auto identifies it.")
@click.option("--tgt-lang", default="auto", show_default=True, metavar="LANG", help="Target language, as --src-lang.")
@click.option("--translation", type=click.Path(exists=True), default=None,
              help="Machine translation of SRC into the target language, one line per source sentence "
                   "(a folder of such files, named like SRC's, when SRC is a folder).")
@click.option("--back-translation", type=click.Path(exists=True), default=None,
              help="Machine translation of TGT into the source language, one line per target sentence; "
                   "used with --translation for a two-way MT bridge.")
@click.option("--model", default=None, metavar="NAME|PATH",
              help="Translate SRC with this installed translation model (name, folder or pair such as "
                   "fa-en; see `aligner models`) for the MT bridge, instead of --translation.")
@click.option("--presegmented", is_flag=True,
              help="Inputs hold one sentence per line (blank lines separate paragraphs); default: raw "
                   "documents, segmented with the rules segmenter.")
@click.option("--ignore-paragraphs", is_flag=True,
              help="Do not use paragraphs as hard boundaries. By default they are used when both sides have "
                   "the same number of paragraphs and the paragraphs correspond (each most similar to its "
                   "counterpart, no sentence match across a break); otherwise the whole documents are aligned.")
@click.option("--mine", is_flag=True,
              help="A pair that is not a translation (mostly improbable links) gets mined links instead of its "
                   "alignment: the sentences that translate each other in any order (1-1, ratio margin and "
                   "probability, as `aligner run` does by default), every other sentence 1-0/0-1. Off by "
                   "default: `align` gives the alignment in document order.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: bitext records (texts, sentence ids, alignment cost and similarity, quality "
                   "scores) for `aligner package`/`filter`. tsv: the TSV of `aligner package --format tsv` "
                   "(a header, one row per link, a column per score). vecalign: [i,...]:[j,...]:cost "
                   "lines (a blank line between document pairs).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (written atomically). Default: stdout.")
@alignment_options
@fail_fast_option
@input_options
@quiet_option
def align(src, tgt, src_lang, tgt_lang, method, translation, back_translation, model, embedder, max_link,
          concat_margin, min_similarity, presegmented, ignore_paragraphs, mine, output_format, output, fail_fast,
          include, encoding, quiet):
    """Align a document with its translation into sentence links.

    SRC and TGT are two files, or two folders whose files are paired by name (the language code
    in a name such as news.fa.txt / news.en.txt is ignored when pairing). Every sentence of both
    sides is output exactly once; sentences without a counterpart become 1-0 / 0-1 links. Links
    may join up to --max-link sentences (1-2, 2-1, 2-2, 1-3, 3-1 by default).

    Pairs with Persian or Arabic on one side (--method embed) use weights tuned on perturbed
    fa/ar-en news, at every document length: a sentence the other side does not say costs little
    to leave out, so it becomes a 1-0 / 0-1 link instead of being glued onto a neighbour. Other
    pairs use weights tuned on Text+Berg (de-fr yearbooks), where unaligned sentences are OCR
    debris and leaving a long sentence out costs more. The provenance names the set
    (weights:fa, weights:ar, weights:textberg).

    \b
    Examples:
      aligner align corpora/fa/police-telegram-cooperation.txt corpora/parallel/fa-en/en/police-telegram-cooperation.txt --src-lang fa --tgt-lang en -o police.bitext.jsonl
      # two folders, files paired by name
      aligner align corpora/ar corpora/parallel/ar-en/en --src-lang ar --tgt-lang en --min-similarity 0.5 --format tsv -o ar-en.tsv
      # sentences split already; Vecalign links for `aligner bench align`
      aligner align corpora/parallel/fa-en/police-telegram-cooperation.fa.sents corpora/parallel/fa-en/police-telegram-cooperation.en.sents --presegmented --src-lang fa --tgt-lang en --format vecalign -o police.pred
      # through a machine translation of the source (from `aligner translate --presegmented`)
      aligner align corpora/parallel/fa-en/police-telegram-cooperation.fa.sents corpora/parallel/fa-en/police-telegram-cooperation.en.sents --presegmented --src-lang fa --tgt-lang en --translation police.fa-en.mt --method mt --format vecalign -o police.mt.pred
      # sentence lengths and anchors only: fast, no encoder
      aligner align corpora/parallel/ar-en/durov-case-paris-prosecutor.ar.sents corpora/parallel/ar-en/durov-case-paris-prosecutor.en.sents --presegmented --src-lang ar --tgt-lang en --method length --format vecalign -o durov.length.pred
    """
    from . import warn

    check_language_code(src_lang, "--src-lang", any_language=presegmented)
    check_language_code(tgt_lang, "--tgt-lang", any_language=presegmented)
    pairs = pair_files_or_folders(src, tgt, include)
    translations = _side_files(translation, pairs, 0, "--translation", include)
    back_translations = _side_files(back_translation, pairs, 1, "--back-translation", include)
    if model and translation:
        raise click.UsageError("give --translation or --model, not both")
    options = JobOptions(src_lang=src_lang, tgt_lang=tgt_lang, model=model, method=method, max_link=max_link,
                         concat_margin=concat_margin, min_similarity=min_similarity, embedder=embedder,
                         encoding=encoding, presegmented=presegmented, paragraphs=not ignore_paragraphs, mine=mine)
    aligner = PairAligner(options)

    def read_pair(k: int) -> PairInput:
        src_source, tgt_source = pairs[k]
        return PairInput(read_side(src_source, src_lang, options, "--src-lang"),
                         read_side(tgt_source, tgt_lang, options, "--tgt-lang"),
                         _given_lines(translations, k, encoding), _given_lines(back_translations, k, encoding))

    readable, problems = read_all(range(len(pairs)), read_pair, lambda k: pairs[k][0].display_name, fail_fast)
    tsv_links = []  # one TSV table (a single header) for all pairs
    with open_output(output) as out, Progress("aligning", "doc", total=len(readable), quiet=quiet) as progress:
        for n, (_, pair) in enumerate(readable):
            result = aligner.align_pair(pair)
            progress.update(1, pairs=sum(not link.is_unaligned for link in result.links))
            for message in result.warnings:
                warn(message)
            if output_format == "jsonl":
                write_bitext(result.links, out)
            elif output_format == "tsv":
                tsv_links.extend(result.links)
            else:
                if n:
                    out.write("\n")  # a blank line between document pairs
                for line in format_vecalign((link.src_ids, link.tgt_ids, link.cost or 0.0) for link in result.links):
                    out.write(line + "\n")
        if output_format == "tsv":
            write_tsv(tsv_links, out)
    finish_batch(problems, len(pairs))


def _given_lines(sources: Optional[List[Source]], k: int, encoding: Optional[str]):
    if sources is None:
        return None
    return GivenLines(sources[k].display_name, tuple(iter_lines(sources[k], encoding)))


def pair_files_or_folders(src: str, tgt: str, include) -> List[Tuple[Source, Source]]:
    """Two files, or two folders whose files pair by name (language codes in names ignored)."""
    # Listing first names a missing path as missing, not as a file/folder mismatch.
    src_sources, tgt_sources = list(iter_sources([src], include)), list(iter_sources([tgt], include))
    src_dir, tgt_dir = Path(src).is_dir(), Path(tgt).is_dir()
    if src_dir != tgt_dir:
        raise InputError(f"{src if src_dir else tgt}: a folder must be aligned with a folder, a file with a file")
    if not src_dir:
        return [(src_sources[0], tgt_sources[0])]
    try:
        return pair_sources(src_sources, tgt_sources)
    except InputError as exc:
        raise InputError(f"{tgt}: {exc}") from None


def _side_files(path: Optional[str], pairs, side: int, option: str, include) -> Optional[List[Source]]:
    if path is None:
        return None
    if not Path(path).is_dir():
        if len(pairs) != 1:
            raise InputError(f"{path}: {option} must be a folder when aligning folders")
        return list(iter_sources([path], include))
    found = {s.doc_id: s for s in iter_sources([path], include)}
    files = []
    for pair in pairs:
        if pair[side].doc_id not in found:
            raise InputError(f"{path}: {option} folder has no {pair[side].doc_id}")
        files.append(found[pair[side].doc_id])
    return files
