"""One document pair through every stage: read once -> segment -> translate -> align -> score.

`aligner align`, `aligner run` (local processes) and the distributed runner all call the same
two steps: :func:`read_side` decodes an input once and checks its language (cheap, done where
the input is read, so bad input is found before any work), and :meth:`PairAligner.align_pair`
does the rest with models that a :class:`PairAligner` loads once and reuses for every pair.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ..bitext import MACHINE_TRANSLATION, BitextLink
from ..document import Document
from ..errors import InputError, ModelError
from ..score.verdict import COMPARABLE, DocumentVerdict, document_verdict
from ..signature import Signature
from ..text.langid import check_language, identify, identify_document
from ..text.reading import LINE_BREAK, Source, decode, document_from_bytes, document_from_lines, read_bytes


@dataclass(frozen=True)
class JobOptions:
    """Everything that decides a pair's links, so a changed option redoes a finished pair."""

    src_lang: str
    tgt_lang: str
    model: Optional[str] = None  # translation model spec; None: see PairAligner's use_installed_model
    method: str = "auto"
    max_link: int = 4
    concat_margin: float = 0.05
    min_similarity: float = 0.0
    segmenter: str = "rules"
    stanza_dir: Optional[str] = None  # Stanza resources, for segmenter "stanza"
    embedder: str = "e5-small"
    encoding: Optional[str] = None
    beam_size: int = 4
    presegmented: bool = False  # inputs hold one sentence per line, blank lines between paragraphs
    paragraphs: bool = True  # paragraphs are hard delimiters where both sides' paragraphs correspond
    models_dir: Optional[str] = None  # where installed models are found (None: the default folder)
    mine: bool = True  # mine the translated sentences of a pair judged comparable (`align` turns it off)

    @property
    def mines(self) -> bool:
        """Whether a comparable pair is mined: asked for, and the method reads embeddings."""
        from ..align import EMBEDDING_METHODS

        return self.mine and self.method in EMBEDDING_METHODS

    def signature(self) -> Signature:
        # Where the models live decides nothing by itself: the translator's signature names the model.
        fields = {name: value for name, value in asdict(self).items() if name != "models_dir"}
        return Signature.of("job", **fields)


@dataclass(frozen=True)
class GivenLines:
    """Lines supplied with a document, one per sentence (a machine translation made elsewhere)."""

    name: str
    lines: Tuple[str, ...]


@dataclass
class PairInput:
    """A document pair, read and decoded; ``target`` None aligns the source with its own MT."""

    source: Document
    target: Optional[Document]
    translations: Optional[GivenLines] = None  # MT of the source's sentences into the target language
    back_translations: Optional[GivenLines] = None  # MT of the target's sentences into the source language


@dataclass
class PairResult:
    links: List[BitextLink]
    notes: List[str] = field(default_factory=list)  # remarks for the report
    warnings: List[str] = field(default_factory=list)  # what the user should see at once
    verdict: Optional[DocumentVerdict] = None  # is the pair a translation, judged from its scored links


def read_side(source: Source, lang: str, options: JobOptions, option: str,
              data: Optional[bytes] = None) -> Document:
    """Decode one input (``data``: its bytes, when the caller has read them already) into a
    Document in ``lang`` ("auto": identified), checking that its text is in that language.
    ``option`` names the command-line option that gave ``lang``, for the error message."""
    if data is None:
        data = read_bytes(source)
    path = str(source.path) if source.path is not None else None
    if not options.presegmented:
        document = document_from_bytes(source, data, options.encoding, lang)
    else:
        lines = LINE_BREAK.split(decode(data, source.display_name, options.encoding))
        if lang == "auto":
            found = identify("\n".join(lines))[0]
            lang = found if found != "und" else "auto"
        document = document_from_lines(source.doc_id, lines, lang, path)
    if lang != "auto":
        check_language(document, lang, option)
    return document


def load_translator(options: JobOptions, src_lang: str, tgt_lang: str, use_installed_model: bool,
                    threads: int = 0):
    """The translator of ``options`` for the pair, or None when there is no model to use (see
    :class:`PairAligner`). Loading reads the model's description only; CTranslate2 loads the
    weights on the first translation, so a driver can call this for the model's signature."""
    from ..translate.store import ModelFolders
    from ..translate.translator import make_translator

    if options.model is None and not use_installed_model:
        return None
    try:
        return make_translator(options.model, src_lang, tgt_lang, folders=ModelFolders.default(options.models_dir),
                               beam_size=options.beam_size, threads=threads)
    except ModelError:
        if options.model is not None:
            raise  # the user named a model: failing to load it is an error, not a fallback
        return None


