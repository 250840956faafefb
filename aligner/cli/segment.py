"""aligner segment: documents in, one sentence per line (or JSONL) out."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tqdm import tqdm

from ..formats.atomic import atomic_write, open_output
from ..segment.stanza import ENV_VAR as STANZA_ENV_VAR
from ..segment.base import SEGMENTERS, get_segmenter, segment_document
from ..text.reading import iter_sources
from .common import LANG_CHOICES, fail_fast_option, finish_batch, input_options, read_all, read_checked


@click.command()
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("--lang", type=click.Choice(LANG_CHOICES), default="auto", show_default=True,
              help="Language of the input; 'auto' identifies it per document (fa, ar or en).")
@click.option("--format", "output_format", type=click.Choice(["txt", "jsonl"]), default="txt",
              show_default=True,
              help="txt: one sentence per line, a blank line between paragraphs and documents. "
                   "jsonl: one object per sentence with doc, paragraph, sentence, start, end, lang, text.")
@click.option("--segmenter", type=click.Choice(SEGMENTERS.names()), default="rules", show_default=True,
              help="rules: the built-in rules for news text. stanza: Stanza's tokenizer from --stanza-dir.")
@click.option("--stanza-dir", type=click.Path(exists=True, file_okay=False), default=None, envvar=STANZA_ENV_VAR,
              help="Stanza resources folder for --segmenter stanza (never downloaded).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Output file (written atomically). Default: stdout.")
@click.option("--keep-text", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Also write the text read from each input to DIR/<doc>.txt: what an HTML page, "
                   "WARC record, DOCX, ODT or PDF gave, one block per line with blank lines between "
                   "them; the jsonl offsets count in it.")
@fail_fast_option
@input_options
def segment(inputs, lang, output_format, segmenter, stanza_dir, output, keep_text, fail_fast, include, encoding):
    """Split documents into sentences.

    INPUT is a file, a folder (read recursively, see --include) or - for stdin. Line breaks are
    always boundaries; a headline without final punctuation ends at its line break. The
    original text is output unchanged (ZWNJ, digits and punctuation as they were).

    \b
    Examples:
      aligner segment corpora/fa/police-telegram-cooperation.txt
      aligner segment corpora/fa corpora/en --format jsonl -o sentences.jsonl
      cat corpora/ar/durov-case-paris-prosecutor.txt | aligner segment - --lang ar
      aligner segment corpora/fa --format jsonl --keep-text extracted/ -o fa.jsonl

    Inputs may be plain text, HTML pages, WARC crawls (each HTML page one document, named by
    its URL), DOCX, ODT and PDF; the format is found from the content (docs/formats.md).
    """
    options = {"resources_dir": stanza_dir} if segmenter == "stanza" else {}
    sources = list(iter_sources(inputs, include))
    documents, problems = read_all(sources, lambda source: read_checked(source, lang, encoding),
                                   lambda source: source.display_name, fail_fast)
    if keep_text:
        for _, document in documents:
            write_kept_text(Path(keep_text), document)
    with open_output(output) as out:
        first = True
        for _, document in tqdm(documents, desc="segmenting", unit="doc", leave=False,
                                disable=None if len(documents) > 1 else True):
            segment_document(document, get_segmenter(segmenter, document.lang, **options))
            if output_format == "jsonl":
                for sentence in document.sentences:
                    out.write(json.dumps(sentence.to_dict(), ensure_ascii=False) + "\n")
                continue
            for group in document.sentences_by_paragraph():
                if not first:
                    out.write("\n")
                first = False
                out.write("".join(s.text + "\n" for s in group))
    finish_batch(problems, len(sources))


def write_kept_text(folder: Path, document) -> Path:
    """DIR/<doc id>.txt holding the document's text as read (atomically); returns its path."""
    path = folder / (document.doc_id if document.doc_id != "stdin" else "stdin")
    path = path.with_name(path.name + ".txt")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as handle:
        handle.write(document.text)
    return path
