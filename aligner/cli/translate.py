"""aligner translate: documents in, one translation per source sentence out (txt or JSONL)."""

from __future__ import annotations

import codecs
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Iterator, Optional

import click

from ..document import Document, Sentence
from ..errors import InputError
from ..text.reading import check_encoding, iter_sources
from ..segment.stanza import ENV_VAR as STANZA_ENV_VAR
from ..segment.base import SEGMENTERS, get_segmenter, segment_document
from ..translate.translator import (COMPUTE_TYPES, DEVICES, MAX_SENTENCE_CHARS, make_translator,
                                    translate_documents)
from ..formats.atomic import open_output
from ..formats.documents import DOCUMENT_FORMATS, format_of_suffix
from ..progress import Progress
from .common import LANGS, input_options, load_documents, quiet_option
from .models import models_dir_option


def iter_presegmented(inputs, include, encoding) -> Iterator[Document]:
    """One Document per line, read as a stream (a 1 GB file is never held whole).

    A blank line becomes an empty sentence, which translates to an empty line without the model,
    so the txt output keeps the input's line numbers.
    """
    for source in iter_sources(inputs, include):
        for number, line in _stream_lines(source, encoding):
            text = line.strip()
            yield Document(doc_id=source.doc_id, text=text, path=source.display_name,
                           sentences=[Sentence(source.doc_id, number, number, 0, len(text), text, text, "")])


def _stream_lines(source, encoding: Optional[str]):
    name = source.display_name
    check_encoding(encoding or "utf-8-sig")  # one line for rot13, hex, zlib, as `segment` says it
    decoder = codecs.getincrementaldecoder(encoding or "utf-8-sig")(errors="strict")
    raw = sys.stdin.buffer if source.path is None else open(source.path, "rb")
    try:
        for number, chunk in enumerate(raw):
            try:
                line = decoder.decode(chunk).rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: line {number + 1}: not {encoding or 'UTF-8'} "
                                 f"({exc.reason}); pass --encoding") from None
            if "\x00" in line:
                raise InputError(f"{name}: line {number + 1}: NUL byte (a binary file?)")
            yield number, line
    finally:
        if source.path is not None:
            raw.close()


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--from", "src_lang", type=click.Choice(LANGS), required=True, help="Source language.")
@click.option("--to", "tgt_lang", type=click.Choice(LANGS), required=True, help="Target language.")
@click.option("--model", default=None, metavar="NAME|PATH",
              help="Installed model name, pair name (fa-en), model folder or .argosmodel file. "
                   "Default: the installed model for --from/--to.")
@click.option("--pivot", type=click.Choice(LANGS), default=None,
              help="Without a direct model, translate through this language (fa->ar via en).")
@click.option("--presegmented", is_flag=True,
              help="Input is one sentence per line: no segmentation; blank lines stay blank.")
@click.option("--format", "output_format", type=click.Choice(["txt", "jsonl", *DOCUMENT_FORMATS.names()]),
              default=None,
              help="txt (the default): one translation per source sentence, line-aligned with --source-out "
                   "(a blank line between paragraphs and documents). jsonl: doc, paragraph, sentence, source, "
                   "translation, score per line. docx, odt, html: the translated document itself (one INPUT, "
                   "-o needed): the input's paragraphs, headings, tables and bold/italic/links kept, marked "
                   "right to left for fa/ar and left to right for en, language tags set; an input of "
                   "another format (PDF, text) becomes a new document. Default: the format "
                   "-o's extension (.docx, .odt, .html) names, else txt.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (written atomically). Default: stdout (txt and jsonl only).")
@click.option("--source-out", type=click.Path(dir_okay=False), default=None,
              help="Also write the source sentences, line-aligned with the txt output.")
@click.option("--beam-size", type=click.IntRange(1), default=4, show_default=True, help="Beam width.")
@click.option("--length-penalty", type=float, default=1.0, show_default=True,
              help="Length penalty of the beam search (Argos Translate uses 0.2).")
@click.option("--max-decoding-length", type=click.IntRange(1), default=256, show_default=True,
              help="Maximum translation length in tokens.")
@click.option("--device", type=click.Choice(DEVICES), default="auto", show_default=True,
              help="auto uses a CUDA GPU when CTranslate2 sees one.")