def translator_signature(translator) -> str:
    """What identifies a translator's output in a fingerprint ("none" without one)."""
    return str(translator.signature()) if translator is not None else "none"


class PairAligner:
    """The per-process state of a job: models are loaded once and reused for every pair.

    With ``use_installed_model`` (the main job), a pair without ``options.model`` is translated
    with the installed model of its language pair when there is one; otherwise only a named
    model translates.
    """

    def __init__(self, options: JobOptions, use_installed_model: bool = False, threads: int = 0):
        from ..embed import get_embedder

        self.options = options
        self.use_installed_model = use_installed_model
        self.threads = threads  # translator threads; 0: as many as the machine has (a Ray actor passes its CPUs)
        # One embedder serves the aligner and the semantic-similarity score.
        self.embedder = get_embedder(options.embedder)
        self._segmenters: Dict[str, object] = {}
        self._translators: Dict[Tuple[str, str], object] = {}
        self._scorers: Dict[Tuple[str, str], object] = {}

    def segmenter(self, lang: str):
        from ..segment.base import get_segmenter

        if lang not in self._segmenters:
            options = {"resources_dir": self.options.stanza_dir} if self.options.segmenter == "stanza" else {}
            self._segmenters[lang] = get_segmenter(self.options.segmenter, lang, **options)
        return self._segmenters[lang]

    def translator(self, src_lang: str, tgt_lang: str):
        """The translator of the pair, or None when there is no model to use."""
        key = (src_lang, tgt_lang)
        if key not in self._translators:
            self._translators[key] = load_translator(self.options, src_lang, tgt_lang, self.use_installed_model,
                                                     self.threads)
        return self._translators[key]

    def scorer(self, src_lang: str, tgt_lang: str, machine_target: bool = False):
        """The pair's Scorer. A target that is the machine translation is scored without MT
        agreement (the model would be compared with itself): what remains is quality estimation."""
        from ..score import Scorer, default_components

        key = (src_lang, tgt_lang, machine_target)
        if key not in self._scorers:
            translator = None if machine_target else self.translator(src_lang, tgt_lang)
            self._scorers[key] = Scorer(default_components(
                self.options.embedder, translator.translate_list if translator else None,
                translator.signature() if translator else "none", embedder=self.embedder,
                mt_pair=(src_lang, tgt_lang)))
        return self._scorers[key]

    def segment(self, document: Document) -> Document:
        from ..segment.base import segment_document

        if self.options.presegmented:
            return document
        if document.lang == "auto":
            identify_document(document)
        return segment_document(document, self.segmenter(document.lang))

    def _segmenter_signature(self, lang: str) -> Signature:
        if self.options.presegmented:
            return Signature.of("segmenter", name="presegmented")
        return self.segmenter(lang).signature()

    def align_pair(self, pair: PairInput) -> PairResult:
        """Segment, translate, align and score one pair; every sentence ends in exactly one link."""
        from ..align import EMBEDDING_METHODS, AlignConfig
        from ..align.core import too_unequal
        from ..align.documents import align_documents, split_below

        options, result = self.options, PairResult([])
        src_doc = self.segment(pair.source)
        human = self.segment(pair.target) if pair.target is not None else None
        translations = _given(pair.translations, src_doc)
        translator = self.translator(src_doc.lang, human.lang if human else options.tgt_lang)
        # What made the translations, for the provenance: the given file, or the model.
        translations_by = Signature.of("given", file=pair.translations.name) if translations is not None else None
        if translations is None and translator is not None and src_doc.sentences:
            translations = translator.translate_list([s.text for s in src_doc.sentences])
            translations_by = translator.signature()
        tgt_doc = human if human is not None else self._machine_target(src_doc, translations, result.notes)
        if human is None and translations is not None:
            # Translated sentence by sentence: sentence k's translation is sentence k, no search.
            links = _sentence_by_sentence(src_doc, tgt_doc, self._segmenter_signature(src_doc.lang), translations_by)
            scorer = self.scorer(src_doc.lang, tgt_doc.lang, machine_target=True)
        else:
            back_translations = _given(pair.back_translations, tgt_doc)
            config = AlignConfig(method=options.method, max_link=options.max_link,
                                 concat_margin=options.concat_margin)
            links = align_documents(src_doc, tgt_doc,
                                    embedder=self.embedder if options.method in EMBEDDING_METHODS else None,
                                    translations=translations, back_translations=back_translations, config=config,
                                    paragraphs=options.paragraphs, segmenter=self._segmenter_signature(src_doc.lang),
                                    translator=translations_by)
            if options.min_similarity > 0:
                links = split_below(links, options.min_similarity, src_doc, tgt_doc)
            scorer = self.scorer(src_doc.lang, tgt_doc.lang)
        if too_unequal(len(src_doc.sentences), len(tgt_doc.sentences)):
            result.warnings.append(f"{src_doc.doc_id} / {tgt_doc.doc_id}: {len(src_doc.sentences)} and "
                                   f"{len(tgt_doc.sentences)} sentences, too unequal for a document and its "
                                   "translation: every sentence is reported unaligned")
        result.links = list(scorer.score_links(links))
        result.verdict = document_verdict(result.links)
        if pair.target is not None and result.verdict.verdict == COMPARABLE:
            result.warnings.append(f"{src_doc.doc_id} / {tgt_doc.doc_id}: these documents look comparable, not "
                                   f"parallel ({result.verdict.describe()})")
            if options.mines:
                result.links = self._mine(src_doc, tgt_doc, scorer, result.notes)
        unaligned = sum(link.is_unaligned for link in result.links)
        if unaligned and tgt_doc.sentences:
            result.notes.append(f"{src_doc.doc_id}: {unaligned} sentence(s) without a counterpart (1-0/0-1 links)")
        return result

    def _mine(self, src_doc: Document, tgt_doc: Document, scorer, notes: List[str]) -> List[BitextLink]:
        """The links of a comparable pair as mined (align/mining.py), scored; the aligner's
        links are replaced: in order, they hold few if any translations of such a pair."""
        from ..align.mining import DEFAULT_MINER, MINERS, mine_documents
        from ..score import DEFAULT_MIN_PROBABILITY

        links = list(scorer.score_links(mine_documents(src_doc, tgt_doc, self.embedder, MINERS.get(DEFAULT_MINER)())))
        mined = [link for link in links if not link.is_unaligned]
        probable = sum((link.score or 0.0) >= DEFAULT_MIN_PROBABILITY for link in mined)
        notes.append(f"{src_doc.doc_id}: mined from comparable documents: {len(mined)} sentence pair(s), "
                     f"{probable} at or above probability {DEFAULT_MIN_PROBABILITY:g}")
        return links

    def _machine_target(self, src_doc: Document, translations: Optional[Sequence[str]],
                        notes: List[str]) -> Document:
        """The target of a source without a human translation: its own machine translation, else
        an empty document (every source sentence is then reported unaligned)."""
        doc_id, tgt_lang = src_doc.doc_id, self.options.tgt_lang
        if translations is not None:
            notes.append(f"{doc_id}: no target document; aligned with its own machine translation")
            return document_from_lines(f"{doc_id} (MT)", translations, tgt_lang, blank_line_is_paragraph_break=False)
        notes.append(f"{doc_id}: no target document and no translation model; "
                     f"all {len(src_doc.sentences)} sentences reported unaligned")
        return Document(doc_id=f"{doc_id} (no target)", text="", lang=tgt_lang)


