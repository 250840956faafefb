"""aligner align: a document and its translation in, sentence links (bitext JSONL) out."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Tuple

import click

from ..errors import InputError
from ..text.reading import Source, iter_lines, iter_sources, pair_sources, read_document
from ..formats.atomic import open_output
from .common import alignment_options, input_options

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
              help="Do not use paragraphs as hard boundaries even when both sides have the same number.")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="jsonl", show_default=True,
              help="jsonl: bitext records (texts, ids, cost, similarity) for `aligner package`. "
                   "tsv: src_ids, tgt_ids, similarity, source text, target text. vecalign: "
                   "[i,...]:[j,...]:cost lines (a blank line between document pairs).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (written atomically). Default: stdout.")
@alignment_options
@input_options
def align(src, tgt, src_lang, tgt_lang, method, translation, back_translation, model, embedder, max_link,
          concat_margin, min_similarity, presegmented, ignore_paragraphs, output_format, output, include, encoding):
    """Align a document with its translation into sentence links.

    SRC and TGT are two files, or two folders whose files are paired by name (the language code
    in a name such as news.fa.txt / news.en.txt is ignored when pairing). Every sentence of both
    sides is output exactly once; sentences without a counterpart become 1-0 / 0-1 links. Links
    may join up to --max-link sentences (1-2, 2-1, 2-2, 1-3, 3-1 by default).

    \b
    Examples:
      aligner align article.fa.txt article.en.txt --src-lang fa --tgt-lang en
      aligner align fa/ en/ --src-lang fa --tgt-lang en -o bitext.jsonl
      aligner align a.de b.fr --src-lang de --tgt-lang fr --presegmented --format vecalign
      aligner align a.fa a.en --src-lang fa --tgt-lang en --translation a.fa-en.mt --method mt
      aligner align a.fa a.en --min-similarity 0.5 --format tsv
    """
    from ..align import AlignConfig
    from ..align.documents import align_documents, mean_similarity, split_below
    from ..formats.vecalign import format_vecalign
    from ..bitext import write_bitext
    from . import warn

    pairs = pair_files_or_folders(src, tgt, include)
    translations = _side_files(translation, pairs, 0, "--translation", include)
    back_translations = _side_files(back_translation, pairs, 1, "--back-translation", include)
    if model and translation:
        raise click.UsageError("give --translation or --model, not both")
    config = AlignConfig(method=method, max_link=max_link, concat_margin=concat_margin)
    vectors = None
    if method in ("auto", "embed"):
        from ..embed import get_embedder

        vectors = get_embedder(embedder)
    translators = {}  # (src, tgt) -> translator: each model is loaded once, not once per document
    with open_output(output) as out:
        for k, (src_source, tgt_source) in enumerate(pairs):
            src_doc = _load(src_source, src_lang, presegmented, encoding, "--src-lang")
            tgt_doc = _load(tgt_source, tgt_lang, presegmented, encoding, "--tgt-lang")
            src_mt = _read_lines(translations[k], len(src_doc.sentences), encoding) if translations else None
            tgt_mt = _read_lines(back_translations[k], len(tgt_doc.sentences), encoding) if back_translations else None
            if model:
                from ..translate.translator import make_translator

                langs = (src_doc.lang, tgt_doc.lang)
                if langs not in translators:
                    translators[langs] = make_translator(model, *langs)
                src_mt = translators[langs].translate_list([s.text for s in src_doc.sentences])
            links = align_documents(src_doc, tgt_doc, embedder=vectors, translations=src_mt,
                                    back_translations=tgt_mt, config=config, paragraphs=not ignore_paragraphs)
            similarity = mean_similarity(links)
            if links and similarity < 0.3:
                warn(f"{src_doc.doc_id} / {tgt_doc.doc_id}: mean link similarity {similarity:.2f}; "
                     "these documents look comparable, not parallel (see --min-similarity)")
            if min_similarity > 0:
                links = split_below(links, min_similarity, src_doc, tgt_doc)
            if output_format == "jsonl":
                write_bitext(links, out)
            elif output_format == "tsv":
                for link in links:
                    out.write("\t".join([",".join(map(str, link.src_ids)), ",".join(map(str, link.tgt_ids)),
                                         f"{link.similarity or 0.0:.4f}", _one_line(link.src), _one_line(link.tgt)]))
                    out.write("\n")
            else:
                if k:
                    out.write("\n")
                for line in format_vecalign((link.src_ids, link.tgt_ids, link.cost or 0.0) for link in links):
                    out.write(line + "\n")


def _one_line(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ")


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


def _read_lines(source: Source, expected: int, encoding: Optional[str]) -> List[str]:
    lines = iter_lines(source, encoding)
    if len(lines) != expected:
        raise InputError(f"{source.display_name}: {len(lines)} lines, but the document has {expected} "
                         "sentences (need one translation per sentence, in order)")
    return lines


def _load(source: Source, lang: str, presegmented: bool, encoding: Optional[str], option: str):
    from ..align.documents import presegmented_document
    from ..text.langid import check_language, identify
    from ..segment.base import segment_document

    if presegmented:
        document = presegmented_document(source, lang, encoding)
        if lang == "auto":
            found = identify(document.text)[0]
            document = presegmented_document(source, found if found != "und" else "auto", encoding)
        else:
            check_language(document, lang, option)
        return document
    document = read_document(source, encoding, lang)
    if lang != "auto":
        check_language(document, lang, option)
    return segment_document(document)
