"""Candidate pairs: the k nearest documents of each document, by document vectors.

A document vector is the mean of its sentence vectors (those of boilerplate sentences left
out), with each side's mean vector subtracted (a side of 16 documents or more): every e5 vector of one language shares a large
common direction, which would otherwise make all documents of that language look alike.
Nearest neighbours come from blocked matrix products (exact): a block of source rows against
every target at a time, so memory is ``block x targets`` floats plus the candidates, never
sources x targets. Exact blocked search costs ~n·m·d multiply-adds: 10,000 x 10,000 articles
of 384 dimensions is a few seconds (benchmarks/pairing.py --scale); a collection far larger
would want an approximate index (not built: nothing here needs it yet).
"""

from __future__ import annotations

from typing import List, Sequence, Set

import numpy as np

from .model import PairingDocument

NEIGHBOURS = 8  # candidates per document in each direction
BLOCK = 1024  # rows of one matrix product
MIN_CENTRED = 16  # documents a side needs for its mean to be subtracted


def document_vectors(documents: Sequence[PairingDocument], weights: Sequence[np.ndarray], dim: int) -> np.ndarray:
    """One centred, L2-normalised row per document (a document without sentences: zeros)."""
    rows = np.zeros((len(documents), dim), dtype=np.float32)
    for k, (document, weight) in enumerate(zip(documents, weights)):
        if len(document.vectors) and weight.sum() > 0:
            rows[k] = weight @ document.vectors / weight.sum()
        elif len(document.vectors):
            rows[k] = document.vectors.mean(axis=0)
    present = np.abs(rows).sum(axis=1) > 0
    # A side of a few documents is not centred: its mean is mostly the documents themselves (one
    # document would become zero). Its rows rank the other side's the same either way.
    if present.sum() >= MIN_CENTRED:
        rows[present] -= rows[present].mean(axis=0)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.maximum(norms, 1e-12)


def top_k(queries: np.ndarray, keys: np.ndarray, k: int = NEIGHBOURS, block: int = BLOCK) -> np.ndarray:
    """For every query row, the indices of its ``k`` most similar key rows (any order)."""
    k = min(k, len(keys))
    found = np.zeros((len(queries), k), dtype=np.int64)
    if k == 0:
        return found
    for start in range(0, len(queries), block):
        scores = queries[start:start + block] @ keys.T
        found[start:start + block] = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    return found


def candidate_pairs(src: np.ndarray, tgt: np.ndarray, k: int = NEIGHBOURS) -> List[Set[int]]:
    """For every source, its k nearest targets and, of the targets that have it among their k
    nearest, the k most similar (so one source among 10,000 targets gets 2k candidates, not
    10,000)."""
    if not len(tgt) or not len(src):
        return [set() for _ in range(len(src))]
    candidates: List[Set[int]] = [set(row) for row in top_k(src, tgt, k).tolist()]
    reverse: List[List[int]] = [[] for _ in range(len(src))]
    for j, row in enumerate(top_k(tgt, src, k).tolist()):
        for i in row:
            reverse[i].append(j)
    for i, found in enumerate(reverse):
        if len(found) > k:
            found = [found[n] for n in np.argsort(-(tgt[found] @ src[i]), kind="stable")[:k]]
        candidates[i].update(found)
    return candidates