def _sentence_by_sentence(src_doc: Document, tgt_doc: Document, segmenter: Signature,
                          translator: Signature) -> List[BitextLink]:
    """The links of a source and its own machine translation, sentence k with translation k; a
    blank translation leaves its sentence unaligned (1-0 and 0-1)."""
    aligner = Signature.of("sentence-by-sentence", segmenter=segmenter, translator=translator)
    provenance = {"aligner": aligner.long, MACHINE_TRANSLATION: str(translator)}
    links = []
    for k, (source, target) in enumerate(zip(src_doc.sentences, tgt_doc.sentences)):
        pairs = [((k,), (k,))] if target.text.strip() else [((k,), ()), ((), (k,))]
        for src_ids, tgt_ids in pairs:
            links.append(BitextLink(
                src_doc.doc_id, tgt_doc.doc_id, src_doc.lang, tgt_doc.lang, src_ids, tgt_ids,
                source.text if src_ids else "", target.text if tgt_ids else "", provenance=dict(provenance)))
    return links


def _given(lines: Optional[GivenLines], document: Document) -> Optional[List[str]]:
    """Supplied translations of ``document``'s sentences, checked to be one per sentence. Blank
    lines between paragraphs (as `aligner translate` writes them) are skipped when the other
    lines are exactly one per sentence."""
    if lines is None:
        return None
    if len(lines.lines) == len(document.sentences):
        return list(lines.lines)
    non_blank = [line for line in lines.lines if line.strip()]
    if len(non_blank) == len(document.sentences):
        return non_blank
    counted = "lines" if len(non_blank) == len(lines.lines) else "non-blank lines"
    raise InputError(f"{lines.name}: {len(non_blank)} {counted}, but the document has {len(document.sentences)} "
                     "sentences (need one translation per sentence, in order)")