@click.option("--compute-type", type=click.Choice(COMPUTE_TYPES), default="default", show_default=True,
              help="Weight/activation precision; default is int8 on CPU, CTranslate2's choice on GPU.")
@click.option("--threads", type=click.IntRange(0), default=0, show_default=True,
              help="CPU threads (0: all cores).")
@click.option("--max-batch-tokens", type=click.IntRange(1), default=1024, show_default=True,
              help="Token budget of one batch (padded source tokens).")
@click.option("--max-input-tokens", type=click.IntRange(4), default=256, show_default=True,
              help="Longer sentences are split at clause punctuation (then spaces) and the parts' "
                   "translations joined.")
@click.option("--max-sentence-chars", type=click.IntRange(1), default=MAX_SENTENCE_CHARS, show_default=True,
              help="A longer \"sentence\" (a runaway line, a huge word) is translated from its first this many "
                   "characters, with a warning: work stays bounded per input byte.")
@click.option("--window", type=click.IntRange(1), default=8192, show_default=True,
              help="Sentences read ahead and sorted by length at once; memory is bounded by this, "
                   "not by the input size.")
@click.option("--no-cache", is_flag=True,
              help="Do not read or write the translation cache (by default a rerun or a resumed run "
                   "translates only what is not cached yet).")
@click.option("--segmenter", type=click.Choice(SEGMENTERS.names()), default="rules", show_default=True,
              help="Sentence segmenter (see `aligner segment`); stanza uses --stanza-dir or the "
                   "model's stanza/ folder.")
@click.option("--stanza-dir", type=click.Path(exists=True, file_okay=False), default=None, envvar=STANZA_ENV_VAR,
              help="Stanza resources folder for --segmenter stanza.")
@models_dir_option
@input_options
@quiet_option
def translate(inputs, src_lang, tgt_lang, model, pivot, presegmented, output_format, output, source_out,
              beam_size, length_penalty, max_decoding_length, device, compute_type, threads,
              max_batch_tokens, max_input_tokens, max_sentence_chars, window, no_cache, segmenter, stanza_dir, folders,
              include, encoding, quiet):
    """Translate documents sentence by sentence with a local CTranslate2 model.

    INPUT is a file, a folder (read recursively, see --include) or - for stdin. Every input is
    segmented, and all sentences of all files are translated as one stream of length-sorted
    batches; identical sentences are translated once and every translation is cached, so an
    interrupted run picks up where it stopped.

    Without --model, the installed model for --from/--to is used (see `aligner models`).

    INPUT may be plain text, HTML, WARC, DOCX, ODT or PDF (see `aligner segment`). With -o
    out.docx, out.odt or out.html the translation is that document: a DOCX, ODT or HTML input
    keeps its structure and formatting, any other input becomes a new document; see
    docs/translation.md ("Translating documents") for what maps.

    \b
    Examples:
      aligner translate corpora/fa --from fa --to en -o fa.en.txt --source-out fa.txt
      aligner translate corpora/ar --from ar --to en --format jsonl -o ar.en.jsonl
      # one sentence per line in and out (what `aligner align --translation` reads)
      aligner translate corpora/parallel/fa-en/police-telegram-cooperation.fa.sents --presegmented --from fa --to en -o police.fa-en.mt
      # no fa->ar model installed: through English (fa->en, then en->ar)
      aligner translate corpora/parallel/fa-en/police-telegram-cooperation.fa.sents --presegmented --from fa --to ar --pivot en -o police.fa-ar.mt
      # a model folder, not installed (NLLB-200 for CTranslate2); one translation per line, for bench
      aligner translate corpora/fa/police-telegram-cooperation.txt --presegmented --from fa --to en --model ./nllb-200-distilled-600M-ct2 --beam-size 2 -o police.nllb.en
      # documents: the same format back, right to left for fa/ar (headings, tables, bold kept)
      aligner translate article.docx --from en --to ar -o article.ar.docx
      aligner translate article.html --from en --to ar -o article.ar.html
      # plain text or a PDF in, a new DOCX out
      aligner translate corpora/fa/police-telegram-cooperation.txt --from fa --to en -o police.en.docx
    """
    from . import warn

    if src_lang == tgt_lang:
        raise click.BadParameter("--from and --to are the same language", param_hint="--to")
    document_format = _document_format(inputs, output, output_format)
    if document_format is not None and (presegmented or source_out):
        raise click.UsageError(f"--presegmented and --source-out apply to txt/jsonl output, not to {document_format}")
    translator = make_translator(
        model, src_lang, tgt_lang, pivot, folders=folders,
        beam_size=beam_size, length_penalty=length_penalty, max_decoding_length=max_decoding_length,
        device=device, compute_type=compute_type, threads=threads, max_batch_tokens=max_batch_tokens,
        max_input_tokens=max_input_tokens, max_sentence_chars=max_sentence_chars, window=window,
        cache=not no_cache, progress=False, warn=warn)
    if document_format is not None:
        _translate_document(inputs[0], output, document_format, translator, src_lang, tgt_lang, segmenter,
                            stanza_dir, encoding, quiet)
        return
    if presegmented:
        documents = iter_presegmented(inputs, include, encoding)
    else:
        backend = _segmenter(segmenter, src_lang, stanza_dir, translator)
        documents = (segment_document(d, backend) for d in load_documents(inputs, src_lang, include, encoding,
                                                                          lang_option="--from", quiet=quiet))
    started = time.perf_counter()
    with Progress("translating", "sent", quiet=quiet) as progress:
        count = _write_translations(translate_documents(documents, translator), output, source_out,
                                    output_format or "txt", presegmented, progress)
    if sys.stderr.isatty() and not quiet:
        stats = translator.stats
        elapsed = time.perf_counter() - started
        click.echo(f"aligner: translated {count} sentences in {elapsed:.1f}s ({stats['cached']} from cache, "
                   f"{stats['target_tokens'] / max(elapsed, 1e-9):.0f} target tokens/s)", err=True)


