"""Document pairs in, BitextLink records out.

Paragraphs are hard delimiters when both documents have the same number of them (more than
one) and they correspond (paragraphs.py): each paragraph pair is aligned on its own, so no link
crosses a paragraph boundary. Otherwise the documents are aligned as one sequence of sentences.
Sentence vectors are computed once for the whole document either way.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Dict, List, Optional, Sequence


from ..bitext import BitextLink
from ..document import Document, Sentence
from ..signature import Value
from . import signals
from .core import (EMBEDDING_METHODS, AlignConfig, AlignedLink, align_sentences, resolve_method, signature,
                   too_unequal)
from .link_scores import paired_ratio
from .paragraphs import paragraph_segments


def align_documents(src_doc: Document, tgt_doc: Document, embedder=None,
                    translations: Optional[Sequence[str]] = None,
                    back_translations: Optional[Sequence[str]] = None,
                    config: Optional[AlignConfig] = None, paragraphs: bool = True, *,
                    segmenter: Value = None, translator: Value = None) -> List[BitextLink]:
    """Align two segmented documents; every sentence of each appears in exactly one link.

    ``segmenter`` and ``translator`` are the caller's signatures (str or Signature) of what
    split the documents into sentences and what made ``translations``; the links' provenance
    records them with the aligner's own settings (see core.signature).
    """
    config = config or AlignConfig()
    src, tgt = src_doc.sentences, tgt_doc.sentences
    method = resolve_method(config.method, embedder is not None, translations is not None)
    src_vectors = tgt_vectors = None
    if method in EMBEDDING_METHODS and src and tgt and not too_unequal(len(src), len(tgt)):
        vectors = embedder.encode([s.text for s in src] + [t.text for t in tgt])
        src_vectors, tgt_vectors = vectors[:len(src)], vectors[len(src):]
    pieces = [(range(len(src)), range(len(tgt)))]
    if paragraphs:
        pieces = paragraph_segments(src, tgt, _correspondence_vectors(src_vectors, tgt_vectors, translations, tgt))
    ratio = None
    if len(pieces) > 1 and src_vectors is not None:
        ratio = paired_ratio(src_vectors, tgt_vectors, signals.char_lengths([s.text for s in src]),
                             signals.char_lengths([t.text for t in tgt]), pieces)
    # Every piece is aligned with the method resolved for the whole document pair.
    piece_config = replace(config, method=method)
    links: List[AlignedLink] = []
    for src_range, tgt_range in pieces:
        for link in align_sentences(
                [src[i].text for i in src_range], [tgt[j].text for j in tgt_range],
                src_doc.lang, tgt_doc.lang, embedder=embedder,
                translations=[translations[i] for i in src_range] if translations is not None else None,
                back_translations=[back_translations[j] for j in tgt_range] if back_translations is not None else None,
                config=piece_config,
                src_vectors=src_vectors[src_range.start:src_range.stop] if src_vectors is not None else None,
                tgt_vectors=tgt_vectors[tgt_range.start:tgt_range.stop] if tgt_vectors is not None else None,
                document_vectors=(src_vectors, tgt_vectors) if src_vectors is not None and len(pieces) > 1 else None,
                document_ratio=ratio):
            link.src_ids = tuple(src_range.start + i for i in link.src_ids)
            link.tgt_ids = tuple(tgt_range.start + j for j in link.tgt_ids)
            links.append(link)
    aligner_signature = signature(config, method, getattr(embedder, "model_id", None), src_doc.lang, tgt_doc.lang,
                                  segmenter=segmenter, translator=translator)
    provenance = {"aligner": aligner_signature.long}
    return [to_bitext(link, src_doc, tgt_doc, provenance) for link in links]


def _correspondence_vectors(src_vectors, tgt_vectors, translations, tgt: Sequence[Sentence]):
    """What tells whether paragraphs correspond: the sentence embeddings, else (MT bridge) hashed
    n-gram vectors of the translations against the target, else nothing (length method)."""
    if src_vectors is not None:
        return src_vectors, tgt_vectors
    if translations is not None and tgt:
        return signals.hashed_ngram_vectors(translations), signals.hashed_ngram_vectors([t.text for t in tgt])
    return None


def to_bitext(link: AlignedLink, src_doc: Document, tgt_doc: Document, provenance: dict) -> BitextLink:
    """The record of an aligned link. BitextLink's names are a file format (JSONL keys, TMX
    properties, TSV columns) that later stages read, so the link's values are stored under
    them here and only here: the search cost as ``cost``, the similarity as ``similarity``,
    each signal value as ``scores["align_<signal>"]`` beside the scorer's quality scores, and
    the path margin as ``scores["align_path_margin"]``."""
    return BitextLink(
        src_doc=src_doc.doc_id, tgt_doc=tgt_doc.doc_id, src_lang=src_doc.lang, tgt_lang=tgt_doc.lang,
        src_ids=link.src_ids, tgt_ids=link.tgt_ids,
        src=" ".join(src_doc.sentences[i].text for i in link.src_ids),
        tgt=" ".join(tgt_doc.sentences[j].text for j in link.tgt_ids),
        cost=link.search_cost, similarity=link.similarity, scores=aligner_scores(link), provenance=dict(provenance))


def aligner_scores(link: AlignedLink) -> Dict[str, float]:
    """The aligner's values of a link under their ``scores`` names: ``align_<signal>`` and
    ``align_path_margin``."""
    scores = {f"align_{name}": value for name, value in link.signal_values.items()}
    if link.path_margin is not None:
        scores["align_path_margin"] = link.path_margin
    return scores


def split_below(links: Sequence[BitextLink], min_similarity: float, src_doc: Document,
                tgt_doc: Document) -> List[BitextLink]:
    """Links under ``min_similarity`` become 1-0 and 0-1 links, so nothing is dropped."""
    kept: List[BitextLink] = []
    for link in links:
        if link.is_unaligned or (link.similarity or 0.0) >= min_similarity:
            kept.append(link)
            continue
        for i in link.src_ids:
            kept.append(_single(link, src_doc, tgt_doc, (i,), ()))
        for j in link.tgt_ids:
            kept.append(_single(link, src_doc, tgt_doc, (), (j,)))
    return kept


def _single(link: BitextLink, src_doc: Document, tgt_doc: Document, src_ids, tgt_ids) -> BitextLink:
    return BitextLink(
        src_doc=link.src_doc, tgt_doc=link.tgt_doc, src_lang=link.src_lang, tgt_lang=link.tgt_lang,
        src_ids=src_ids, tgt_ids=tgt_ids, src=" ".join(src_doc.sentences[i].text for i in src_ids),
        tgt=" ".join(tgt_doc.sentences[j].text for j in tgt_ids), cost=None, similarity=0.0,
        scores={"align_rejected_similarity": link.similarity or 0.0}, provenance=dict(link.provenance))

