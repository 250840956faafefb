"""Sentence translation with CTranslate2: streaming, length-sorted token batches, a resumable cache.

    translator = make_translator("fa-en", "fa", "en")   # installed pair, name, folder or .argosmodel
    for t in translator.translate(["..."]):             # streams Translation(text, score) in order
        print(t.text)
    translator.translate_list(["..."])                  # -> list[str], what the later stages call

How it is fast: sentences are read in windows of a few thousand (memory stays flat however large
the input); inside a window each distinct text is translated once, in batches of similar length
whose padded size stays under a token budget; every finished batch goes into an SQLite cache
keyed by model, decoding options and text, so a killed run resumes where it stopped and a rerun
translates nothing. Sentences longer than ``max_input_tokens`` are split at clause punctuation
(then at spaces) and their parts' translations joined. Work per input byte is bounded: a
"sentence" longer than ``max_sentence_chars`` characters (a 1 MB word, a file with no
punctuation) is translated from its first ``max_sentence_chars`` characters, with a warning
naming it; the rest is reported, not translated.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections import Counter, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

import regex
from tqdm import tqdm

from ..cache import KeyedCache
from ..document import Document, Sentence
from ..errors import AlignerError, ModelError
from ..paths import cache_dir
from ..signature import Signature
from .layouts import TranslationModel
from .store import ModelFolders, find_installed, load_model

DEVICES = ("auto", "cpu", "cuda")
COMPUTE_TYPES = ("default", "auto", "int8", "int8_float32", "int8_float16", "int8_bfloat16",
                 "int16", "float16", "bfloat16", "float32")
# Clause boundaries (Latin and Arabic-script punctuation) where an over-long sentence may be cut.
_CLAUSE_END = regex.compile(r"(?<=[,;:\u060C\u061B\u2013\u2014)\]])\s+")
_SPACE = regex.compile(r"\s+")
MAX_SENTENCE_CHARS = 5_000  # some 20 news sentences: longer is a runaway line or a huge word


@dataclass(frozen=True)
class Translation:
    """The best hypothesis for one sentence; ``score`` is CTranslate2's length-normalised log-prob."""

    text: str
    score: float
    parts: int = 1  # >1 when the source was split because it exceeded max_input_tokens


def resolve_device(device: str) -> str:
    if device not in DEVICES:
        raise AlignerError(f"unknown device {device!r} (choose from {', '.join(DEVICES)})")
    import ctranslate2

    gpus = ctranslate2.get_cuda_device_count()
    if device == "cuda" and gpus == 0:
        raise AlignerError("--device cuda: CTranslate2 sees no CUDA GPU here (use --device cpu or auto)")
    if device != "auto":
        return device
    return "cuda" if gpus > 0 else "cpu"