def _segmenter(name: str, lang: str, stanza_dir, translator):
    options = {}
    if name == "stanza":
        first = getattr(translator, "first", translator)
        options["resources_dir"] = stanza_dir or (str(first.model.stanza_dir) if first.model.stanza_dir else None)
    return get_segmenter(name, lang, **options)


def _document_format(inputs, output, output_format) -> Optional[str]:
    """The document format to write (docx, odt, html: --format, else -o's extension), or None
    for txt/jsonl; a document needs one input file and an output file."""
    if output_format in ("txt", "jsonl"):
        return None
    chosen = output_format or (format_of_suffix(output) if output else None)
    if chosen is None:
        return None
    if len(inputs) != 1 or not Path(inputs[0]).is_file():
        raise click.UsageError(f"{chosen} output: give one input file (a document translates into one document)")
    if output is None or output == "-":
        raise click.UsageError(f"--format {chosen}: name the output file with -o")
    return chosen


def _translate_document(path, output, document_format, translator, src_lang, tgt_lang, segmenter_name,
                        stanza_dir, encoding, quiet) -> None:
    from ..formats.translated_documents import translate_file

    backend = _segmenter(segmenter_name, src_lang, stanza_dir, translator)
    with Progress("translating", "doc", quiet=quiet) as progress:
        done = translate_file(path, output, translator, backend, tgt_lang, document_format, encoding)
        progress.update(1)
    if sys.stderr.isatty() and not quiet:
        click.echo(f"aligner: {output}: {done.sentences} sentences in {done.blocks} blocks translated "
                   f"({done.input_format} -> {done.output_format})", err=True)


def _write_translations(pairs, output, source_out, output_format: str, presegmented: bool, progress) -> int:
    """Write (sentence, translation) pairs as txt or JSONL; returns how many sentences there were."""
    count = 0
    with open_output(output) as out, \
            (open_output(source_out) if source_out else contextlib.nullcontext()) as src_out:
        previous = None  # (doc, paragraph) of the last line written, for blank separator lines
        for sentence, translation in pairs:
            count += 1
            progress.update(1)
            if output_format == "jsonl":
                if sentence.text:
                    out.write(json.dumps({
                        "doc": sentence.doc_id, "paragraph": sentence.paragraph, "sentence": sentence.index,
                        "source": sentence.text, "translation": translation.text,
                        "score": round(translation.score, 4)}, ensure_ascii=False) + "\n")
                continue
            where = (sentence.doc_id, sentence.paragraph)
            separator = "\n" if (not presegmented and previous is not None and where != previous) else ""
            previous = where
            out.write(separator + translation.text + "\n")
            if src_out is not None:
                src_out.write(separator + sentence.text + "\n")
    return count
