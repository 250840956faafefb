"""Scale of pairing by content (benchmarks/pairing.py --scale N): N x N synthetic articles of
30 sentences with precomputed 384-dimensional vectors (70 % of the sources have a translation
among the targets: their vectors plus noise; the rest, and the other targets, are unrelated
articles; every vector shares a common direction, as e5's do). Prints the time and the peak
memory that pairing allocates beyond the vectors themselves (tracemalloc, which sees numpy's
buffers), pair precision and recall, and the time e5-small would take to embed the same
articles on this machine (measured on 256 real FLORES sentences, uncached, extrapolated). Times
are CPU seconds of the process (OMP_NUM_THREADS=1: one core), so a machine shared with other
work does not distort the ratio; wall time is printed beside.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from aligner.pairing.content import pair_by_content
from aligner.pairing.model import PARALLEL, PairingDocument

SENTENCES = 30
DIM = 384
TRANSLATED = 0.7
SAMPLE = 256


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def synthetic(n: int, seed: int = 1):
    """(sources, targets, gold source index -> target index)."""
    rng = np.random.default_rng(seed)
    common = _unit(rng.normal(size=DIM))
    # Sentences of one article share its topic; vectors ~0.75 cosine apart within a language, as e5's.
    def article():
        topic = rng.normal(size=DIM) * 0.4
        return _unit(common * 20 + topic + rng.normal(size=(SENTENCES, DIM)) * 0.45)
    sources = [PairingDocument(f"s{i}", article()) for i in range(n)]
    order = rng.permutation(n)
    gold = {}
    targets = []
    for k in range(n):
        i = int(order[k])
        if k < TRANSLATED * n:
            noisy = _unit(sources[i].vectors + rng.normal(size=(SENTENCES, DIM)).astype(np.float32) * 0.02)
            targets.append(PairingDocument(f"t{len(targets)}", noisy))
            gold[i] = len(targets) - 1
        else:
            targets.append(PairingDocument(f"t{len(targets)}", article()))
    return sources, targets, gold


def embedding_seconds_per_sentence() -> float:
    from aligner.embed import get_embedder
    from aligner.paths import shared_dir

    lines = (shared_dir() / "data" / "flores200" / "devtest.en").read_text(encoding="utf-8").splitlines()[:SAMPLE]
    embedder = get_embedder(use_cache=False)
    embedder.encode(lines[:8])  # the model's loading is not per sentence
    start = time.process_time()
    embedder.encode(lines)
    return (time.process_time() - start) / len(lines)


def scale_benchmark(n: int) -> None:
    sources, targets, gold = synthetic(n)
    sim = float(np.mean([sources[0].vectors[k] @ sources[1].vectors[k] for k in range(SENTENCES)]))
    tracemalloc.start()
    start, wall = time.process_time(), time.perf_counter()
    decisions = pair_by_content(sources, targets)
    seconds, wall = time.process_time() - start, time.perf_counter() - wall
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    names = {d.doc_id: k for k, d in enumerate(targets)}
    predicted = {int(d.source[1:]): names[d.target] for d in decisions
                 if d.source and d.target and d.verdict == PARALLEL}
    right = sum(gold.get(i) == j for i, j in predicted.items())
    start = time.process_time()
    [alone, *_] = pair_by_content(sources[:1], targets)
    one_source = time.process_time() - start
    per_sentence = embedding_seconds_per_sentence()
    embedding = per_sentence * 2 * n * SENTENCES
    vectors_mb = 2 * n * SENTENCES * DIM * 4 / 2**20
    print(f"{n} x {n} articles of {SENTENCES} sentences ({vectors_mb:.0f} MiB of vectors; unrelated sentences "
          f"~{sim:.2f} cosine)")
    print(f"pairing: {seconds:.1f} CPU s ({wall:.1f} s wall on a shared machine), peak memory beyond the vectors {peak / 2**20:.0f} MiB; "
          f"precision {right / max(1, len(predicted)):.4f}, recall {right / len(gold):.4f}")
    print(f"one source against the {n} targets: {one_source:.1f} CPU s, paired with {alone.target} "
          f"(gold: t{gold.get(0, 'none')})")
    print(f"embedding the same articles with e5-small: {per_sentence * 1000:.1f} CPU ms/sentence here -> "
          f"{embedding:.0f} CPU s; pairing is {100 * seconds / embedding:.2f} % of it")