class Translator:
    """Translates a stream of sentences with one model for one language pair.

    Options mirror ctranslate2.Translator.translate_batch where they exist; ``max_batch_tokens``
    bounds the padded source tokens of a batch, ``window`` how many sentences are held at once.
    ``cache`` is the SQLite file of the translation cache (None: no cache).
    """

    def __init__(self, model: TranslationModel, src_lang: Optional[str] = None,
                 tgt_lang: Optional[str] = None, *, beam_size: int = 4, length_penalty: float = 1.0,
                 max_decoding_length: int = 256, replace_unknowns: bool = True, device: str = "auto",
                 compute_type: str = "default", threads: int = 0, max_batch_tokens: int = 1024,
                 max_input_tokens: int = 256, window: int = 8192, cache: Optional[Path] = None,
                 progress: bool = False, max_sentence_chars: int = MAX_SENTENCE_CHARS,
                 warn: Optional[Callable[[str], None]] = None):
        self.model = model
        self.src_lang = src_lang or self.model.src_lang
        self.tgt_lang = tgt_lang or self.model.tgt_lang
        if not self.src_lang or not self.tgt_lang:
            raise ModelError(f"{self.model.path}: the model does not say its languages; pass --from and --to")
        self.model.check_pair(self.src_lang, self.tgt_lang)
        if beam_size < 1 or max_batch_tokens < 1 or max_input_tokens < 4 or window < 1 or max_sentence_chars < 1:
            raise AlignerError("beam size, max batch tokens, max sentence characters and window must be >= 1, "
                               "max input tokens >= 4")
        if compute_type not in COMPUTE_TYPES:
            raise AlignerError(f"unknown compute type {compute_type!r} (choose from {', '.join(COMPUTE_TYPES)})")
        self.device = resolve_device(device)
        # int8 is the fastest exact-enough choice on CPUs; on GPUs let CTranslate2 pick.
        self.compute_type = ("int8" if self.device == "cpu" else "auto") if compute_type == "default" else compute_type
        self.threads = threads or min(os.cpu_count() or 1, 16)
        self.options = dict(beam_size=beam_size, length_penalty=length_penalty,
                            max_decoding_length=max_decoding_length, replace_unknowns=replace_unknowns)
        self.max_batch_tokens = max_batch_tokens
        self.max_input_tokens = max_input_tokens
        self.window = window
        self.max_sentence_chars = max_sentence_chars
        self.warn = warn or logging.getLogger(__name__).warning
        self.progress = progress
        self.cache = TranslationCache(Path(cache)) if cache is not None else None
        self._ct2 = None
        self.stats = {"translated": 0, "cached": 0, "target_tokens": 0, "cut": 0}

    def signature(self) -> Signature:
        """What decides the output text: model, pair and decoding options (not threads or batching)."""
        return Signature.of("translator", model=self.model.signature(), pair=f"{self.src_lang}>{self.tgt_lang}",
                            **self.options, max_input_tokens=self.max_input_tokens,
                            max_sentence_chars=self.max_sentence_chars, compute_type=self.compute_type)

    @property
    def ctranslate2(self):
        if self._ct2 is None:
            self._ct2 = self.model.load_ctranslate2(self.device, self.compute_type, self.threads)
        return self._ct2

    # -- public API ----------------------------------------------------------------------------
    def translate(self, sentences: Iterable[str]) -> Iterator[Translation]:
        """Translations of ``sentences`` in input order, streamed window by window."""
        iterator = iter(sentences)
        with tqdm(desc=f"translating {self.src_lang}->{self.tgt_lang}", unit="sent", smoothing=0.1,
                  disable=None if self.progress else True, leave=False) as bar:
            while True:
                window = list(itertools.islice(iterator, self.window))
                if not window:
                    return
                done = self._translate_window(window, bar)
                yield from (done[text] for text in window)

    def translate_list(self, sentences: Sequence[str]) -> List[str]:
        return [t.text for t in self.translate(sentences)]

    # -- internals -----------------------------------------------------------------------------
    def _translate_window(self, window: List[str], bar) -> Dict[str, Translation]:
        multiplicity = Counter(window)
        unique = list(multiplicity)
        signature = self.signature().long
        done = self.cache.get_many(signature, unique) if self.cache is not None else {}
        self.stats["cached"] += len(done)
        for text in unique:
            if not text.strip() and text not in done:
                done[text] = Translation("", 0.0)  # nothing to translate; never sent to the model
        bar.update(sum(multiplicity[text] for text in done))
        # Each pending text becomes one or more token sequences (units), reassembled afterwards.
        units: List[Tuple[str, int, List[str]]] = []
        remaining: Dict[str, int] = {}
        for text in unique:
            if text not in done:
                encoded = self._encode_parts(text)
                remaining[text] = len(encoded)
                units.extend((text, k, tokens) for k, tokens in enumerate(encoded))
        parts: Dict[str, list] = {text: [None] * n for text, n in remaining.items()}
        order = sorted(range(len(units)), key=lambda i: len(units[i][2]))
        for batch in self._batches(order, units):
            results = self._run_batch([units[i][2] for i in batch])
            finished: Dict[str, Translation] = {}
            for i, (text_out, score) in zip(batch, results):
                text, k, _ = units[i]
                parts[text][k] = (text_out, score)
                remaining[text] -= 1
                if remaining[text] == 0:
                    pieces = parts.pop(text)
                    finished[text] = Translation(" ".join(p for p, _ in pieces if p),
                                                 sum(s for _, s in pieces) / len(pieces), len(pieces))
            if finished:
                done.update(finished)
                if self.cache is not None:
                    self.cache.put_many(signature, finished.items())
                self.stats["translated"] += len(finished)
                bar.update(sum(multiplicity[text] for text in finished))
        return done

    def _batches(self, order: List[int], units) -> Iterator[List[int]]:
        """Consecutive runs of length-sorted units whose padded size fits the token budget."""
        batch: List[int] = []
        longest = 0
        for i in order:
            length = len(units[i][2])
            if batch and max(longest, length) * (len(batch) + 1) > self.max_batch_tokens:
                yield batch
                batch, longest = [], 0
            batch.append(i)
            longest = max(longest, length)
        if batch:
            yield batch

    def _run_batch(self, sources: List[List[str]]) -> List[Tuple[str, float]]:
        prefix = self.model.target_prefix(self.tgt_lang)
        results = self.ctranslate2.translate_batch(
            sources, target_prefix=[prefix] * len(sources) if prefix else None, return_scores=True,
            max_input_length=0, **self.options)
        out = []
        for source, result in zip(sources, results):
            tokens = result.hypotheses[0]
            self.stats["target_tokens"] += len(tokens)
            out.append((self.model.decode(tokens, self.tgt_lang), result.scores[0]))
        return out

    def _encode(self, text: str) -> List[str]:
        return self.model.encode(text, self.src_lang, self.tgt_lang)

    def _encode_parts(self, text: str) -> List[List[str]]:
        """Token sequences for ``text``: one, or several when it is longer than max_input_tokens;
        a text over max_sentence_chars is cut there first (with a warning)."""
        if len(text) > self.max_sentence_chars:
            self.stats["cut"] += 1
            self.warn(f"a sentence of {len(text):,} characters ({text[:40]!r}...) is translated from its first "
                      f"{self.max_sentence_chars:,} characters only (see --max-sentence-chars)")
            text = text[:self.max_sentence_chars]
        tokens = self._encode(text)
        if len(tokens) <= self.max_input_tokens:
            return [tokens]
        return [self._encode(piece) for piece in self._split_text(text)]

    def _fits(self, piece: str) -> bool:
        return len(self._encode(piece)) <= self.max_input_tokens

    def _split_text(self, text: str) -> List[str]:
        """Cut at clause punctuation, then at spaces, then inside words, packing greedily."""
        pieces: List[str] = []
        for clause in _CLAUSE_END.split(text):
            if self._fits(clause):
                pieces.append(clause)
                continue
            for word in _SPACE.split(clause):
                if word:
                    pieces.extend([word] if self._fits(word) else self._cut_word(word))
        packed: List[str] = []
        for piece in pieces:
            if packed and self._fits(packed[-1] + " " + piece):
                packed[-1] += " " + piece
            else:
                packed.append(piece)
        return packed


    def _cut_word(self, word: str) -> List[str]:
        """A word longer than one input, cut into pieces that fit. No SentencePiece piece is longer
        than 16 characters, so no try is longer than 16 x max_input_tokens characters: each piece
        costs a few bounded encodings and the whole word linear time."""
        pieces = []
        longest = 16 * self.max_input_tokens
        while word:
            cut = min(len(word), longest)
            while cut > 1 and not self._fits(word[:cut]):
                cut //= 2
            pieces.append(word[:cut])
            word = word[cut:]
        return pieces


class PivotTranslator:
    """src -> pivot -> tgt through two Translators, streamed; scores add up."""

    def __init__(self, first: Translator, second: Translator):
        self.first, self.second = first, second
        self.src_lang, self.tgt_lang = first.src_lang, second.tgt_lang

    def signature(self) -> Signature:
        return Signature.of("pivot", first=self.first.signature(), second=self.second.signature())

    @property
    def stats(self) -> dict:
        return {key: self.first.stats[key] + self.second.stats[key] for key in self.first.stats}

    def translate(self, sentences: Iterable[str]) -> Iterator[Translation]:
        firsts: deque = deque()

        def middle():
            for translation in self.first.translate(sentences):
                firsts.append(translation)
                yield translation.text

        for final in self.second.translate(middle()):
            first = firsts.popleft()
            yield Translation(final.text, first.score + final.score, max(first.parts, final.parts))

    def translate_list(self, sentences: Sequence[str]) -> List[str]:
        return [t.text for t in self.translate(sentences)]


def make_translator(model, src_lang: str, tgt_lang: str, pivot: Optional[str] = None,
                    folders: Optional[ModelFolders] = None, cache: Union[bool, Path] = True,
                    **options) -> Union[Translator, PivotTranslator]:
    """A Translator for src->tgt: ``model`` (path/name/pair/TranslationModel) or the installed one.

    With ``pivot`` (e.g. 'en') and no direct model, chains src->pivot and pivot->tgt models.
    The defaults are resolved here, at the library's entry point, with paths.py: ``folders``
    None is ModelFolders.default(); ``cache`` True is the per-user translation cache, False none,
    a path that file. ``options`` go to Translator.
    """
    folders = folders or ModelFolders.default()
    if cache is True:
        cache = cache_dir() / "translations.sqlite"
    options["cache"] = cache or None
    if model is not None:
        return Translator(load_model(model, folders), src_lang, tgt_lang, **options)
    direct = find_installed(src_lang, tgt_lang, folders.installed)
    if direct is not None:
        return Translator(direct, src_lang, tgt_lang, **options)
    if pivot and pivot not in (src_lang, tgt_lang):
        first = find_installed(src_lang, pivot, folders.installed)
        second = find_installed(pivot, tgt_lang, folders.installed)
        missing = [f"{a}->{b}" for (a, b), m in (((src_lang, pivot), first), ((pivot, tgt_lang), second)) if m is None]
        if missing:
            raise ModelError(f"no installed model for {src_lang}->{tgt_lang}, nor for the pivot step "
                             f"{' and '.join(missing)} (see `aligner models available`)")
        return PivotTranslator(Translator(first, src_lang, pivot, **options),
                               Translator(second, pivot, tgt_lang, **options))
    hint = "" if pivot else "; --pivot en chains two models"
    raise ModelError(f"no installed model for {src_lang}->{tgt_lang} (see `aligner models available`{hint})")


def translate_documents(documents: Iterable[Document], translator) -> Iterator[Tuple[Sentence, Translation]]:
    """(sentence, translation) for every sentence of every (segmented) document, in order.

    All documents feed one stream, so batches mix sentences of different files.
    """
    pending: deque = deque()

    def texts():
        for document in documents:
            for sentence in document.sentences:
                pending.append(sentence)
                yield sentence.text

    for translation in translator.translate(texts()):
        yield pending.popleft(), translation


class TranslationCache(KeyedCache):
    """Translations keyed by sha1(translator signature, source text)."""

    table = "translations"
    columns = "text TEXT, score REAL, parts INTEGER"
    what = "translation cache"

    def get_many(self, signature: str, texts: Sequence[str]) -> Dict[str, Translation]:
        return {text: Translation(*stored) for text, *stored in self._get_rows(signature, texts)}

    def put_many(self, signature: str, items) -> None:
        self._put_rows(signature, ((s, t.text, t.score, t.parts) for s, t in items))
